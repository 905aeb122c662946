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


def released(expo):
    """The demo programme's sessions, in the released schedule. Those of the proposals
    accepted in the demo's review wait unscheduled, in their proposal's one language."""
    return expo.sessions.exclude(start=None)


def test_the_demo_has_a_session_after_midnight(demo_expo):
    late = [s for s in released(demo_expo) if s.start.astimezone(demo_expo.tz).hour < 9]
    assert late
    assert all(demo_expo.local_day(s.start) in demo_expo.days for s in late)


def test_conference_sessions_fall_on_conference_days(demo_expo):
    for conference in demo_expo.conferences.all():
        days = {demo_expo.local_day(s.start) for s in conference.sessions.exclude(start=None)}
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


def test_the_first_day_is_open_even_on_a_monday(demo_expo):
    # The demo starting on a Monday (1 June 2026) still opens on its first day; the
    # Mondays after it in the first two weeks are closed.
    assert demo_expo.start_date.weekday() == 0
    open_days = selectors.opening_windows(demo_expo)
    assert demo_expo.start_date in open_days
    assert demo_expo.start_date + dt.timedelta(days=7) not in open_days


def test_each_demo_session_is_labelled_with_the_language_of_its_title(demo_expo):
    language_of = {title: language for topics in demo.TOPICS.values() for language, title in topics}
    sessions = list(released(demo_expo))
    assert {session.language for session in sessions} == {"en", "sv", "fi", "da"}
    for session in sessions:
        assert session.language == language_of[session.title], session.title
    finnish = next(s for s in sessions if s.title == "Hyvinvointia yhdessä")
    assert finnish.language == "fi"


def test_the_demo_texts_are_written_in_every_language_of_the_expo(demo_expo):
    from exhibitors.models import Exhibitor
    from ticketing.models import TicketType

    others = {"sv", "fi", "da"}
    assert demo_expo.languages[0] == "en"
    assert set(demo_expo.description_translations) == others
    assert "huomisen kaupungista" in demo_expo.description_translations["fi"]
    for track in demo_expo.tracks.all():
        assert set(track.name_translations) <= others and track.name_translations
    assert demo_expo.tracks.get(slug="welfare").name_translations == {
        "sv": "Välfärd",
        "fi": "Hyvinvointi",
        "da": "Velfærd",
    }
    for hall in demo_expo.halls.all():
        assert set(hall.name_translations) == {"fi", "da"}  # Swedish says "Hall" too
    assert demo_expo.rooms.get(slug="a2").name_translations == {
        "sv": "Sal Malmö",
        "fi": "Sali Malmö",
        "da": "Sal Malmö",
    }
    for session in released(demo_expo)[:50]:
        assert set(session.abstract_translations) == others
    for speaker in demo_expo.speakers.filter(sessions__in=released(demo_expo)).distinct():
        assert set(speaker.biography_translations) == others
    for exhibitor in Exhibitor.objects.filter(expo=demo_expo):
        assert set(exhibitor.tagline_translations) == others
        assert set(exhibitor.description_translations) == others
    names = {t.slug: t.name_translations for t in TicketType.objects.filter(expo=demo_expo)}
    assert names["day"] == {"sv": "Dagsbiljett", "fi": "Päivälippu", "da": "Dagsbillet"}
    assert all(names.values())


def test_the_demo_shows_its_texts_in_the_visitors_language(demo_expo, client):
    client.cookies["django_language"] = "fi"
    home = client.get(f"/expos/{demo.SLUG}/").content.decode()
    assert "Kolmekymmentäviisi päivää" in home
    assert "1. kesäkuuta – 5. heinäkuuta 2026" in home
    register = client.get(f"/expos/{demo.SLUG}/register/").content.decode()
    assert "Päivälippu" in register and "Kausikortti" in register
    assert "maanantai 1. kesäkuuta 2026" in register


def test_the_demo_has_a_released_schedule_with_an_earlier_version(demo_expo):
    latest, first = selectors.releases(demo_expo)
    assert (latest.number, first.number) == (2, 1)
    assert {record["change"] for record in first.changes} == {"new"}
    changes = [record["change"] for record in latest.changes]
    assert changes.count("cancelled") == 1 and changes.count("moved") == 3
    assert latest.note_translations["fi"]
    # The board's draft since then waits for the next release, unseen by visitors.
    pending = selectors.next_release(demo_expo)
    assert pending and {change.change for change in pending} == {"new"}
    public = set(selectors.programme(demo_expo).values_list("pk", flat=True))
    assert not public & {change.session.pk for change in pending}
