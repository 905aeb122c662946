"""Rules of the programme. Every write of a session goes through ``save_session``."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from expo import dates
from expo.errors import Conflict, InvalidInput

from . import selectors
from .models import Room, Session, Speaker

ROOM_OVERLAP_CONSTRAINT = "session_room_no_overlap"


def save_session(session, *, speakers=None):
    """Check every programme rule for ``session`` and save it, with its speakers.

    ``speakers`` replaces the session's speakers; ``None`` keeps the ones it has.
    Raises ``InvalidInput`` for fields that are wrong in themselves and ``Conflict`` with
    code ``room_busy`` or ``speaker_busy`` when the slot is taken.
    """
    if speakers is None:
        speakers = list(session.speakers.all()) if session.pk else []
    else:
        speakers = list(speakers)
    check_session_fields(session, speakers)
    with transaction.atomic():
        # The room's row is the lock that serialises scheduling into that room, and the
        # speakers' rows (in id order, so two writers cannot deadlock) the one for them.
        Room.objects.select_for_update().get(pk=session.room_id)
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
        session.speakers.set(speakers)
    return session


def delete_session(session):
    session.delete()


def check_session_fields(session, speakers):
    """The rules a session must meet on its own: times, references, seats, opening hours."""
    try:
        session.full_clean(exclude=["speakers"], validate_constraints=False)
    except ValidationError as error:
        raise InvalidInput(error.message_dict) from error

    errors = {}
    expo = session.expo
    if session.end <= session.start:
        errors["end"] = _("A session must end after it starts.")
    for field in ("room", "track", "conference"):
        related = getattr(session, field)
        if related is not None and related.expo_id != expo.pk:
            errors[field] = _("This belongs to another expo.")
    foreign = [speaker.name for speaker in speakers if speaker.expo_id != expo.pk]
    if foreign:
        errors["speakers"] = _("Not speakers of this expo: %(names)s.") % {
            "names": ", ".join(foreign)
        }
    if "room" not in errors and session.capacity and session.capacity > session.room.capacity:
        errors["capacity"] = _("The room %(room)s has only %(seats)d seats.") % {
            "room": session.room.name,
            "seats": session.room.capacity,
        }
    if "end" not in errors:
        problem = _opening_hours_problem(session)
        if problem:
            errors["start"] = problem
    if "start" not in errors and session.conference is not None and "conference" not in errors:
        conference = session.conference
        day = expo.local_day(session.start)
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


def _opening_hours_problem(session):
    expo = session.expo
    windows = selectors.opening_windows(expo)
    for _day, (opens, closes) in windows.items():
        if opens <= session.start < closes:
            if session.end > closes:
                return _("The expo closes at %(time)s that day; the session must end by then.") % {
                    "time": dates.time_of_day(closes, expo.tz)
                }
            return None
    day = expo.local_day(session.start)
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
    other = (
        Session.objects.filter(
            room_id=session.room_id, start__lt=session.end, end__gt=session.start
        )
        .exclude(pk=session.pk)
        .order_by("start")
        .first()
    )
    if other is not None:
        raise Conflict(
            _("%(room)s is taken at that time by “%(title)s” (%(start)s–%(end)s).")
            % {
                "room": session.room.name,
                "title": other.title,
                **_local_span(other),
            },
            code="room_busy",
            session=other.pk,
        )


def check_speakers_free(session, speakers):
    if not speakers:
        return
    other = (
        Session.objects.filter(speakers__in=speakers, start__lt=session.end, end__gt=session.start)
        .exclude(pk=session.pk)
        .order_by("start", "pk")
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
    start, end = session.start.astimezone(tz), session.end.astimezone(tz)
    return {"start": f"{start:%Y-%m-%d %H:%M}", "end": f"{end:%H:%M}"}
