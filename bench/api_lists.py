"""The organisers' lists of tickets and check-ins, page 1 against a page 1000 deep.

    DATABASE_URL=postgres://… .venv/bin/python bench/api_lists.py EXPO [--plans]

On an existing database (a seeded season: a million tickets, millions of scans), asks
``GET /api/v1/expos/{slug}/tickets/`` and ``…/checkins/`` as an organiser of ``EXPO``,
with each filter, for the first page and for the page 1000 deep (50 rows a page: the
cursor after row 50 000 of the walk), and prints the time of each beside the budget.
The tickets' ``day`` filter is asked for a common day (the tenth) and a rare one (the
first day between the expo's dates it is closed, else the day after it ends), which
no ticket or few admit.
The baseline, in the same run: the same lists paged by number as before (``?page=``),
which counts every matching row and skips the rows before the page. ``--plans`` prints
the plan (``EXPLAIN ANALYZE``) of each page's query.
"""

import argparse
import base64
import datetime as dt
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
    parser.add_argument(
        "--list", choices=["tickets", "checkins"], action="append", help="only these lists"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client
    from django_scopes import scope, scopes_disabled

    from events.models import Expo
    from ticketing import admission, api, selectors

    with scopes_disabled():
        expo = Expo.objects.get(slug=args.expo)
        organiser = expo.organisers.first()
        point = expo.scan_points.order_by("pk").first()
        ticket_type = expo.ticket_types.order_by("pk").first()
        day = expo.start_date + dt.timedelta(days=9)
        open_days = set(admission.open_days(expo))
        rare_day = next(
            (
                expo.start_date + dt.timedelta(days=n)
                for n in range((expo.end_date - expo.start_date).days + 1)
                if expo.start_date + dt.timedelta(days=n) not in open_days
            ),
            expo.end_date + dt.timedelta(days=1),
        )
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
                {"day": rare_day.isoformat()},
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
    converted = {
        "ticket_type": lambda _slug: ticket_type,
        "scan_point": lambda _slug: point,
        "day": dt.date.fromisoformat,
        "offline": lambda _text: True,
    }
    worst = 0
    for name, table, field, selector, filters in lists:
        if args.list and name not in args.list:
            continue
        url = f"/api/v1/expos/{expo.slug}/{name}/"
        pagination = api.TicketPagination if name == "tickets" else api.CheckInPagination
        for params in filters:
            query = {
                key: converted.get(key, lambda text: text)(value) for key, value in params.items()
            }
            with scope(expo=expo.pk):
                rows = selector(expo, **query).order_by(*pagination.ordering)
                # A list shorter than the depth: its last page instead; none when the
                # list is a page or less (a rare day).
                deep = (
                    rows[PAGE_SIZE * DEPTH - 1 : PAGE_SIZE * DEPTH].first()
                    or rows.reverse()[PAGE_SIZE : PAGE_SIZE + 1].first()
                )
            pages = [("page 1", {**params, "page_size": PAGE_SIZE})]
            if deep is not None:
                pages.append(
                    (
                        f"page {DEPTH} (or the last)",
                        {**params, "page_size": PAGE_SIZE, "cursor": cursor_after(deep, field)},
                    )
                )
            label = ", ".join(f"{k}={v}" for k, v in params.items()) or "no filter"
            timings = []
            for which, page_params in pages:
                ms, _response = page_ms(client, url, page_params)
                worst = max(worst, ms)
                timings.append(f"{which} {ms:.0f} ms")
            print(f"{name} ({label}): {', '.join(timings)}")
            if args.plans:
                for which, page_params in pages:
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
