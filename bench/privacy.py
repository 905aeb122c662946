"""A person's export and erasure on a season's database, with the queries they make.

    DATABASE_URL=postgres://… .venv/bin/python bench/privacy.py EMAIL [EMAIL …]

Runs ``privacy.export_person`` and ``privacy.erase_person`` (what ``manage.py
export_person`` and ``erase_person`` run) for each address on an existing database, such
as a seeded season of a million tickets, and prints each one's time and its slowest
queries with their plans (``EXPLAIN ANALYZE``). The erasure is rolled back, so the run
can be repeated. The baseline, measured in the same run: reading one ticket by its id,
the least a request to the database costs here.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expo.settings")

BUDGET_SECONDS = 1.0  # an export, or an erasure, of one person
SLOWEST = 3  # queries shown with their plans


class QueryLog:
    """Every query a block makes, with its parameters and how long it took."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((time.perf_counter() - started, sql, params, many))


def timed(function, *arguments):
    from django.db import connection

    log = QueryLog()
    with connection.execute_wrapper(log):
        started = time.perf_counter()
        function(*arguments)
        seconds = time.perf_counter() - started
    return seconds, log.queries


def explain(sql, params):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS OFF, COSTS OFF) {sql}", params)
        return [row[0] for row in cursor.fetchall()]


def show(label, seconds, queries):
    verdict = "within budget" if seconds <= BUDGET_SECONDS else "OVER BUDGET"
    print(
        f"  {label}: {seconds * 1000:.0f} ms, {len(queries)} queries   "
        f"budget: <= {BUDGET_SECONDS * 1000:.0f} ms   {verdict}"
    )
    for took, sql, params, many in sorted(queries, key=lambda query: query[0], reverse=True)[
        :SLOWEST
    ]:
        print(f"    {took * 1000:.1f} ms  {sql[:160]}")
        if not many and sql.lstrip().upper().startswith("SELECT"):
            for line in explain(sql, params)[:8]:
                print(f"        {line}")


def main():
    import django

    django.setup()
    from django.db import transaction
    from django_scopes import scopes_disabled

    from ticketing import privacy
    from ticketing.models import Ticket

    addresses = sys.argv[1:]
    if not addresses:
        sys.exit(__doc__)
    with scopes_disabled():
        some = Ticket.objects.order_by("pk").values_list("pk", flat=True)[:1000]
        ids = list(some)
        started = time.perf_counter()
        for pk in ids:
            Ticket.objects.filter(pk=pk).first()
        each_ms = (time.perf_counter() - started) / len(ids) * 1000
        print(f"baseline: one ticket by id in {each_ms:.2f} ms")
        for email in addresses:
            print(email)
            show("export", *timed(privacy.export_person, email))
            with transaction.atomic():
                show("erase", *timed(privacy.erase_person, email))
                transaction.set_rollback(True)


if __name__ == "__main__":
    main()
