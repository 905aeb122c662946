"""How fast the back office's big changelists open: tickets, orders, check-ins, session
bookings and leads, plain, with each filter, with a search and on a deep page.

    .venv/bin/python bench/admin_lists.py --database-url postgres://…/expo_season
    .venv/bin/python bench/admin_lists.py --database-url postgres://…/expo_x --fill 1000000

Runs in process with Django's test client, logged in as a superuser and as the organiser
of the season's expo (both made here if missing), against an existing database, filled
by ``manage.py seed_scale`` or by ``--fill``: a season's worth of data (a million
tickets, 400,000 orders, five million check-ins) takes too long to build for each run.
``--fill N`` writes such a season with N tickets into an empty, migrated database
first, in plain SQL. Every list is opened a few times; the
median is printed beside the budget, with the number of queries, and the slowest query
of a list over budget is shown with its ``EXPLAIN (ANALYZE, BUFFERS)``.

The baseline measured in the same run is the expo list, a list of a few rows that goes
through the same login, scoping and rendering.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expo.settings")

BUDGET = 1.0  # seconds a list may take to open
SLUG = "season"


def fill(tickets):
    """A season of ``tickets`` tickets in the expo ``season``, and a small second expo
    whose rows the season's organiser must never see. Tables already filled are kept."""
    import datetime as dt

    from django.db import connection

    from events.models import Expo

    start = dt.date(2026, 5, 1)
    if not Expo.objects.filter(slug=SLUG).exists():
        create_expos(start)
    print(f"Filling: {tickets:,} tickets …", flush=True)
    with connection.cursor() as cursor:
        for statement in season_statements(tickets, start):
            table = statement.split()[2]
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
            if cursor.fetchone()[0]:
                continue
            began = time.perf_counter()
            cursor.execute(statement)
            print(f"  {table}: {cursor.rowcount:,} rows in {time.perf_counter() - began:.0f} s")
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")


def create_expos(start):
    import datetime as dt

    from django.db import transaction

    from events.models import Expo, Session
    from exhibitors.models import Exhibitor
    from ticketing.models import ScanPoint, TicketType

    with transaction.atomic():
        for slug, name in [(SLUG, "Season Expo"), ("other", "Other Expo")]:
            expo = Expo.objects.create(
                slug=slug, name=name, start_date=start, end_date=start + dt.timedelta(days=34)
            )
            for kind in ["day", "season", "press"]:
                TicketType.objects.create(expo=expo, slug=kind, name=kind.title(), kind=kind)
            Session.objects.bulk_create(
                Session(expo=expo, title=f"Talk {n} on {topic}")
                for n, topic in enumerate(["cities", "energy", "food", "water"] * 50)
            )
            for n in range(10):
                ScanPoint.objects.create(expo=expo, slug=f"gate-{n}", name=f"Gate {n}", kind="gate")
            Exhibitor.objects.bulk_create(
                Exhibitor(expo=expo, name=f"Exhibitor {n}") for n in range(50)
            )


def season_statements(tickets, start):
    """The SQL that writes the season's orders, tickets, check-ins, bookings and leads."""
    orders = max(tickets * 2 // 5, 1)
    return [
        # The season's expo holds all but 1 % of the rows; the other expo the rest.
        f"""INSERT INTO ticketing_order (email, language, secret, created_at, expo_id)
        SELECT 'visitor' || n || '@example.org', (ARRAY['en','sv','fi','da'])[1 + n % 4],
               md5(n::text), timestamptz '2026-01-01' + n * interval '17 seconds',
               (SELECT id FROM events_expo WHERE slug = CASE WHEN n % 100 = 0 THEN 'other'
                                                              ELSE '{SLUG}' END)
        FROM generate_series(1, {orders}) n""",
        f"""INSERT INTO ticketing_ticket (day, holder_name, holder_email, organisation,
               share_contact_with_exhibitors, status, created_at, cancelled_at, expo_id,
               order_id, ticket_type_id, valid_days)
        SELECT CASE WHEN t.kind = 'day' THEN date '{start}' + n % 35 END,
               (ARRAY['Åsa','Mikko','Freja','Oskar','Liisa','Mads','Sofia','Jonas'])[1 + n % 8]
                 || ' ' || (ARRAY['Lindqvist','Virtanen','Nielsen','Berg','Korhonen',
                                  'Holm','Sandberg','Mäkinen'])[1 + (n / 8) % 8] || ' ' || n,
               'holder' || n || '@example.org',
               CASE WHEN n % 3 = 0 THEN 'Org ' || n % 500 ELSE '' END,
               n % 2 = 0, CASE WHEN n % 20 = 0 THEN 'cancelled' ELSE 'valid' END,
               o.created_at, CASE WHEN n % 20 = 0 THEN o.created_at + interval '1 day' END,
               o.expo_id, o.id, t.id, '[]'::jsonb
        FROM generate_series(1, {tickets}) n
        JOIN ticketing_order o ON o.id = (SELECT min(id) FROM ticketing_order) + n % {orders}
        JOIN LATERAL (SELECT id, kind FROM ticketing_tickettype WHERE expo_id = o.expo_id
                      ORDER BY id OFFSET n % 3 LIMIT 1) t ON true""",
        f"""INSERT INTO ticketing_checkin (direction, result, day, scanned_at, expo_id,
               scan_point_id, ticket_id, nonce, conflict, offline)
        SELECT 'in', (ARRAY['entered','entered','entered','exited','already_inside',
                            'not_valid_today'])[1 + n % 6],
               date '{start}' + (n % 35)::int, timestamptz '{start}' + (n % 35) * interval '1 day'
                 + (n % 43200) * interval '1 second', tk.expo_id, p.id, tk.id, '',
               CASE WHEN n % 997 = 0 THEN 'already_inside' ELSE '' END, n % 50 = 0
        FROM generate_series(1::bigint, {tickets * 5}) n
        JOIN ticketing_ticket tk ON tk.id = (SELECT min(id) FROM ticketing_ticket)
                                            + (n * 7919) % {tickets}
        JOIN LATERAL (SELECT id FROM ticketing_scanpoint WHERE expo_id = tk.expo_id
                      ORDER BY id OFFSET n % 10 LIMIT 1) p ON true""",
        f"""INSERT INTO ticketing_sessionbooking (status, created_at, changed_at, session_id,
               ticket_id)
        SELECT CASE WHEN n % 10 = 0 THEN 'waitlisted' ELSE 'booked' END, tk.created_at,
               tk.created_at, s.id, tk.id
        FROM generate_series(1, {tickets // 2}) n
        JOIN ticketing_ticket tk ON tk.id = (SELECT min(id) FROM ticketing_ticket) + n * 2 - 1
        JOIN LATERAL (SELECT id FROM events_session WHERE expo_id = tk.expo_id
                      ORDER BY id OFFSET n % 200 LIMIT 1) s ON true""",
        f"""INSERT INTO exhibitors_lead (scanned_at, note, rating, exhibitor_id, ticket_id)
        SELECT tk.created_at + interval '100 days', '', NULLIF(n % 6, 0), e.id, tk.id
        FROM generate_series(1, {tickets // 5}) n
        JOIN ticketing_ticket tk ON tk.id = (SELECT min(id) FROM ticketing_ticket) + n * 5 - 1
        JOIN LATERAL (SELECT id FROM exhibitors_exhibitor WHERE expo_id = tk.expo_id
                      ORDER BY id OFFSET n % 50 LIMIT 1) e ON true""",
    ]


def season_expo():
    """The expo ``--fill`` writes, or else the one with the most orders (a database
    built by ``manage.py seed_scale``)."""
    from django.db.models import Count

    from events.models import Expo

    return (
        Expo.objects.filter(slug=SLUG).first()
        or Expo.objects.annotate(order_count=Count("orders")).order_by("-order_count").first()
    )


def accounts(expo):
    """A superuser, and a staff user who organises the season's expo with the rights to
    view and change what the back office shows."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    users = get_user_model().objects
    admin = users.filter(username="bench-admin").first() or users.create_superuser(
        "bench-admin", "bench-admin@example.org", "x"
    )
    organiser = users.filter(username="bench-organiser").first()
    if organiser is None:
        organiser = users.create_user("bench-organiser", "org@example.org", "x", is_staff=True)
        organiser.user_permissions.set(
            Permission.objects.filter(codename__startswith="view_")
            | Permission.objects.filter(codename__startswith="change_")
        )
        expo.organisers.add(organiser)
    return admin, organiser


def cases(expo, other_value):
    """(list, label, query string) for every list: plain, each filter, a search, a deep
    page. ``other_value(model, field)`` picks an existing value to filter by."""
    from exhibitors.models import Lead
    from ticketing.models import CheckIn, Order, SessionBooking, Ticket

    ticket = Ticket.objects.filter(expo=expo).order_by("pk")[500]
    order = ticket.order
    expo_filter = f"expo__id__exact={expo.pk}"
    yield "expos (baseline)", "events/expo/", ""
    yield "tickets", "ticketing/ticket/", ""
    yield "tickets", "ticketing/ticket/", expo_filter
    yield "tickets", "ticketing/ticket/", "status__exact=cancelled"
    yield "tickets", "ticketing/ticket/", f"ticket_type__id__exact={ticket.ticket_type_id}"
    yield "tickets", "ticketing/ticket/", f"day={other_value(Ticket, 'day')}"
    yield "tickets", "ticketing/ticket/", f"q={ticket.holder_email}"
    yield "tickets", "ticketing/ticket/", f"q={ticket.holder_name.split()[1]}"
    yield "tickets", "ticketing/ticket/", f"q={ticket.pk}"
    yield "tickets", "ticketing/ticket/", "p=3000"
    yield "orders", "ticketing/order/", ""
    yield "orders", "ticketing/order/", expo_filter
    yield "orders", "ticketing/order/", "language__exact=fi"
    yield "orders", "ticketing/order/", f"q={order.email}"
    yield "orders", "ticketing/order/", f"q={ticket.holder_name.split()[1]}"
    yield "orders", "ticketing/order/", f"q={order.secret}"
    yield "orders", "ticketing/order/", "p=3000"
    yield "check-ins", "ticketing/checkin/", ""
    yield "check-ins", "ticketing/checkin/", expo_filter
    yield "check-ins", "ticketing/checkin/", "result__exact=already_inside"
    yield "check-ins", "ticketing/checkin/", "conflict__exact=already_inside"
    yield "check-ins", "ticketing/checkin/", "offline__exact=1"
    scan_point = other_value(CheckIn, "scan_point_id")
    yield "check-ins", "ticketing/checkin/", f"scan_point__id__exact={scan_point}"
    yield "check-ins", "ticketing/checkin/", f"day={other_value(CheckIn, 'day')}"
    yield "check-ins", "ticketing/checkin/", "scanned_at__year=2026&scanned_at__month=5"
    yield "check-ins", "ticketing/checkin/", f"q={ticket.pk}"
    yield "check-ins", "ticketing/checkin/", f"q={ticket.holder_name.split()[1]}"
    yield "check-ins", "ticketing/checkin/", "p=3000"
    yield "bookings", "ticketing/sessionbooking/", ""
    yield "bookings", "ticketing/sessionbooking/", "status__exact=waitlisted"
    yield "bookings", "ticketing/sessionbooking/", f"session__expo__id__exact={expo.pk}"
    session = other_value(SessionBooking, "session_id")
    yield "bookings", "ticketing/sessionbooking/", f"session__id__exact={session}"
    yield "bookings", "ticketing/sessionbooking/", "q=energy"
    yield "bookings", "ticketing/sessionbooking/", f"q={ticket.holder_name.split()[1]}"
    yield "bookings", "ticketing/sessionbooking/", "p=3000"
    yield "leads", "exhibitors/lead/", ""
    yield "leads", "exhibitors/lead/", f"exhibitor__expo__id__exact={expo.pk}"
    yield "leads", "exhibitors/lead/", "p=1500"
    del Order, Lead


def measure(client, path, repeats):
    """The median time of ``repeats`` requests (of one, for a list three times over
    budget: a few seconds more tell nothing), the last one's queries and response."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, captured = [], None
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - began
        times.append(elapsed)
        captured = queries.captured_queries
        if elapsed > 3 * BUDGET:
            break
    return statistics.median(times), captured, response


def explain(sql):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(f"      {row[0]}" for row in cursor.fetchall())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--fill", type=int, metavar="TICKETS", help="write a season first")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", help="only these lists, by name, separated by commas")
    parser.add_argument("--explain", action="store_true", help="explain every slowest query")
    parser.add_argument(
        "--who", default="superuser,organiser", help="superuser, organiser or both (the default)"
    )
    arguments = parser.parse_args()
    os.environ["DATABASE_URL"] = arguments.database_url
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django_scopes import scopes_disabled

    settings.ALLOWED_HOSTS = ["*"]
    with scopes_disabled():
        if arguments.fill:
            fill(arguments.fill)

        expo = season_expo()
        admin, organiser = accounts(expo)

        def other_value(model, field):
            values = model.objects.filter(**{f"{field}__isnull": False}).order_by("pk")
            return values.values_list(field, flat=True)[1000]

        rows = list(cases(expo, other_value))
    print(f"{'who':<10} {'list':<16} {'query':<58} {'median':>8} {'budget':>7} {'queries':>7}")
    for who, user in [("superuser", admin), ("organiser", organiser)]:
        if who not in arguments.who.split(","):
            continue
        client = Client()
        client.force_login(user)
        for name, path, query in rows:
            only = arguments.only.split(",") if arguments.only else [name]
            if name not in only and "baseline" not in name:
                continue
            url = f"/admin/{path}?{query}" if query else f"/admin/{path}"
            median, queries, response = measure(client, url, arguments.repeats)
            verdict = "" if median <= BUDGET else "  OVER"
            if response.status_code != 200:
                verdict += f"  answered {response.status_code} {response.get('Location', '')}"
            print(
                f"{who:<10} {name:<16} {query[:58]:<58} {median * 1000:>6.0f}ms "
                f"{BUDGET * 1000:>5.0f}ms {len(queries):>7}{verdict}",
                flush=True,
            )
            if median > BUDGET or arguments.explain:
                slowest = max(queries, key=lambda query: float(query["time"]))
                print(f"    slowest: {slowest['time']} s\n      {slowest['sql'][:600]}")
                print(explain(slowest["sql"]))


if __name__ == "__main__":
    main()
