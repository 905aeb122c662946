"""The demo expo: a 35-day city fair with three halls, nine rooms, five tracks, two
conferences and a few hundred sessions, for trying Expo out.

The programme is laid on a grid of time slots per room, and speakers are dealt so that
nobody is in two slots at once, so the programme rules hold by construction; the tests
check every session against ``events.services`` all the same. The programme is released
as version 1, then revised (a few sessions moved, a talk cancelled) and released as
version 2, so the changelog has something to show.
"""

import datetime as dt
import itertools
import random
from typing import NamedTuple

from expo.errors import Conflict, InvalidInput

from . import selectors, services
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
# The expo's languages, its main one first: the one its texts' own fields are written in.
LANGUAGES = ["en", "sv", "fi", "da"]
MAIN_LANGUAGE = LANGUAGES[0]

# The demo's texts are written in English, its main language, and in the expo's other
# languages as ``{language: text}``.
DESCRIPTION = {
    "en": "Thirty-five days of the city of tomorrow: smart city, welfare, sustainability, "
    "social innovation and housing, with partners from all over the Nordic countries.",
    "sv": "Trettiofem dagar om morgondagens stad: smart stad, välfärd, hållbarhet, social "
    "innovation och boende, med partner från hela Norden.",
    "fi": "Kolmekymmentäviisi päivää huomisen kaupungista: älykäs kaupunki, hyvinvointi, "
    "kestävyys, sosiaaliset innovaatiot ja asuminen, kumppaneina toimijoita kaikkialta "
    "Pohjoismaista.",
    "da": "Femogtredive dage om fremtidens by: smart by, velfærd, bæredygtighed, social "
    "innovation og boliger, med partnere fra hele Norden.",
}
# What a hall and each kind of room is called in each language, before its own name.
HALL_WORD = {"en": "Hall", "sv": "Hall", "fi": "Halli", "da": "Hal"}
ROOM_WORDS = {
    "auditorium": {"en": "Auditorium", "sv": "Auditorium", "fi": "Auditorio", "da": "Auditorium"},
    "room": {"en": "Room", "sv": "Sal", "fi": "Sali", "da": "Sal"},
    "stage": {"en": "Stage", "sv": "Scen", "fi": "Lava", "da": "Scene"},
    "workshop": {"en": "Workshop", "sv": "Verkstad", "fi": "Työpaja", "da": "Værksted"},
    "studio": {"en": "Studio", "sv": "Studio", "fi": "Studio", "da": "Studie"},
}
HALLS = [
    ("a", "A – Stadshallen", 4000),
    ("b", "B – Hamnhallen", 2500),
    ("c", "C – Kvarnen", 1500),
]
ROOMS = [
    ("a1", "auditorium", "Öresund", "a", 400),
    ("a2", "room", "Malmö", "a", 120),
    ("a3", "room", "Lund", "a", 80),
    ("b1", "stage", "Kajen", "b", 250),
    ("b2", "room", "Ystad", "b", 60),
    ("b3", "workshop", "Verkstan", "b", 30),
    ("c1", "room", "Helsingør", "c", 150),
    ("c2", "room", "Åbo", "c", 90),
    ("c3", "studio", "Tampere", "c", 40),
]
TRACKS = [
    (
        "smart-city",
        {"en": "Smart city", "sv": "Smart stad", "fi": "Älykäs kaupunki", "da": "Smart by"},
        "#1f5f8b",
    ),
    (
        "welfare",
        {"en": "Welfare", "sv": "Välfärd", "fi": "Hyvinvointi", "da": "Velfærd"},
        "#8b1f4f",
    ),
    (
        "sustainability",
        {"en": "Sustainability", "sv": "Hållbarhet", "fi": "Kestävyys", "da": "Bæredygtighed"},
        "#2e7d32",
    ),
    (
        "social-innovation",
        {
            "en": "Social innovation",
            "sv": "Social innovation",
            "fi": "Sosiaaliset innovaatiot",
            "da": "Social innovation",
        },
        "#6a1b9a",
    ),
    (
        "housing",
        {"en": "Housing", "sv": "Boende", "fi": "Asuminen", "da": "Boliger"},
        "#a0522d",
    ),
]
# Session titles, each in the language the session is given in.
TOPICS = {
    "smart-city": [
        ("sv", "Sensorer i gatan"),
        ("sv", "Open data för alla"),
        ("en", "Digital twins of the city"),
        ("da", "Smarte trafiklys i Aarhus"),
        ("sv", "Cykelstråk som lär sig"),
        ("fi", "Tekoäly kunnan asiakaspalvelussa"),
    ],
    "welfare": [
        ("sv", "Äldreomsorg på distans"),
        ("en", "School meals that go round"),
        ("da", "Velfærd i nærmiljøet"),
        ("sv", "Hemtjänst med robotstöd"),
        ("en", "Young people's mental health"),
        ("fi", "Hyvinvointia yhdessä"),
    ],
    "sustainability": [
        ("sv", "Gröna tak och väggar"),
        ("en", "Circular construction"),
        ("sv", "Fjärrvärme från avloppsvatten"),
        ("en", "Making the quays ready for a new climate"),
        ("da", "Bæredygtig mobilitet"),
        ("fi", "Kestävä kaupunkiliikenne"),
    ],
    "social-innovation": [
        ("sv", "Medborgarbudget i praktiken"),
        ("en", "New forms of community life"),
        ("sv", "Sociala företag växer"),
        ("da", "Borgerinddragelse der virker"),
        ("en", "Integration through sport"),
        ("fi", "Yhteisöjen voima"),
    ],
    "housing": [
        ("sv", "Bostäder för alla"),
        ("en", "Building groups in Skåne"),
        ("sv", "Renovering utan rivning"),
        ("da", "Almene boliger i fremtiden"),
        ("en", "Timber houses of many storeys"),
        ("fi", "Asumisen uudet muodot"),
    ],
}
# Abstracts: a track's name in the language, then one of these.
ABSTRACTS = [
    {
        "en": "{track}: what Nordic cities are trying, and what works.",
        "sv": "{track}: vad nordiska städer prövar, och vad som fungerar.",
        "fi": "{track}: mitä Pohjoismaiden kaupungit kokeilevat ja mikä toimii.",
        "da": "{track}: hvad nordiske byer afprøver, og hvad der virker.",
    },
    {
        "en": "{track}: lessons from ten years of pilots, and what comes next.",
        "sv": "{track}: lärdomar från tio år av försök, och vad som kommer sedan.",
        "fi": "{track}: opetuksia kymmenen vuoden kokeiluista ja mitä seuraavaksi.",
        "da": "{track}: erfaringer fra ti års forsøg, og hvad der kommer bagefter.",
    },
    {
        "en": "{track}: bring your questions; the speakers bring their figures.",
        "sv": "{track}: ta med dina frågor; talarna tar med sina siffror.",
        "fi": "{track}: tuo kysymyksesi, puhujat tuovat lukunsa.",
        "da": "{track}: tag dine spørgsmål med; talerne har tallene med.",
    },
]
BIOGRAPHIES = [
    {
        "en": "{name} works on the city of tomorrow at {organisation}.",
        "sv": "{name} arbetar med morgondagens stad på {organisation}.",
        "fi": "{name} kehittää huomisen kaupunkia, työpaikkana {organisation}.",
        "da": "{name} arbejder med fremtidens by hos {organisation}.",
    },
    {
        "en": "{name} has led projects at {organisation} for many years.",
        "sv": "{name} har lett projekt på {organisation} i många år.",
        "fi": "{name} on johtanut hankkeita monta vuotta, työpaikkana {organisation}.",
        "da": "{name} har ledet projekter hos {organisation} i mange år.",
    },
]
CONFERENCE_DESCRIPTION = {
    "en": "{name}: two days in Auditorium Öresund.",
    "sv": "{name}: två dagar i Auditorium Öresund.",
    "fi": "{name}: kaksi päivää, Auditorio Öresund.",
    "da": "{name}: to dage i Auditorium Öresund.",
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
# Slots each room runs, as (minutes after the day's midnight, length in minutes). The
# last one, at 00:15 the next morning, fits only a night the expo stays open.
FIRST_RELEASE = {
    "en": "The first programme.",
    "sv": "Det första programmet.",
    "fi": "Ensimmäinen ohjelma.",
    "da": "Det første program.",
}
SECOND_RELEASE = {
    "en": "A few sessions on the third day have new rooms or times; one talk is cancelled.",
    "sv": "Några pass på tredje dagen har nya salar eller tider; ett föredrag är inställt.",
    "fi": "Muutamalla kolmannen päivän ohjelmalla on uusi sali tai aika; yksi puhe on peruttu.",
    "da": "Nogle programpunkter på tredjedagen har nye sale eller tider; et foredrag er aflyst.",
}
SLOTS = [(600, 60), (690, 60), (810, 90), (930, 60), (1020, 60), (1170, 90), (1455, 30)]


def written(texts, **values):
    """``texts`` (``{language: text}``, each filled in with ``values``) as a translatable
    field takes them: the main language's text, and ``{language: text}`` of the others.
    A value may itself be ``{language: text}``, for a name said differently in each. A
    translation that reads the same as the main text is left out."""
    filled = {
        code: text.format(
            **{
                name: value[code] if isinstance(value, dict) else value
                for name, value in values.items()
            }
        )
        for code, text in texts.items()
    }
    main = filled.pop(MAIN_LANGUAGE)
    return main, {code: text for code, text in filled.items() if text != main}


def build(start, *, progress=None):
    """Create the demo expo from ``start``; return it. Call inside a transaction."""
    chance = random.Random(2026)
    description, description_translations = written(DESCRIPTION)
    expo = Expo.objects.create(
        slug=SLUG,
        name="Öresund City Expo",
        description=description,
        description_translations=description_translations,
        start_date=start,
        end_date=start + dt.timedelta(days=DAYS - 1),
        time_zone="Europe/Stockholm",
        languages=LANGUAGES,
    )
    venue = Venue.objects.create(expo=expo, name="Mässcentrum Hyllie", address="Hyllie, Malmö")
    halls = {}
    for slug, name, capacity in HALLS:
        main, others = written(dict.fromkeys(HALL_WORD, "{word} {name}"), word=HALL_WORD, name=name)
        halls[slug] = Hall.objects.create(
            expo=expo,
            venue=venue,
            slug=slug,
            name=main,
            name_translations=others,
            capacity=capacity,
        )
    rooms = []
    for slug, kind, name, hall, capacity in ROOMS:
        words = ROOM_WORDS[kind]
        main, others = written(dict.fromkeys(words, "{word} {name}"), word=words, name=name)
        rooms.append(
            Room(
                expo=expo,
                hall=halls[hall],
                slug=slug,
                name=main,
                name_translations=others,
                capacity=capacity,
            )
        )
    rooms = Room.objects.bulk_create(rooms)
    tracks = []
    for slug, names, colour in TRACKS:
        name, name_translations = written(names)
        tracks.append(
            Track(
                expo=expo,
                slug=slug,
                name=name,
                name_translations=name_translations,
                colour=colour,
            )
        )
    tracks = Track.objects.bulk_create(tracks)
    _opening_days(expo)
    windows = selectors.opening_windows(expo)
    open_days = list(windows)
    conferences = _conferences(expo, open_days, tracks)
    speakers = []
    for index, (first, last) in enumerate(
        itertools.islice(((f, surname) for surname in LAST_NAMES for f in FIRST_NAMES), 0, None, 4)
    ):
        organisation = chance.choice(ORGANISATIONS)
        biography, biography_translations = written(
            BIOGRAPHIES[index % len(BIOGRAPHIES)], name=first, organisation=organisation
        )
        speakers.append(
            Speaker(
                expo=expo,
                name=f"{first} {last}",
                organisation=organisation,
                biography=biography,
                biography_translations=biography_translations,
            )
        )
    speakers = Speaker.objects.bulk_create(speakers)
    sessions, speaker_links = _programme(
        expo, windows, rooms, tracks, conferences, speakers, chance, progress
    )
    Session.objects.bulk_create(sessions)
    Session.speakers.through.objects.bulk_create(
        Session.speakers.through(session_id=sessions[index].pk, speaker_id=speaker.pk)
        for index, speaker in speaker_links
    )
    note, note_translations = written(FIRST_RELEASE)
    services.release_schedule(expo, note=note, note_translations=note_translations)
    _revise(expo, rooms)
    note, note_translations = written(SECOND_RELEASE)
    services.release_schedule(expo, note=note, note_translations=note_translations)
    return expo


def _revise(expo, rooms):
    """What happens to a programme after its first release: on the third open day a few
    sessions move to another room, one an hour later, and one talk is cancelled."""
    day = list(selectors.opening_windows(expo))[2]
    start, end = selectors.day_bounds(expo, day)
    sessions = list(
        Session.objects.filter(
            expo=expo, conference=None, planned_start__gte=start, planned_start__lt=end
        ).order_by("planned_start", "planned_room__slug")
    )
    moved = 0
    for session in sessions[:-1]:
        later = session.planned_start + dt.timedelta(hours=1) if moved == 2 else None
        for room in sorted(rooms, key=lambda room: -room.capacity):
            if room.pk == session.planned_room_id and later is None:
                continue
            try:
                services.plan_session(session, room=room, start=later or session.planned_start)
            except (Conflict, InvalidInput):
                continue
            moved += 1
            break
        if moved == 3:
            break
    talk = next(s for s in reversed(sessions) if s.kind == Session.Kind.TALK and not s.capacity)
    services.cancel_session(talk)


def _opening_days(expo):
    """Closed on the Mondays of the first two weeks (but open on the first day, whatever
    day of the week it is), open late on Fridays, and one night that runs past midnight."""
    rows = []
    for offset, day in enumerate(expo.days):
        if day.weekday() == 0 and 0 < offset < 14:
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
        description, description_translations = written(CONFERENCE_DESCRIPTION, name=name)
        conference = Conference.objects.create(
            expo=expo,
            slug=slug,
            name=name,
            start_date=days[0],
            end_date=days[-1],
            capacity=350,
            description=description,
            description_translations=description_translations,
        )
        conferences[conference] = (set(days), track)
    return conferences


def _programme(expo, windows, rooms, tracks, conferences, speakers, chance, progress):
    """Sessions in a third of the slots that fit each day's opening hours, each with one
    to three speakers who are nowhere else in that slot."""
    sessions, links = [], []
    main_room = rooms[0]
    titles = {track.slug: itertools.cycle(TOPICS[track.slug]) for track in tracks}
    track_names = {slug: names for slug, names, _colour in TRACKS}
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
                language, title = next(titles[track.slug])
                abstract, abstract_translations = written(
                    chance.choice(ABSTRACTS), track=track_names[track.slug]
                )
                sessions.append(
                    Session(
                        expo=expo,
                        title=title,
                        abstract=abstract,
                        abstract_translations=abstract_translations,
                        kind=kind,
                        planned_room=room,
                        planned_start=start,
                        planned_end=end,
                        minutes=int((end - start).total_seconds() // 60),
                        capacity=min(room.capacity, 25) if bookable else None,
                        language=language,
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
    the room grid, a session page and the changelog. Each later app's
    ``demo.screenshots(expo)`` adds its pages, making what they show inside the command's
    transaction, which is rolled back."""
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
        Shot("programme-changes", f"/expos/{expo.slug}/programme/changes/"),
    ]
