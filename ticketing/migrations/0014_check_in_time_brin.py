"""On PostgreSQL, a BRIN index on when each check-in was scanned.

Check-ins are written in the order they are scanned, so each block range of the table
holds a narrow span of time, and a BRIN index of a few dozen kilobytes finds an hour's or
a day's rows (the admin's date drill-down, audits of a gate's hour) among a season's
millions, where a B-tree would take hundreds of megabytes and be updated by every scan.
The expo's and the scan point's B-tree composites keep serving the per-expo, per-day
reads. Other databases do without it (``docs/architecture.md``, "The check-in table").
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS checkin_scanned_at_brin "
    "ON ticketing_checkin USING brin (scanned_at)"
)
DROP = "DROP INDEX IF EXISTS checkin_scanned_at_brin"


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("ticketing", "0013_admin_history_lookups")]

    operations = [migrations.RunPython(add_index, drop_index)]
