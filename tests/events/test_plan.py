"""The plan beside the release: moves, the tray, cancellations, versions and releases."""

import datetime as dt

import pytest

from events import selectors, services
from events.models import Session
from expo.errors import Conflict, InvalidInput
from tests.conftest import at_once, local

DAY = dt.date(2026, 6, 2)


def planned(expo, room, hour, title, minutes=60, speakers=()):
    return services.save_session(
        Session(
            expo=expo,
            title=title,
            planned_room=room,
            planned_start=local(DAY, hour),
            planned_end=local(DAY, hour) + dt.timedelta(minutes=minutes),
        ),
        speakers=speakers,
    )


@pytest.fixture
def talk(expo, room):
    return planned(expo, room, 10, "Gröna tak")


def test_an_unscheduled_session_keeps_its_length_and_is_not_public(expo):
    tray = services.save_session(Session(expo=expo, title="From the call", minutes=45))
    assert (tray.planned_start, tray.start, tray.minutes) == (None, None, 45)
    assert list(selectors.programme(expo)) == []
    assert list(selectors.plan(expo)) == [tray]


def test_a_planned_session_reaches_the_public_only_when_released(expo, talk):
    assert list(selectors.programme(expo)) == []
    release = services.release_schedule(expo)
    assert [(c.session, c.before) for c in selectors.next_release(expo)] == []
    assert [(r["session"], r["before"]) for r in release.changes] == [(talk.pk, None)]
    talk.refresh_from_db()
    assert (talk.room, talk.start, talk.end) == (
        talk.planned_room,
        local(DAY, 10),
        local(DAY, 11),
    )
    assert list(selectors.programme(expo)) == [talk]


def test_a_move_takes_the_sessions_length_and_bumps_its_version(expo, talk, other_room):
    moved = services.plan_session(talk, room=other_room, start=local(DAY, 14), version=1)
    assert (moved.planned_room, moved.planned_end, moved.version) == (
        other_room,
        local(DAY, 15),
        2,
    )


def test_a_resize_changes_the_length(expo, talk):
    resized = services.plan_session(
        talk, room=talk.planned_room, start=local(DAY, 10), end=local(DAY, 11, 30)
    )
    assert resized.minutes == 90


def test_a_move_on_a_stale_view_is_refused_and_changes_nothing(expo, talk, other_room):
    services.plan_session(talk, room=other_room, start=local(DAY, 14), version=1)
    with pytest.raises(Conflict) as refused:
        services.plan_session(talk, room=talk.planned_room, start=local(DAY, 16), version=1)
    assert refused.value.code == "stale"
    assert refused.value.extra["version"] == 2
    talk.refresh_from_db()
    assert (talk.planned_room, talk.planned_start) == (other_room, local(DAY, 14))


@pytest.mark.parametrize(
    ("hour", "code"),
    [(10.5, "room_busy"), (7, "invalid"), (20.5, "invalid")],
    ids=["room-taken", "before-opening", "past-closing"],
)
def test_a_move_that_breaks_a_rule_is_refused(expo, room, talk, hour, code):
    other = planned(expo, room, 14, "Later")
    start = local(DAY, int(hour), int(hour % 1 * 60))
    with pytest.raises((Conflict, InvalidInput)) as refused:
        services.plan_session(other, room=room, start=start, version=other.version)
    assert refused.value.code == code
    other.refresh_from_db()
    assert (other.planned_start, other.version) == (local(DAY, 14), 1)


def test_a_move_onto_a_closed_day_names_the_day(expo, room, talk):
    expo.opening_days.create(date=DAY + dt.timedelta(days=1), is_closed=True)
    with pytest.raises(InvalidInput) as refused:
        services.plan_session(talk, room=room, start=local(DAY + dt.timedelta(days=1), 10))
    assert "closed" in refused.value.errors["start"][0]


def test_a_speaker_cannot_be_moved_into_two_places(expo, room, other_room, speaker):
    planned(expo, room, 10, "First", speakers=[speaker])
    second = planned(expo, other_room, 14, "Second", speakers=[speaker])
    with pytest.raises(Conflict) as refused:
        services.plan_session(second, room=other_room, start=local(DAY, 10, 30))
    assert refused.value.code == "speaker_busy"


def test_unscheduling_and_cancelling_take_a_session_off_the_grid(expo, talk):
    services.release_schedule(expo)
    back = services.unschedule_session(talk, version=1)
    assert (back.planned_room, back.planned_start, back.cancelled, back.version) == (
        None,
        None,
        False,
        2,
    )
    cancelled = services.cancel_session(back, version=2)
    assert cancelled.cancelled and cancelled.version == 3
    # Still public until the next release takes it out.
    assert list(selectors.programme(expo)) == [talk]
    [change] = selectors.next_release(expo)
    assert (change.session, change.before[1], change.after) == (talk, local(DAY, 10), None)
    services.release_schedule(expo)
    assert list(selectors.programme(expo)) == []
    restored = services.restore_session(cancelled, version=3)
    assert not restored.cancelled and restored.planned_start is None


def test_a_release_swaps_two_sessions_rooms_at_once(expo, room, other_room, talk):
    other = planned(expo, other_room, 10, "Annat")
    services.release_schedule(expo)
    services.unschedule_session(talk)
    services.plan_session(other, room=room, start=local(DAY, 10))
    services.plan_session(talk, room=other_room, start=local(DAY, 10))
    changed = services.release_schedule(expo).changes
    assert {change["title"] for change in changed} == {"Gröna tak", "Annat"}
    talk.refresh_from_db()
    other.refresh_from_db()
    assert (talk.room, other.room) == (other_room, room)


def test_releasing_an_unchanged_plan_is_refused(expo, talk):
    services.release_schedule(expo)
    with pytest.raises(Conflict) as refused:
        services.release_schedule(expo)
    assert refused.value.code == "nothing_to_release"
    assert expo.releases.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_moves_from_one_view_at_once_let_one_through(expo, room, other_room):
    talk = planned(expo, room, 10, "Gröna tak")

    def move(hour):
        services.plan_session(talk, room=other_room, start=local(DAY, hour), version=1)
        return "moved"

    outcomes = [
        outcome.code if isinstance(outcome, Conflict) else outcome
        for outcome in at_once(move, [12, 13, 14, 15])
    ]
    assert sorted(outcomes) == ["moved", "stale", "stale", "stale"]
    talk.refresh_from_db()
    assert talk.version == 2
