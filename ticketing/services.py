"""Rules of tickets: registration under quotas, cancellation, and session bookings with a
waiting list.

Locks are always taken in one order so that two writers cannot deadlock: sessions (by
id), then tickets, then quotas (by id).
"""

import dataclasses

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Session
from expo.errors import Conflict, InvalidInput

from . import admission, codes, emails, lookups, signals
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


def register(expo, ticket_type, attendees, *, day=None, language="en", handed_out=False):
    """Sell one ticket of ``ticket_type`` to each attendee in one order. Ticket types that
    are not sold to the public (exhibitor, speaker, press) are ``handed_out`` by
    organisers and exhibitors only.

    Raises ``InvalidInput`` for bad input and ``Conflict`` (``not_on_sale``, ``sold_out``)
    when the rules refuse; nothing is written then. The confirmation e-mail leaves after
    the order is committed. The order's ``sold_tickets`` are its new tickets, in order.
    """
    attendees = list(attendees)
    days = _check_registration(expo, ticket_type, attendees, day, handed_out)
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
    order.sold_tickets = tickets
    return order


def _check_registration(expo, ticket_type, attendees, day, handed_out):
    errors = {}
    if ticket_type.expo_id != expo.pk or not (ticket_type.is_public or handed_out):
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


def stop_sharing_contact(ticket):
    """The holder no longer shares name, e-mail and organisation with exhibitors: leads
    already taken show them as anonymous from now on."""
    Ticket.objects.filter(pk=ticket.pk).update(share_contact_with_exhibitors=False)
    ticket.share_contact_with_exhibitors = False


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


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


# The statements of a scan, written out (see check_in); plain SQL that PostgreSQL and
# SQLite both run.
_LOCK_TICKET_SQL = f"SELECT * FROM {_table(Ticket)} WHERE id = %s AND expo_id = %s"
# Entering and leaving are each one compare-and-set: a row comes back only when the
# presence changed, that is when the ticket was outside (entering) or inside (leaving).
_ARRIVE_SQL = (
    f"INSERT INTO {_table(Presence)} AS presence (ticket_id, place, day, inside) "
    "VALUES (%s, %s, %s, %s) ON CONFLICT (ticket_id, place, day) "
    "DO UPDATE SET inside = excluded.inside WHERE presence.inside = %s RETURNING id"
)
_LEAVE_SQL = (
    f"UPDATE {_table(Presence)} SET inside = %s "
    "WHERE ticket_id = %s AND place = %s AND day = %s AND inside = %s RETURNING id"
)
_INSERT_CHECK_IN_SQL = (
    f"INSERT INTO {_table(CheckIn)} (expo_id, scan_point_id, ticket_id, direction, result, "
    "day, scanned_at, device_id, user_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id"
)
_MOVE_COUNTERS_SQL = (
    f"UPDATE {_table(Occupancy)} SET inside = inside + %s, entries = entries + %s "
    "WHERE expo_id = %s AND place = %s AND day = %s"
)


def check_in(code, scan_point, direction, *, device=None, user=None):
    """Scan a badge at ``scan_point``: verify its code, apply the admission rules and
    count the visitor in or out. Every scan is stored as a ``CheckIn`` with its result,
    refused or not; a wrong ``direction`` for the scan point is bad input.

    This is the hottest path of a fair's opening hour, so it makes few round trips: one
    statement locks the ticket and reads its presence, and the counters move in one
    ``UPDATE … RETURNING`` that also enforces the capacity. The counter row is the one
    that every scan at the place contends for, so it is written last, just before the
    commit that releases it.
    """
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
    place = place_of(scan_point)
    ticket_id = _ticket_id_of(code, expo)
    with transaction.atomic():
        ticket = _locked_ticket(ticket_id, expo) if ticket_id is not None else None
        if ticket is None:
            result, counters = CheckIn.Result.INVALID_CODE, None
        else:
            refusal = _refusal(ticket, scan_point, day)
            result, counters = (
                (refusal, None) if refusal else _pass(ticket, scan_point, place, direction, day)
            )
        check_in = CheckIn(
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
        _insert_check_in(check_in)
        if counters is None:
            if result == CheckIn.Result.ENTERED:
                counters = _move_counters(expo.pk, place, day, inside=1, entries=1)
            elif result == CheckIn.Result.EXITED:
                counters = _move_counters(expo.pk, place, day, inside=-1, entries=0)
            else:
                counters = _read_counters(expo.pk, place, day)
        transaction.on_commit(
            lambda: signals.attendance_changed.send(
                sender=CheckIn, expo_id=expo.pk, scan_point_id=scan_point.pk, result=result
            )
        )
    return ScanAnswer(check_in=check_in, ticket=ticket, occupancy=_occupancy(scan_point, counters))


def _ticket_id_of(code, expo):
    try:
        verified = codes.verify(code)
    except codes.InvalidCode:
        return None
    return verified.ticket_id if verified.expo_id == expo.pk else None


def _locked_ticket(ticket_id, expo):
    """The ticket, locked, with its type.

    The lock orders every scan of one badge, so the same badge at two gates in the same
    instant enters once: the second scan waits here until the first has written the
    presence. The statement is written out because building it through the ORM cost
    more than running it; the ticket type comes from ``lookups``."""
    sql = _LOCK_TICKET_SQL
    if connection.features.has_select_for_update:
        sql += " FOR NO KEY UPDATE"
    ticket = next(iter(Ticket.objects.raw(sql, [ticket_id, expo.pk])), None)
    if ticket is not None:
        ticket.ticket_type = lookups.ticket_type(ticket.ticket_type_id)
    return ticket


def _insert_check_in(check_in):
    """``check_in.save()``, for a new row, without building the statement each time."""
    ops = connection.ops
    params = [
        check_in.expo_id,
        check_in.scan_point_id,
        check_in.ticket_id,
        check_in.direction,
        check_in.result,
        ops.adapt_datefield_value(check_in.day),
        ops.adapt_datetimefield_value(check_in.scanned_at),
        check_in.device_id,
        check_in.user_id,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_CHECK_IN_SQL, params)
        check_in.pk = cursor.fetchone()[0]
    check_in._state.adding = False


def _refusal(ticket, scan_point, day):
    """The result word that refuses this ticket here today, or ``None``."""
    if not ticket.is_valid:
        return CheckIn.Result.CANCELLED
    open_days = list(lookups.opening_windows(scan_point.expo))
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
        if admission.session_refusal(ticket, session, open_days) is not None:
            return CheckIn.Result.NOT_VALID_HERE
    return None


def place_of(scan_point):
    if scan_point.kind == ScanPoint.Kind.HALL:
        return f"hall:{scan_point.hall_id}"
    if scan_point.kind == ScanPoint.Kind.SESSION:
        return f"session:{scan_point.session_id}"
    return "expo"


def _pass(ticket, scan_point, place, direction, day):
    """The result of an admissible ticket, and the place's counters if they were already
    moved or read (``None`` leaves them to ``check_in``).

    An entry at a place with a capacity takes its seat in the same statement that checks
    the capacity, so two people never take the last place. Elsewhere the counters move
    after the check-in row is written (see ``check_in``)."""
    if direction == ScanPoint.Direction.OUT:
        if not _leave(ticket, place, day):
            return CheckIn.Result.NOT_INSIDE, None
        return CheckIn.Result.EXITED, None
    if not _arrive(ticket, place, day):
        return CheckIn.Result.ALREADY_INSIDE, None
    limit, full = _limit_for(ticket, scan_point, place, day)
    if limit is None:
        return CheckIn.Result.ENTERED, None
    counters = _move_counters(scan_point.expo_id, place, day, inside=1, entries=1, limit=limit)
    if counters is None:
        _leave(ticket, place, day)  # the place is full: they did not get in after all
        return full, _read_counters(scan_point.expo_id, place, day)
    return CheckIn.Result.ENTERED, counters


def _limit_for(ticket, scan_point, place, day):
    """How many may be inside the place for this ticket to enter, and the refusal word.

    A session door keeps the seats of those who booked: someone who booked always gets
    in, while a walk-in gets one of the seats that are not held for a booked person who
    has not arrived yet."""
    if scan_point.kind == ScanPoint.Kind.HALL:
        return scan_point.hall.capacity, CheckIn.Result.HALL_FULL
    if scan_point.kind != ScanPoint.Kind.SESSION:
        return None, None
    session = scan_point.session
    booked = SessionBooking.objects.filter(session=session, status=SessionBooking.Status.BOOKED)
    if booked.filter(ticket=ticket).exists():
        return session.seats, CheckIn.Result.SESSION_FULL
    arrived = Presence.objects.filter(place=place, day=day, inside=True)
    held = booked.exclude(ticket__in=arrived.values("ticket")).count()
    return session.seats - held, CheckIn.Result.SESSION_FULL


def _arrive(ticket, place, day):
    """Mark the ticket inside ``place`` today; ``False`` when it was inside already."""
    day = connection.ops.adapt_datefield_value(day)
    with connection.cursor() as cursor:
        cursor.execute(_ARRIVE_SQL, [ticket.pk, place, day, True, False])
        return cursor.fetchone() is not None


def _leave(ticket, place, day):
    """Mark the ticket outside ``place`` today; ``False`` when it was not inside."""
    day = connection.ops.adapt_datefield_value(day)
    with connection.cursor() as cursor:
        cursor.execute(_LEAVE_SQL, [False, ticket.pk, place, day, True])
        return cursor.fetchone() is not None


def _move_counters(expo_id, place, day, *, inside, entries, limit=None):
    """Move a place's counters for the day and return them as ``(inside, entries)``; with
    a ``limit``, only while fewer than ``limit`` are inside (``None`` when full). The
    day's row is made by the first scan that needs it."""
    sql = _MOVE_COUNTERS_SQL
    params = [inside, entries, expo_id, place, connection.ops.adapt_datefield_value(day)]
    if limit is not None:
        sql += " AND inside < %s"
        params.append(limit)
    sql += " RETURNING inside, entries"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if row is None:
            Occupancy.objects.bulk_create(
                [Occupancy(expo_id=expo_id, place=place, day=day)], ignore_conflicts=True
            )
            cursor.execute(sql, params)
            row = cursor.fetchone()
    return row


def _read_counters(expo_id, place, day):
    row = (
        Occupancy.objects.filter(expo_id=expo_id, place=place, day=day)
        .values_list("inside", "entries")
        .first()
    )
    return row or (0, 0)


def _occupancy(scan_point, counters):
    inside, entries = counters
    answer = {"place": scan_point.kind, "inside": inside, "entries_today": entries}
    if scan_point.kind == ScanPoint.Kind.HALL:
        answer.update(hall=scan_point.hall.slug, capacity=scan_point.hall.capacity)
    elif scan_point.kind == ScanPoint.Kind.SESSION:
        answer.update(session=scan_point.session_id, capacity=scan_point.session.seats)
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
