"""What every scan reads and almost never changes, kept in this process for a few seconds.

A gate scanner sends scan after scan with the same device key, at the same scan point,
in an expo whose opening days are settled long before. Reading those from the database
on every scan cost more than the scan's own writes, so they are remembered here for
``SECONDS``. A change saved in this process forgets them at once (``forget`` listens to
the models' signals and to a release of the schedule); other processes see it within
``SECONDS``: a device revoked in the admin stops scanning, and a hall's new capacity
applies, at most that much later.

Only what exists is remembered, so unknown keys or slugs cannot fill the memory.
"""

import time

from django.db.models.signals import m2m_changed, post_delete, post_save

from events import selectors as programme
from events.models import Expo, Hall, OpeningDay, Room, Session
from events.signals import schedule_released

from .models import ScannerDevice, ScanPoint, TicketType

SECONDS = 10

_remembered = {}


def _recall(key, load):
    now = time.monotonic()
    entry = _remembered.get(key)
    if entry is not None and entry[0] > now:
        return entry[1]
    value = load()
    if value is not None:
        _remembered[key] = (now + SECONDS, value)
    return value


def forget(**_signal):
    _remembered.clear()


def active_device(key):
    """The active scanner device with this key, its expo selected, or ``None``.

    The key is what tells the device's expo, so it is looked up across expos."""
    return _recall(
        ("device", key),
        lambda: (
            ScannerDevice.objects.with_scopes_disabled()
            .select_related("expo")
            .filter(key=key, is_active=True)
            .first()
        ),
    )


def scan_point(expo_id, slug):
    """The expo's scan point with its expo, hall and session (with room) selected."""
    return _recall(
        ("scan point", expo_id, slug),
        lambda: (
            ScanPoint.objects.select_related("expo", "hall", "session__room")
            .filter(expo_id=expo_id, slug=slug)
            .first()
        ),
    )


def opening_windows(expo):
    """``events.selectors.opening_windows`` of the expo."""
    return _recall(("opening windows", expo.pk), lambda: programme.opening_windows(expo))


def ticket_type(ticket_type_id):
    """The ticket type with this id."""
    return _recall(
        ("ticket type", ticket_type_id),
        lambda: TicketType.objects.filter(pk=ticket_type_id).first(),
    )


def admitted_halls(ticket_type):
    """The ids of the halls a ticket type is limited to; empty means every hall."""
    return _recall(
        ("halls", ticket_type.pk),
        lambda: frozenset(ticket_type.halls.values_list("pk", flat=True)),
    )


for model in (Expo, OpeningDay, Hall, Room, Session, TicketType, ScanPoint, ScannerDevice):
    post_save.connect(forget, sender=model, dispatch_uid=f"lookups-save-{model.__name__}")
    post_delete.connect(forget, sender=model, dispatch_uid=f"lookups-delete-{model.__name__}")
m2m_changed.connect(forget, sender=TicketType.halls.through, dispatch_uid="lookups-halls")
# A release moves sessions in bulk, without a save of each: a session door must not keep
# admitting to a session the release took out of the programme.
schedule_released.connect(forget, dispatch_uid="lookups-schedule-released")
