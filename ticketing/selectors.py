"""Read queries of tickets, shared by the API, pages and commands."""

from django.db.models import Count, Q
from django.utils import timezone

from events import selectors as programme

from . import admission, codes
from .models import Occupancy, ScanPoint, SessionBooking, Ticket, TicketType


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


def expo_tickets(expo, *, ticket_type=None, day=None, status=None):
    """The expo's tickets, optionally of one type, valid on one day, or in one status."""
    tickets = Ticket.objects.filter(expo=expo).select_related("ticket_type", "expo")
    if ticket_type is not None:
        tickets = tickets.filter(ticket_type=ticket_type)
    if status is not None:
        tickets = tickets.filter(status=status)
    if day is not None:
        open_days = admission.open_days(expo)
        types_on_day = [
            candidate.pk
            for candidate in TicketType.objects.filter(expo=expo).select_related("conference")
            if candidate.kind != TicketType.Kind.DAY
            and day in admission.type_days(candidate, open_days)
        ]
        tickets = tickets.filter(Q(day=day) | Q(day__isnull=True, ticket_type__in=types_on_day))
    return tickets.order_by("pk")


def attendance(expo, day=None):
    """Who is where today, from the occupancy counters: the shape of the attendance API
    and of the live dashboard's messages."""
    day = day or expo.local_day(timezone.now())
    counters = {row.place: row for row in Occupancy.objects.filter(expo=expo, day=day)}
    empty = Occupancy(inside=0, entries=0)
    on_site = counters.get("expo", empty)
    halls = [
        {
            "slug": hall.slug,
            "name": hall.name,
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
            "title": session.title,
            "present": counters[f"session:{session.pk}"].inside,
            "capacity": session.seats,
        }
        for session in expo.sessions.filter(pk__in=session_ids).select_related("room")
    ]
    return {
        "day": day.isoformat(),
        "on_site": on_site.inside,
        "entries_today": on_site.entries,
        "halls": halls,
        "sessions": sessions,
    }


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
