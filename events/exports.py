"""The programme in the formats calendar and conference apps read.

- iCalendar (RFC 5545) for calendars: every time in UTC, which no client can misread.
- The Frab/c3voc schedule JSON (https://c3voc.de/wiki/schedule) that conference apps
  such as Giggity, ConfClerk and EventFahrplan import: days and times in the expo's
  own time zone, with its offset spelt out.
"""

import datetime as dt
import uuid

import icalendar
from django.utils import timezone

from . import selectors
from .translations import room_and_hall, translated

PRODUCT = "-//Expo//Programme//EN"
# Stable identifiers for a session in any export, derived from its id.
GUID_NAMESPACE = uuid.UUID("8b7e2c52-3f0e-4a8f-9c3c-2f7f6b0e5a11")


def session_guid(session):
    return str(uuid.uuid5(GUID_NAMESPACE, f"session:{session.pk}"))


def ical(expo, sessions, *, name, url_of):
    """An iCalendar file (bytes) of ``sessions`` named ``name``; ``url_of(session)`` gives
    each session's page.

    Written with the ``icalendar`` package, which escapes every text value and folds long
    lines: a title or a ``?track=`` holding a line break stays inside its property instead
    of starting a new one."""
    calendar = icalendar.Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODUCT)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # Extension properties are not known to be text, so they are marked as text to be escaped.
    calendar.add("x-wr-calname", icalendar.vText(name))
    calendar.add("x-wr-timezone", icalendar.vText(expo.time_zone))
    stamp = timezone.now().astimezone(dt.UTC)
    for session in sessions:
        event = icalendar.Event()
        event.add("uid", session_guid(session))
        event.add("dtstamp", stamp)
        event.add("dtstart", session.start.astimezone(dt.UTC))
        event.add("dtend", session.end.astimezone(dt.UTC))
        event.add("summary", translated(session, "title"))
        event.add("location", room_and_hall(session.room))
        event.add("url", url_of(session))
        if abstract := translated(session, "abstract"):
            event.add("description", abstract)
        if session.track:
            event.add("categories", [translated(session.track, "name")])
        calendar.add_component(event)
    return calendar.to_ical()


def _hours_minutes(delta):
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def frab_schedule(expo, sessions, *, base_url, url_of, version):
    """The schedule as a Frab/c3voc JSON document (a dict)."""
    windows = selectors.opening_windows(expo)
    by_day = selectors.sessions_by_day(expo, sessions)
    rooms = sorted(
        {session.room for day_sessions in by_day.values() for session in day_sessions},
        key=lambda room: (room.hall.name, room.name),
    )
    days = []
    for index, day in enumerate(expo.days, start=1):
        day_sessions = by_day.get(day, [])
        opens, closes = windows.get(day) or selectors.day_bounds(expo, day)
        if day_sessions:
            opens = min(opens, min(s.start for s in day_sessions))
            closes = max(closes, max(s.end for s in day_sessions))
        day_rooms = {}
        for session in day_sessions:
            day_rooms.setdefault(session.room.name, []).append(_frab_event(expo, session, url_of))
        days.append(
            {
                "index": index,
                "date": day.isoformat(),
                "day_start": opens.astimezone(expo.tz).isoformat(),
                "day_end": closes.astimezone(expo.tz).isoformat(),
                "rooms": day_rooms,
            }
        )
    return {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": "Expo"},
        "schedule": {
            "version": version,
            "base_url": base_url,
            "conference": {
                "acronym": expo.slug,
                "title": translated(expo, "name"),
                "start": expo.start_date.isoformat(),
                "end": expo.end_date.isoformat(),
                "daysCount": len(expo.days),
                "timeslot_duration": "00:15",
                "time_zone_name": expo.time_zone,
                "rooms": [
                    {"name": room.name, "guid": str(uuid.uuid5(GUID_NAMESPACE, f"room:{room.pk}"))}
                    for room in rooms
                ],
                "days": days,
            },
        },
    }


def _frab_event(expo, session, url_of):
    start = session.start.astimezone(expo.tz)
    return {
        "guid": session_guid(session),
        "id": session.pk,
        "date": start.isoformat(),
        "start": start.strftime("%H:%M"),
        "duration": _hours_minutes(session.end - session.start),
        "room": session.room.name,
        "slug": f"{expo.slug}-{session.pk}",
        "url": url_of(session),
        "title": translated(session, "title"),
        "subtitle": "",
        "track": translated(session.track, "name") if session.track else None,
        "type": session.kind,
        "language": session.language,
        "abstract": translated(session, "abstract"),
        "description": "",
        "logo": None,
        "persons": [
            {
                "id": speaker.pk,
                "public_name": speaker.name,
                "biography": translated(speaker, "biography"),
            }
            for speaker in session.speakers.all()
        ],
        "links": [],
        "attachments": [],
        "recording_license": "",
        "do_not_record": True,
    }
