"""The live attendance of each expo in this process: one subscription to the expo's
channel-layer group, one read of the counters per tick, and the same message handed to
every dashboard connected here.

However many dashboards a process serves, it reads the counters at most once per
``INTERVAL`` per expo, and each dashboard gets at most that many messages. A notice
(``realtime.broadcast``) starts a burst: the feed publishes at once, then at most every
``INTERVAL`` while notices keep coming, and once more ``INTERVAL`` after the last one,
which delivers what the sending side held back. Every ``RESYNC_SECONDS`` it publishes
anyway, and after the channel layer comes back, so a notice lost on the way is healed
by the next snapshot: the database is the truth.
"""

import asyncio
import contextlib
import contextvars
import json
import logging
import time

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from events.models import Expo
from ticketing import selectors

from .broadcast import INTERVAL, announcer, group_name

logger = logging.getLogger(__name__)

RESYNC_SECONDS = 30
RETRY_SECONDS = 1

_feeds = {}


def message(snapshot):
    """The text of one dashboard message, as the API contract shapes it."""
    return json.dumps({"type": "attendance", "data": snapshot}, separators=(",", ":"))


@database_sync_to_async
def snapshot(expo_id):
    expo = Expo.objects.get(pk=expo_id)
    return selectors.attendance(expo)


async def subscribe(expo_id, listener):
    """Have ``listener(text)`` called with each message of the expo's feed."""
    announcer.listeners_loop = asyncio.get_running_loop()
    feed = _feeds.get(expo_id)
    if feed is None:
        feed = _feeds[expo_id] = Feed(expo_id)
    feed.add(listener)


async def unsubscribe(expo_id, listener):
    """Stop calling ``listener``; the expo's last listener stops its feed.

    The feed leaves ``_feeds`` before its tasks are awaited, so a dashboard that opens
    while they stop (a page refresh) starts a feed of its own rather than joining the
    one that is going away."""
    feed = _feeds.get(expo_id)
    if feed is None:
        return
    feed.listeners.discard(listener)
    if not feed.listeners:
        del _feeds[expo_id]
        await feed.stop()


class Feed:
    def __init__(self, expo_id):
        self.expo_id = expo_id
        self.listeners = set()
        self.notified = asyncio.Event()
        self.last_published = -INTERVAL
        self.tasks = []

    def add(self, listener):
        self.listeners.add(listener)
        if not self.tasks:
            # The feed belongs to the process, not to the dashboard that happened to
            # start it: its tasks run in a context of their own.
            self.tasks = [
                asyncio.create_task(self.listen(), context=contextvars.Context()),
                asyncio.create_task(self.publish_bursts(), context=contextvars.Context()),
            ]

    async def stop(self):
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.tasks = []

    async def listen(self):
        """Receive the expo's notices from the channel layer, through one channel for the
        whole process; if the layer goes away, retry, and resync once it is back."""
        layer = get_channel_layer()
        while True:
            channel = None
            try:
                channel = await layer.new_channel()
                await layer.group_add(group_name(self.expo_id), channel)
                self.notified.set()  # (re)joined: whatever happened meanwhile is news
                while True:
                    await layer.receive(channel)
                    self.notified.set()
            except asyncio.CancelledError:
                if channel is not None:
                    with contextlib.suppress(Exception):
                        await layer.group_discard(group_name(self.expo_id), channel)
                raise
            except Exception:
                logger.warning(
                    "Live attendance of expo %s lost the channel layer; retrying",
                    self.expo_id,
                    exc_info=True,
                )
                await asyncio.sleep(RETRY_SECONDS)

    async def publish_bursts(self):
        while True:
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow the
            # cancellation that stops the feed when a notice arrives in the same instant.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(RESYNC_SECONDS):
                    await self.notified.wait()
            while self.notified.is_set():
                self.notified.clear()
                await self.publish()
            await self.publish()  # the trailing read, after everything held back

    async def publish(self):
        await asyncio.sleep(max(0.0, self.last_published + INTERVAL - time.monotonic()))
        self.last_published = time.monotonic()
        try:
            text = message(await snapshot(self.expo_id))
        except Exception:
            logger.exception("Could not read the attendance of expo %s", self.expo_id)
            return
        for listener in list(self.listeners):
            try:
                await listener(text)
            except Exception:  # one closed socket must not stop the others
                logger.debug("A dashboard of expo %s did not take a message", self.expo_id)
