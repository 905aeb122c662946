"""The attendance reads and the recount, on an empty database and with a season loaded.

    .venv/bin/python bench/attendance.py [--season 1000000] [--repeat 20]

Builds a running expo with a gate, a hall and a few hundred visitors scanned in, and
times, in one process: the live dashboard's snapshot (``realtime.feeds.snapshot``, which
is ``selectors.attendance``), once with its finished hours remembered and once counting
them again, and ``recount_attendance``. Then loads a past season of ``--season`` visitors
(five check-ins each, ``bench/season.py``) into the same database and times them again,
printing both side by side, with each read's SQL statements and whether any of their
plans reads the check-in table. Needs PostgreSQL on 127.0.0.1:5432 (or ``BENCH_POSTGRES``).
"""

import argparse
import datetime as dt
import statistics
import time

import harness

BUDGET_SNAPSHOT = 0.010  # seconds for a dashboard's snapshot, finished hours remembered
BUDGET_RECOUNT = 60  # seconds for the recount of a season


def build_expo(visitors):
    from django.db.models import F
    from django.utils import timezone

    from events.models import Expo, Hall
    from ticketing import services
    from ticketing.models import CheckIn, ScanPoint, TicketType

    today = timezone.localdate()
    expo = Expo.objects.create(
        slug="bench-expo",
        name="Bench Expo",
        start_date=today - dt.timedelta(days=1),
        end_date=today + dt.timedelta(days=5),
        opens_at=dt.time(0),
        closes_at=dt.time(23, 59),
    )
    season = TicketType.objects.create(
        expo=expo, slug="season", name="Season", kind="season", max_per_order=500
    )
    hall = Hall.objects.create(expo=expo, slug="a", name="Hall A", capacity=100_000)
    gate = ScanPoint.objects.create(expo=expo, slug="gate", name="Gate", kind="gate")
    door = ScanPoint.objects.create(expo=expo, slug="a", name="Hall A", kind="hall", hall=hall)
    order = services.register(
        expo,
        season,
        [services.Attendee(f"Besökare {n}", f"v{n}@example.org") for n in range(visitors)],
    )
    for ticket in order.tickets.all():
        services.check_in(ticket.code, gate, "in")
        if ticket.pk % 2:
            services.check_in(ticket.code, door, "in")
    # Scanned an hour ago, so the dashboard counts them among the finished hours.
    CheckIn.objects.filter(expo=expo).update(scanned_at=F("scanned_at") - dt.timedelta(hours=1))
    return expo


def timed(function, repeat):
    """The median time of ``function()`` over ``repeat`` calls, and the SQL of the last."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            function()
            times.append(time.perf_counter() - started)
    return statistics.median(times), [query["sql"] for query in captured.captured_queries]


def reads_check_ins(statements):
    """How many of ``statements``' plans read the check-in table, and how many rows."""
    from django.db import connection

    reading, rows = 0, 0
    with connection.cursor() as cursor:
        for sql in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0][0]["Plan"]
            touched = [
                node
                for node in _nodes(plan)
                if node.get("Relation Name") == "ticketing_checkin"
                or node.get("Index Name", "").startswith("checkin")
            ]
            if touched:
                reading += 1
                rows += sum(node.get("Actual Rows", 0) for node in touched)
    return reading, rows


def _nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def measure(expo, repeat):
    from realtime import feeds
    from ticketing import selectors, services

    snapshot = feeds.snapshot.func  # the feed's read itself, here in this thread

    def counting_the_hours_again():
        selectors._finished_hours.clear()
        snapshot(expo.pk)

    snapshot(expo.pk)
    figures = {}
    for label, function in [
        ("snapshot", lambda: snapshot(expo.pk)),
        ("snapshot counting the finished hours", counting_the_hours_again),
    ]:
        seconds, statements = timed(function, repeat)
        figures[label] = (seconds, len(statements), *reads_check_ins(statements))
    started = time.perf_counter()
    differences = services.recount_attendance()
    figures["recount_attendance"] = (time.perf_counter() - started, None, None, None)
    assert not differences, differences
    return figures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--season", type=int, default=1_000_000)
    parser.add_argument("--visitors", type=int, default=500, help="At most 500.")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    with harness.temporary_database("attendance"):
        expo = build_expo(args.visitors)
        harness.settle_database()
        empty = measure(expo, args.repeat)
        harness.add_season(args.season)
        loaded = measure(expo, args.repeat)
        from ticketing.models import CheckIn

        check_ins = CheckIn.objects.count()

    print(f"check-in rows: {check_ins:,} after loading a season of {args.season:,} visitors")
    for label, (seconds, statements, reading, rows) in empty.items():
        after, statements_after, reading_after, rows_after = loaded[label]
        line = f"{label}: empty {seconds * 1000:.1f} ms, loaded {after * 1000:.1f} ms"
        if statements is not None:
            line += (
                f"; {statements}/{statements_after} SQL statements, of which "
                f"{reading}/{reading_after} read check-ins ({rows}/{rows_after} rows)"
            )
        print(line)
    print(
        f"budgets: snapshot <= {BUDGET_SNAPSHOT * 1000:.0f} ms, recount of the season "
        f"<= {BUDGET_RECOUNT} s"
    )


if __name__ == "__main__":
    main()
