import pytest

from realtime import broadcast, feeds


@pytest.fixture(autouse=True)
def fresh_broadcast():
    """No notice held back, no pause of the channel layer, and no feed left running,
    from an earlier test."""
    broadcast.announcer.reset()
    yield
    broadcast.announcer.reset()
    assert not feeds._feeds, "a test left a live feed running"
