"""How the time of everyday operations grows with the size of the season.

    .venv/bin/python bench/growth.py [--sizes 10000,100000,1000000] [--repeats 5]

Builds a season of the smallest size in a fresh PostgreSQL database (``manage.py
seed_scale``), vacuums and analyses it, and times the same operations through the
product's own entry points; then grows the same database to the next size
(``seed_scale --append``) and times them again. Each operation is run once to warm up,
then ``--repeats`` times; its time is the median. Prints a table of each operation's
time at each size, its ratio to the smallest size, and a verdict.

The rule: an operation a visitor or organiser waits for must not grow with the season
like a scan of it. Between the smallest size n0 and a size n it is flagged when its
time grew more than (n/n0)^0.5 times, ×3.2 for ten times the visitors and ×10 for a
hundred, and by more than 5 ms (below that, the machine's noise). Growth like a B-tree
lookup's, log n / log n0, is ×1.25 from 10,000 to 100,000 and ×1.5 to 1,000,000, so the
bound leaves room for noise; linear growth (×10, ×100) is far above it. The recount
reads every check-in by design and is shown, not judged. The run exits 1 if anything is
flagged; ``--sizes 10000,100000`` is the short form that CI runs (``make bench-growth``).

A list shows at most a page of rows, so its filters and searches are chosen to fill a
page already at 10,000 visitors where the season allows (the bookings' filter takes the
common status): a list that goes from a few rows to a full page grows by the rows drawn,
which is not growth with the season.

Needs PostgreSQL on 127.0.0.1:5432 (or ``BENCH_POSTGRES``).
"""

import argparse
import io
import itertools
import statistics
import sys
import time

import harness

GROWTH_EXPONENT = 0.5  # flagged above (n/n0) ** GROWTH_EXPONENT
NOISE_FLOOR = 0.005  # seconds: a smaller increase is not judged
LINEAR_BY_DESIGN = {"recount_attendance (all check-ins)"}


class Season:
    """What the operations need of the season as it is now: fresh badges to scan,
    people to export and erase, clients for the admin and the API."""

    def __init__(self, size, repeats):
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.utils import timezone
        from rest_framework.authtoken.models import Token

        from events import demo
        from events.models import Expo
        from ticketing.models import Presence, ScanPoint, Ticket, TicketType

        self.size = size
        self.expo = Expo.objects.get(slug=demo.SLUG)
        self.today = timezone.localdate()
        self.day_ticket = TicketType.objects.get(expo=self.expo, slug="day")
        self.gate = ScanPoint.objects.get(expo=self.expo, slug="north-gate")
        runs = repeats + 1
        inside = Presence.objects.filter(day=self.today, place="expo", inside=True)
        badges = (
            Ticket.objects.filter(expo=self.expo, status="valid", ticket_type__kind="season")
            .exclude(pk__in=inside.values("ticket"))
            .order_by("-pk")[:runs]
        )
        self.codes = [ticket.code for ticket in badges]
        # People spread over the season, the newest holders of each stretch of ids.
        last = Ticket.objects.filter(expo=self.expo).order_by("-pk").values_list("pk", flat=True)[0]
        step = max(1, size // (2 * runs + 1))
        self.people = [
            Ticket.objects.filter(expo=self.expo, pk__lte=last - k * step, status="valid")
            .order_by("-pk")
            .values_list("holder_email", flat=True)[0]
            for k in range(1, 2 * runs + 1)
        ]
        users = get_user_model().objects
        admin = users.filter(username="growth").first() or users.create_superuser(
            "growth", "growth@example.org", "growth-bench"
        )
        self.admin = Client(SERVER_NAME="localhost")
        self.admin.force_login(admin)
        token = Token.objects.get(user__username="organiser")
        self.api = Client(SERVER_NAME="localhost", HTTP_AUTHORIZATION=f"Token {token.key}")
        self.registered = itertools.count()

    def get(self, client, path):
        response = client.get(path)
        if response.status_code != 200:
            raise AssertionError(f"{path}: {response.status_code}")
        return response


def operations(season):
    """``{name: callable}``, each called once per repeat."""
    from asgiref.sync import async_to_sync

    from realtime import feeds
    from ticketing import privacy, selectors, services

    expo, slug = season.expo, season.expo.slug
    codes = iter(season.codes)
    tickets = f"/api/v1/expos/{slug}/tickets/"
    check_ins = f"/api/v1/expos/{slug}/checkins/"
    people = iter(season.people)

    def register():
        n = next(season.registered)
        attendee = services.Attendee(
            f"Tillväxt Besökare {n}", f"growth.{season.size}.{n}@example.org"
        )
        services.register(expo, season.day_ticket, [attendee], day=season.today)

    def check_in():
        answer = services.check_in(next(codes), season.gate, "in")
        assert answer.check_in.result == "entered", answer.check_in.result

    def admin(model, query=""):
        return lambda: season.get(season.admin, f"/admin/{model}/{query}")

    def deep_page(path):
        """The page ten ``next`` links into the list, timed alone: a cursor's page costs
        the same at any depth, so this one stands for all of them."""
        link = path
        for _ in range(10):
            link = season.get(season.api, link).json()["next"]
        return lambda: season.get(season.api, link)

    def export_person():
        privacy.export_person(next(people))

    def erase_person():
        privacy.erase_person(next(people))

    ops = {
        "register (service)": register,
        "check_in (service)": check_in,
        "attendance snapshot (realtime.feeds)": lambda: async_to_sync(feeds.snapshot)(expo.pk),
        "selectors.attendance": lambda: selectors.attendance(expo),
        "admin tickets": admin("ticketing/ticket"),
        "admin tickets ?q=": admin("ticketing/ticket", "?q=Lindqvist"),
        "admin tickets filtered": admin("ticketing/ticket", "?status__exact=cancelled"),
        "admin orders": admin("ticketing/order"),
        "admin orders ?q=": admin("ticketing/order", "?q=lindqvist"),
        "admin orders filtered": admin("ticketing/order", "?language__exact=fi"),
        "admin check-ins": admin("ticketing/checkin"),
        "admin check-ins ?q=": admin("ticketing/checkin", "?q=Lindqvist"),
        "admin check-ins filtered": admin("ticketing/checkin", "?result__exact=session_full"),
        "admin bookings": admin("ticketing/sessionbooking"),
        "admin bookings ?q=": admin("ticketing/sessionbooking", "?q=Lindqvist"),
        "admin bookings filtered": admin("ticketing/sessionbooking", "?status__exact=booked"),
        "admin leads": admin("exhibitors/lead"),
        "admin leads filtered": admin("exhibitors/lead", f"?exhibitor__expo__id__exact={expo.pk}"),
        "API tickets, first page": lambda: season.get(season.api, tickets),
        "API tickets, ten pages in": deep_page(tickets),
        "API check-ins, first page": lambda: season.get(season.api, check_ins),
        "API check-ins, ten pages in": deep_page(check_ins),
        "export_person": export_person,
        "erase_person": erase_person,
    }
    return ops


def measure(ops, repeats):
    """``{name: median seconds}``."""
    from django_scopes import scopes_disabled

    times = {}
    for name, op in ops.items():
        samples = []
        for run in range(repeats + 1):
            started = time.perf_counter()
            with scopes_disabled():
                op()
            if run:  # the first run warms up
                samples.append(time.perf_counter() - started)
        times[name] = statistics.median(samples)
        print(f"  {name:<42} {times[name] * 1000:9.1f} ms", flush=True)
    return times


def recount():
    from ticketing import services

    started = time.perf_counter()
    differences = services.recount_attendance()
    assert not differences, differences[:5]
    return time.perf_counter() - started


def grow(size, already):
    from django.core.management import call_command
    from django.db import connection

    out = io.StringIO()
    options = {"append": True} if already else {}
    call_command("seed_scale", visitors=size - already, no_progress=True, stdout=out, **options)
    print("  " + out.getvalue().strip().replace("\n", "\n  "))
    harness.settle_database()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0]


def verdicts(sizes, table):
    """``{name: (verdict, reason)}`` by the rule of this module's docstring."""
    judged = {}
    smallest = sizes[0]
    for name, row in table.items():
        base = row[smallest]
        worst, excess = None, 1.0
        for size in sizes[1:]:
            allowed = (size / smallest) ** GROWTH_EXPONENT
            ratio = row[size] / base
            if ratio / allowed > excess and row[size] - base > NOISE_FLOOR:
                worst, excess = f"×{ratio:.1f} at {size:,} (bound ×{allowed:.1f})", ratio / allowed
        if worst is None:
            judged[name] = ("ok", "")
        elif name in LINEAR_BY_DESIGN:
            judged[name] = ("linear by design", worst)
        else:
            judged[name] = ("GROWS TOO FAST", worst)
    return judged


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    if len(sizes) < 2 or sizes[0] < 1000:
        raise SystemExit("Give two or more sizes of at least 1000 visitors.")

    table, databases = {}, {}
    with harness.temporary_database("growth"):
        already = 0
        for size in sizes:
            print(f"== {size:,} visitors", flush=True)
            databases[size] = grow(size, already)
            already = size
            season = Season(size, args.repeats)
            for name, seconds in measure(operations(season), args.repeats).items():
                table.setdefault(name, {})[size] = seconds
            seconds = recount()
            print(f"  {'recount_attendance (all check-ins)':<42} {seconds * 1000:9.1f} ms")
            table.setdefault("recount_attendance (all check-ins)", {})[size] = seconds

    judged = verdicts(sizes, table)
    print()
    print(f"Median of {args.repeats} runs each; ratios to {sizes[0]:,} visitors, the baseline.")
    print(f"Bound: ×(n/n0)^{GROWTH_EXPONENT} and more than {NOISE_FLOOR * 1000:.0f} ms.")
    header = f"{'operation':<42}" + "".join(f"{size:>12,}" for size in sizes)
    header += "".join(f"{'×' + format(size, ','):>12}" for size in sizes[1:]) + "  verdict"
    print(header)
    for name, row in table.items():
        cells = "".join(f"{row[size] * 1000:>9.1f} ms" for size in sizes)
        cells += "".join(f"{row[size] / row[sizes[0]]:>12.2f}" for size in sizes[1:])
        verdict, reason = judged[name]
        print(f"{name:<42}{cells}  {verdict}{f' ({reason})' if reason else ''}")
    print(
        "database: "
        + ", ".join(f"{size:,} visitors {databases[size] / 2**20:,.0f} MiB" for size in sizes)
    )
    flagged = [name for name, (verdict, _reason) in judged.items() if verdict == "GROWS TOO FAST"]
    if flagged:
        print(f"Growing faster than the bound: {', '.join(flagged)}", file=sys.stderr)
    raise SystemExit(1 if flagged else 0)


if __name__ == "__main__":
    main()
