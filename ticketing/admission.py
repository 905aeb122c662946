"""Which days, halls and sessions a ticket admits. Pure reads, shared by registration,
session booking and check-in."""

import datetime as dt

from django.utils.translation import gettext as _

from events.translations import translated
from expo import dates

from . import lookups
from .models import TicketType


def open_days(expo):
    """The expo's open days, as ``lookups`` remembers them."""
    return list(lookups.opening_windows(expo))


def type_days(ticket_type, open_days):
    """The days a ticket type is valid on: its own list, else its conference's days,
    else every open day of the expo."""
    if ticket_type.valid_days:
        return _listed_days(ticket_type.valid_days)
    if ticket_type.kind == TicketType.Kind.CONFERENCE and ticket_type.conference_id:
        conference = ticket_type.conference
        return [day for day in open_days if conference.start_date <= day <= conference.end_date]
    return list(open_days)


def _listed_days(values):
    """The days of a ticket type's own list. ``TicketType.clean`` admits only days as
    ``YYYY-MM-DD``; anything else that reached the database another way is skipped
    rather than breaking every page that shows the ticket type."""
    days = set()
    for value in values if isinstance(values, list) else []:
        try:
            days.add(dt.date.fromisoformat(value))
        except (TypeError, ValueError):
            continue
    return sorted(days)


def ticket_days(ticket, open_days):
    """The days a ticket admits: those it was sold for. ``open_days`` serves a ticket
    made without registering it (no days recorded), which admits what its type does."""
    if ticket.valid_days:
        return [dt.date.fromisoformat(day) for day in ticket.valid_days]
    if ticket.day is not None:
        return [ticket.day]
    return type_days(ticket.ticket_type, open_days)


def admits_hall(ticket_type, hall_id):
    halls = lookups.admitted_halls(ticket_type)
    return not halls or hall_id in halls


def admits_conference(ticket_type, conference):
    """A conference's sessions admit its own tickets, speaker and press badges, and
    exhibitors' staff badges only where the organisers allow it: a staff badge is handed
    out free and must not open a conference that others pay for."""
    if ticket_type.conference_id == conference.pk:
        return True
    if ticket_type.kind == TicketType.Kind.EXHIBITOR:
        return conference.admits_exhibitor_staff
    return ticket_type.kind in TicketType.STAFF_KINDS


def session_refusal(ticket, session, open_days):
    """Why ``ticket`` does not admit ``session`` as ``(code, message)``, or ``None``."""
    ticket_type = ticket.ticket_type
    day = session.expo.local_day(session.start)
    if day not in ticket_days(ticket, open_days):
        return "not_valid_today", _("This ticket is not valid on %(day)s.") % {
            "day": dates.long_date(day)
        }
    if session.conference_id and not admits_conference(ticket_type, session.conference):
        return "not_valid_here", _(
            "This session belongs to %(conference)s; it needs a ticket to that conference."
        ) % {"conference": translated(session.conference, "name")}
    if not admits_hall(ticket_type, session.room.hall_id):
        return "not_valid_here", _("This ticket does not admit you to %(hall)s.") % {
            "hall": session.room.hall.name
        }
    return None
