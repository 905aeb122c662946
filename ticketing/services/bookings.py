"""Session bookings with a waiting list: a freed seat goes to the first who can take it."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Session
from events.translations import translated
from expo.errors import Conflict

from .. import admission, emails
from ..models import SessionBooking, Ticket


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
                _("You have booked “%(title)s” at the same time.")
                % {"title": translated(clash.session, "title")},
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
    if session.start is None:
        raise Conflict(_("This session is not in the published programme."), code="not_published")
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
        cancel_booking_locked(booking)
    return booking


def cancel_booking_locked(booking):
    was_booked = booking.status == SessionBooking.Status.BOOKED
    booking.status = SessionBooking.Status.CANCELLED
    booking.save(update_fields=["status", "changed_at"])
    if was_booked:
        _promote_from_waitlist(booking.session)


def _promote_from_waitlist(session):
    """Give the freed seat to the first on the waiting list who can take it, and tell
    them. A seat freed once the session is over goes to no one: a cancellation or an
    erasure afterwards must not announce a seat in the past."""
    if session.end <= timezone.now():
        return None
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
        emails.queue_seat_freed(waiting)
        return waiting
    return None


def waitlist_position(booking):
    """1 for the first on the waiting list; ``None`` when not waiting."""
    if booking.status != SessionBooking.Status.WAITLISTED:
        return None
    return booking.session.bookings.filter(
        status=SessionBooking.Status.WAITLISTED, pk__lte=booking.pk
    ).count()
