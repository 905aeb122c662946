import pytest

from realtime import broadcast, feeds


@pytest.fixture(autouse=True)
def fresh_broadcast():
    """No notice held back, and no feed left running, from an earlier test."""
    broadcast._last_sent.clear()
    yield
    assert not feeds._feeds, "a test left a live feed running"
