"""The demo's plan for the schedule board: its busiest day filled further in the draft
(sessions planned, not yet released), with a warning of each kind, and a few sessions
waiting in the tray beside the accepted proposals."""

import datetime as dt
import itertools

from django.contrib.auth import get_user_model

from events import demo as programme
from events import services
from events.demo import SLOTS, TOPICS, Shot, written
from events.models import Room, Session, Speaker, Track
from events.selectors import opening_windows
from expo.errors import DomainError

from . import selectors

# How full the busiest day's rooms get, of the demo's slots.
FILL = 0.9
# Sessions waiting in the tray: (track, kind, minutes), titled from the demo's topics.
TRAY = [
    ("smart-city", "talk", 30),
    ("welfare", "workshop", 90),
    ("sustainability", "tour", 60),
    ("housing", "panel", 60),
    ("social-innovation", "talk", 45),
]


def busiest_day(expo, windows=None):
    windows = opening_windows(expo) if windows is None else windows
    strip = selectors.strip(expo, windows, selectors.rooms(expo))
    open_days = [entry for entry in strip if not entry.closed]
    if not open_days:
        return None
    return max(open_days, key=lambda entry: (entry.planned_minutes, -entry.day.toordinal())).day


def extend(expo):
    windows = opening_windows(expo)
    day = busiest_day(expo, windows)
    if day is None:
        return
    tracks = {track.slug: track for track in Track.objects.filter(expo=expo)}
    speakers = list(Speaker.objects.filter(expo=expo).order_by("pk"))
    topics = itertools.cycle(
        (slug, language, title) for slug, titles in TOPICS.items() for language, title in titles
    )
    _fill(expo, day, windows[day], tracks, speakers, topics)
    _warnings(expo, day)
    for (slug, kind, minutes), speaker in zip(TRAY, speakers[::7], strict=False):
        _, language, title = next(topic for topic in topics if topic[0] == slug)
        services.save_session(
            _session(expo, title, language, tracks[slug], minutes, kind=kind),
            speakers=[speaker],
        )


def _session(expo, title, language, track, minutes, **fields):
    """A session titled in ``language``, its abstract in every language of the demo."""
    names = {slug: names for slug, names, _colour in programme.TRACKS}
    abstract, abstract_translations = written(programme.ABSTRACTS[1], track=names[track.slug])
    return Session(
        expo=expo,
        title=title,
        abstract=abstract,
        abstract_translations=abstract_translations,
        language=language,
        track=track,
        minutes=minutes,
        **fields,
    )


def _fill(expo, day, window, tracks, speakers, topics):
    """Plan new sessions, each with a speaker, into the day's free slots until about
    ``FILL`` of them are taken, through the services, so every rule holds."""
    opens, closes = window
    midnight = dt.datetime.combine(day, dt.time(0), tzinfo=expo.tz)
    slots = [
        (start, minutes)
        for start, minutes in (
            (midnight + dt.timedelta(minutes=offset), minutes) for offset, minutes in SLOTS
        )
        if opens <= start and start + dt.timedelta(minutes=minutes) <= closes
    ]
    rooms = list(Room.objects.filter(expo=expo).order_by("slug"))
    start, end = programme.selectors.day_bounds(expo, day)
    planned = selectors.planned(expo).filter(planned_start__gte=start, planned_start__lt=end)
    wanted = int(FILL * len(slots) * len(rooms)) - planned.count()
    speaker_turns = itertools.cycle(speakers)
    for (start, minutes), room in itertools.product(slots, rooms):
        if wanted <= 0:
            return
        slug, language, title = next(topics)
        session = services.save_session(
            _session(expo, title, language, tracks[slug], minutes),
            speakers=[next(speaker_turns)],
        )
        try:
            services.plan_session(session, room=room, start=start)
        except DomainError:  # the room or the speaker is taken then
            services.delete_session(session)
            continue
        wanted -= 1


def _warnings(expo, day):
    """One session expecting more people than its room seats, and a speaker who cannot
    come that day; two sessions of one track at once come of the filling."""
    start, end = programme.selectors.day_bounds(expo, day)
    on_the_day = selectors.planned(expo).filter(planned_start__gte=start, planned_start__lt=end)
    crowded = on_the_day.order_by("planned_room__capacity", "planned_start").first()
    if crowded is not None:
        Session.objects.filter(pk=crowded.pk).update(
            expected_audience=crowded.planned_room.capacity * 2
        )
    speaker = Speaker.objects.filter(expo=expo, sessions__in=on_the_day).order_by("pk").first()
    if speaker is not None:
        speaker.unavailable_days = [day.isoformat()]
        speaker.save(update_fields=["unavailable_days"])


def screenshots(expo):
    """The board of the busiest day, and its tray on a phone, as the demo's organiser
    (``seed_demo`` makes one)."""
    organiser = (
        expo.organisers.order_by("pk").first()
        or get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    )
    day = busiest_day(expo)
    if organiser is None or day is None:
        return []
    board = f"/manage/{expo.slug}/schedule/?day={day.isoformat()}"
    return [
        Shot("schedule-board", board, ("phone", "desktop"), organiser),
        Shot("schedule-tray", f"{board}#board-tray", ("phone",), organiser),
    ]
