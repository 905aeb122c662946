"""The organisers' lists of tickets and check-ins, page 1 against a page 1000 deep.

    DATABASE_URL=postgres://… .venv/bin/python bench/api_lists.py EXPO [--plans]

On an existing database (a seeded season: a million tickets, millions of scans), asks
``GET /api/v1/expos/{slug}/tickets/`` and ``…/checkins/`` as an organiser of ``EXPO``,
with each filter, for the first page and for the page 1000 deep (50 rows a page: the
cursor after row 50 000 of the walk), and prints the time of each beside the budget.
The baseline, in the same run: the same lists paged by number as before (``?page=``),
which counts every matching row and skips the rows before the page. ``--plans`` prints
the plan (``EXPLAIN ANALYZE``) of each page's query.
"""

import argparse
import base64
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expo.settings")

BUDGET_MS = 100  # one page of 50, however deep
PAGE_SIZE = 50
DEPTH = 1000  # pages
REPEAT = 3


def cursor_after(row, field):
    """The cursor of the page that follows ``row``, as the list's links write it."""
    position = f"{getattr(row, field).isoformat()}|{row.pk}"
    from urllib.parse import urlencode

    return base64.b64encode(urlencode({"p": position}).encode()).decode()


def page_ms(client, url, params):
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = client.get(url, params)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:300]
    return statistics.median(times), response


def plan_of(client, url, params, table):
    """The plan of the query that reads the page's rows."""
    from django.db import connection

    queries = []

    def record(execute, sql, sql_params, many, context):
        queries.append((sql, sql_params))
        return execute(sql, sql_params, many, context)

    with connection.execute_wrapper(record):
        client.get(url, params)
    sql, sql_params = next(
        (sql, p)
        for sql, p in queries
        if f'FROM "{table}"' in sql and "LIMIT" in sql and "COUNT" not in sql
    )
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}", sql_params)
        return [row[0] for row in cursor.fetchall()]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("expo")
    parser.add_argument("--plans", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client
    from django_scopes import scope, scopes_disabled

    from events.models import Expo
    from ticketing import api, selectors

    with scopes_disabled():
        expo = Expo.objects.get(slug=args.expo)
        organiser = expo.organisers.first()
        point = expo.scan_points.order_by("pk").first()
        ticket_type = expo.ticket_types.order_by("pk").first()
        day = expo.start_date.replace(day=expo.start_date.day + 9)
    client = Client(HTTP_HOST="localhost")
    client.force_login(organiser)
    lists = [
        (
            "tickets",
            "ticketing_ticket",
            "created_at",
            selectors.expo_tickets,
            [
                {},
                {"status": "valid"},
                {"ticket_type": ticket_type.slug},
                {"day": day.isoformat()},
            ],
        ),
        (
            "checkins",
            "ticketing_checkin",
            "scanned_at",
            selectors.expo_check_ins,
            [
                {},
                {"scan_point": point.slug},
                {"day": day.isoformat()},
                {"result": "already_inside"},
                {"offline": "true"},
            ],
        ),
    ]
    converted = {"ticket_type": ticket_type, "scan_point": point, "day": day, "offline": True}
    worst = 0
    for name, table, field, selector, filters in lists:
        url = f"/api/v1/expos/{expo.slug}/{name}/"
        pagination = api.TicketPagination if name == "tickets" else api.CheckInPagination
        for params in filters:
            query = {key: converted.get(key, value) for key, value in params.items()}
            with scope(expo=expo.pk):
                rows = selector(expo, **query).order_by(*pagination.ordering)
                # A list shorter than the depth: its last page instead.
                deep = (
                    rows[PAGE_SIZE * DEPTH - 1 : PAGE_SIZE * DEPTH].first()
                    or rows.reverse()[PAGE_SIZE]
                )
            first_ms, _response = page_ms(client, url, {**params, "page_size": PAGE_SIZE})
            deep_params = {**params, "page_size": PAGE_SIZE, "cursor": cursor_after(deep, field)}
            deep_ms, _response = page_ms(client, url, deep_params)
            worst = max(worst, first_ms, deep_ms)
            label = ", ".join(f"{k}={v}" for k, v in params.items()) or "no filter"
            print(
                f"{name} ({label}): page 1 {first_ms:.0f} ms, page {DEPTH} (or the last) "
                f"{deep_ms:.0f} ms"
            )
            if args.plans:
                for which, page_params in (
                    ("page 1", {**params, "page_size": PAGE_SIZE}),
                    (f"page {DEPTH}", deep_params),
                ):
                    print(f"  plan, {which}:")
                    for line in plan_of(client, url, page_params, table):
                        print(f"    {line}")
        # The baseline: numbered pages, as the lists were paged before.
        with scope(expo=expo.pk):
            rows = selector(expo).order_by(*pagination.ordering)
            started = time.perf_counter()
            total = rows.count()
            list(rows[PAGE_SIZE * (DEPTH - 1) : PAGE_SIZE * DEPTH])
            numbered_ms = (time.perf_counter() - started) * 1000
        print(
            f"baseline, {name} paged by number: page {DEPTH} of {total} rows (COUNT and "
            f"OFFSET) {numbered_ms:.0f} ms"
        )
    verdict = "within budget" if worst <= BUDGET_MS else "OVER BUDGET"
    print(f"slowest page: {worst:.0f} ms   budget: <= {BUDGET_MS} ms   {verdict}")


if __name__ == "__main__":
    main()
