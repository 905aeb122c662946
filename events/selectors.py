"""Read queries of the programme, shared by the API, pages and the admin."""

import datetime as dt
from collections import defaultdict
from types import SimpleNamespace
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db.models import Max, Prefetch, Q
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from expo import dates

from .models import Expo, ScheduleRelease, Session, Venue
from .translations import room_and_hall, translated


def opening_windows(expo):
    """Each open day of the expo mapped to its (opens, closes) moments, as aware datetimes.

    Days without an ``OpeningDay`` row use the expo's usual hours; a closing time at or
    before the opening time falls on the next calendar day.
    """
    special = {day.date: day for day in expo.opening_days.all()}
    windows = {}
    for day in expo.days:
        row = special.get(day)
        if row is not None and row.is_closed:
            continue
        opens_at = row.opens_at if row else expo.opens_at
        closes_at = row.closes_at if row else expo.closes_at
        closing_day = day if closes_at > opens_at else day + dt.timedelta(days=1)
        windows[day] = (
            dt.datetime.combine(day, opens_at, tzinfo=expo.tz),
            dt.datetime.combine(closing_day, closes_at, tzinfo=expo.tz),
        )
    return windows


def day_bounds(expo, day):
    """The UTC span of one expo-local calendar day (23 or 25 hours when clocks change)."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=expo.tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=expo.tz)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def programme(expo):
    """The expo's sessions in the released schedule, with everything a listing shows, in
    a fixed number of queries: what visitors see. Sessions planned but not yet released
    are the organisers' (``plan``)."""
    return (
        Session.objects.filter(expo=expo, start__isnull=False)
        .select_related("room__hall", "track", "conference", "expo")
        .prefetch_related("speakers")
        .order_by("start", "room__name")
    )


def plan(expo):
    """Every session of the expo as the organisers plan it, released or not, cancelled
    ones too, in a fixed number of queries."""
    return (
        Session.objects.filter(expo=expo)
        .select_related("planned_room__hall", "room__hall", "track", "conference", "expo")
        .prefetch_related("speakers")
        .order_by("planned_start", "planned_room__name", "pk")
    )


def sessions_on_day(expo, day, sessions=None):
    start, end = day_bounds(expo, day)
    sessions = programme(expo) if sessions is None else sessions
    return sessions.filter(start__gte=start, start__lt=end)


def sessions_by_day(expo, sessions=None):
    """Sessions grouped by the expo-local day they start on, days in order."""
    grouped = defaultdict(list)
    for session in programme(expo) if sessions is None else sessions:
        grouped[expo.local_day(session.start)].append(session)
    return dict(sorted(grouped.items()))


def expos_by_time(now):
    """Every expo with its venues, as ``(current and upcoming, past)``: the first by their
    first day, the past ones latest first. An expo is past once its last day has ended in
    its own time zone.

    The public list of the site's expos is about no one expo, so its venues are read
    across expos.
    """
    with scopes_disabled():
        expos = list(
            Expo.objects.prefetch_related(
                Prefetch("venues", queryset=Venue.objects.order_by("name"))
            ).order_by("start_date", "name")
        )
    coming = [expo for expo in expos if expo.end_date >= expo.local_day(now)]
    past = [expo for expo in expos if expo.end_date < expo.local_day(now)]
    past.sort(key=lambda expo: expo.end_date, reverse=True)
    return coming, past


def organised_expos(user):
    """The expos ``user`` organises (superusers organise all of them)."""
    if user.is_superuser:
        return Expo.objects.all()
    return Expo.objects.filter(organisers=user)


def fellow_organisers(user):
    """The accounts an organiser may name as an expo's organisers: themselves and those
    who organise an expo with them. Nobody else's user name is shown to them."""
    return (
        get_user_model()
        .objects.filter(Q(pk=user.pk) | Q(organised_expos__organisers=user))
        .distinct()
        .order_by("username")
    )


class PlanWarning(NamedTuple):
    """Something about a planned session that an organiser should see but that does not
    refuse the plan: ``code`` for machines, ``message`` for a person."""

    code: str
    message: str


def plan_warnings(expo, sessions):
    """``{session id: [PlanWarning, …]}`` for the planned ``sessions`` that have any; the
    schedule board's cards and the API's answers to its moves show them.

    - ``room_too_small``: more people are expected (``Session.expected_audience``) than
      the planned room seats;
    - ``speaker_unavailable``: a speaker said they cannot come that day
      (``Speaker.unavailable_days``);
    - ``track_overlap``: another session of the same track is planned at the same time,
      so its audience must choose.

    One query (the track's other sessions), with the sessions' planned rooms and
    speakers as the caller fetched them (``select_related``/``prefetch_related``).
    """
    planned = [s for s in sessions if s.planned_start is not None and not s.cancelled]
    if not planned:
        return {}
    tracks = {session.track_id for session in planned if session.track_id}
    same_track = []
    if tracks:
        same_track = list(
            Session.objects.filter(
                expo=expo,
                cancelled=False,
                track_id__in=tracks,
                planned_start__lt=max(session.planned_end for session in planned),
                planned_end__gt=min(session.planned_start for session in planned),
            ).only("pk", "title", "track_id", "planned_start", "planned_end")
        )
    warnings = {}
    for session in planned:
        found = []
        room = session.planned_room
        if session.expected_audience and room and session.expected_audience > room.capacity:
            found.append(
                PlanWarning(
                    "room_too_small",
                    _("%(room)s seats %(seats)d; %(expected)d people are expected.")
                    % {
                        "room": room.name,
                        "seats": room.capacity,
                        "expected": session.expected_audience,
                    },
                )
            )
        day = expo.local_day(session.planned_start)
        away = sorted(
            speaker.name
            for speaker in session.speakers.all()
            if day.isoformat() in (speaker.unavailable_days or [])
        )
        if away:
            found.append(
                PlanWarning(
                    "speaker_unavailable",
                    _("%(speakers)s cannot come on %(day)s.")
                    % {"speakers": ", ".join(away), "day": dates.expo_day(day)},
                )
            )
        clash = next(
            (
                other
                for other in same_track
                if other.pk != session.pk
                and other.track_id == session.track_id
                and other.planned_start < session.planned_end
                and other.planned_end > session.planned_start
            ),
            None,
        )
        if clash is not None:
            found.append(
                PlanWarning(
                    "track_overlap",
                    _("“%(title)s” of the same track is on at the same time.")
                    % {"title": clash.title},
                )
            )
        if found:
            warnings[session.pk] = found
    return warnings


class ReleaseChange(NamedTuple):
    """How releasing the plan changes one session: ``change`` is a
    ``ScheduleRelease.Change``; ``before`` and ``after`` are its released slot before and
    after, each a ``(room, start, end)`` tuple or ``None``."""

    session: Session
    change: str
    before: tuple | None
    after: tuple | None


def next_release(expo):
    """What releasing the plan of ``expo`` now would change, as a list of
    ``ReleaseChange``: the sessions that would become public (new), change their room or
    times (moved) or leave the public programme (cancelled), in the order of their slot.
    One query: the organisers' page shows it and ``release_schedule`` applies it, so that
    both read the same.
    """
    sessions = (
        Session.objects.filter(expo=expo)
        .filter(Q(start__isnull=False) | Q(planned_start__isnull=False, cancelled=False))
        .select_related("room__hall", "planned_room__hall")
        .order_by("pk")
    )
    changes = []
    for session in sessions:
        before = after = None
        if session.start is not None:
            before = (session.room, session.start, session.end)
        if session.planned_start is not None and not session.cancelled:
            after = (session.planned_room, session.planned_start, session.planned_end)
        if before == after:
            continue
        if before is None:
            change = ScheduleRelease.Change.NEW
        elif after is None:
            change = ScheduleRelease.Change.CANCELLED
        else:
            change = ScheduleRelease.Change.MOVED
        changes.append(ReleaseChange(session, change, before, after))
    changes.sort(key=lambda c: ((c.after or c.before)[1], c.session.title, c.session.pk))
    return changes


def releases(expo):
    """The expo's releases, newest first."""
    return ScheduleRelease.objects.filter(expo=expo).select_related("expo").order_by("-number")


def latest_release_number(expo):
    """The number of the expo's latest release; 0 before the first."""
    return ScheduleRelease.objects.filter(expo=expo).aggregate(latest=Max("number"))["latest"] or 0


class ShownSlot(NamedTuple):
    place: str
    start: dt.datetime
    end: dt.datetime


class ShownChange(NamedTuple):
    """One line of a release's changelog, in a visitor's language."""

    session_id: int
    change: str
    title: str
    before: ShownSlot | None
    after: ShownSlot | None

    @property
    def change_label(self):
        return ScheduleRelease.Change(self.change).label


def shown_changes(release, language=None, *, session_ids=None):
    """The changes ``release`` recorded, in ``language`` (the active one by default), as
    a list of ``ShownChange``; only those of ``session_ids`` when given."""
    return [
        ShownChange(
            record["session"],
            record["change"],
            translated(SimpleNamespace(**record), "title", language),
            _shown_slot(record["before"], release.expo, language),
            _shown_slot(record["after"], release.expo, language),
        )
        for record in release.changes
        if session_ids is None or record["session"] in session_ids
    ]


def _shown_slot(slot, expo, language):
    if slot is None:
        return None
    room = SimpleNamespace(
        name=slot["room"],
        name_translations=slot["room_translations"],
        hall=SimpleNamespace(name=slot["hall"], name_translations=slot["hall_translations"]),
    )
    return ShownSlot(
        room_and_hall(room, language),
        dt.datetime.fromisoformat(slot["start"]).astimezone(expo.tz),
        dt.datetime.fromisoformat(slot["end"]).astimezone(expo.tz),
    )
