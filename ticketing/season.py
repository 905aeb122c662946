"""A season's worth of visitors on an expo, for measuring the project at a city fair's
size (``manage.py seed_scale``): orders and tickets, the visitors' scans at gates, hall
entrances and session doors with the presence and occupancy counters those scans leave,
session bookings, and the quota counters, written with PostgreSQL's ``COPY``.

The rows are what the services would have written, without going through them one by
one: a million registrations and five million scans through the services would take
hours. So the rules are kept here by construction, and the database checks the rest
when its indexes and constraints are built again at the end:

- a ticket admits the days it was sold for, from the day it was bought, and each visit
  is one day's scans in the opening hours, in order: in at a gate, through halls and
  session doors, out at a gate (or not: some walk out without scanning, and some are
  still inside today);
- the counters (``Occupancy``, ``Presence``, ``Quota.used``) are what replaying the
  rows gives, as ``recount_attendance`` and the registration's quotas count them; a
  limit the season outgrows (the demo's are for a demo) is raised to what it sold
  plus a tenth, and reported;
- a session door admits no more than its seats, a booked session's seats go to those
  who booked, a conference's sessions admit its own tickets and the staff kinds.

Other apps add their part of a season through a ``season`` module with
``extend(expo, *, first_ticket_id, seed, stage)``, as the demo does (leads at the
stands are the exhibitors' part). Randomness comes from one ``random.Random(seed)``:
the same seed on the same expo builds the same season.
"""

import array
import bisect
import contextlib
import dataclasses
import datetime as dt
import itertools
import math
import secrets
import time
from importlib import import_module

from django.apps import apps
from django.db import connection, transaction
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext as _
from psycopg.copy import QueuedLibpqWriter

from events.selectors import opening_windows
from expo.errors import Conflict

from .models import CheckIn, Quota, ScannerDevice, ScanPoint, Ticket, TicketType
from .season_people import ORGANISATIONS, email_of, name_of
from .services.checkin import EXPO, HALL

# How the season's tickets are shared among the kinds of ticket the expo sells.
KIND_SHARES = {
    TicketType.Kind.DAY: 0.74,
    TicketType.Kind.MULTI_DAY: 0.06,
    TicketType.Kind.SEASON: 0.13,
    TicketType.Kind.CONFERENCE: 0.04,
    TicketType.Kind.PRESS: 0.02,
    TicketType.Kind.SPEAKER: 0.01,
}
# How much more a ticket of each kind is scanned than a day ticket, over the season.
KIND_SCANS = {
    TicketType.Kind.DAY: 1.0,
    TicketType.Kind.MULTI_DAY: 1.5,
    TicketType.Kind.SEASON: 3.0,
    TicketType.Kind.CONFERENCE: 1.6,
    TicketType.Kind.PRESS: 2.0,
    TicketType.Kind.SPEAKER: 1.5,
}
ORDER_SIZES, ORDER_SIZE_WEIGHTS = (1, 2, 3, 4), (45, 30, 12, 13)
LANGUAGES, LANGUAGE_WEIGHTS = ("sv", "en", "fi", "da"), (50, 20, 15, 15)
SALE_DAYS_BEFORE = 60  # the sale opens this long before the first day
SCANS_PER_VISIT = 4.5  # how a ticket's scans are split into visits on several days
NO_SHOW, CANCELLED_SHARE, RETURNING_BUYER, RETURNING_HOLDER = 0.03, 0.01, 0.10, 0.05
HEADROOM = 1.1  # a raised limit leaves a tenth more than the season sold
SESSION_DOOR_SCANNERS = 4


NULL = "\\N"  # in COPY's text format


@dataclasses.dataclass
class Season:
    """What a seeding wrote, to report."""

    tickets: int = 0
    orders: int = 0
    check_ins: int = 0
    presences: int = 0
    bookings: int = 0
    added: dict = dataclasses.field(default_factory=dict)  # other apps' rows, by name
    raised_limits: list = dataclasses.field(default_factory=list)


def no_progress(name, total):
    """The default ``stage``: a progress callback that shows nothing."""
    return contextlib.nullcontext(lambda done: None)


def seed_season(expo, visitors, *, seed=2026, checkins_per_visitor=5, append=False, stage=None):
    """Add ``visitors`` tickets and their season to ``expo`` in one transaction. Refuses
    (``Conflict``, ``season_exists``) when the expo holds tickets already, unless
    ``append``.

    ``stage(name, total)`` is a context manager yielding ``update(done)``, for a progress
    bar per stage."""
    if connection.vendor != "postgresql":
        raise NotImplementedError("seed_season writes with PostgreSQL's COPY.")
    stage = stage or no_progress
    with transaction.atomic():
        if not append and Ticket.objects.filter(expo=expo).exists():
            raise Conflict(
                _("The expo holds tickets already; add to them with --append."),
                code="season_exists",
            )
        builder = _SeasonBuilder(expo, visitors, seed, checkins_per_visitor, stage)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # nothing pending before the DDL
            with _bulk_load(cursor.cursor, BULK_TABLES, stage):
                season = builder.build(cursor.cursor)
            cursor.execute("ANALYZE ticketing_sessionbooking")
            cursor.execute("ANALYZE ticketing_occupancy")
        for extend in _extensions():
            season.added.update(
                extend(expo, first_ticket_id=builder.first_ticket_id, seed=seed, stage=stage)
            )
    return season


def _extensions():
    for app in apps.get_app_configs():
        if app.name != "ticketing" and module_has_submodule(app.module, "season"):
            yield import_module(f"{app.name}.season").extend


BULK_TABLES = ["ticketing_order", "ticketing_ticket", "ticketing_checkin", "ticketing_presence"]


@contextlib.contextmanager
def _bulk_load(cursor, tables, stage):
    """Drop the tables' indexes, unique and foreign key constraints (not their primary
    keys and checks) while rows are copied in, and build them again afterwards: one
    sorted build and one set-based check are much faster than keeping each up to date
    row by row. Building them again checks every row, so a broken rule still fails."""
    constraints, indexes = [], []
    for table in tables:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC",
            [table],
        )
        constraints += [(table, name, definition) for name, definition in cursor.fetchall()]
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = %s::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint "
            "WHERE conindid = indexrelid AND conrelid = indrelid)",
            [table],
        )
        indexes += cursor.fetchall()
    for table, name, _definition in constraints:
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    yield
    for table in tables:  # for the plans of the checks below, and of what comes after
        cursor.execute(f'ANALYZE "{table}"')
    with stage("Indexes and constraints", len(indexes) + len(constraints)) as update:
        for done, (_name, definition) in enumerate(indexes, 1):
            cursor.execute(definition)
            update(done)
        # Unique constraints first (the 'u' rows came first): foreign keys may lean on them.
        for done, (table, name, definition) in enumerate(constraints, len(indexes) + 1):
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            update(done)


CHECK_IN_COLUMNS = (
    "expo_id, scan_point_id, ticket_id, direction, result, day, scanned_at, device_id, "
    "user_id, nonce, offline, conflict"
)


class _Stamps:
    """Moments as PostgreSQL reads them, from seconds since the epoch: formatting a
    datetime per row would cost more than the rest of a row."""

    SECONDS = [f"{second:02d}+00" for second in range(60)]

    def __init__(self):
        self.minutes = {}

    def __call__(self, seconds):
        minute, second = divmod(int(seconds), 60)
        text = self.minutes.get(minute)
        if text is None:
            moment = dt.datetime.fromtimestamp(minute * 60, dt.UTC)
            text = self.minutes[minute] = moment.strftime("%Y-%m-%d %H:%M:")
        return text + self.SECONDS[second]


@dataclasses.dataclass
class _Type:
    pk: int
    kind: str
    days: list  # day indexes it admits
    json: str  # its tickets' valid_days
    halls: frozenset
    conference_id: int | None
    share: float = 0.0
    scans: float = 1.0


@dataclasses.dataclass
class _SessionDoor:
    start: int
    end: int
    pk: int
    point: int
    place: str
    hall: int
    conference_id: int | None
    seats: int
    bookable: bool


class _SeasonBuilder:
    def __init__(self, expo, visitors, seed, checkins_per_visitor, stage):
        import random

        self.expo, self.visitors, self.stage = expo, visitors, stage
        self.rng = random.Random(seed)
        chance = self.rng.random

        def between(low, high):
            """A whole number from ``low`` to ``high``: ``randint`` costs ten times more."""
            return low + int(chance() * (high - low + 1))

        def pick(cumulative_weights):
            """The index of a choice by its cumulative weight, as ``choices`` would."""
            return bisect.bisect(cumulative_weights, chance() * cumulative_weights[-1])

        self.between, self.pick = between, pick
        self.scans_per_visitor = checkins_per_visitor
        self.stamp = _Stamps()
        self.now = time.time()
        windows = opening_windows(expo)
        self.days = sorted(windows)
        self.day_text = [day.isoformat() for day in self.days]
        self.windows = [self._window(day, *windows[day]) for day in self.days]
        self.types = self._types()

    # -- what the expo offers -------------------------------------------------------

    def _window(self, day, opens, closes):
        """The moments (epoch seconds) visitors can scan on ``day``: its opening hours,
        before local midnight (a scan after it counts on the next day) and before now."""
        midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=self.expo.tz)
        return int(opens.timestamp()), int(min(closes, midnight).timestamp()) - 60

    def _types(self):
        index = {day: n for n, day in enumerate(self.days)}
        from . import admission

        types = []
        for ticket_type in TicketType.objects.filter(
            expo=self.expo, kind__in=list(KIND_SHARES)
        ).select_related("conference"):
            days = admission.type_days(ticket_type, self.days)
            days = [index[day] for day in days if day in index]
            if not days:
                continue
            types.append(
                _Type(
                    pk=ticket_type.pk,
                    kind=ticket_type.kind,
                    days=days,
                    json="[" + ", ".join(f'"{self.day_text[d]}"' for d in days) + "]",
                    halls=frozenset(ticket_type.halls.values_list("pk", flat=True)),
                    conference_id=ticket_type.conference_id,
                    scans=KIND_SCANS[ticket_type.kind],
                )
            )
        by_kind = {}
        for kind_type in types:
            by_kind.setdefault(kind_type.kind, []).append(kind_type)
        total = sum(KIND_SHARES[kind] for kind in by_kind)
        for kind, of_kind in by_kind.items():
            for kind_type in of_kind:
                kind_type.share = KIND_SHARES[kind] / total / len(of_kind)
        if not types:
            raise Conflict(_("The expo sells no ticket valid on an open day."), code="no_tickets")
        return types

    def _places(self):
        """Scan points and scanners: the expo's gates and hall entrances, and a door for
        every session of the released programme that has none (the demo has none)."""
        expo = self.expo
        points = ScanPoint.objects.filter(expo=expo)
        with_door = set(
            points.filter(kind=ScanPoint.Kind.SESSION).values_list("session", flat=True)
        )
        doors = [
            ScanPoint(
                expo=expo,
                slug=f"session-{session.pk}",
                name=f"{session.title[:150]} door",
                kind=ScanPoint.Kind.SESSION,
                session=session,
            )
            for session in expo.sessions.filter(start__isnull=False).exclude(pk__in=with_door)
        ]
        ScanPoint.objects.bulk_create(doors)
        devices = {device.name: device.pk for device in ScannerDevice.objects.filter(expo=expo)}
        wanted = [
            f"{point.name} scanner" for point in points.exclude(kind=ScanPoint.Kind.SESSION)
        ] + [f"Session door scanner {n}" for n in range(1, SESSION_DOOR_SCANNERS + 1)]
        ScannerDevice.objects.bulk_create(
            ScannerDevice(expo=expo, name=name) for name in wanted if name not in devices
        )
        devices = {device.name: device.pk for device in ScannerDevice.objects.filter(expo=expo)}
        door_scanners = [
            devices[f"Session door scanner {n}"] for n in range(1, SESSION_DOOR_SCANNERS + 1)
        ]
        self.gates, self.halls, self.hall_of = [], {}, {}
        self.sessions = [[] for _day in self.days]
        index = {day: n for n, day in enumerate(self.days)}
        for point in points.select_related("session__room"):
            device = devices.get(f"{point.name} scanner")
            if point.kind == ScanPoint.Kind.GATE and point.direction == ScanPoint.Direction.BOTH:
                self.gates.append((point.pk, device))
            elif point.kind == ScanPoint.Kind.HALL and point.direction == ScanPoint.Direction.BOTH:
                self.halls.setdefault(point.hall_id, (point.pk, f"{HALL}{point.hall_id}", device))
            elif point.kind == ScanPoint.Kind.SESSION and point.session.start is not None:
                session = point.session
                day = index.get(expo.local_day(session.start))
                if day is None or point.direction != ScanPoint.Direction.BOTH:
                    continue
                self.sessions[day].append(
                    _SessionDoor(
                        start=int(session.start.timestamp()),
                        end=int(session.end.timestamp()),
                        pk=session.pk,
                        point=point.pk,
                        place=f"session:{session.pk}",
                        hall=session.room.hall_id,
                        conference_id=session.conference_id,
                        seats=session.seats,
                        bookable=session.capacity is not None,
                    )
                )
                self.hall_of[f"session:{session.pk}"] = f"{HALL}{session.room.hall_id}"
        if not self.gates:
            raise Conflict(_("The expo has no gate scanning in and out."), code="no_gates")
        self.device_of = dict(self.gates)
        self.device_of.update({point: device for point, _place, device in self.halls.values()})
        for day_sessions in self.sessions:
            day_sessions.sort(key=lambda door: door.start)
            for n, door in enumerate(day_sessions):
                self.device_of[door.point] = door_scanners[n % len(door_scanners)]
        self.session_starts = [[door.start for door in doors] for doors in self.sessions]
        self.hall_list = list(self.halls)
        # A session door is reached through its hall's entrance.
        self.sessions = [
            [door for door in doors if door.hall in self.halls] for doors in self.sessions
        ]
        self.scanning_user = (
            self.expo.organisers.order_by("pk").values_list("pk", flat=True).first()
        )

    # -- the build ------------------------------------------------------------------

    def build(self, cursor):
        self._places()
        season = Season()
        self.first_ticket_id = _next_id(cursor, "ticketing_ticket")
        first_order_id = _next_id(cursor, "ticketing_order")
        plan = self._sell(cursor, season, first_order_id)
        self._visit(cursor, season, plan)
        self._count_quotas(season)
        for table, column in [("ticketing_ticket", "id"), ("ticketing_order", "id")]:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                f"(SELECT MAX({column}) FROM {table}))"
            )
        return season

    def _sell(self, cursor, season, first_order_id):
        """Write the orders and tickets, and return each open day's visits as
        ``ticket_id * 64 + scans``, with what the visits need of each ticket."""
        rng, types, stamp = self.rng, self.types, self.stamp
        expo_id = self.expo.pk
        first_window = self.windows[0][0]
        sale_opens = first_window - SALE_DAYS_BEFORE * 86_400
        sale_closes = max(sale_opens + 86_400, min(self.windows[-1][1], int(self.now)))
        # Bought up to three hours after opening, a ticket is still used that day.
        day_starts = [opens + 3 * 3600 for opens, _closes in self.windows]
        busy = [
            2.0 if day.weekday() >= 5 else 1.5 if day.weekday() == 4 else 1.0 for day in self.days
        ]
        mean_scans = sum(t.share * t.scans for t in types)
        type_weights = list(itertools.accumulate(t.share for t in types))
        order_weights = list(itertools.accumulate(ORDER_SIZE_WEIGHTS))
        language_weights = list(itertools.accumulate(LANGUAGE_WEIGHTS))
        days_from = {}  # (type, first day) -> the days a day ticket bought then is for
        self.ticket_type = bytearray(self.visitors)
        self.ticket_bought = array.array("q", bytes(8 * self.visitors))
        self.cancelled = bytearray(self.visitors)
        self.sold = {}  # (type index, day index or None) -> valid tickets
        visits = [array.array("q") for _day in self.days]
        order_lines, ticket_lines = [], []
        person = _next_id(
            cursor, "ticketing_ticket"
        )  # people's numbers go on where the last seeding stopped
        first_person = person
        ticket_id, order_id, orders, sold = self.first_ticket_id, first_order_id, 0, 0
        expected_orders = self.visitors / (
            sum(s * w for s, w in zip(ORDER_SIZES, ORDER_SIZE_WEIGHTS, strict=False))
            / sum(ORDER_SIZE_WEIGHTS)
        )
        with stage_copy(
            cursor,
            self.stage,
            "Tickets",
            self.visitors,
            "ticketing_ticket",
            "id, expo_id, order_id, ticket_type_id, day, valid_days, holder_name, holder_email, "
            "organisation, share_contact_with_exhibitors, status, created_at, cancelled_at",
        ) as (write, update):
            while sold < self.visitors:
                # Orders come in over the sale, more of them as the expo draws near.
                progress = min(1.0, orders / expected_orders)
                bought = int(
                    sale_opens + (sale_closes - sale_opens) * progress**0.7
                ) + self.between(0, 3600)
                bought = min(bought, sale_closes)
                first_day = bisect.bisect_left(day_starts, bought)  # the first day it can be used
                while True:
                    type_index = self.pick(type_weights)
                    ticket_type = types[type_index]
                    if ticket_type.days[-1] >= first_day or first_day >= len(self.days):
                        break
                staff = ticket_type.kind in TicketType.STAFF_KINDS
                size = 1 if staff else ORDER_SIZES[self.pick(order_weights)]
                size = min(size, self.visitors - sold)
                language = LANGUAGES[self.pick(language_weights)]
                if ticket_type.kind == TicketType.Kind.DAY:
                    choosable = days_from.get((type_index, first_day))
                    if choosable is None:
                        later = [d for d in ticket_type.days if d >= first_day]
                        later = later or ticket_type.days[-1:]
                        choosable = days_from[(type_index, first_day)] = (
                            later,
                            list(itertools.accumulate(busy[d] for d in later)),
                        )
                    day = choosable[0][self.pick(choosable[1])]
                    days, day_text, json = [day], self.day_text[day], f'["{self.day_text[day]}"]'
                else:
                    days, day_text, json = ticket_type.days, NULL, ticket_type.json
                created = stamp(bought)
                buyer_email = None
                for seat in range(size):
                    if (
                        rng.random() < (RETURNING_BUYER if seat == 0 else RETURNING_HOLDER)
                        and person > first_person
                    ):
                        holder = self.between(first_person, person - 1)
                        case = self.between(0, 2) if rng.random() < 0.25 else int(holder % 7 == 0)
                    else:
                        holder, case = person, int(person % 7 == 0)
                        person += 1
                    first, last = name_of(holder)
                    email = email_of(holder, case)
                    buyer_email = buyer_email or email
                    organisation = (
                        ORGANISATIONS[holder % len(ORGANISATIONS)] if holder % 4 == 0 else ""
                    )
                    share = "t" if rng.random() < 0.4 else "f"
                    n = ticket_id - self.first_ticket_id
                    self.ticket_type[n] = type_index
                    self.ticket_bought[n] = bought
                    cancelled_at = NULL
                    if rng.random() < CANCELLED_SHARE:
                        self.cancelled[n] = 1
                        status = "cancelled"
                        cancelled_at = stamp(bought + self.between(3600, 14 * 86_400))
                    else:
                        status = "valid"
                        for d in days:
                            self.sold[(type_index, d)] = self.sold.get((type_index, d), 0) + 1
                        self.sold[(type_index, None)] = self.sold.get((type_index, None), 0) + 1
                    ticket_lines.append(
                        f"{ticket_id}\t{expo_id}\t{order_id}\t{ticket_type.pk}\t{day_text}\t{json}\t"
                        f"{first} {last}\t{email}\t{organisation}\t{share}\t{status}\t{created}\t"
                        f"{cancelled_at}\n"
                    )
                    self._plan_visits(ticket_id, ticket_type, days, first_day, mean_scans, visits)
                    ticket_id += 1
                    sold += 1
                order_lines.append(
                    f"{order_id}\t{expo_id}\t{buyer_email}\t{language}\t{secrets.token_urlsafe(24)}\t{created}\n"
                )
                order_id += 1
                orders += 1
                if len(ticket_lines) >= 10_000:
                    write("".join(ticket_lines))
                    ticket_lines.clear()
                    update(sold)
            write("".join(ticket_lines))
            update(sold)
        with stage_copy(
            cursor,
            self.stage,
            "Orders",
            orders,
            "ticketing_order",
            "id, expo_id, email, language, secret, created_at",
        ) as (write, update):
            for start in range(0, len(order_lines), 10_000):
                write("".join(order_lines[start : start + 10_000]))
                update(min(orders, start + 10_000))
        season.tickets, season.orders = sold, orders
        return visits

    def _plan_visits(self, ticket_id, ticket_type, days, first_day, mean_scans, visits):
        """Share the ticket's scans among visits on some of its days, from the day it was
        bought until now."""
        rng = self.rng
        n = ticket_id - self.first_ticket_id
        if rng.random() < NO_SHOW:
            return
        usable = [d for d in days if d >= first_day and self.windows[d][0] + 3600 < self.now]
        if not usable:
            return
        if self.cancelled[n]:
            if rng.random() < 0.3:  # turned up anyway, and was turned away
                visits[rng.choice(usable)].append(ticket_id * 64 + 1)
            return
        mean = self.scans_per_visitor * ticket_type.scans / mean_scans
        scans = max(1, round(rng.gauss(mean, max(1.0, mean / 3))))
        count = max(1, min(len(usable), round(scans / SCANS_PER_VISIT)))
        chosen = sorted(rng.sample(usable, count))
        share, extra = divmod(scans, count)
        for k, day in enumerate(chosen):
            visit_scans = share + (1 if k < extra else 0)
            if visit_scans:
                visits[day].append(ticket_id * 64 + min(63, visit_scans))

    # -- the days -----------------------------------------------------------------

    def _visit(self, cursor, season, plan):
        self.occupancy, self.bookings, self.scans_written = {}, [], 0
        # A scanner's nonces are its own: this seeding's begin with a word of their own.
        self.scan_run = f"{self.rng.getrandbits(32):08x}"
        total = sum(len(day) for day in plan)
        done, presences = 0, []
        with stage_copy(
            cursor, self.stage, "Check-ins", total, "ticketing_checkin", CHECK_IN_COLUMNS
        ) as (write, update):
            for day, day_visits in enumerate(plan):
                if not day_visits:
                    continue
                self.booked, self.waiting, self.walk_ins = {}, {}, {}
                scans = []
                for packed in day_visits:
                    ticket_id, budget = divmod(packed, 64)
                    self._one_visit(day, ticket_id, budget, scans, presences)
                self._invalid_codes(day, len(day_visits), scans)
                scans.sort(key=lambda scan: scan[0])
                season.check_ins += self._write_scans(write, day, scans)
                done += len(day_visits)
                update(done)
        season.presences = len(presences)
        _copy(cursor, "ticketing_presence", "ticket_id, place, day, inside", presences)
        self._write_counters(cursor)
        _copy(
            cursor,
            "ticketing_sessionbooking",
            "ticket_id, session_id, status, created_at, changed_at",
            self.bookings,
        )
        season.bookings = len(self.bookings)

    def _one_visit(self, day, ticket_id, budget, scans, presences):
        rng = self.rng
        n = ticket_id - self.first_ticket_id
        ticket_type = self.types[self.ticket_type[n]]
        opens, closes = self.windows[day]
        closes = min(closes, int(self.now))
        if closes - opens < 1800:
            return
        gate = self.gates[int(rng.random() * len(self.gates))][0]
        arrive = int(rng.triangular(opens, closes - 1200, opens + (closes - opens) * 0.25))
        if self.cancelled[n]:
            scans.append((arrive, gate, ticket_id, "in", CheckIn.Result.CANCELLED))
            return
        leave = min(closes - 60, arrive + self.between(5400, 25_200))
        where, touched, entries = {EXPO}, {EXPO: True}, [EXPO]
        scans.append((arrive, gate, ticket_id, "in", CheckIn.Result.ENTERED))
        left = budget - 1
        scans_out = left >= 1 and rng.random() > 0.04
        left -= scans_out
        moment = arrive + self.between(60, 600)
        if left and rng.random() < 0.05:  # a second scan at the gate, a moment later
            scans.append(
                (
                    arrive + self.between(2, 30),
                    self.gates[int(rng.random() * len(self.gates))][0],
                    ticket_id,
                    "in",
                    CheckIn.Result.ALREADY_INSIDE,
                )
            )
            left -= 1
        booking = self._book(day, n, ticket_id, ticket_type, moment, leave) if left >= 2 else None
        while left > 0 and moment < leave - 900:
            door = booking or (
                self._pick_session(day, moment, leave)
                if left >= 3 and rng.random() < 0.45
                else None
            )
            if door is not None:
                has_booking, booking = door is booking, None
                moment, left = self._session(
                    door,
                    has_booking,
                    ticket_id,
                    ticket_type,
                    moment,
                    left,
                    where,
                    touched,
                    entries,
                    scans,
                )
            else:
                moment, left = self._hall(
                    ticket_id, ticket_type, moment, left, leave, where, touched, entries, scans
                )
        if scans_out and moment < closes - 60:
            scans.append((max(moment, leave), gate, ticket_id, "out", CheckIn.Result.EXITED))
            where.clear()
        occupancy, day_text = self.occupancy, self.day_text[day]
        for place in entries:
            key = (place, day)
            counters = occupancy.get(key) or occupancy.setdefault(key, [0, 0])
            counters[1] += 1
        for place in where:
            occupancy[(place, day)][0] += 1
        for place in touched:
            presences.append(
                f"{ticket_id}\t{place}\t{day_text}\t{'t' if place in where else 'f'}\n"
            )

    def _hall(self, ticket_id, ticket_type, moment, left, leave, where, touched, entries, scans):
        rng = self.rng
        hall = rng.choice(self.hall_list)
        point, place, _device = self.halls[hall]
        if ticket_type.halls and hall not in ticket_type.halls:
            scans.append((moment, point, ticket_id, "in", CheckIn.Result.NOT_VALID_HERE))
            return moment + self.between(120, 900), left - 1
        if place in where:
            scans.append((moment, point, ticket_id, "in", CheckIn.Result.ALREADY_INSIDE))
            return moment + self.between(60, 600), left - 1
        scans.append((moment, point, ticket_id, "in", CheckIn.Result.ENTERED))
        where.add(place)
        touched[place] = True
        entries.append(place)
        moment += self.between(1200, 5400)
        if left >= 2 and moment < leave:
            scans.append((moment, point, ticket_id, "out", CheckIn.Result.EXITED))
            self._leave(place, where)
            return moment + self.between(120, 1800), left - 2
        return moment, 0  # walks on without scanning out of the hall

    def _pick_session(self, day, moment, leave):
        starts = self.session_starts[day]
        first = bisect.bisect_left(starts, moment + 600)
        last = bisect.bisect_right(starts, leave - 1800)
        if first >= last:
            return None
        door = self.sessions[day][self.between(first, min(last, first + 8) - 1)]
        # Out of the door and the hall before the visitor leaves (and before now, today).
        return door if door.end + 1800 < leave else None

    def _admits(self, ticket_type, door):
        if ticket_type.halls and door.hall not in ticket_type.halls:
            return False
        if door.conference_id is None or ticket_type.conference_id == door.conference_id:
            return True
        return (
            ticket_type.kind in TicketType.STAFF_KINDS
            and ticket_type.kind != TicketType.Kind.EXHIBITOR
        )

    def _book(self, day, n, ticket_id, ticket_type, moment, leave):
        """A seat (or a place on the waiting list) some visitors booked ahead for a
        session of their visit; returns the session they will go to, if booked."""
        rng = self.rng
        if rng.random() > 0.15:
            return None
        door = self._pick_session(day, moment, leave)
        if door is None or not door.bookable or not self._admits(ticket_type, door):
            return None
        booked = self.booked.get(door.pk, 0)
        if booked < door.seats:
            status, self.booked[door.pk] = "booked", booked + 1
        elif self.waiting.get(door.pk, 0) < door.seats:
            status, self.waiting[door.pk] = "waitlisted", self.waiting.get(door.pk, 0) + 1
        else:
            return None
        bought = self.ticket_bought[n]
        made = self.stamp(self.between(bought, max(bought, door.start - 3600)))
        self.bookings.append(f"{ticket_id}\t{door.pk}\t{status}\t{made}\t{made}\n")
        return door if status == "booked" else None

    def _session(
        self,
        door,
        has_booking,
        ticket_id,
        ticket_type,
        moment,
        left,
        where,
        touched,
        entries,
        scans,
    ):
        """Into the session's hall, through its door (or refused there), and out."""
        rng = self.rng
        hall_point, hall_place, _device = self.halls[door.hall]
        in_hall = door.start - self.between(180, 600)
        if hall_place in where:
            scans.append((in_hall, hall_point, ticket_id, "in", CheckIn.Result.ALREADY_INSIDE))
        elif ticket_type.halls and door.hall not in ticket_type.halls:
            scans.append((in_hall, hall_point, ticket_id, "in", CheckIn.Result.NOT_VALID_HERE))
            return in_hall + 60, left - 1
        else:
            scans.append((in_hall, hall_point, ticket_id, "in", CheckIn.Result.ENTERED))
            where.add(hall_place)
            touched[hall_place] = True
            entries.append(hall_place)
        left -= 1
        at_door = door.start - self.between(0, 170)
        booked = self.booked.get(door.pk, 0) if door.bookable else 0
        walk_ins = self.walk_ins.get(door.pk, 0)
        if not self._admits(ticket_type, door):
            result = CheckIn.Result.NOT_VALID_HERE
        elif not has_booking and (door.bookable or walk_ins + booked >= door.seats):
            result = CheckIn.Result.SESSION_FULL
            touched.setdefault(door.place, False)  # as the door leaves it: arrived, then undone
        else:
            result = CheckIn.Result.ENTERED
            if not has_booking:
                self.walk_ins[door.pk] = walk_ins + 1
            where.add(door.place)
            touched[door.place] = True
            entries.append(door.place)
        scans.append((at_door, door.point, ticket_id, "in", result))
        left -= 1
        moment = (
            door.end + self.between(0, 300) if result == CheckIn.Result.ENTERED else at_door + 60
        )
        if result == CheckIn.Result.ENTERED and left >= 2 and rng.random() < 0.7:
            scans.append((moment, door.point, ticket_id, "out", CheckIn.Result.EXITED))
            where.discard(door.place)
            left -= 1
        if left >= 1:
            moment += self.between(60, 1200)
            scans.append((moment, hall_point, ticket_id, "out", CheckIn.Result.EXITED))
            self._leave(hall_place, where)
            left -= 1
        return moment + self.between(120, 900), left

    def _leave(self, hall_place, where):
        """Leaving a hall leaves the sessions in its rooms (``services.checkin._leave``)."""
        for place in [p for p in where if p == hall_place or self.hall_of.get(p) == hall_place]:
            where.discard(place)

    def _invalid_codes(self, day, visits, scans):
        """Codes that are no badge of the expo: a photo of another fair's, a torn one."""
        rng = self.rng
        opens, closes = self.windows[day]
        closes = min(closes, int(self.now))
        for _n in range(max(1, visits // 500)):
            scans.append(
                (
                    self.between(opens, closes),
                    self.gates[int(rng.random() * len(self.gates))][0],
                    None,
                    "in",
                    CheckIn.Result.INVALID_CODE,
                )
            )

    def _write_scans(self, write, day, scans):
        """The day's scans in the order they were made, from the scanner devices (each
        with a nonce of its own), a few from a phone by the organiser, a few sent later
        by a scanner that was offline."""
        rng, stamp, device_of = self.rng, self.stamp, self.device_of
        expo_id, day_text, user = self.expo.pk, self.day_text[day], self.scanning_user
        lines, counter, run = [], self.scans_written, self.scan_run
        for moment, point, ticket_id, direction, result in scans:
            device = device_of.get(point)
            counter += 1
            nonce = f"{run}-{counter:x}"
            offline = "f"
            if device is None or (user is not None and rng.random() < 0.01):
                scanner = f"{NULL}\t{user if user is not None else NULL}"
                nonce = nonce if user is not None else ""
            else:
                scanner = f"{device}\t\\N"
                if result in ("entered", "exited") and rng.random() < 0.005:
                    offline = "t"
            ticket = NULL if ticket_id is None else ticket_id
            lines.append(
                f"{expo_id}\t{point}\t{ticket}\t{direction}\t{result}\t"
                f"{day_text}\t{stamp(moment)}\t{scanner}\t{nonce}\t{offline}\t\n"
            )
            if len(lines) == 20_000:
                write("".join(lines))
                lines.clear()
        write("".join(lines))
        self.scans_written = counter
        return len(scans)

    def _write_counters(self, cursor):
        """Add the season's counts to the day's occupancy rows (or make them)."""
        rows = [
            (self.expo.pk, place, self.days[day], inside, entries)
            for (place, day), (inside, entries) in self.occupancy.items()
        ]
        cursor.executemany(
            "INSERT INTO ticketing_occupancy (expo_id, place, day, inside, entries) "
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (expo_id, place, day) DO UPDATE SET "
            "inside = ticketing_occupancy.inside + excluded.inside, "
            "entries = ticketing_occupancy.entries + excluded.entries",
            rows,
        )

    def _count_quotas(self, season):
        """Count the sold tickets on the quotas, raising the limits the season outgrew."""
        sold_on_day = {}
        for (_type_index, day), count in self.sold.items():
            if day is not None:
                sold_on_day[day] = sold_on_day.get(day, 0) + count
        pk_of = {t.pk: index for index, t in enumerate(self.types)}
        day_index = {day: n for n, day in enumerate(self.days)}
        raised_types = {}
        for quota in Quota.objects.filter(expo=self.expo).select_related("ticket_type"):
            day = day_index.get(quota.day) if quota.day else None
            if quota.ticket_type_id is None:
                added = sold_on_day.get(day, 0) if day is not None else 0
            elif quota.ticket_type_id in pk_of:
                added = self.sold.get((pk_of[quota.ticket_type_id], day), 0)
            else:
                added = 0
            quota.used += added
            if quota.used > quota.size:
                size = math.ceil(quota.used * HEADROOM)
                season.raised_limits.append(
                    (str(quota.ticket_type or self.expo), quota.day, quota.size, size)
                )
                quota.size = size
                if quota.ticket_type_id:
                    field = "day_capacity" if quota.day else "capacity"
                    limits = raised_types.setdefault(quota.ticket_type_id, {})
                    limits[field] = max(limits.get(field, 0), size)
            Quota.objects.filter(pk=quota.pk).update(used=quota.used, size=quota.size)
        for type_pk, limits in raised_types.items():
            TicketType.objects.filter(pk=type_pk).update(**limits)
            if "day_capacity" in limits:
                # One limit for every day: each day's row gets it, as ``sync_quotas`` keeps them.
                Quota.objects.filter(ticket_type_id=type_pk, day__isnull=False).update(
                    size=limits["day_capacity"]
                )


def _next_id(cursor, table):
    """The first free id of ``table``, with the table locked against other writers so
    the ids written out stay free; the sequence is moved past them afterwards."""
    cursor.execute(f'LOCK TABLE "{table}" IN SHARE ROW EXCLUSIVE MODE')
    cursor.execute(f"SELECT pg_get_serial_sequence('{table}', 'id')")
    sequence = cursor.fetchone()[0]
    cursor.execute(
        f'SELECT GREATEST((SELECT COALESCE(MAX(id), 0) FROM "{table}"), '
        f"(SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {sequence}))"
    )
    return cursor.fetchone()[0] + 1


@contextlib.contextmanager
def stage_copy(cursor, stage, name, total, table, columns):
    """A progress bar and a ``COPY``: ``write`` queues text to a thread that sends it, so
    that the rows are made here while PostgreSQL reads the ones before."""
    statement = f"COPY {table} ({columns}) FROM STDIN"
    with (
        stage(name, total) as update,
        cursor.copy(statement, writer=QueuedLibpqWriter(cursor)) as copy,
    ):
        yield copy.write, update


def _copy(cursor, table, columns, lines):
    with cursor.copy(
        f"COPY {table} ({columns}) FROM STDIN", writer=QueuedLibpqWriter(cursor)
    ) as copy:
        for start in range(0, len(lines), 20_000):
            copy.write("".join(lines[start : start + 20_000]))
