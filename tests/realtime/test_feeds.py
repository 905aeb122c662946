"""A feed of one expo in one process, as dashboards come and go."""

import asyncio

from realtime import broadcast, feeds


async def test_a_dashboard_that_opens_while_the_last_one_closes_keeps_getting_news():
    """A page refresh: the old dashboard leaves while the new one joins. The new one must
    not join the feed that is stopping, or it would get its snapshot and then nothing."""
    expo_id = 7
    received = []

    async def old_page(text):
        pass

    async def new_page(text):
        received.append(text)

    snapshots = []

    async def fake_snapshot(expo_id):
        snapshots.append(expo_id)
        return {"on_site": len(snapshots)}

    original, feeds.snapshot = feeds.snapshot, fake_snapshot
    try:
        await feeds.subscribe(expo_id, old_page)
        async with asyncio.timeout(10):  # stopping a feed must not hang
            await asyncio.gather(
                feeds.unsubscribe(expo_id, old_page), feeds.subscribe(expo_id, new_page)
            )
        feed = feeds._feeds[expo_id]
        assert feed.listeners == {new_page}
        assert feed.tasks and not any(task.done() for task in feed.tasks)

        received.clear()
        feed.notified.set()  # what a notice from the channel layer does
        for _ in range(100):
            if received:
                break
            await asyncio.sleep(0.02)
        assert received, "the new dashboard got nothing after the refresh"
    finally:
        await feeds.unsubscribe(expo_id, new_page)
        feeds.snapshot = original


async def test_the_feed_names_its_event_loop_to_the_in_memory_layer_sender():
    async def page(text):
        pass

    await feeds.subscribe(3, page)
    try:
        assert broadcast.announcer.listeners_loop is asyncio.get_running_loop()
    finally:
        await feeds.unsubscribe(3, page)
