"""A scan never waits for the channel layer: notices leave from a thread of their own,
with a short timeout, and a layer that does not answer is skipped until it does."""

import contextvars
import threading
import time

import pytest

from realtime import broadcast
from tests.conftest import hung_listener
from ticketing import services
from ticketing.models import ScanPoint

pytestmark = pytest.mark.django_db(transaction=True)


def test_scans_answer_while_the_channel_layer_hangs(future_expo, holders, settings, monkeypatch):
    # Longer than the scans below could ever take, so a scan that waited for the layer
    # would still be waiting when they are checked.
    monkeypatch.setattr(broadcast, "SEND_TIMEOUT", 60)
    gate = ScanPoint.objects.create(expo=future_expo, slug="north", name="North", kind="gate")
    with hung_listener() as (port, connected):
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {"hosts": [f"redis://127.0.0.1:{port}/0"]},
            }
        }
        results = []
        context = contextvars.copy_context()  # the test's scope, in the scanning thread
        scanner = threading.Thread(
            target=context.run,
            args=(
                lambda: results.extend(
                    services.check_in(ticket.code, gate, "in").check_in.result
                    for ticket in holders[:5]
                ),
            ),
        )
        scanner.start()
        scanner.join(timeout=30)
        assert not scanner.is_alive(), "a scan waited for the hung channel layer"
        assert results == ["entered"] * 5
        assert connected.wait(timeout=10), "no notice was attempted"
        # Every scan has answered while the notice is still waiting for the layer.
        assert not broadcast.announcer.wait_until_sent(timeout=0.2)
    # The listener is gone: the notice fails and the sender pauses the layer.
    assert broadcast.announcer.wait_until_sent(timeout=10)
    assert broadcast.announcer.paused


class FlakyLayer:
    """A channel layer that is away for its first ``failures`` sends, then answers."""

    def __init__(self, failures):
        self.failures = failures
        self.sent = []

    async def group_send(self, group, message):
        if self.failures:
            self.failures -= 1
            raise ConnectionError("Redis is restarting")
        self.sent.append(group)


def test_dashboards_catch_up_once_the_layer_is_back(monkeypatch):
    layer = FlakyLayer(failures=1)
    monkeypatch.setattr(broadcast, "get_channel_layer", lambda: layer)
    monkeypatch.setattr(broadcast, "PAUSE_SECONDS", 0.3)
    announcer = broadcast.Announcer(broadcast.group_name, "attendance.changed", "test-notices")

    announcer.announce(1)
    assert announcer.wait_until_sent(timeout=10)
    assert announcer.paused and layer.sent == []
    announcer.announce(2)  # news while the layer is skipped is kept, not sent
    announcer.announce(1)
    assert announcer.wait_until_sent(timeout=10)
    for _ in range(200):
        if layer.sent and announcer.wait_until_sent(timeout=10):
            break
        time.sleep(0.05)
    # Once back, one notice per expo, the oldest news first.
    assert layer.sent == [broadcast.group_name(1), broadcast.group_name(2)]


def test_one_notice_per_interval_however_many_scans(monkeypatch):
    layer = FlakyLayer(failures=0)
    monkeypatch.setattr(broadcast, "get_channel_layer", lambda: layer)
    announcer = broadcast.Announcer(broadcast.group_name, "attendance.changed", "test-notices")
    for _ in range(50):
        announcer.announce(4)
    assert announcer.wait_until_sent(timeout=10)
    assert 1 <= len(layer.sent) <= 2  # the first, and at most one more with the rest
