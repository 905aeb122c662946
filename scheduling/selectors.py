"""The reads of the schedule board: one day's grid of rooms and times, the strip of every
day with how full each room is, and the tray of sessions still to place. Each is a fixed
number of queries, however many sessions and days the expo has (``bench/board.py``)."""

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Sum
from django.db.models.functions import TruncDate

from events import selectors as programme
from events.models import Room, Session

# The levels a strip cell is drawn in: 0 (empty) to 10 (full), a class each in board.css.
LEVELS = 10


@dataclass
class Card:
    """A planned session on the grid, ``offset`` minutes below the grid's top."""

    session: Session
    offset: int
    warnings: list


@dataclass
class Column:
    room: Room
    cards: list = field(default_factory=list)
    planned_minutes: int = 0
    share: int = 0  # of the day's open minutes, in per cent


@dataclass
class Grid:
    """One day of the plan: a column per room from ``top`` to ``bottom`` (the opening
    hours, widened to any session planned outside them). ``window`` is ``None`` on a
    closed day."""

    day: dt.date
    window: tuple | None
    top: dt.datetime
    bottom: dt.datetime
    columns: list
    hours: list

    @property
    def minutes(self):
        return int((self.bottom - self.top).total_seconds() // 60)


def rooms(expo):
    return list(
        Room.objects.filter(expo=expo).select_related("hall").order_by("hall__name", "name")
    )


def planned(expo):
    """The sessions in the plan (not cancelled, with a planned slot), with what a card
    shows."""
    return (
        Session.objects.filter(expo=expo, cancelled=False, planned_start__isnull=False)
        .select_related("planned_room", "track")
        .prefetch_related("speakers")
        .order_by("planned_start", "planned_room__name")
    )


def day_grid(expo, day, windows, room_list):
    """The grid of ``day``: its rooms' columns with the sessions planned to start that
    day (the expo's day, in its time zone) and each one's warnings."""
    window = windows.get(day)
    start, end = programme.day_bounds(expo, day)
    sessions = list(planned(expo).filter(planned_start__gte=start, planned_start__lt=end))
    if window is not None:
        top, bottom = window
    else:
        top = dt.datetime.combine(day, expo.opens_at, tzinfo=expo.tz)
        bottom = dt.datetime.combine(day, expo.closes_at, tzinfo=expo.tz)
    if sessions:
        top = min(top, *(session.planned_start for session in sessions))
        bottom = max(bottom, *(session.planned_end for session in sessions))
    warnings = programme.plan_warnings(expo, sessions)
    columns = {room.pk: Column(room) for room in room_list}
    for session in sessions:
        column = columns.get(session.planned_room_id)
        if column is None:
            continue
        offset = int((session.planned_start - top).total_seconds() // 60)
        column.cards.append(Card(session, offset, warnings.get(session.pk, [])))
        column.planned_minutes += session.minutes
    if window is not None:
        open_minutes = (window[1] - window[0]).total_seconds() / 60
        for column in columns.values():
            column.share = round(100 * column.planned_minutes / open_minutes)
    return Grid(day, window, top, bottom, list(columns.values()), _hours(top, bottom))


def _hours(top, bottom):
    """The whole hours between ``top`` and ``bottom``, as ``(minutes below top, moment)``
    for the grid's time scale."""
    hour = top.replace(minute=0, second=0, microsecond=0)
    if hour < top:
        hour += dt.timedelta(hours=1)
    marks = []
    while hour <= bottom:
        marks.append((int((hour - top).total_seconds() // 60), hour))
        hour += dt.timedelta(hours=1)
    return marks


class Cell(NamedTuple):
    """A room on a day of the strip: its planned minutes, their share of the day's open
    minutes in per cent, and the level (0 to ``LEVELS``) its bar is drawn at."""

    room: Room
    minutes: int
    share: int
    level: int


@dataclass
class StripDay:
    day: dt.date
    open_minutes: int  # 0 on a closed day
    cells: list  # a Cell per room, in the rooms' order
    planned_minutes: int = 0

    @property
    def closed(self):
        return self.open_minutes == 0

    @property
    def share(self):
        """Planned minutes over open minutes of all rooms, in per cent."""
        capacity = self.open_minutes * len(self.cells)
        return round(100 * self.planned_minutes / capacity) if capacity else 0


def strip(expo, windows, room_list):
    """Every day of the expo with each room's planned minutes against the day's open
    minutes: one query for the sums."""
    sums = (
        Session.objects.filter(expo=expo, cancelled=False, planned_start__isnull=False)
        .annotate(day=TruncDate("planned_start", tzinfo=expo.tz))
        .values_list("day", "planned_room")
        .annotate(planned=Sum("minutes"))
        .order_by()
    )
    planned_minutes = {(day, room): minutes for day, room, minutes in sums}
    days = []
    for day in expo.days:
        window = windows.get(day)
        open_minutes = int((window[1] - window[0]).total_seconds() // 60) if window else 0
        cells = []
        for room in room_list:
            minutes = planned_minutes.get((day, room.pk), 0)
            share = round(100 * minutes / open_minutes) if open_minutes else 0
            cells.append(Cell(room, minutes, share, _level(minutes, open_minutes)))
        days.append(StripDay(day, open_minutes, cells, sum(cell.minutes for cell in cells)))
    return days


def _level(minutes, open_minutes):
    if not minutes:
        return 0
    if not open_minutes:
        return LEVELS
    return max(1, min(LEVELS, round(LEVELS * minutes / open_minutes)))


def tray(expo):
    """The sessions not in the plan and not cancelled, with their proposal's partner."""
    return (
        Session.objects.filter(expo=expo, cancelled=False, planned_start__isnull=True)
        .select_related("track", "proposal__exhibitor")
        .prefetch_related("speakers")
        .order_by("title", "pk")
    )
