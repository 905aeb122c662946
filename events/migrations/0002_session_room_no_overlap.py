"""On PostgreSQL, forbid overlapping sessions in one room at the database level.

The rule lives in ``events.services.save_session``; this constraint makes sure that no
write, concurrent or not, can break it. Other databases rely on the service alone.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE events_session ADD CONSTRAINT session_room_no_overlap
    EXCLUDE USING gist (room_id WITH =, tstzrange("start", "end", '[)') WITH &&);
"""
DROP = "ALTER TABLE events_session DROP CONSTRAINT IF EXISTS session_room_no_overlap;"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(add_constraint, drop_constraint)]
