"""An index of all tickets newest first, for the back office's list across expos (one
expo's tickets and check-ins use the list indexes of 0012).

On PostgreSQL the tables searched through trigram indexes (0015) are analysed as well:
``ANALYZE`` gathers statistics of an index's expression, here ``UPPER(column)``, only
once the index exists, and without them the planner takes any word for a rare one
(8,000 rows of a million where a common surname is in 150,000) and chooses to collect
and sort all its matches rather than walk the list's order.
"""

from django.conf import settings
from django.db import migrations, models


def analyse_searched_tables(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in ["ticketing_ticket", "ticketing_order"]:
        schema_editor.execute(f"ANALYZE {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0014_schedule_release"),
        ("ticketing", "0015_admin_search_trigram"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["created_at", "id"], name="ticket_created"),
        ),
        migrations.RunPython(analyse_searched_tables, migrations.RunPython.noop),
    ]
