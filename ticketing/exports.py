"""A session's attendee list for its organisers, as a spreadsheet table
(``expo.spreadsheets`` writes it as CSV or Excel): who booked or waits for a seat, their
e-mail (the organisers' own expo's visitors), ticket type and whether they came in."""

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


def attendees_table(session):
    time_zone = session.expo.tz
    rows = [
        [
            booking.ticket.holder_name,
            booking.ticket.holder_email,
            booking.ticket.organisation,
            translated(booking.ticket.ticket_type, "name"),
            str(_status(booking)),
            booking.created_at,
            booking.checked_in_at,
        ]
        for booking in selectors.session_attendees(session)
    ]
    return spreadsheets.Table(
        title=translated(session, "title"),
        headers=[
            _("Name"),
            _("E-mail"),
            _("Organisation"),
            _("Ticket type"),
            _("Status"),
            spreadsheets.time_header(_("Booked"), time_zone),
            spreadsheets.time_header(_("Checked in"), time_zone),
        ],
        rows=rows,
        time_zone=time_zone,
    )


def attendees_download(session, sheet_format):
    """The attendee list as a file named after the session, its day and start time."""
    start = timezone.localtime(session.start, session.expo.tz)
    title = translated(session, "title")
    filename = f"{_('attendees')}-{start:%Y-%m-%d-%H%M}-{title}"
    return spreadsheets.download(attendees_table(session), sheet_format, filename)
