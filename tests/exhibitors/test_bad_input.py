"""Input to the exhibitor doors that once was a server error: a 400 naming the field, and
nothing written. NUL characters only fail on PostgreSQL; run this file there too."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from exhibitors.models import Booth, Exhibitor, Member

pytestmark = pytest.mark.django_db

NUL = "a\x00b"


@pytest.fixture
def organiser_api(people):
    api = APIClient()
    api.force_authenticate(people["organiser"])
    return api


@pytest.mark.parametrize("parameter", ["search", "theme", "hall", "day"])
def test_a_nul_in_a_directory_filter_is_a_field_error(api, acme, parameter):
    response = api.get("/api/v1/expos/future/exhibitors/", {parameter: NUL})
    assert response.status_code == 400
    assert parameter in response.json()


@pytest.mark.parametrize("parameter", ["search", "theme", "hall", "day", "highlight"])
def test_a_nul_in_a_directory_page_filter_is_explained(client, acme, hall, parameter):
    for path in ("/expos/future/exhibitors/", "/expos/future/halls/a/plan/"):
        response = client.get(path, {parameter: NUL})
        assert response.status_code == 400
        assert "not allowed" in response.content.decode()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_directory_day_far_outside_the_calendar_is_a_field_error(api, acme, day):
    response = api.get("/api/v1/expos/future/exhibitors/", {"day": day})
    assert response.status_code == 400
    assert "day" in response.json()


@pytest.mark.parametrize(
    "body",
    [
        {"username": "nils", "name": "Nils Utan Post"},
        {"username": "nils", "name": "N", "email": ""},
    ],
    ids=["no-email", "blank-email"],
)
def test_a_new_member_without_an_email_is_a_field_error(organiser_api, acme, body):
    response = organiser_api.post(f"/api/v1/exhibitors/{acme.pk}/members/", body, format="json")
    assert response.status_code == 400
    assert "email" in response.json()
    assert not Member.objects.filter(user__username="nils").exists()
    assert not get_user_model().objects.filter(username="nils").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name_translations", {"sv": NUL}),
        ("description_translations", {"fi": NUL}),
        ("days", ["0001-01-01"]),
        ("days", [[1]]),
    ],
)
def test_an_exhibitor_with_bad_texts_or_days_is_a_field_error(organiser_api, acme, field, value):
    body = {"name": "Initech", field: value}
    response = organiser_api.post("/api/v1/expos/future/exhibitors/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Exhibitor.objects.filter(name="Initech").exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_booth_given_on_a_day_far_outside_the_calendar_is_a_field_error(
    organiser_api, hall, acme, day
):
    body = {"code": "B9", "hall": "a", "x": 1, "y": 1, "width": 2, "depth": 2}
    response = organiser_api.post(
        "/api/v1/expos/future/booths/", {**body, "exhibitor": acme.pk, "days": [day]}, format="json"
    )
    assert response.status_code == 400
    assert "days" in response.json()
    assert not Booth.objects.filter(code="B9").exists()


@pytest.mark.parametrize("format", ["multipart", "json"])
def test_a_nul_in_a_theme_is_a_field_error(organiser_api, acme, format):
    response = organiser_api.patch(
        f"/api/v1/exhibitors/{acme.pk}/", {"themes": [NUL], "tagline": "Ny"}, format=format
    )
    assert response.status_code == 400
    assert "themes" in response.json()
    acme.refresh_from_db()
    assert acme.tagline == ""
