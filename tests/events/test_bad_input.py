"""Input that once was a server error: each is a 400 naming the field, and writes nothing.

NUL characters only fail on PostgreSQL (its text columns cannot hold them), so run this
file there too (``DATABASE_URL=postgres://…``).
"""

import datetime as dt
import json

import pytest

from events.models import Expo, Session, Track
from tests.conftest import local, slot

DAY = dt.date(2026, 6, 2)

# The anonymous reader's doors and the parameters they take.
NUL = "a\x00b"


@pytest.fixture
def programme(expo, room, track, speaker):
    Session.objects.create(
        expo=expo, track=track, title="Gröna tak", **slot(room, local(DAY, 10), local(DAY, 11))
    )


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "9999-12-30", "0001-01-02"])
def test_a_day_far_outside_the_calendar_is_a_field_error(api, programme, day):
    response = api.get(f"/api/v1/expos/city-expo/sessions/?day={day}")
    assert response.status_code == 400
    assert "day" in response.json()


@pytest.mark.parametrize("parameter", ["day", "room", "track", "conference"])
def test_a_nul_in_a_session_filter_is_a_field_error(api, programme, parameter):
    response = api.get("/api/v1/expos/city-expo/sessions/", {parameter: NUL})
    assert response.status_code == 400
    assert parameter in response.json()


@pytest.mark.parametrize(
    "query",
    [{"track": NUL}, {"day": NUL}, {"session": NUL}, {"session": "²"}, {"x\x00": "1"}],
    ids=["track", "day", "session", "superscript-session", "nul-name"],
)
def test_a_bad_calendar_parameter_is_not_a_crash(client, programme, query):
    response = client.get("/expos/city-expo/schedule.ics", query)
    assert response.status_code in (400, 404)


@pytest.mark.parametrize(
    "path",
    ["/expos/city-expo/programme/", "/expos/city-expo/exhibitors/", "/expos/city-expo/"],
)
def test_a_nul_in_a_page_filter_is_explained(client, programme, path):
    response = client.get(path, {"search": NUL, "track": NUL})
    assert response.status_code == 400
    assert "not allowed" in response.content.decode()


def test_a_nul_in_an_address_is_a_bad_request_not_a_crash(client, programme):
    assert client.get("/expos/city-expo/my-tickets/a%00b/").status_code == 400


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/expos/city-expo/tracks/", "name_translations"),
        ("/api/v1/expos/city-expo/conferences/", "description_translations"),
    ],
)
def test_a_nul_inside_a_translation_is_a_field_error(organiser_api, expo, path, field):
    body = {
        "slug": "new",
        "name": "New",
        "start_date": "2026-06-02",
        "end_date": "2026-06-03",
        field: {"sv": "Ny\x00"},
    }
    response = organiser_api.post(path, body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Track.objects.filter(slug="new").exists()


def post_session(api, **changes):
    """Schedule a session through the API, with ``changes`` to a valid body."""
    body = {
        "title": "Bostäder för alla",
        "room": "a1",
        "start": "2026-06-02T13:00:00+02:00",
        "end": "2026-06-02T14:00:00+02:00",
        **changes,
    }
    return api.post("/api/v1/expos/city-expo/sessions/", body, format="json")


@pytest.mark.parametrize(
    ("field", "value"),
    [("room", NUL), ("track", NUL), ("speakers", [NUL]), ("title", {"sv": [NUL]})],
)
def test_a_nul_anywhere_in_a_body_is_a_field_error(organiser_api, room, track, field, value):
    response = post_session(organiser_api, **{field: value})
    assert response.status_code == 400
    assert field in response.json()
    assert not Session.objects.exists()


def test_a_nul_in_a_field_name_is_refused(organiser_api, room):
    response = organiser_api.post(
        "/api/v1/expos/city-expo/tracks/", {"slug": "x", "name": "X", NUL: 1}, format="json"
    )
    assert response.status_code == 400
    assert not Track.objects.exists()


@pytest.mark.parametrize("depth", [200_000, 50])
@pytest.mark.parametrize(
    "path",
    ["/api/v1/expos/city-expo/tracks/", "/api/v1/expos/city-expo/registrations/"],
)
def test_deeply_nested_json_is_refused(organiser_api, expo, path, depth):
    body = '{"name": ' + "[" * depth + "]" * depth + "}"
    response = organiser_api.generic("POST", path, body, content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


@pytest.mark.parametrize(
    "languages", [[[1]], [{"sv": 1}], [1], ["sv", ["fi"]], "sv", [], ["xx"], [None]]
)
def test_languages_are_a_list_of_known_codes(organiser_api, expo, languages):
    response = organiser_api.patch(
        "/api/v1/expos/city-expo/", {"languages": languages}, format="json"
    )
    assert response.status_code == 400
    assert "languages" in response.json()
    expo.refresh_from_db()
    assert expo.languages == ["en", "sv", "fi", "da"]


@pytest.mark.parametrize("field", ["start", "end"])
@pytest.mark.parametrize(
    "moment",
    [
        "0001-01-01T00:00:00",
        "9999-12-31T23:59:59",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:00:00-05:00",
    ],
)
def test_a_session_at_the_ends_of_the_calendar_is_a_field_error(organiser_api, room, field, moment):
    response = post_session(organiser_api, **{field: moment})
    assert response.status_code == 400
    assert field in response.json()
    assert not Session.objects.exists()


@pytest.fixture
def creator_api(django_user_model, api):
    user = django_user_model.objects.create_superuser("root", password="pw-root-123")
    api.force_authenticate(user)
    return api


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("0001-01-01", "9999-12-31"),
        ("2026-01-01", "2027-01-02"),
        ("0001-01-01", "0001-01-02"),
        ("9999-12-30", "9999-12-31"),
    ],
)
def test_an_expo_lasts_at_most_a_year(creator_api, db, start, end):
    body = {"slug": "long", "name": "Long", "start_date": start, "end_date": end}
    response = creator_api.post("/api/v1/expos/", body, format="json")
    assert response.status_code == 400
    assert {"start_date", "end_date"} & set(response.json())
    assert not Expo.objects.filter(slug="long").exists()


def test_an_expo_of_a_whole_leap_year_is_accepted(creator_api, db):
    body = {"slug": "year", "name": "Year", "start_date": "2028-01-01", "end_date": "2028-12-31"}
    response = creator_api.post("/api/v1/expos/", body, format="json")
    assert response.status_code == 201, response.json()


def test_an_expo_cannot_be_stretched_past_a_year(organiser_api, expo):
    response = organiser_api.patch(
        "/api/v1/expos/city-expo/", {"end_date": "2099-06-07"}, format="json"
    )
    assert response.status_code == 400
    assert "end_date" in response.json()
    expo.refresh_from_db()
    assert expo.end_date == dt.date(2026, 6, 7)


@pytest.mark.parametrize("date", ["9999-99-99", "2026-06-02x", "0001-01-01"])
def test_an_opening_day_named_by_a_bad_date_is_not_found(api, expo, date):
    assert api.get(f"/api/v1/expos/city-expo/opening-days/{date}/").status_code == 404


def test_the_admin_refuses_an_expo_longer_than_a_year(admin_client, db):
    response = admin_client.post(
        "/admin/events/expo/add/",
        {
            "slug": "long",
            "name": "Long",
            "start_date": "2026-01-01",
            "end_date": "2030-01-01",
            "time_zone": "Europe/Stockholm",
            "languages": json.dumps(["en"]),
            "currency": "SEK",
            "opens_at": "09:00",
            "closes_at": "21:00",
        },
    )
    assert response.status_code == 200
    assert "end_date" in response.context["adminform"].form.errors
    assert not Expo.objects.filter(slug="long").exists()


@pytest.mark.parametrize(
    "path",
    [
        "/admin/events/session/add/?room=x",
        "/admin/events/session/add/?speakers=1,x",
        "/admin/events/room/add/?hall=²",
        "/admin/ticketing/tickettype/add/?conference=x",
        "/admin/ticketing/scanpoint/add/?session=x",
    ],
)
def test_an_add_page_ignores_a_related_object_named_by_no_id(admin_client, room, path):
    assert admin_client.get(path).status_code == 200
