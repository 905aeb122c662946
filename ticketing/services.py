"""Rules of tickets: registration under quotas, cancellation, and session bookings with a
waiting list.

Locks are always taken in one order so that two writers cannot deadlock: sessions (by
id), then tickets, then quotas (by id).
"""

import dataclasses

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Session
from expo.errors import Conflict, InvalidInput

from . import admission, codes, emails, signals
from .models import (
    CheckIn,
    Occupancy,
    Order,
    Presence,
    Quota,
    ScanPoint,
    SessionBooking,
    Ticket,
    TicketType,
)


@dataclasses.dataclass
class Attendee:
    name: str
    email: str
    organisation: str = ""
    share_contact_with_exhibitors: bool = False


# Registration


def register(expo, ticket_type, attendees, *, day=None, language="en"):
    """Sell one ticket of ``ticket_type`` to each attendee in one order.

    Raises ``InvalidInput`` for bad input and ``Conflict`` (``not_on_sale``, ``sold_out``)
    when the rules refuse; nothing is written then. The confirmation e-mail leaves after
    the order is committed.
    """
    attendees = list(attendees)
    days = _check_registration(expo, ticket_type, attendees, day)
    with transaction.atomic():
        _take_places(expo, ticket_type, days, len(attendees))
        order = Order.objects.create(expo=expo, email=attendees[0].email, language=language)
        tickets = Ticket.objects.bulk_create(
            Ticket(
                expo=expo,
                order=order,
                ticket_type=ticket_type,
                day=day if ticket_type.kind == TicketType.Kind.DAY else None,
                holder_name=attendee.name.strip(),
                holder_email=attendee.email.strip(),
                organisation=attendee.organisation.strip(),
                share_contact_with_exhibitors=attendee.share_contact_with_exhibitors,
            )
            for attendee in attendees
        )
        transaction.on_commit(lambda: emails.send_order_confirmation(order, tickets))
    return order


def _check_registration(expo, ticket_type, attendees, day):
    errors = {}
    if ticket_type.expo_id != expo.pk or not ticket_type.is_public:
        errors["ticket_type"] = _("This ticket type is not sold here.")
    if not attendees:
        errors["attendees"] = _("Add at least one attendee.")
    elif len(attendees) > ticket_type.max_per_order:
        errors["attendees"] = _("At most %(count)d tickets fit in one order.") % {
            "count": ticket_type.max_per_order
        }
    else:
        attendee_errors = [_attendee_errors(attendee) for attendee in attendees]
        if any(attendee_errors):
            errors["attendees"] = attendee_errors

    days = []
    if "ticket_type" not in errors:
        valid = admission.type_days(ticket_type, admission.open_days(expo))
        if ticket_type.kind == TicketType.Kind.DAY:
            if day is None:
                errors["day"] = _("Choose the day you will visit.")
            elif day not in valid:
                errors["day"] = _(
                    "The ticket is not valid on %(day)s: the expo is closed or "
                    "the ticket is for other days."
                ) % {"day": day}
            days = [day]
        else:
            if day is not None:
                errors["day"] = _("Only day tickets are for a chosen day.")
            days = valid
        if not days and "day" not in errors:
            errors["ticket_type"] = _("This ticket type is not valid on any open day.")
    if errors:
        raise InvalidInput(errors)

    now = timezone.now()
    if (ticket_type.sale_starts and now < ticket_type.sale_starts) or (
        ticket_type.sale_ends and now >= ticket_type.sale_ends
    ):
        raise Conflict(
            _("%(name)s is not on sale now.") % {"name": ticket_type.name}, code="not_on_sale"
        )
    return days


def _attendee_errors(attendee):
    errors = {}
    if not attendee.name or not attendee.name.strip():
        errors["name"] = [_("Give the attendee's name.")]
    elif len(attendee.name) > 200:
        errors["name"] = [_("A name may have at most 200 characters.")]
    try:
        validate_email((attendee.email or "").strip())
    except ValidationError:
        errors["email"] = [_("Enter a valid e-mail address.")]
    if len(attendee.organisation or "") > 200:
        errors["organisation"] = [_("At most 200 characters.")]
    return errors


def _quota_scope(expo, ticket_type, days):
    return (
        Q(ticket_type=ticket_type, day__isnull=True)
        | Q(ticket_type=ticket_type, day__in=days)
        | Q(expo=expo, ticket_type__isnull=True, day__in=days)
    )


def _take_places(expo, ticket_type, days, count):
    quotas = _locked_quotas(expo, ticket_type, days)
    present = {quota.day for quota in quotas if quota.ticket_type_id == ticket_type.pk}
    if not _wanted_quota_days(ticket_type, days) <= present:
        _ensure_quotas(ticket_type, days)
        quotas = _locked_quotas(expo, ticket_type, days)
    for quota in quotas:
        if quota.used + count > quota.size:
            raise Conflict(
                _sold_out_message(quota, ticket_type),
                code="sold_out",
                day=quota.day.isoformat() if quota.day else None,
            )
    Quota.objects.filter(pk__in=[quota.pk for quota in quotas]).update(used=F("used") + count)


def _locked_quotas(expo, ticket_type, days):
    return list(
        Quota.objects.select_for_update()
        .filter(_quota_scope(expo, ticket_type, days))
        .order_by("pk")
    )


def _wanted_quota_days(ticket_type, days):
    """The quota rows a ticket type's limits call for: ``None`` for its total."""
    wanted = set()
    if ticket_type.capacity is not None:
        wanted.add(None)
    if ticket_type.day_capacity is not None:
        wanted.update(days)
    return wanted


def _sold_out_message(quota, ticket_type):
    if quota.ticket_type_id is None:
        return _("The expo is full on %(day)s.") % {"day": quota.day}
    if quota.day:
        return _("%(name)s is sold out for %(day)s.") % {"name": ticket_type.name, "day": quota.day}
    return _("%(name)s is sold out.") % {"name": ticket_type.name}


def _ensure_quotas(ticket_type, days):
    """Create the quota rows the ticket type's limits call for and that are missing, each
    counting the tickets already sold in its scope."""
    wanted = _wanted_quota_days(ticket_type, days)
    if not wanted:
        return
    existing = set(Quota.objects.filter(ticket_type=ticket_type).values_list("day", flat=True))
    missing = sorted(wanted - existing, key=lambda day: (day is not None, day))
    if not missing:
        return
    rows = [
        Quota(
            expo_id=ticket_type.expo_id,
            ticket_type=ticket_type,
            day=day,
            size=ticket_type.capacity if day is None else ticket_type.day_capacity,
            used=_sold(ticket_type, day, days),
        )
        for day in missing
    ]
    errors = {
        ("capacity" if row.day is None else "day_capacity"): _too_low_message(row.used)
        for row in rows
        if row.used > row.size
    }
    if errors:
        raise InvalidInput(errors)
    Quota.objects.bulk_create(rows, ignore_conflicts=True)


def _sold(ticket_type, day, type_days):
    """Valid tickets of the type in a quota's scope: all of them, or those valid on ``day``."""
    tickets = ticket_type.tickets.filter(status=Ticket.Status.VALID)
    if day is None:
        return tickets.count()
    if ticket_type.kind == TicketType.Kind.DAY:
        return tickets.filter(day=day).count()
    return tickets.count() if day in type_days else 0


def _too_low_message(sold):
    return _("%(count)d tickets are already sold; the limit cannot be lower.") % {"count": sold}


def sync_quotas(ticket_type):
    """Bring the ticket type's quota rows in line with its ``capacity`` and
    ``day_capacity``, refusing a limit below what is already sold."""
    with transaction.atomic():
        rows = list(Quota.objects.select_for_update().filter(ticket_type=ticket_type))
        errors = {}
        for quota in rows:
            limit = ticket_type.capacity if quota.day is None else ticket_type.day_capacity
            if limit is not None and limit < quota.used:
                field = "capacity" if quota.day is None else "day_capacity"
                errors[field] = _too_low_message(quota.used)
        if errors:
            raise InvalidInput(errors)
        for quota in rows:
            limit = ticket_type.capacity if quota.day is None else ticket_type.day_capacity
            if limit is None:
                # No limit any more: the row goes, and comes back counted if a limit does.
                quota.delete()
            elif quota.size != limit:
                quota.size = limit
                quota.save(update_fields=["size"])
        days = admission.type_days(ticket_type, admission.open_days(ticket_type.expo))
        _ensure_quotas(ticket_type, days)


def save_ticket_type(ticket_type, *, halls=None):
    with transaction.atomic():
        ticket_type.save()
        if halls is not None:
            ticket_type.halls.set(halls)
        sync_quotas(ticket_type)
    return ticket_type


# Cancellation


def cancel_ticket(ticket):
    """Cancel a ticket: its places go back to the quotas and its seats to the next on the
    waiting lists."""
    session_ids = sorted(
        ticket.bookings.exclude(status=SessionBooking.Status.CANCELLED).values_list(
            "session_id", flat=True
        )
    )
    with transaction.atomic():
        list(Session.objects.select_for_update().filter(pk__in=session_ids).order_by("pk"))
        ticket = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("ticket_type", "expo")
            .get(pk=ticket.pk)
        )
        if not ticket.is_valid:
            raise Conflict(_("This ticket is already cancelled."), code="cancelled")
        ticket.status = Ticket.Status.CANCELLED
        ticket.cancelled_at = timezone.now()
        ticket.save(update_fields=["status", "cancelled_at"])
        days = admission.ticket_days(ticket, admission.open_days(ticket.expo))
        quota_ids = list(
            Quota.objects.select_for_update()
            .filter(_quota_scope(ticket.expo, ticket.ticket_type, days))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Quota.objects.filter(pk__in=quota_ids).update(used=F("used") - 1)
        for booking in ticket.bookings.exclude(status=SessionBooking.Status.CANCELLED):
            _cancel_booking_locked(booking)
    return ticket


# Session bookings


def book_session(ticket, session):
    """Book ``ticket`` a seat in ``session``, or a place on its waiting list when full."""
    with transaction.atomic():
        session = (
            Session.objects.select_for_update(of=("self",))
            .select_related("expo", "room__hall", "conference")
            .get(pk=session.pk)
        )
        ticket = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("ticket_type")
            .get(pk=ticket.pk)
        )
        _check_bookable(ticket, session)
        existing = (
            ticket.bookings.filter(session=session)
            .exclude(status=SessionBooking.Status.CANCELLED)
            .first()
        )
        if existing is not None:
            return existing
        clash = (
            ticket.bookings.filter(
                status=SessionBooking.Status.BOOKED,
                session__start__lt=session.end,
                session__end__gt=session.start,
            )
            .select_related("session")
            .first()
        )
        if clash is not None:
            raise Conflict(
                _("You have booked “%(title)s” at the same time.") % {"title": clash.session.title},
                code="overlapping_booking",
                booking=clash.pk,
            )
        booked = session.bookings.filter(status=SessionBooking.Status.BOOKED).count()
        status = (
            SessionBooking.Status.BOOKED
            if booked < session.capacity
            else SessionBooking.Status.WAITLISTED
        )
        return SessionBooking.objects.create(ticket=ticket, session=session, status=status)


def _check_bookable(ticket, session):
    if not ticket.is_valid:
        raise Conflict(_("This ticket is cancelled."), code="cancelled")
    if session.capacity is None:
        raise Conflict(
            _("This session has open seating; no booking is needed."), code="not_bookable"
        )
    if session.end <= timezone.now():
        raise Conflict(_("This session is over."), code="session_over")
    refusal = admission.session_refusal(ticket, session, admission.open_days(session.expo))
    if refusal is not None:
        code, message = refusal
        raise Conflict(message, code=code)


def cancel_booking(booking):
    """Give up a seat or a place on the waiting list; a freed seat goes to the first on the
    waiting list who can take it."""
    with transaction.atomic():
        Session.objects.select_for_update().get(pk=booking.session_id)
        booking = SessionBooking.objects.select_for_update().get(pk=booking.pk)
        if booking.status == SessionBooking.Status.CANCELLED:
            raise Conflict(_("This booking is already cancelled."), code="cancelled")
        _cancel_booking_locked(booking)
    return booking


def _cancel_booking_locked(booking):
    was_booked = booking.status == SessionBooking.Status.BOOKED
    booking.status = SessionBooking.Status.CANCELLED
    booking.save(update_fields=["status", "changed_at"])
    if was_booked:
        _promote_from_waitlist(booking.session)


def _promote_from_waitlist(session):
    for waiting in session.bookings.filter(status=SessionBooking.Status.WAITLISTED).order_by("pk"):
        ticket = Ticket.objects.select_for_update().get(pk=waiting.ticket_id)
        overlaps = ticket.bookings.filter(
            status=SessionBooking.Status.BOOKED,
            session__start__lt=session.end,
            session__end__gt=session.start,
        ).exists()
        if not ticket.is_valid or overlaps:
            continue
        waiting.status = SessionBooking.Status.BOOKED
        waiting.save(update_fields=["status", "changed_at"])
        transaction.on_commit(lambda pk=waiting.pk: emails.send_seat_freed(pk))
        return waiting
    return None


def waitlist_position(booking):
    """1 for the first on the waiting list; ``None`` when not waiting."""
    if booking.status != SessionBooking.Status.WAITLISTED:
        return None
    return booking.session.bookings.filter(
        status=SessionBooking.Status.WAITLISTED, pk__lte=booking.pk
    ).count()


# Check-in


@dataclasses.dataclass
class ScanAnswer:
    check_in: CheckIn
    ticket: Ticket | None
    occupancy: dict


def check_in(code, scan_point, direction, *, device=None, user=None):
    """Scan a badge at ``scan_point``: verify its code, apply the admission rules and
    count the visitor in or out. Every scan is stored as a ``CheckIn`` with its result,
    refused or not; a wrong ``direction`` for the scan point is bad input."""
    if direction not in {ScanPoint.Direction.IN, ScanPoint.Direction.OUT}:
        raise InvalidInput({"direction": _("Scan “in” or “out”.")})
    if scan_point.direction not in {direction, ScanPoint.Direction.BOTH}:
        raise InvalidInput(
            {
                "direction": _("%(point)s only scans “%(direction)s”.")
                % {"point": scan_point.name, "direction": scan_point.direction}
            }
        )
    expo = scan_point.expo
    now = timezone.now()
    day = expo.local_day(now)
    ticket_id = _ticket_id_of(code, expo)
    with transaction.atomic():
        ticket = None
        if ticket_id is not None:
            ticket = (
                Ticket.objects.select_for_update(of=("self",))
                .select_related("ticket_type")
                .filter(pk=ticket_id, expo=expo)
                .first()
            )
        if ticket is None:
            result = CheckIn.Result.INVALID_CODE
        else:
            result = _refusal(ticket, scan_point, day) or _pass(ticket, scan_point, direction, day)
        check_in = CheckIn.objects.create(
            expo=expo,
            scan_point=scan_point,
            ticket=ticket,
            direction=direction,
            result=result,
            day=day,
            scanned_at=now,
            device=device,
            user=user,
        )
        occupancy = _occupancy_of(scan_point, day)
        transaction.on_commit(
            lambda: signals.attendance_changed.send(
                sender=CheckIn, expo_id=expo.pk, scan_point_id=scan_point.pk, result=result
            )
        )
    return ScanAnswer(check_in=check_in, ticket=ticket, occupancy=occupancy)


def _ticket_id_of(code, expo):
    try:
        verified = codes.verify(code)
    except codes.InvalidCode:
        return None
    return verified.ticket_id if verified.expo_id == expo.pk else None


def _refusal(ticket, scan_point, day):
    """The result word that refuses this ticket here today, or ``None``."""
    if not ticket.is_valid:
        return CheckIn.Result.CANCELLED
    open_days = admission.open_days(scan_point.expo)
    if day not in admission.ticket_days(ticket, open_days):
        return CheckIn.Result.NOT_VALID_TODAY
    if scan_point.kind == ScanPoint.Kind.HALL and not admission.admits_hall(
        ticket.ticket_type, scan_point.hall_id
    ):
        return CheckIn.Result.NOT_VALID_HERE
    if scan_point.kind == ScanPoint.Kind.SESSION:
        session = scan_point.session
        if scan_point.expo.local_day(session.start) != day:
            return CheckIn.Result.NOT_VALID_HERE
        refusal = admission.session_refusal(ticket, session, open_days)
        if refusal is not None:
            return CheckIn.Result.NOT_VALID_HERE
    return None


def place_of(scan_point):
    if scan_point.kind == ScanPoint.Kind.HALL:
        return f"hall:{scan_point.hall_id}"
    if scan_point.kind == ScanPoint.Kind.SESSION:
        return f"session:{scan_point.session_id}"
    return "expo"


def _limit_of(scan_point):
    if scan_point.kind == ScanPoint.Kind.HALL:
        return scan_point.hall.capacity, CheckIn.Result.HALL_FULL
    if scan_point.kind == ScanPoint.Kind.SESSION:
        return scan_point.session.seats, CheckIn.Result.SESSION_FULL
    return None, None


def _pass(ticket, scan_point, direction, day):
    # The ticket's row is locked, so nobody else reads or writes its presence meanwhile:
    # a plain read, then one insert or update, is enough.
    place = place_of(scan_point)
    presence = Presence.objects.filter(ticket=ticket, place=place, day=day).first()
    inside = presence is not None and presence.inside
    if direction == ScanPoint.Direction.OUT:
        if not inside:
            return CheckIn.Result.NOT_INSIDE
        _count(scan_point.expo_id, place, day, inside=-1, entries=0)
        _set_presence(presence, ticket, place, day, inside=False)
        return CheckIn.Result.EXITED
    if inside:
        return CheckIn.Result.ALREADY_INSIDE
    limit, full = _limit_of(scan_point)
    if limit is not None and _locked_occupancy(scan_point.expo_id, place, day).inside >= limit:
        return full
    _count(scan_point.expo_id, place, day, inside=1, entries=1)
    _set_presence(presence, ticket, place, day, inside=True)
    return CheckIn.Result.ENTERED


def _set_presence(presence, ticket, place, day, *, inside):
    if presence is None:
        Presence.objects.create(ticket=ticket, place=place, day=day, inside=inside)
    else:
        Presence.objects.filter(pk=presence.pk).update(inside=inside)


def _locked_occupancy(expo_id, place, day):
    Occupancy.objects.get_or_create(expo_id=expo_id, place=place, day=day)
    return Occupancy.objects.select_for_update().get(expo_id=expo_id, place=place, day=day)


def _count(expo_id, place, day, *, inside, entries):
    """Move a place's counters; the day's row is made by the first scan that needs it."""
    counters = Occupancy.objects.filter(expo_id=expo_id, place=place, day=day)
    changes = {"inside": F("inside") + inside, "entries": F("entries") + entries}
    if not counters.update(**changes):
        Occupancy.objects.get_or_create(expo_id=expo_id, place=place, day=day)
        counters.update(**changes)


def _occupancy_of(scan_point, day):
    place = place_of(scan_point)
    row = Occupancy.objects.filter(expo_id=scan_point.expo_id, place=place, day=day).first()
    inside, entries = (row.inside, row.entries) if row else (0, 0)
    limit, _full = _limit_of(scan_point)
    answer = {"place": scan_point.kind, "inside": inside, "entries_today": entries}
    if scan_point.kind == ScanPoint.Kind.HALL:
        answer.update(hall=scan_point.hall.slug, capacity=limit)
    elif scan_point.kind == ScanPoint.Kind.SESSION:
        answer.update(session=scan_point.session_id, capacity=limit)
    return answer


def recount_attendance(*, fix=False):
    """Count every place's occupancy again from the ``CheckIn`` rows and compare with the
    counters. Returns the differences as ``(expo_id, place, day, counted, recounted)``
    tuples of ``(inside, entries)``; with ``fix``, the counters are set to the recount."""
    recounted = {}
    rows = CheckIn.objects.values(
        "expo_id", "day", "scan_point__kind", "scan_point__hall_id", "scan_point__session_id"
    ).annotate(
        entered=Count("pk", filter=Q(result=CheckIn.Result.ENTERED)),
        exited=Count("pk", filter=Q(result=CheckIn.Result.EXITED)),
    )
    for row in rows:
        point = ScanPoint(
            kind=row["scan_point__kind"],
            hall_id=row["scan_point__hall_id"],
            session_id=row["scan_point__session_id"],
        )
        key = (row["expo_id"], place_of(point), row["day"])
        inside, entries = recounted.get(key, (0, 0))
        recounted[key] = (inside + row["entered"] - row["exited"], entries + row["entered"])
    with transaction.atomic():
        counters = {
            (row.expo_id, row.place, row.day): row for row in Occupancy.objects.select_for_update()
        }
        differences = []
        for key in sorted(set(recounted) | set(counters), key=str):
            row = counters.get(key)
            counted = (row.inside, row.entries) if row else (0, 0)
            truth = recounted.get(key, (0, 0))
            if counted == truth:
                continue
            differences.append((*key, counted, truth))
            if fix:
                expo_id, place, day = key
                Occupancy.objects.update_or_create(
                    expo_id=expo_id,
                    place=place,
                    day=day,
                    defaults={"inside": truth[0], "entries": truth[1]},
                )
    return differences
