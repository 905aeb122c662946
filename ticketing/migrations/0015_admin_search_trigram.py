"""On PostgreSQL, trigram indexes for the back office's search of tickets and orders.

The admin's search matches ``icontains``, which Django writes on PostgreSQL as
``UPPER(column::text) LIKE UPPER('%word%')``: a GIN index of the same expression with
``gin_trgm_ops`` (pg_trgm) finds the rows without reading the table. Built
concurrently, so a running season keeps selling and scanning while they are made.
Other databases search without them.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "ticket_holder_name_trgm": ("ticketing_ticket", "holder_name"),
    "ticket_holder_email_trgm": ("ticketing_ticket", "holder_email"),
    "ticket_organisation_trgm": ("ticketing_ticket", "organisation"),
    "order_email_trgm": ("ticketing_order", "email"),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} "
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("ticketing", "0014_admin_list_indexes")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
