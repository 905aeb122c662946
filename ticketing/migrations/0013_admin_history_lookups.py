"""Indexes on the admin's history (``django_admin_log``) for the privacy commands
(``ticketing/privacy.py``): an erasure looks up the entries about its objects
(``content_type``, ``object_id``) and the entries whose text holds the person's address
or old name (``icontains`` and ``contains``, which only trigram indexes serve). Without
them each lookup reads the whole history, once per erased object. PostgreSQL only."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "admin_log_object": "(content_type_id, object_id)",
    "admin_log_repr_upper_trgm": "USING gin (UPPER(object_repr) gin_trgm_ops)",
    "admin_log_message_upper_trgm": "USING gin (UPPER(change_message) gin_trgm_ops)",
    "admin_log_message_trgm": "USING gin (change_message gin_trgm_ops)",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON django_admin_log {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("ticketing", "0012_list_and_privacy_indexes"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
