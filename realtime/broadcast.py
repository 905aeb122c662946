"""News of attendance changes, from whichever process handled the scan to every process
that serves dashboards.

A busy gate scans hundreds of badges a second, and a message per scan would flood the
channel layer. So a process tells the expo's group at most once per ``INTERVAL`` that
something changed, and sends no data: each receiving process reads the counters itself
(``realtime.feeds``).

A scan never waits for the channel layer. The receiver of ``attendance_changed`` only
marks the expo as having news, in a set that holds each expo once, so it is bounded by
the number of expos; one sender thread per process takes the marks and sends the
notices, each with a short timeout. When a notice fails or times out (Redis restarting,
or hung), the sender skips the layer for ``PAUSE_SECONDS`` and keeps the marks, so the
dashboards catch up with one notice per expo once the layer answers again. See
docs/realtime.md and docs/reliability.md.
"""

import asyncio
import concurrent.futures
import logging
import threading
import time

from channels.layers import InMemoryChannelLayer, get_channel_layer

logger = logging.getLogger(__name__)

INTERVAL = 0.25  # seconds: at most four notices a second per expo and process
SEND_TIMEOUT = 0.5  # seconds a notice may take before the layer counts as away
PAUSE_SECONDS = 5.0  # how long the layer is skipped after a notice failed


def group_name(expo_id):
    return f"attendance.{expo_id}"


def attendance_changed(sender, expo_id, **details):
    """Receiver of ``ticketing.signals.attendance_changed``, sent after a check-in commits.
    It returns at once: the notice leaves from the sender thread."""
    announcer.announce(expo_id)


class Announcer:
    """Carries notices of one kind (``message_type``, to the ``group`` of an expo) from
    the threads that commit the changes to the channel layer, on a thread of its own:
    attendance here, the schedule board's moves in ``scheduling.broadcast``.

    With Redis, the thread keeps one event loop, so its connections are reused. The
    in-memory layer (one process, no Redis) lives in the event loop of this process's
    dashboards: ``realtime.feeds`` names that loop in ``listeners_loop``, and notices are
    handed to it there; with no feed running, nobody in this process listens, and there
    is nobody elsewhere to tell."""

    def __init__(self, group, message_type, name):
        self.group = group  # the group of an expo id
        self.message_type = message_type
        self.name = name
        self.listeners_loop = None
        self._pending = {}  # expo ids with news, oldest first (a dict keeps the order)
        self._condition = threading.Condition()
        self._thread = None
        self._loop = None
        self._paused_until = 0.0
        self._sending = False

    def announce(self, expo_id):
        with self._condition:
            self._pending[expo_id] = None
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()
            self._condition.notify_all()

    @property
    def paused(self):
        return time.monotonic() < self._paused_until

    def wait_until_sent(self, timeout):
        """Wait until every notice announced so far has left (or the layer is paused);
        ``False`` if that took longer than ``timeout`` seconds. For tests and shutdown."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while (self._pending and not self.paused) or self._sending:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._condition.wait(min(remaining, 0.05))
        return True

    def reset(self):
        """Forget held notices and a pause (between tests)."""
        with self._condition:
            self._pending.clear()
            self._paused_until = 0.0

    def _run(self):
        self._loop = asyncio.new_event_loop()
        while True:
            batch = self._take_batch()
            started = time.monotonic()
            unsent = self._send_all(batch)
            with self._condition:
                self._sending = False
                if unsent:
                    # Back in front of anything newer, so the oldest news leaves first.
                    self._pending = dict.fromkeys([*unsent, *self._pending])
                    self._paused_until = time.monotonic() + PAUSE_SECONDS
                self._condition.notify_all()
            time.sleep(max(0.0, started + INTERVAL - time.monotonic()))

    def _take_batch(self):
        with self._condition:
            while not self._pending or self.paused:
                wait = self._paused_until - time.monotonic() if self._pending else None
                self._condition.wait(wait)
            batch, self._pending = list(self._pending), {}
            self._sending = True
            return batch

    def _send_all(self, expo_ids):
        """Send a notice for each expo; the ids not sent when the layer failed."""
        for index, expo_id in enumerate(expo_ids):
            try:
                self._send(expo_id)
            except Exception:
                logger.warning(
                    "The channel layer did not take a notice (%s); pausing these notices "
                    "for %s s (the writes go on, the pages catch up)",
                    self.message_type,
                    PAUSE_SECONDS,
                    exc_info=True,
                )
                return expo_ids[index:]
        return []

    def _send(self, expo_id):
        layer = get_channel_layer()
        message = {"type": self.message_type, "expo": expo_id}

        async def send():
            async with asyncio.timeout(SEND_TIMEOUT):
                await layer.group_send(self.group(expo_id), message)

        if not isinstance(layer, InMemoryChannelLayer):
            self._loop.run_until_complete(send())
            return
        loop = self.listeners_loop
        if loop is None or not loop.is_running():
            return
        future = asyncio.run_coroutine_threadsafe(send(), loop)
        try:
            future.result(timeout=SEND_TIMEOUT * 2)
        except concurrent.futures.TimeoutError:
            future.cancel()  # the loop is not running any more
            raise


announcer = Announcer(group_name, "attendance.changed", "attendance-notices")
