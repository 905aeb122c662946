"""The demo expo: a 35-day city fair with three halls, nine rooms, five tracks, two
conferences and a few hundred sessions, for trying Expo out.

The programme is laid on a grid of time slots per room, and speakers are dealt so that
nobody is in two slots at once, so the programme rules hold by construction; the tests
check every session against ``events.services`` all the same.
"""

import datetime as dt
import itertools
import random
from typing import NamedTuple

from . import selectors
from .models import (
    Conference,
    Expo,
    Hall,
    OpeningDay,
    Room,
    Session,
    Speaker,
    Track,
    Venue,
)

SLUG = "oresund-city-expo"
DAYS = 35

HALLS = [
    ("a", "Hall A – Stadshallen", 4000),
    ("b", "Hall B – Hamnhallen", 2500),
    ("c", "Hall C – Kvarnen", 1500),
]
ROOMS = [
    ("a1", "Auditorium Öresund", "a", 400),
    ("a2", "Room Malmö", "a", 120),
    ("a3", "Room Lund", "a", 80),
    ("b1", "Scene Kajen", "b", 250),
    ("b2", "Room Ystad", "b", 60),
    ("b3", "Workshop Verkstan", "b", 30),
    ("c1", "Room Helsingør", "c", 150),
    ("c2", "Room Åbo", "c", 90),
    ("c3", "Studio Tampere", "c", 40),
]
TRACKS = [
    ("smart-city", "Smart city", "#1f5f8b"),
    ("welfare", "Welfare", "#8b1f4f"),
    ("sustainability", "Sustainability", "#2e7d32"),
    ("social-innovation", "Social innovation", "#6a1b9a"),
    ("housing", "Housing", "#a0522d"),
]
TOPICS = {
    "smart-city": [
        "Sensorer i gatan",
        "Open data för alla",
        "Digitala tvillingar av staden",
        "Smarta trafikljus i Århus",
        "Cykelstråk som lär sig",
        "AI i kommunens kundtjänst",
    ],
    "welfare": [
        "Äldreomsorg på distans",
        "Skolmat som räcker",
        "Välfærd i nærmiljøet",
        "Hemtjänst med robotstöd",
        "Ungas psykiska hälsa",
        "Hyvinvointia yhdessä",
    ],
    "sustainability": [
        "Gröna tak och väggar",
        "Cirkulär byggnation",
        "Fjärrvärme från avloppsvatten",
        "Klimatanpassning av kajerna",
        "Bæredygtig mobilitet",
        "Kestävä kaupunkiliikenne",
    ],
    "social-innovation": [
        "Medborgarbudget i praktiken",
        "Föreningslivets nya former",
        "Sociala företag växer",
        "Borgerinddragelse der virker",
        "Integration genom idrott",
        "Yhteisöjen voima",
    ],
    "housing": [
        "Bostäder för alla",
        "Byggemenskaper i Skåne",
        "Renovering utan rivning",
        "Almene boliger i fremtiden",
        "Trähus i flera våningar",
        "Asumisen uudet muodot",
    ],
}
KINDS = (
    [Session.Kind.TALK] * 5
    + [Session.Kind.PANEL] * 2
    + [Session.Kind.WORKSHOP] * 2
    + [Session.Kind.TOUR]
)
FIRST_NAMES = [
    "Åsa",
    "Björn",
    "Søren",
    "Mette",
    "Jyrki",
    "Päivi",
    "Örjan",
    "Ægir",
    "Kirsten",
    "Lærke",
    "Märta",
    "Jönås",
    "Aino",
    "Mikko",
    "Ingrid",
    "Håkan",
    "Frida",
    "Ørjan",
    "Sanna",
    "Tove",
    "Rasmus",
    "Ulla",
    "Väinö",
    "Bodil",
]
LAST_NAMES = [
    "Öberg",
    "Kjær",
    "Sørensen",
    "Lindström",
    "Mäkelä",
    "Næss",
    "Åkesson",
    "Højgaard",
    "Virtanen",
    "Ødegaard",
    "Bergström",
    "Järvinen",
    "Dahl",
    "Lønborg",
    "Ekström",
    "Häkkinen",
    "Wæver",
    "Sjöberg",
]
ORGANISATIONS = [
    "Malmö stad",
    "Københavns Kommune",
    "Helsingin kaupunki",
    "Lunds universitet",
    "Aarhus Universitet",
    "Tampereen yliopisto",
    "Region Skåne",
    "Boverket",
    "Sitra",
    "Hyresgästföreningen",
]
LANGUAGES = ["sv", "sv", "en", "en", "da", "fi"]
# Slots each room runs, as (minutes after the day's midnight, length in minutes). The
# last one, at 00:15 the next morning, fits only a night the expo stays open.
SLOTS = [(600, 60), (690, 60), (810, 90), (930, 60), (1020, 60), (1170, 90), (1455, 30)]


def build(start, *, progress=None):
    """Create the demo expo from ``start``; return it. Call inside a transaction."""
    chance = random.Random(2026)
    expo = Expo.objects.create(
        slug=SLUG,
        name="Öresund City Expo",
        description="Thirty-five days of the city of tomorrow: smart city, welfare, "
        "sustainability, social innovation and housing, with partners from all over the "
        "Nordic countries.",
        start_date=start,
        end_date=start + dt.timedelta(days=DAYS - 1),
        time_zone="Europe/Stockholm",
    )
    venue = Venue.objects.create(expo=expo, name="Mässcentrum Hyllie", address="Hyllie, Malmö")
    halls = {
        slug: Hall.objects.create(expo=expo, venue=venue, slug=slug, name=name, capacity=capacity)
        for slug, name, capacity in HALLS
    }
    rooms = Room.objects.bulk_create(
        Room(expo=expo, hall=halls[hall], slug=slug, name=name, capacity=capacity)
        for slug, name, hall, capacity in ROOMS
    )
    tracks = Track.objects.bulk_create(
        Track(expo=expo, slug=slug, name=name, colour=colour) for slug, name, colour in TRACKS
    )
    _opening_days(expo)
    windows = selectors.opening_windows(expo)
    open_days = list(windows)
    conferences = _conferences(expo, open_days, tracks)
    speakers = Speaker.objects.bulk_create(
        Speaker(
            expo=expo,
            name=f"{first} {last}",
            organisation=chance.choice(ORGANISATIONS),
            biography=f"{first} works on the city of tomorrow.",
        )
        for first, last in itertools.islice(
            ((f, surname) for surname in LAST_NAMES for f in FIRST_NAMES), 0, None, 4
        )
    )
    sessions, speaker_links = _programme(
        expo, windows, rooms, tracks, conferences, speakers, chance, progress
    )
    Session.objects.bulk_create(sessions)
    Session.speakers.through.objects.bulk_create(
        Session.speakers.through(session_id=sessions[index].pk, speaker_id=speaker.pk)
        for index, speaker in speaker_links
    )
    return expo


def _opening_days(expo):
    """Closed on the Mondays of the first two weeks, open late on Fridays, and one night
    that runs past midnight."""
    rows = []
    for offset, day in enumerate(expo.days):
        if day.weekday() == 0 and offset < 14:
            rows.append(OpeningDay(expo=expo, date=day, is_closed=True, note="Closed"))
        elif day.weekday() == 4:
            rows.append(
                OpeningDay(
                    expo=expo,
                    date=day,
                    opens_at=dt.time(10),
                    closes_at=dt.time(23),
                    note="Late evening",
                )
            )
        elif offset == 20:
            rows.append(
                OpeningDay(
                    expo=expo,
                    date=day,
                    opens_at=dt.time(12),
                    closes_at=dt.time(1),
                    note="Night at the expo",
                )
            )
    OpeningDay.objects.bulk_create(rows)


def _conferences(expo, open_days, tracks):
    by_slug = {track.slug: track for track in tracks}
    plans = [
        ("nordic-housing-forum", "Nordic Housing Forum", open_days[3:5], by_slug["housing"]),
        ("smart-welfare-summit", "Smart Welfare Summit", open_days[17:19], by_slug["welfare"]),
    ]
    conferences = {}
    for slug, name, days, track in plans:
        conference = Conference.objects.create(
            expo=expo,
            slug=slug,
            name=name,
            start_date=days[0],
            end_date=days[-1],
            capacity=350,
            description=f"{name}: two days in Auditorium Öresund.",
        )
        conferences[conference] = (set(days), track)
    return conferences


def _programme(expo, windows, rooms, tracks, conferences, speakers, chance, progress):
    """Sessions in a third of the slots that fit each day's opening hours, each with one
    to three speakers who are nowhere else in that slot."""
    sessions, links = [], []
    main_room = rooms[0]
    titles = {track.slug: itertools.cycle(TOPICS[track.slug]) for track in tracks}
    for day_index, (day, (opens, closes)) in enumerate(windows.items()):
        midnight = dt.datetime.combine(day, dt.time(0), tzinfo=expo.tz)
        slots = [
            (start, start + dt.timedelta(minutes=minutes))
            for start, minutes in (
                (_wall_clock(midnight, offset, expo.tz), minutes) for offset, minutes in SLOTS
            )
            if opens <= start and start + dt.timedelta(minutes=minutes) <= closes
        ]
        conference = next((c for c, (days, _t) in conferences.items() if day in days), None)
        for slot_index, (start, end) in enumerate(slots):
            free_speakers = chance.sample(speakers, len(speakers))
            for room_index, room in enumerate(rooms):
                in_conference = (
                    conference is not None
                    and room is main_room
                    and expo.local_day(start) in conferences[conference][0]
                )
                if not in_conference and (day_index + slot_index + room_index) % 3:
                    continue
                track = conferences[conference][1] if in_conference else chance.choice(tracks)
                kind = Session.Kind.PANEL if in_conference else chance.choice(KINDS)
                bookable = kind in {Session.Kind.WORKSHOP, Session.Kind.TOUR}
                sessions.append(
                    Session(
                        expo=expo,
                        title=next(titles[track.slug]),
                        abstract=f"{track.name}: what Nordic cities are trying, and what works.",
                        kind=kind,
                        room=room,
                        start=start,
                        end=end,
                        capacity=min(room.capacity, 25) if bookable else None,
                        language=chance.choice(LANGUAGES),
                        track=track,
                        conference=conference if in_conference else None,
                    )
                )
                for _ in range(chance.randint(1, 3 if kind == Session.Kind.PANEL else 2)):
                    links.append((len(sessions) - 1, free_speakers.pop()))
        if progress:
            progress(day_index + 1, len(windows))
    return sessions, links


def _wall_clock(midnight, minutes, tz):
    """The moment ``minutes`` of wall-clock time after ``midnight`` (days with a clock
    change are 23 or 25 hours long)."""
    moment = midnight.replace(tzinfo=None) + dt.timedelta(minutes=minutes)
    return moment.replace(tzinfo=tz)


class Shot(NamedTuple):
    """A page that ``manage.py screenshots`` shoots: ``<name>-<screen>.png`` for each of
    ``screens`` (``"phone"``, ``"desktop"``), signed in as ``user`` when one is given."""

    name: str
    path: str
    screens: tuple = ("phone", "desktop")
    user: object = None


def screenshots(expo):
    """The programme of the busiest day (its filters folded on a phone), as a list and as
    the room grid, and a session page. Each later app's ``demo.screenshots(expo)`` adds
    its pages, making what they show inside the command's transaction, which is rolled
    back."""
    sessions_by_day = selectors.sessions_by_day(expo)
    if not sessions_by_day:
        return []
    busiest = max(sessions_by_day, key=lambda day: len(sessions_by_day[day]))
    session = sessions_by_day[busiest][0]
    programme = f"/expos/{expo.slug}/programme/?day={busiest.isoformat()}"
    return [
        Shot("programme", programme),
        Shot("programme-grid", f"{programme}&view=grid"),
        Shot("session", f"/expos/{expo.slug}/sessions/{session.pk}/"),
    ]
