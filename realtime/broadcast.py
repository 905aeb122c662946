"""News of attendance changes, from whichever process handled the scan to every process
that serves dashboards.

A busy gate scans hundreds of badges a second, and a message per scan would flood the
channel layer. So a process tells the expo's group at most once per ``INTERVAL`` that
something changed, and sends no data: each receiving process reads the counters itself
(``realtime.feeds``). What changes between two notices is not lost: the receiving side
reads once more ``INTERVAL`` after the last notice it got, which is after every change
this side held back. See docs/realtime.md.
"""

import logging
import threading
import time

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

INTERVAL = 0.25  # seconds: at most four notices a second per expo and process

_last_sent = {}
_lock = threading.Lock()


def group_name(expo_id):
    return f"attendance.{expo_id}"


def attendance_changed(sender, expo_id, **details):
    """Receiver of ``ticketing.signals.attendance_changed``, sent after a check-in commits.

    It never fails the scan that sent it: the database already holds the truth, and a
    channel layer that is away (Redis restarting) only delays the dashboards, which read
    the counters again when they reconnect."""
    now = time.monotonic()
    with _lock:
        if now - _last_sent.get(expo_id, -INTERVAL) < INTERVAL:
            return
        _last_sent[expo_id] = now
    try:
        async_to_sync(get_channel_layer().group_send)(
            group_name(expo_id), {"type": "attendance.changed", "expo": expo_id}
        )
    except Exception:  # the channel layer is down: the scan stands, dashboards catch up
        logger.warning("Could not announce an attendance change of expo %s", expo_id, exc_info=True)
