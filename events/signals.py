"""Signals ``events`` sends to the apps built on it, which it does not import."""

from typing import NamedTuple

from django.dispatch import Signal


class Link(NamedTuple):
    """A page or an export an organiser runs. ``short`` is the label in a list's column;
    a link without one shows on the object's own admin page only."""

    label: str
    url: str
    short: str | None = None


#: Sent by the back office with ``sender`` the model (``Expo`` or ``Session``), ``obj`` the
#: expo or session it shows and ``detail``: true for the object's own page, false for a
#: row of a list, where a receiver leaves out what needs a query. Each receiver returns a
#: list of ``Link``: its app's pages and exports for that object (the live page, a
#: session's attendee lists, …).
organiser_links = Signal()


#: Sent by an expo's home page with ``sender`` ``Expo`` and ``obj`` the expo. Each receiver
#: returns a list of ``Link``: its app's pages a visitor may want next (the call for
#: proposals while it is open, …), shown beside "Get tickets".
visitor_links = Signal()


#: Sent after a change of the plan commits (a session planned, moved, resized, sent back
#: to the tray, cancelled or restored), with ``sender`` ``Session`` and ``expo_id``. The
#: schedule board tells the expo's other open boards (``scheduling/receivers.py``).
plan_changed = Signal()


#: Sent by ``events.services.release_schedule`` inside its transaction, with ``sender``
#: ``ScheduleRelease``, ``release`` the new release and ``changes`` a list of
#: ``events.selectors.ReleaseChange`` (the sessions, already in their released slots). A
#: receiver's writes commit with the release or not at all.
schedule_released = Signal()
