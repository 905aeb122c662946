"""A past season's rows, loaded with set-based SQL into the database Django is set up on.

    .venv/bin/python bench/season.py --visitors 1000000      (into DATABASE_URL)

An expo of ``DAYS`` days that ended yesterday, with two gates and two halls, and for each
visitor an order, a season ticket and one visit: in at a gate, into hall A, out of it,
into hall B, out at a gate (five check-ins, three presences), spread over the days in
the order they were scanned, as the rows of a real season lie on disk. The occupancy
counters are the ones those scans leave. The benchmarks load it beside their own expo
(``--season``) to measure with the tables and indexes a season leaves behind.
"""

import argparse
import datetime as dt
import time

DAYS = 184
SCANS_PER_VISIT = 5


def load_season(visitors, *, slug="past-season"):
    """Load ``visitors`` visitors' season; returns the expo."""
    from django.db import connection, transaction

    from events.models import Expo, Hall
    from ticketing.models import ScannerDevice, ScanPoint, TicketType

    today = dt.date.today()
    started = time.monotonic()
    with transaction.atomic():
        expo = Expo.objects.create(
            slug=slug,
            name="Past season",
            start_date=today - dt.timedelta(days=DAYS),
            end_date=today - dt.timedelta(days=1),
        )
        season = TicketType.objects.create(expo=expo, slug="season", name="Season", kind="season")
        halls = [
            Hall.objects.create(expo=expo, slug=f"hall-{name}", name=f"Hall {name}", capacity=5000)
            for name in "ab"
        ]
        gate_in, gate_out = (
            ScanPoint.objects.create(expo=expo, slug=f"gate-{d}", name="Gate", kind="gate")
            for d in ("in", "out")
        )
        hall_points = [
            ScanPoint.objects.create(expo=expo, slug=f"hall-{h.slug}", kind="hall", hall=h)
            for h in halls
        ]
        device = ScannerDevice.objects.create(expo=expo, name="Season scanner")
        parameters = {
            "expo": expo.pk,
            "slug": slug,
            "type": season.pk,
            "visitors": visitors,
            "days": DAYS,
            "start": expo.start_date,
            "device": device.pk,
            "gate_in": gate_in.pk,
            "gate_out": gate_out.pk,
            "hall_a": hall_points[0].pk,
            "hall_b": hall_points[1].pk,
            "place_a": f"hall:{halls[0].pk}",
            "place_b": f"hall:{halls[1].pk}",
        }
        with connection.cursor() as cursor:
            # The rows are built consistent: the foreign keys' deferred checks, one trigger
            # per row at the commit, would take longer than the inserts (superuser only).
            cursor.execute("SET LOCAL session_replication_role = replica")
            for statement in SQL:
                cursor.execute(statement, parameters)
    print(f"Loaded a season of {visitors} visitors in {time.monotonic() - started:.0f} s")
    return expo


SQL = [
    """
    CREATE TEMPORARY TABLE season_visitor ON COMMIT DROP AS
    SELECT n, (n %% %(days)s) AS day_number FROM generate_series(1, %(visitors)s) AS n
    """,
    """
    INSERT INTO ticketing_order (email, language, secret, created_at, expo_id)
    SELECT %(slug)s || n || '@example.org', 'en', %(slug)s || '-' || md5(n::text),
           %(start)s::date - 30, %(expo)s
    FROM season_visitor ORDER BY n
    """,
    """
    INSERT INTO ticketing_ticket (holder_name, holder_email, organisation,
        share_contact_with_exhibitors, status, created_at, expo_id, order_id, ticket_type_id,
        valid_days)
    SELECT 'Visitor ' || n, %(slug)s || n || '@example.org', '', false, 'valid',
           %(start)s::date - 30, %(expo)s, o.id, %(type)s, '[]'
    FROM season_visitor JOIN ticketing_order o ON o.secret = %(slug)s || '-' || md5(n::text)
    ORDER BY n
    """,
    """
    CREATE TEMPORARY TABLE season_visit ON COMMIT DROP AS
    SELECT t.id AS ticket_id, %(start)s::date + v.day_number AS day,
           (%(start)s::date + v.day_number + time '09:00')::timestamptz
             + (v.n %% 28800) * interval '1 second' AS arrived, v.n
    FROM season_visitor v
    JOIN ticketing_ticket t ON t.holder_email = %(slug)s || v.n || '@example.org'
    """,
    """
    INSERT INTO ticketing_checkin (direction, result, day, scanned_at, expo_id, scan_point_id,
        ticket_id, device_id, nonce, conflict, offline)
    SELECT scan.direction, scan.result, visit.day, visit.arrived + scan.after, %(expo)s,
           scan.point, visit.ticket_id, %(device)s, visit.n || '-' || scan.step, '', false
    FROM season_visit visit CROSS JOIN (VALUES
        (1, 'in', 'entered', %(gate_in)s, interval '0 minutes'),
        (2, 'in', 'entered', %(hall_a)s, interval '5 minutes'),
        (3, 'out', 'exited', %(hall_a)s, interval '60 minutes'),
        (4, 'in', 'entered', %(hall_b)s, interval '65 minutes'),
        (5, 'out', 'exited', %(gate_out)s, interval '180 minutes')
    ) AS scan (step, direction, result, point, after)
    ORDER BY visit.arrived + scan.after
    """,
    """
    INSERT INTO ticketing_presence (ticket_id, place, day, inside)
    SELECT visit.ticket_id, place, visit.day, false
    FROM season_visit visit
    CROSS JOIN (VALUES ('expo'), (%(place_a)s), (%(place_b)s)) AS places (place)
    """,
    """
    INSERT INTO ticketing_occupancy (expo_id, place, day, inside, entries)
    SELECT %(expo)s, place, day, 0, count(*)
    FROM season_visit CROSS JOIN (VALUES ('expo'), (%(place_a)s), (%(place_b)s)) AS places (place)
    GROUP BY place, day
    """,
]


def main():
    import os
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expo.settings")
    import django

    parser = argparse.ArgumentParser()
    parser.add_argument("--visitors", type=int, default=1_000_000)
    parser.add_argument("--slug", default="past-season")
    args = parser.parse_args()
    django.setup()
    from django_scopes import scopes_disabled

    with scopes_disabled():
        load_season(args.visitors, slug=args.slug)
    from harness import settle_database

    settle_database()


if __name__ == "__main__":
    main()
