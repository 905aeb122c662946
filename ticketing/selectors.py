"""Read queries of tickets, shared by the API, pages and commands."""

import datetime as dt

from django.db.models import Case, Count, IntegerField, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import TruncHour
from django.utils import timezone

from events import selectors as programme
from events.translations import translated

from . import admission, codes
from .models import CheckIn, Occupancy, ScanPoint, SessionBooking, Ticket, TicketType


def find_ticket_by_code(code, expo=None):
    """The ticket a signed code names, or ``None`` when the code is not genuine."""
    try:
        verified = codes.verify(code)
    except codes.InvalidCode:
        return None
    if expo is not None and verified.expo_id != expo.pk:
        return None
    return (
        Ticket.objects.select_related("ticket_type", "expo", "order")
        .filter(pk=verified.ticket_id, expo_id=verified.expo_id)
        .first()
    )


def order_tickets(order):
    """An order's tickets with their types and live bookings, for the "my tickets" page."""
    return (
        order.tickets.select_related("ticket_type", "expo")
        .prefetch_related("ticket_type__halls")
        .order_by("pk")
    )


def live_bookings(ticket):
    return (
        ticket.bookings.exclude(status=SessionBooking.Status.CANCELLED)
        .select_related("session__room__hall")
        .order_by("session__start")
    )


def booked_sessions(order):
    """The sessions the order's valid tickets have a seat in, as the programme lists them."""
    return (
        programme.programme(order.expo)
        .filter(
            bookings__ticket__order=order,
            bookings__ticket__status=Ticket.Status.VALID,
            bookings__status=SessionBooking.Status.BOOKED,
        )
        .distinct()
    )


def session_attendees(session):
    """Who booked ``session`` or waits for a seat, for the organiser's attendee list: the
    booked first, then the waiting list in its order (see ``with_first_entry``)."""
    bookings = SessionBooking.objects.filter(session=session)
    return with_first_entry(bookings).order_by("waiting_last", "pk")


def session_walk_ins(session):
    """Tickets that came in at one of ``session``'s doors without a booking (open
    seating, or let in at the door), in the order they came, each with ``checked_in_at``:
    their first entry there."""
    entries = CheckIn.objects.filter(
        scan_point__session=session, result=CheckIn.Result.ENTERED
    ).order_by()
    booked = SessionBooking.objects.filter(session=session).exclude(
        status=SessionBooking.Status.CANCELLED
    )
    first_entry = (
        entries.filter(ticket=OuterRef("pk")).values("ticket").annotate(first=Min("scanned_at"))
    )
    return (
        Ticket.objects.filter(pk__in=entries.values("ticket"))
        .exclude(pk__in=booked.values("ticket"))
        .select_related("ticket_type")
        .annotate(checked_in_at=Subquery(first_entry.values("first")))
        .order_by("checked_in_at", "pk")
    )


def with_first_entry(bookings):
    """``bookings`` less the cancelled, with their tickets and sessions, each with
    ``checked_in_at``: the holder's first entry at one of its session's doors (``None``
    if they have not come in), and ``waiting_last`` to order the waiting list last."""
    first_entry = (
        CheckIn.objects.filter(
            ticket=OuterRef("ticket"),
            scan_point__session=OuterRef("session"),
            result=CheckIn.Result.ENTERED,
        )
        .order_by()
        .values("ticket")
        .annotate(first=Min("scanned_at"))
        .values("first")
    )
    waiting_last = Case(
        When(status=SessionBooking.Status.WAITLISTED, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        bookings.exclude(status=SessionBooking.Status.CANCELLED)
        .select_related("ticket__ticket_type", "session__expo")
        .annotate(checked_in_at=Subquery(first_entry), waiting_last=waiting_last)
    )


def expo_tickets(expo, *, ticket_type=None, day=None, status=None):
    """The expo's tickets, optionally of one type, valid on one day, or in one status."""
    tickets = Ticket.objects.filter(expo=expo).select_related("ticket_type", "expo", "order")
    if ticket_type is not None:
        tickets = tickets.filter(ticket_type=ticket_type)
    if status is not None:
        tickets = tickets.filter(status=status)
    if day is not None:
        tickets = tickets.valid_on(day)
    return tickets.order_by("pk")


def expo_check_ins(
    expo,
    *,
    scan_point=None,
    day=None,
    result=None,
    ticket=None,
    since=None,
    until=None,
    offline=None,
    conflict=None,
):
    """The expo's scans, newest first, narrowed by any of the organisers' filters:
    ``ticket`` is an id (another expo's answers nothing), ``since`` and ``until`` bound
    ``scanned_at`` (from, and up to but not including), ``offline`` and ``conflict`` are
    booleans. The ``checkin_list_*`` indexes serve each filter in this order."""
    check_ins = CheckIn.objects.filter(expo=expo).select_related("scan_point", "device", "user")
    if scan_point is not None:
        check_ins = check_ins.filter(scan_point=scan_point)
    if day is not None:
        check_ins = check_ins.filter(day=day)
    if result is not None:
        check_ins = check_ins.filter(result=result)
    if ticket is not None:
        check_ins = check_ins.filter(ticket_id=ticket)
    if since is not None:
        check_ins = check_ins.filter(scanned_at__gte=since)
    if until is not None:
        check_ins = check_ins.filter(scanned_at__lt=until)
    if offline is not None:
        check_ins = check_ins.filter(offline=offline)
    if conflict is not None:
        check_ins = check_ins.exclude(conflict="") if conflict else check_ins.filter(conflict="")
    return check_ins.order_by("-scanned_at", "-id")


def attendance(expo, day=None, *, now=None):
    """Who is where today, from the occupancy counters: the shape of the attendance API
    and of the live dashboard's messages."""
    now = now or timezone.now()
    day = day or expo.local_day(now)
    counters = {row.place: row for row in Occupancy.objects.filter(expo=expo, day=day)}
    empty = Occupancy(inside=0, entries=0)
    on_site = counters.get("expo", empty)
    halls = [
        {
            "slug": hall.slug,
            "name": translated(hall, "name"),
            "occupancy": counters.get(f"hall:{hall.pk}", empty).inside,
            "capacity": hall.capacity,
        }
        for hall in expo.halls.order_by("name")
    ]
    session_ids = sorted(
        int(place.split(":", 1)[1]) for place in counters if place.startswith("session:")
    )
    sessions = [
        {
            "id": session.pk,
            "title": translated(session, "title"),
            # A session a release took out of the programme keeps the people it counted.
            "room": translated(session.room, "name") if session.room else "",
            "present": counters[f"session:{session.pk}"].inside,
            "capacity": session.seats,
        }
        for session in expo.sessions.filter(pk__in=session_ids).select_related("room")
    ]
    return {
        "day": day.isoformat(),
        "on_site": on_site.inside,
        "entries_today": on_site.entries,
        "entries_by_hour": entries_by_hour(expo, day, on_site.entries, now=now),
        "halls": halls,
        "sessions": sessions,
    }


_finished_hours = {}


def entries_by_hour(expo, day, entries_today, *, now=None):
    """Entries at the expo's gates in each local hour of ``day`` so far, as
    ``[{"hour": "09:00", "entries": n}, ...]``.

    Hours that are over never change, so they are counted from the check-in rows once
    an hour and remembered; the hour under way is what the day's counter holds beyond
    them, so it stays exact however often the dashboard asks."""
    now = (now or timezone.now()).astimezone(expo.tz)
    if expo.local_day(now) == day:
        hour_started = now.replace(minute=0, second=0, microsecond=0)
    else:  # a day that is over: every hour of it is finished
        hour_started = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), expo.tz)
    key = (expo.pk, day, hour_started)
    finished = _finished_hours.get(key)
    if finished is None:
        start, _end = programme.day_bounds(expo, day)
        rows = (
            CheckIn.objects.filter(
                expo=expo,
                day=day,
                result=CheckIn.Result.ENTERED,
                scan_point__kind=ScanPoint.Kind.GATE,
                scanned_at__gte=start,
                scanned_at__lt=hour_started,
            )
            .annotate(hour=TruncHour("scanned_at", tzinfo=expo.tz))
            .values_list("hour")
            .annotate(entries=Count("pk"))
        )
        finished = {hour.astimezone(expo.tz).strftime("%H:00"): entries for hour, entries in rows}
        if len(_finished_hours) > 256:  # an hour's old entries are never asked for again
            _finished_hours.clear()
        _finished_hours[key] = finished
    series = [{"hour": hour, "entries": entries} for hour, entries in sorted(finished.items())]
    if expo.local_day(now) == day:
        under_way = entries_today - sum(finished.values())
        series.append({"hour": hour_started.strftime("%H:00"), "entries": max(under_way, 0)})
    return series


def seats_left(sessions):
    """Seats still free in each session that is booked in advance (one with its own
    ``capacity``), by session id; a full session has 0."""
    booked_ahead = [session for session in sessions if session.capacity is not None]
    booked = dict(
        SessionBooking.objects.filter(session__in=booked_ahead, status=SessionBooking.Status.BOOKED)
        .values_list("session_id")
        .annotate(n=Count("pk"))
    )
    return {s.pk: seats_free(s, booked.get(s.pk, 0)) for s in booked_ahead}


def seats_free(session, booked):
    """Seats of a session booked in advance that ``booked`` bookings leave free."""
    return max(session.capacity - booked, 0)


def hall_crowding(expo):
    return {hall["slug"]: hall["level"] for hall in crowding(expo)["halls"]}


def crowding(expo, day=None):
    """How busy each hall is now, coarsely and without numbers: ``quiet`` below 60 % of
    its safety capacity, ``busy`` below 90 %, then ``full``. Safe to show anyone."""
    day = day or expo.local_day(timezone.now())
    inside = dict(
        Occupancy.objects.filter(expo=expo, day=day, place__startswith="hall:").values_list(
            "place", "inside"
        )
    )
    halls = []
    for hall in expo.halls.order_by("name"):
        share = inside.get(f"hall:{hall.pk}", 0) / hall.capacity if hall.capacity else 0
        level = "quiet" if share < 0.6 else "busy" if share < 0.9 else "full"
        halls.append({"slug": hall.slug, "name": translated(hall, "name"), "level": level})
    return {"day": day.isoformat(), "halls": halls}


def scan_points(expo):
    return ScanPoint.objects.filter(expo=expo).select_related("hall", "session")


def public_ticket_types(expo):
    """What is on sale to anyone right now, cheapest first."""
    now = timezone.now()
    return (
        TicketType.objects.filter(expo=expo)
        .exclude(kind__in=TicketType.STAFF_KINDS)
        .filter(Q(sale_starts__isnull=True) | Q(sale_starts__lte=now))
        .filter(Q(sale_ends__isnull=True) | Q(sale_ends__gt=now))
        .select_related("conference", "expo")
        .order_by("price", "name")
    )


def bookable_sessions(ticket):
    """Sessions with booked seats that ``ticket`` could book, still to come, with
    ``booked`` counted, grouped by the expo-local day."""
    expo = ticket.expo
    days = admission.ticket_days(ticket, admission.open_days(expo))
    if not days:
        return {}
    first, _ = programme.day_bounds(expo, days[0])
    _, last = programme.day_bounds(expo, days[-1])
    sessions = (
        programme.programme(expo)
        .filter(capacity__isnull=False, start__gte=max(first, timezone.now()), start__lt=last)
        .annotate(booked=Count("bookings", filter=Q(bookings__status=SessionBooking.Status.BOOKED)))
    )
    wanted = set(days)
    return programme.sessions_by_day(
        expo, [session for session in sessions if expo.local_day(session.start) in wanted]
    )


def valid_tickets_of(orders):
    """The valid tickets of ``orders``, with what admission asks of their types."""
    return (
        Ticket.objects.filter(order__in=orders, status=Ticket.Status.VALID)
        .select_related("ticket_type__conference", "expo")
        .order_by("pk")
    )


def offline_scan_data(scan_point):
    """What a scanner keeps to decide at ``scan_point`` without the server (see
    docs/codes.md, "Scanning offline"): the keys that verify codes, each ticket type's
    days and whether it admits here, each valid ticket's type (and days, where they are
    its own), and the cancelled tickets. The rules are the server's, applied here by
    ``admission``, so the device only looks them up; what it cannot know is who is
    inside elsewhere, or how full a place is."""
    expo = scan_point.expo
    open_days = admission.open_days(expo)
    types = {
        ticket_type.pk: ticket_type
        for ticket_type in TicketType.objects.filter(expo=expo).select_related("conference")
    }
    type_days = {pk: admission.type_days(kind, open_days) for pk, kind in types.items()}
    tickets, cancelled = [], []
    rows = Ticket.objects.filter(expo=expo).order_by("pk")
    for pk, type_id, status, valid_days, day in rows.values_list(
        "pk", "ticket_type_id", "status", "valid_days", "day"
    ).iterator(chunk_size=5000):
        if status != Ticket.Status.VALID:
            cancelled.append(pk)
            continue
        ticket = Ticket(valid_days=valid_days, day=day, ticket_type=types[type_id])
        days = admission.ticket_days(ticket, open_days)
        tickets.append([pk, type_id] if days == type_days[type_id] else [pk, type_id, _iso(days)])
    session = scan_point.session
    return {
        "fetched_at": timezone.now(),
        "expo": {"id": expo.pk, "slug": expo.slug, "time_zone": expo.time_zone},
        "scan_point": {
            "slug": scan_point.slug,
            "kind": scan_point.kind,
            "direction": scan_point.direction,
            "day": expo.local_day(session.start).isoformat() if session else None,
        },
        "keys": [
            {"key_id": key["key_id"], "public_key": key["public_key"]}
            for key in codes.public_keys()
            if not key["retired"]
        ],
        "ticket_types": [
            {
                "id": pk,
                "name": translated(ticket_type, "name"),
                "days": _iso(type_days[pk]),
                "admits_here": _admits_here(ticket_type, scan_point),
            }
            for pk, ticket_type in types.items()
        ],
        "tickets": tickets,
        "cancelled": cancelled,
    }


def _admits_here(ticket_type, scan_point):
    """Whether the scan point admits the ticket type on a day the ticket is valid (as
    ``services.checkin`` refuses ``not_valid_here``)."""
    if scan_point.kind == ScanPoint.Kind.HALL:
        return admission.admits_hall(ticket_type, scan_point.hall_id)
    if scan_point.kind == ScanPoint.Kind.SESSION:
        session = scan_point.session
        if session.conference_id and not admission.admits_conference(
            ticket_type, session.conference
        ):
            return False
        return admission.admits_hall(ticket_type, session.room.hall_id)
    return True


def _iso(days):
    return [day.isoformat() for day in days]
