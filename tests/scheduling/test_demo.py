"""The demo gives the schedule board something real to show: a well-filled busiest day
with a warning of each kind in the draft, and sessions waiting in the tray."""

import io

import pytest
from django.core.management import call_command

from events import demo, selectors
from events.models import Expo
from scheduling import demo as board_demo
from scheduling import selectors as board


@pytest.fixture
def demo_expo(db):
    call_command("seed_demo", "--start", "2026-06-01", "--no-progress", stdout=io.StringIO())
    return Expo.objects.get(slug=demo.SLUG)


def test_the_busiest_day_is_well_filled_with_warnings_and_the_tray_has_sessions(demo_expo):
    windows = selectors.opening_windows(demo_expo)
    day = board_demo.busiest_day(demo_expo)
    rooms = board.rooms(demo_expo)
    grid = board.day_grid(demo_expo, day, windows, rooms)
    cards = [card for column in grid.columns for card in column.cards]
    (entry,) = [entry for entry in board.strip(demo_expo, windows, rooms) if entry.day == day]
    assert entry.share >= 50
    codes = {warning.code for card in cards for warning in card.warnings}
    assert codes == {"room_too_small", "speaker_unavailable", "track_overlap"}
    # Some of the day is a draft: planned, not released yet.
    assert any(card.session.start is None for card in cards)
    assert len(board.tray(demo_expo)) >= len(board_demo.TRAY)
