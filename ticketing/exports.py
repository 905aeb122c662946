"""Session bookings for their organisers, as spreadsheet tables (``expo.spreadsheets``
writes them as CSV or Excel): who booked or waits for a seat, their e-mail (the
organisers' own expo's visitors), ticket type and whether they came in. A session's
attendee list (with those who came in at its door without a booking after the booked),
or any bookings of one expo picked in the back office."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from events.translations import translated
from expo import spreadsheets

from . import selectors
from .models import SessionBooking


def _status(booking):
    if booking.checked_in_at is not None:
        return pgettext("session booking", "Checked in")
    return SessionBooking.Status(booking.status).label


def _attendee(booking):
    ticket = booking.ticket
    return [
        ticket.holder_name,
        ticket.holder_email,
        ticket.organisation,
        translated(ticket.ticket_type, "name"),
        str(_status(booking)),
        booking.created_at,
        booking.checked_in_at,
    ]


def _walk_in(ticket):
    return [
        ticket.holder_name,
        ticket.holder_email,
        ticket.organisation,
        translated(ticket.ticket_type, "name"),
        pgettext("session booking", "Came in without a booking"),
        None,
        ticket.checked_in_at,
    ]


def _attendee_headers(time_zone):
    return [
        _("Name"),
        _("E-mail"),
        _("Organisation"),
        _("Ticket type"),
        _("Status"),
        spreadsheets.time_header(_("Booked"), time_zone),
        spreadsheets.time_header(_("Checked in"), time_zone),
    ]


def attendees_table(session):
    time_zone = session.expo.tz
    return spreadsheets.Table(
        title=translated(session, "title"),
        headers=_attendee_headers(time_zone),
        rows=[
            *(_attendee(booking) for booking in selectors.session_attendees(session)),
            *(_walk_in(ticket) for ticket in selectors.session_walk_ins(session)),
        ],
        time_zone=time_zone,
    )


def attendees_download(session, sheet_format):
    """The attendee list as a file named after the session, its day and start time."""
    start = timezone.localtime(session.start, session.expo.tz)
    title = translated(session, "title")
    filename = f"{_('attendees')}-{start:%Y-%m-%d-%H%M}-{title}"
    return spreadsheets.download(attendees_table(session), sheet_format, filename)


def bookings_download(expo, bookings, sheet_format):
    """``bookings`` of ``expo``'s sessions as a file, by session and then as in a
    session's attendee list, with the session's title and start in front."""
    time_zone = expo.tz
    bookings = selectors.with_first_entry(bookings).order_by(
        "session__start", "session__title", "session_id", "waiting_last", "pk"
    )
    table = spreadsheets.Table(
        title=_("Bookings"),
        headers=[
            _("Session"),
            spreadsheets.time_header(_("Starts"), time_zone),
            *_attendee_headers(time_zone),
        ],
        rows=[
            [translated(booking.session, "title"), booking.session.start, *_attendee(booking)]
            for booking in bookings
        ],
        time_zone=time_zone,
    )
    today = timezone.now().astimezone(time_zone).date()
    return spreadsheets.download(table, sheet_format, f"{_('bookings')}-{expo.slug}-{today}")
