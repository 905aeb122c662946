import datetime as dt
import io

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from events import demo, selectors, services
from events.models import Expo, Session


def seed(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "seed_demo", "--start", "2026-06-01", "--no-progress", *args, stdout=out, stderr=err
    )
    return out.getvalue()


@pytest.fixture
def demo_expo(db):
    seed()
    return Expo.objects.get(slug=demo.SLUG)


def test_the_demo_is_a_realistic_city_expo(demo_expo):
    assert len(demo_expo.days) == 35
    assert demo_expo.start_date == dt.date(2026, 6, 1)
    assert demo_expo.halls.count() == 3
    assert demo_expo.rooms.count() >= 8
    assert demo_expo.tracks.count() == 5
    assert demo_expo.conferences.count() == 2
    assert demo_expo.sessions.count() >= 300
    assert demo_expo.opening_days.filter(is_closed=True).exists()
    names = " ".join(demo_expo.speakers.values_list("name", flat=True)).lower()
    assert set("åäöæø") <= set(names)
    assert demo_expo.sessions.exclude(capacity=None).exists()


def test_every_demo_session_keeps_the_programme_rules(demo_expo):
    for session in selectors.programme(demo_expo):
        speakers = list(session.speakers.all())
        assert speakers
        services.check_session_fields(session, speakers)
        services.check_room_free(session)
        services.check_speakers_free(session, speakers)


def test_the_demo_has_a_session_after_midnight(demo_expo):
    late = [s for s in demo_expo.sessions.all() if s.start.astimezone(demo_expo.tz).hour < 9]
    assert late
    assert all(demo_expo.local_day(s.start) in demo_expo.days for s in late)


def test_conference_sessions_fall_on_conference_days(demo_expo):
    for conference in demo_expo.conferences.all():
        days = {demo_expo.local_day(s.start) for s in conference.sessions.all()}
        assert days
        assert all(conference.start_date <= day <= conference.end_date for day in days)


def test_seeding_again_changes_nothing(demo_expo):
    before = Session.objects.count()
    assert "loaded already" in seed()
    assert Session.objects.count() == before
    assert Expo.objects.count() == 1


def test_reset_builds_it_again(demo_expo):
    old_ids = set(Session.objects.values_list("pk", flat=True))
    seed("--reset")
    assert Session.objects.count() == len(old_ids)
    assert not old_ids & set(Session.objects.values_list("pk", flat=True))


def test_the_organiser_and_their_token_are_printed(db):
    out = seed()
    token = Token.objects.get(user__username="organiser")
    assert token.key in out
    assert "organiser / expo-demo-2026" in out
    assert Expo.objects.get().organisers.filter(username="organiser").exists()


def test_if_empty_leaves_a_database_with_expos_alone(expo):
    out = seed("--if-empty")
    assert "not loaded" in out
    assert not Expo.objects.filter(slug=demo.SLUG).exists()
