"""Signals ``exhibitors`` sends to the apps built on it, which it does not import."""

from django.dispatch import Signal

#: Sent by the portal's exhibitor page with ``exhibitor`` and ``user`` (the person who opened
#: it). Each receiver returns a list of ``events.signals.Link``: its app's pages for that
#: exhibitor (the call for proposals, …), shown in a section of their own.
portal_sections = Signal()
