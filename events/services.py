"""Rules of the programme. Every write of a session goes through here.

A session has a plan (``planned_room``, ``planned_start``, ``planned_end``: the draft that
organisers edit in the admin, the API and the schedule board) and a released slot
(``room``, ``start``, ``end``: what visitors see). The rules below (opening hours, a room
or a speaker in two places) hold for the plan; a release copies the plan to the released
slot all at once, so the release obeys them too.

Refusals name the fields as people see them: ``room``, ``start`` and ``end`` are the
planned slot's.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from expo import dates
from expo.errors import Conflict, InvalidInput

from . import selectors, signals
from .models import (
    MOST_SESSION_MINUTES,
    SHORTEST_SESSION_MINUTES,
    Expo,
    Room,
    ScheduleRelease,
    Session,
    Speaker,
)

ROOM_OVERLAP_CONSTRAINT = "session_planned_room_no_overlap"
PLAN_FIELDS = ("planned_room", "planned_start", "planned_end", "minutes", "cancelled")
# The names of the planned slot's fields in refusals, the API and the pages.
SHOWN_AS = {"planned_room": "room", "planned_start": "start", "planned_end": "end"}


def save_session(session, *, speakers=None):
    """Check every programme rule for ``session`` and save it, with its speakers.

    ``speakers`` replaces the session's speakers; ``None`` keeps the ones it has. A
    session without a planned slot is saved unscheduled, for the schedule board's tray.
    Raises ``InvalidInput`` for fields that are wrong in themselves and ``Conflict`` with
    code ``room_busy`` or ``speaker_busy`` when the slot is taken.
    """
    if speakers is None:
        speakers = list(session.speakers.all()) if session.pk else []
    else:
        speakers = list(speakers)
    if None not in (session.planned_start, session.planned_end):
        session.minutes = _minutes_between(session.planned_start, session.planned_end)
    check_session_fields(session, speakers)
    with transaction.atomic():
        if session.pk:
            saved = Session.objects.select_for_update(of=("self",)).filter(pk=session.pk).first()
            if saved is not None and _plan_of(saved) != _plan_of(session):
                session.version = saved.version + 1
        _save_in_plan(session, speakers)
        session.speakers.set(speakers)
        _announce(session)
    return session


def plan_session(session, *, room, start, end=None, version=None):
    """Move ``session`` to ``room`` at ``start`` in the plan: a move on the schedule board.

    ``end`` defaults to ``start`` plus the session's length; giving it resizes the
    session. ``version`` is the version of the session the mover saw: when someone else
    has changed the plan since, the move is refused with code ``stale``.
    """
    with transaction.atomic():
        session = _locked_for_change(session, version)
        session.planned_room = room
        session.planned_start = start
        session.planned_end = (
            end if end is not None else start + dt.timedelta(minutes=session.minutes)
        )
        session.minutes = _minutes_between(start, session.planned_end)
        session.cancelled = False
        speakers = list(session.speakers.all())
        check_session_fields(session, speakers)
        session.version += 1
        _save_in_plan(session, speakers)
        _announce(session)
    return session


def unschedule_session(session, *, version=None):
    """Take ``session`` off the plan's grid, back to the tray of unscheduled sessions."""
    with transaction.atomic():
        session = _locked_for_change(session, version)
        _clear_plan(session)
        session.cancelled = False
        session.version += 1
        session.save()
        _announce(session)
    return session


def cancel_session(session, *, version=None):
    """Cancel ``session`` in the plan: off the grid and out of the tray. The next release
    takes it out of the public programme."""
    with transaction.atomic():
        session = _locked_for_change(session, version)
        _clear_plan(session)
        session.cancelled = True
        session.version += 1
        session.save()
        _announce(session)
    return session


def restore_session(session, *, version=None):
    """Bring a cancelled session back to the tray."""
    with transaction.atomic():
        session = _locked_for_change(session, version)
        session.cancelled = False
        session.version += 1
        session.save()
        _announce(session)
    return session


def release_schedule(expo, *, note="", note_translations=None, by=None):
    """Release the plan of ``expo`` as its next numbered version: copy every session's
    plan to its released slot, all at once, record the ``ScheduleRelease`` with what
    changed, and send ``signals.schedule_released`` so that later apps act on it (tell
    the visitors who booked a moved or cancelled session) in the same transaction.

    The expo's row is the lock that numbers releases one after another. A release that
    would change nothing is refused (``nothing_to_release``): it would only tell
    calendars and visitors of a new version that is the same, and a form sent twice
    would make two. ``note`` says what the release is about, in the expo's main language;
    ``note_translations`` in its others.
    """
    release = ScheduleRelease(
        expo=expo, note=note, note_translations=note_translations or {}, released_by=by
    )
    with transaction.atomic():
        expo = Expo.objects.select_for_update().get(pk=expo.pk)
        release.expo = expo
        release.number = selectors.latest_release_number(expo) + 1
        try:
            release.full_clean(exclude=["expo", "released_by"], validate_constraints=False)
        except ValidationError as error:
            raise InvalidInput(error.message_dict) from error
        # Lock the sessions first, then read them: a locking read that joins other tables
        # (the rooms) would see a row changed meanwhile without its new room.
        list(Session.objects.select_for_update().filter(expo=expo).order_by("pk").values("pk"))
        changes = selectors.next_release(expo)
        if not changes:
            raise Conflict(
                _("The plan is the same as the released schedule: there is nothing to release."),
                code="nothing_to_release",
            )
        # Vacate first, then fill: a session moving into a slot another one leaves would
        # otherwise meet it there for a moment, and the database refuses overlaps.
        Session.objects.filter(pk__in=[change.session.pk for change in changes]).update(
            room=None, start=None, end=None
        )
        for change in changes:
            change.session.room, change.session.start, change.session.end = change.after or (
                None,
                None,
                None,
            )
        Session.objects.bulk_update(
            [change.session for change in changes], ["room", "start", "end"], batch_size=500
        )
        release.changes = [_change_record(change) for change in changes]
        release.save()
        signals.schedule_released.send(sender=ScheduleRelease, release=release, changes=changes)
    return release


def _change_record(change):
    """What a release keeps of one change, enough to show it once the session has moved
    again or is gone."""
    session = change.session
    return {
        "session": session.pk,
        "title": session.title,
        "title_translations": session.title_translations,
        "change": str(change.change),
        "before": _slot_record(change.before),
        "after": _slot_record(change.after),
    }


def _slot_record(slot):
    if slot is None:
        return None
    room, start, end = slot
    return {
        "room": room.name,
        "room_translations": room.name_translations,
        "hall": room.hall.name,
        "hall_translations": room.hall.name_translations,
        "start": start.astimezone(dt.UTC).isoformat(),
        "end": end.astimezone(dt.UTC).isoformat(),
    }


def delete_session(session):
    with transaction.atomic():
        _announce(session)
        session.delete()


def _announce(session):
    """Once the change commits, tell the apps built on ``events`` that the expo's plan
    changed (``signals.plan_changed``): the schedule boards open on it redraw."""
    expo_id = session.expo_id
    transaction.on_commit(lambda: signals.plan_changed.send(sender=Session, expo_id=expo_id))


def _locked_for_change(session, version):
    """``session`` read again under a row lock, refused when it is not the ``version``
    the caller saw."""
    locked = (
        Session.objects.select_for_update(of=("self",)).select_related("expo").get(pk=session.pk)
    )
    if version is not None and version != locked.version:
        raise Conflict(
            _("Someone else changed “%(title)s” meanwhile; it is shown as it is now.")
            % {"title": locked.title},
            code="stale",
            session=locked.pk,
            version=locked.version,
        )
    return locked


def _save_in_plan(session, speakers):
    """Save ``session`` once its planned slot has passed the field rules, under the locks
    that serialise scheduling: its room's row and its speakers' rows."""
    if session.planned_room_id is not None:
        # The room's row is the lock that serialises planning into that room, and the
        # speakers' rows (in id order, so two writers cannot deadlock) the one for them.
        Room.objects.select_for_update().get(pk=session.planned_room_id)
        list(
            Speaker.objects.select_for_update()
            .filter(pk__in=[speaker.pk for speaker in speakers])
            .order_by("pk")
        )
        check_room_free(session)
        check_speakers_free(session, speakers)
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError as error:
        # Only a race that slipped past the lock (another writer not using this
        # service) gets here; the database constraint is the last word.
        if ROOM_OVERLAP_CONSTRAINT in str(error):
            check_room_free(session)
        raise


def _clear_plan(session):
    session.planned_room = session.planned_start = session.planned_end = None


def _plan_of(session):
    return tuple(
        getattr(session, f"{name}_id" if name == "planned_room" else name) for name in PLAN_FIELDS
    )


def _minutes_between(start, end):
    """The length of a planned slot, kept inside what ``Session.minutes`` may hold; a slot
    too short or too long is refused by the rules on its end and opening hours."""
    minutes = int((end - start).total_seconds() // 60)
    return min(max(minutes, SHORTEST_SESSION_MINUTES), MOST_SESSION_MINUTES)


def check_session_fields(session, speakers):
    """The rules a session must meet on its own: times, references, seats, opening hours,
    all of its planned slot. An unplanned session only needs its fields right."""
    try:
        session.full_clean(exclude=["speakers"], validate_constraints=False)
    except ValidationError as error:
        raise InvalidInput(
            {SHOWN_AS.get(field, field): messages for field, messages in error.message_dict.items()}
        ) from error

    errors = {}
    expo = session.expo
    room, start, end = session.planned_room, session.planned_start, session.planned_end
    for field, related in (
        ("room", room),
        ("track", session.track),
        ("conference", session.conference),
    ):
        if related is not None and related.expo_id != expo.pk:
            errors[field] = _("This belongs to another expo.")
    foreign = [speaker.name for speaker in speakers if speaker.expo_id != expo.pk]
    if foreign:
        errors["speakers"] = _("Not speakers of this expo: %(names)s.") % {
            "names": ", ".join(foreign)
        }
    planned = [value is not None for value in (room, start, end)]
    if any(planned) and not all(planned):
        for field, given in zip(("room", "start", "end"), planned, strict=True):
            if not given:
                errors[field] = _("Give the room, the start and the end together.")
    elif all(planned):
        if end <= start:
            errors["end"] = _("A session must end after it starts.")
        elif end - start < dt.timedelta(minutes=SHORTEST_SESSION_MINUTES):
            errors["end"] = _("A session lasts at least %(minutes)d minutes.") % {
                "minutes": SHORTEST_SESSION_MINUTES
            }
        if "room" not in errors and session.capacity and session.capacity > room.capacity:
            errors["capacity"] = _("The room %(room)s has only %(seats)d seats.") % {
                "room": room.name,
                "seats": room.capacity,
            }
        if "end" not in errors:
            problem = _opening_hours_problem(expo, start, end)
            if problem:
                errors["start"] = problem
        if "start" not in errors and session.conference is not None and "conference" not in errors:
            conference = session.conference
            day = expo.local_day(start)
            if not conference.start_date <= day <= conference.end_date:
                errors["conference"] = _(
                    "The conference %(name)s runs from %(first)s to %(last)s only."
                ) % {
                    "name": conference.name,
                    "first": conference.start_date,
                    "last": conference.end_date,
                }
    if errors:
        raise InvalidInput(errors)


def _opening_hours_problem(expo, start, end):
    windows = selectors.opening_windows(expo)
    for _day, (opens, closes) in windows.items():
        if opens <= start < closes:
            if end > closes:
                return _("The expo closes at %(time)s that day; the session must end by then.") % {
                    "time": dates.time_of_day(closes, expo.tz)
                }
            return None
    day = expo.local_day(start)
    if not expo.start_date <= day <= expo.end_date:
        return _("The expo runs from %(first)s to %(last)s; %(day)s is outside it.") % {
            "first": expo.start_date,
            "last": expo.end_date,
            "day": day,
        }
    if day not in windows:
        return _("The expo is closed on %(day)s.") % {"day": dates.long_date(day)}
    opens, closes = windows[day]
    return _("The expo is open from %(opens)s to %(closes)s on %(day)s.") % {
        "opens": dates.time_of_day(opens, expo.tz),
        "closes": dates.time_of_day(closes, expo.tz),
        "day": dates.long_date(day),
    }


def check_room_free(session):
    """Refuse ``room_busy`` when another planned session overlaps ``session``'s planned
    slot in its room."""
    other = (
        Session.objects.filter(
            planned_room_id=session.planned_room_id,
            planned_start__lt=session.planned_end,
            planned_end__gt=session.planned_start,
        )
        .exclude(pk=session.pk)
        .order_by("planned_start")
        .first()
    )
    if other is not None:
        raise Conflict(
            _("%(room)s is taken at that time by “%(title)s” (%(start)s–%(end)s).")
            % {
                "room": session.planned_room.name,
                "title": other.title,
                **_local_span(other),
            },
            code="room_busy",
            session=other.pk,
        )


def check_speakers_free(session, speakers):
    """Refuse ``speaker_busy`` when one of ``speakers`` is planned elsewhere at the time."""
    if not speakers or session.planned_start is None:
        return
    other = (
        Session.objects.filter(
            speakers__in=speakers,
            planned_start__lt=session.planned_end,
            planned_end__gt=session.planned_start,
        )
        .exclude(pk=session.pk)
        .order_by("planned_start", "pk")
        .first()
    )
    if other is not None:
        busy = sorted(
            speaker.name for speaker in speakers if other.speakers.filter(pk=speaker.pk).exists()
        )
        raise Conflict(
            _("%(speakers)s speaks in “%(title)s” (%(start)s–%(end)s) at that time.")
            % {"speakers": ", ".join(busy), "title": other.title, **_local_span(other)},
            code="speaker_busy",
            session=other.pk,
        )


def _local_span(session):
    tz = session.expo.tz
    start, end = session.planned_start.astimezone(tz), session.planned_end.astimezone(tz)
    return {"start": f"{start:%Y-%m-%d %H:%M}", "end": f"{end:%H:%M}"}
