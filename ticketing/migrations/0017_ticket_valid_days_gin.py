"""On PostgreSQL, a GIN index on the days each ticket admits.

The organisers' list, badges and day limits ask for the tickets valid on one day
(``TicketQuerySet.valid_on``): on PostgreSQL a JSONB containment, ``valid_days @>
'["2026-06-02"]'``. ``jsonb_path_ops`` indexes exactly that operator and is a fraction of
the default operator class's size. With it the planner estimates how many tickets a
day has, and either walks the list's own index (a common day: a page's rows are found
in a few hundred) or reads the day's few tickets from this one (a rare day), instead
of scanning every ticket. SQLite matches the days as text and does without it.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS ticket_valid_days "
    "ON ticketing_ticket USING gin (valid_days jsonb_path_ops)"
)
DROP = "DROP INDEX IF EXISTS ticket_valid_days"


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("ticketing", "0016_admin_lists_by_expo")]

    operations = [migrations.RunPython(add_index, drop_index)]
