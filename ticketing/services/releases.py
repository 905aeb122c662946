"""What a release of the schedule means for the visitors who booked its sessions.

A session that leaves the public programme takes its bookings and waiting-list places
with it; a session that moves keeps them. Either way each visitor who booked or waits is
told once per release, in one e-mail that lists all of their sessions that changed.
"""

from collections import defaultdict

from django.utils import timezone

from events.models import ScheduleRelease

from .. import emails
from ..models import SessionBooking


def follow_release(release, changes):
    """Cancel the bookings of the sessions ``release`` cancelled and queue the e-mails to
    the visitors whose sessions it cancelled or moved. ``changes`` are the release's
    ``events.selectors.ReleaseChange``; call it inside the release's transaction, which
    holds the sessions' rows."""
    told = {ScheduleRelease.Change.MOVED, ScheduleRelease.Change.CANCELLED}
    session_ids = [change.session.pk for change in changes if change.change in told]
    cancelled = {
        change.session.pk for change in changes if change.change == ScheduleRelease.Change.CANCELLED
    }
    live = SessionBooking.objects.filter(session_id__in=session_ids).exclude(
        status=SessionBooking.Status.CANCELLED
    )
    # Locked first, then read with their tickets (a locking read that joins them could
    # see a booking changed meanwhile beside its ticket as it was).
    locked = list(live.select_for_update().order_by("pk").values_list("pk", flat=True))
    bookings = list(
        SessionBooking.objects.filter(pk__in=locked).select_related("ticket").order_by("pk")
    )
    withdrawn = [booking for booking in bookings if booking.session_id in cancelled]
    now = timezone.now()
    for booking in withdrawn:
        # No seat is freed for the waiting list: the session has left the programme.
        booking.status = SessionBooking.Status.CANCELLED
        booking.changed_at = now
    SessionBooking.objects.bulk_update(withdrawn, ["status", "changed_at"])
    by_visitor = defaultdict(list)
    for booking in bookings:
        if not booking.ticket.is_erased:
            by_visitor[booking.ticket.holder_email.lower()].append(booking.pk)
    for booking_ids in by_visitor.values():
        emails.queue_schedule_changed(release, booking_ids)
