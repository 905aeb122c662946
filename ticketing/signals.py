"""Signals other apps listen to; ticketing itself imports none of them."""

from django.dispatch import Signal

#: Sent after a check-in commits, with ``expo_id``, ``scan_point_id`` and ``result``.
attendance_changed = Signal()
