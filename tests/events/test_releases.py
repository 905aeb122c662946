"""Releases of the schedule: their contents and numbers, what the public sees before and
after one, the organisers' page and API, and the public changelog."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events import selectors, services
from events.models import Hall, Room, ScheduleRelease, Session
from expo.errors import Conflict, InvalidInput
from tests.conftest import at_once, local

DAY = dt.date(2026, 6, 2)
PAGE = "/manage/city-expo/releases/"
API = "/api/v1/expos/city-expo/releases/"


def planned(expo, room, hour, title, **fields):
    return services.save_session(
        Session(
            expo=expo,
            title=title,
            planned_room=room,
            planned_start=local(DAY, hour),
            planned_end=local(DAY, hour + 1),
            **fields,
        )
    )


@pytest.fixture
def first_release(expo, room, other_room):
    """Three sessions released as version 1; then one moved, one cancelled and one new in
    the plan."""
    stays = planned(expo, room, 10, "Gröna tak")
    moves = planned(expo, room, 12, "Sensorer i gatan", title_translations={"fi": "Anturit"})
    goes = planned(expo, other_room, 14, "Bostäder för alla")
    release = services.release_schedule(expo, note="Det första programmet")
    services.plan_session(moves, room=other_room, start=local(DAY, 15))
    services.cancel_session(goes)
    new = planned(expo, room, 16, "Öppna data")
    return {"release": release, "stays": stays, "moves": moves, "goes": goes, "new": new}


def changes_by_title(release):
    return {record["title"]: record["change"] for record in release.changes}


@pytest.mark.django_db
class TestTheRelease:
    def test_the_first_release_makes_every_planned_session_new(self, first_release):
        release = first_release["release"]
        assert release.number == 1
        assert changes_by_title(release) == {
            "Gröna tak": "new",
            "Sensorer i gatan": "new",
            "Bostäder för alla": "new",
        }

    def test_the_next_release_lists_the_new_moved_and_cancelled_sessions(
        self, expo, organiser, first_release
    ):
        preview = selectors.next_release(expo)
        release = services.release_schedule(
            expo, note="Nya tider", note_translations={"fi": "Uudet ajat"}, by=organiser
        )
        assert (release.number, release.released_by, release.note_translations) == (
            2,
            organiser,
            {"fi": "Uudet ajat"},
        )
        assert changes_by_title(release) == {
            "Sensorer i gatan": "moved",
            "Bostäder för alla": "cancelled",
            "Öppna data": "new",
        }
        assert [change.session.title for change in preview] == [
            record["title"] for record in release.changes
        ]
        moved = next(r for r in release.changes if r["change"] == "moved")
        assert moved["before"]["room"] == "Room A1" and moved["after"]["room"] == "Room A2"
        assert dt.datetime.fromisoformat(moved["after"]["start"]) == local(DAY, 15)
        assert moved["title_translations"] == {"fi": "Anturit"}

    def test_the_changelog_outlives_the_sessions(self, expo, first_release):
        release = services.release_schedule(expo)
        moved = first_release["moves"].pk
        Session.objects.filter(pk=moved).delete()
        release.refresh_from_db()
        [shown] = selectors.shown_changes(release, "fi", session_ids={moved})
        assert (shown.title, shown.before.start, shown.after.place) == (
            "Anturit",
            local(DAY, 12),
            "Room A2, Hall A",
        )

    def test_a_release_without_changes_is_refused_and_writes_nothing(self, expo, first_release):
        services.release_schedule(expo)
        with pytest.raises(Conflict) as refused:
            services.release_schedule(expo, note="Again")
        assert refused.value.code == "nothing_to_release"
        assert list(expo.releases.values_list("number", flat=True)) == [2, 1]

    @pytest.mark.parametrize(
        ("note", "translations", "field"),
        [
            ("a\x00b", {}, "note"),
            ("x" * 10_000, {}, "note"),
            ("", {"fi": "a\x00b"}, "note_translations"),
            ("", {"xx": "tuntematon"}, "note_translations"),
        ],
    )
    def test_a_bad_note_is_refused_and_nothing_is_released(
        self, expo, first_release, note, translations, field
    ):
        with pytest.raises(InvalidInput) as refused:
            services.release_schedule(expo, note=note, note_translations=translations)
        assert field in refused.value.errors
        assert expo.releases.count() == 1
        assert selectors.next_release(expo)

    def test_each_expo_counts_its_own_releases(self, expo, other_expo, first_release):
        hall = Hall.objects.create(expo=other_expo, slug="h", name="H", capacity=100)
        room = Room.objects.create(expo=other_expo, hall=hall, slug="r", name="R", capacity=10)
        planned(other_expo, room, 10, "Annan")
        assert services.release_schedule(other_expo).number == 1


@pytest.mark.django_db
class TestWhatThePublicSees:
    def test_before_any_release_the_programme_is_being_prepared(self, client, expo, room):
        talk = planned(expo, room, 10, "Gröna tak")
        page = client.get("/expos/city-expo/programme/?day=2026-06-02").content.decode()
        assert "The programme is being prepared" in page and "Gröna tak" not in page
        assert client.get(f"/expos/city-expo/sessions/{talk.pk}/").status_code == 404
        assert client.get("/api/v1/expos/city-expo/sessions/").json()["results"] == []
        frab = client.get("/expos/city-expo/schedule.json").json()["schedule"]
        assert frab["version"] == "0"
        assert "Gröna tak" not in client.get("/expos/city-expo/schedule.ics").content.decode()

    def test_after_a_release_everything_shows_the_released_slot(self, client, expo, first_release):
        moves = first_release["moves"]
        page = client.get("/expos/city-expo/programme/?day=2026-06-02").content.decode()
        assert "Sensorer i gatan" in page and "Öppna data" not in page
        assert "/expos/city-expo/programme/changes/" in page
        frab = client.get("/expos/city-expo/schedule.json").json()["schedule"]
        assert frab["version"] == "1"
        session = client.get(f"/api/v1/sessions/{moves.pk}/").json()
        assert dt.datetime.fromisoformat(session["start"]) == local(DAY, 12)
        listed = client.get("/api/v1/expos/city-expo/sessions/").json()["results"]
        assert first_release["new"].pk not in {s["id"] for s in listed}

        services.release_schedule(expo)
        frab = client.get("/expos/city-expo/schedule.json").json()["schedule"]
        assert frab["version"] == "2"
        titles = {
            event["title"]
            for day in frab["conference"]["days"]
            for events in day["rooms"].values()
            for event in events
        }
        assert titles == {"Gröna tak", "Sensorer i gatan", "Öppna data"}
        ics = client.get("/expos/city-expo/schedule.ics").content.decode()
        assert "Öppna data" in ics and "Bostäder för alla" not in ics

    def test_the_changelog_lists_every_release_newest_first(self, client, expo, first_release):
        services.release_schedule(expo, note="Nya tider", note_translations={"fi": "Uudet ajat"})
        client.cookies["django_language"] = "fi"
        page = client.get("/expos/city-expo/programme/changes/").content.decode()
        assert page.index('id="release-2"') < page.index('id="release-1"')
        assert "Uudet ajat" in page and "Det första programmet" in page
        moves, goes = first_release["moves"], first_release["goes"]
        assert f"/expos/city-expo/sessions/{moves.pk}/" in page
        assert "Bostäder för alla" in page
        assert f"/expos/city-expo/sessions/{goes.pk}/" not in page

    def test_the_changelog_before_any_release(self, client, expo):
        page = client.get("/expos/city-expo/programme/changes/")
        assert page.status_code == 200
        assert "The programme is being prepared" in page.content.decode()


@pytest.fixture
def other_organiser(django_user_model, other_expo):
    user = django_user_model.objects.create_user("otto", password="pw-otto-123")
    other_expo.organisers.add(user)
    return user


@pytest.mark.django_db
class TestTheOrganisersPage:
    def test_only_the_expos_organisers_get_in(
        self, client, expo, organiser, other_organiser, django_user_model
    ):
        assert client.get(PAGE).status_code == 302  # to the login page
        assert client.post(PAGE, {"note": "x"}).status_code == 302
        visitor = django_user_model.objects.create_user("vera", password="pw-vera-123")
        for user in (visitor, other_organiser):
            client.force_login(user)
            assert client.get(PAGE).status_code == 403
            assert client.post(PAGE, {"note": "x"}).status_code == 403
        client.force_login(organiser)
        assert client.get(PAGE).status_code == 200
        assert client.get("/manage/no-such-expo/releases/").status_code == 404
        assert not ScheduleRelease.objects.exists()

    def test_it_shows_the_next_release_and_releases_it(
        self, client, expo, organiser, first_release
    ):
        client.force_login(organiser)
        page = client.get(PAGE).content.decode()
        assert "Release version 2" in page
        for title in ("Sensorer i gatan", "Bostäder för alla", "Öppna data"):
            assert title in page
        assert "Det första programmet" in page
        answer = client.post(PAGE, {"note": "Nya tider", "note_fi": "Uudet ajat"}, follow=True)
        assert "Version 2 is released." in answer.content.decode()
        release = expo.releases.first()
        planned(expo, first_release["stays"].planned_room, 18, "Sent utan anteckning")
        assert client.post(PAGE).status_code == 302  # a note is not needed
        assert expo.releases.count() == 3
        assert (release.number, release.note, release.note_translations) == (
            2,
            "Nya tider",
            {"fi": "Uudet ajat"},
        )
        assert release.released_by == organiser

    def test_the_page_reads_in_a_fixed_number_of_queries(
        self, client, expo, room, other_room, organiser, first_release
    ):
        client.force_login(organiser)

        def queries():
            with CaptureQueriesContext(connection) as captured:
                assert client.get(PAGE).status_code == 200
            return len(captured)

        few = queries()
        services.release_schedule(expo, note="Fler")
        for hour in (17, 18, 19):
            planned(expo, other_room, hour, f"Pass {hour}")
        services.plan_session(first_release["stays"], room=other_room, start=local(DAY, 10))
        assert queries() == few

    @pytest.mark.parametrize(
        "data", [{"note": "a\x00b"}, {"note": "x" * 10_000}, {"note": "", "note_fi": "b\x00"}]
    )
    def test_bad_input_is_a_field_error(self, client, expo, organiser, first_release, data):
        client.force_login(organiser)
        answer = client.post(PAGE, data)
        assert answer.status_code == 400
        assert "There is a problem" in answer.content.decode()
        assert expo.releases.count() == 1

    def test_nothing_to_release_is_said_so(self, client, expo, organiser, first_release):
        services.release_schedule(expo)
        client.force_login(organiser)
        answer = client.post(PAGE, {"note": "Igen"})
        assert answer.status_code == 400
        assert "nothing to release" in answer.content.decode()
        assert expo.releases.count() == 2


@pytest.mark.django_db
class TestTheAPI:
    def test_anyone_reads_the_releases(self, api, expo, first_release):
        [release] = api.get(API).json()["results"]
        assert release["number"] == 1 and release["note"] == "Det första programmet"
        assert {change["change"] for change in release["changes"]} == {"new"}

    def test_organisers_release(self, organiser_api, expo, first_release):
        answer = organiser_api.post(
            API, {"note": "Nya tider", "note_translations": {"fi": "Uudet ajat"}}, format="json"
        )
        assert answer.status_code == 201, answer.content
        assert answer.json()["number"] == 2
        again = organiser_api.post(API, {}, format="json")
        assert (again.status_code, again.json()["code"]) == (409, "nothing_to_release")

    def test_no_one_else_releases(self, api, expo, other_organiser, first_release):
        assert api.post(API, {}, format="json").status_code in (401, 403)
        api.force_authenticate(other_organiser)
        assert api.post(API, {}, format="json").status_code == 403
        assert expo.releases.count() == 1

    @pytest.mark.parametrize(
        "body",
        [
            {"note": "x" * 10_000},
            {"note_translations": {"fi": 7}},
            {"note_translations": "fi"},
            {"note_translations": {"xx": "a"}},
        ],
    )
    def test_bad_input_is_a_400(self, organiser_api, expo, first_release, body):
        answer = organiser_api.post(API, body, format="json")
        assert answer.status_code == 400, answer.content
        assert expo.releases.count() == 1

    def test_a_nul_in_the_note_is_a_400(self, organiser_api, expo, first_release):
        body = json.dumps({"note": "a\u0000b"})
        answer = organiser_api.post(API, body, content_type="application/json")
        assert answer.status_code == 400
        assert expo.releases.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_organisers_releasing_at_once_get_one_number_each(expo, room, other_room):
    for hour in (10, 12, 14):
        planned(expo, room, hour, f"Pass {hour}")
    services.release_schedule(expo)
    sessions = list(Session.objects.filter(expo=expo).order_by("pk"))

    def move_and_release(session):
        services.plan_session(session, room=other_room, start=session.planned_start)
        return services.release_schedule(expo, note=session.title).number

    outcomes = at_once(move_and_release, sessions)
    numbers = sorted(n for n in outcomes if isinstance(n, int))
    refused = [o for o in outcomes if not isinstance(o, int)]
    assert numbers == list(range(2, 2 + len(numbers)))
    assert all(isinstance(o, Conflict) and o.code == "nothing_to_release" for o in refused), refused
    assert sorted(expo.releases.values_list("number", flat=True)) == [1, *numbers]
    assert not selectors.next_release(expo)
    released = {r["session"] for n in expo.releases.filter(number__gt=1) for r in n.changes}
    assert released == {session.pk for session in sessions}
