"""Texts that end up in e-mail headers (expo names, session titles in subjects) are one
line: a line break is refused where the text is written, on its field."""

import pytest
from django.contrib.admin.sites import site

from events.models import Expo, Session

DAY_ONE = "2026-06-02"


@pytest.mark.parametrize("name", ["City Expo\nBcc: everyone@example.org", "City\rExpo"])
def test_an_expo_name_with_a_line_break_is_refused_by_the_api(organiser_api, expo, name):
    response = organiser_api.patch("/api/v1/expos/city-expo/", {"name": name}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()
    expo.refresh_from_db()
    assert expo.name == "Malmö City Expo"


def test_a_translated_expo_name_with_a_line_break_is_refused_by_the_api(organiser_api, expo):
    response = organiser_api.patch(
        "/api/v1/expos/city-expo/", {"name_translations": {"sv": "Mässa\nX"}}, format="json"
    )
    assert response.status_code == 400
    assert "name_translations" in response.json()
    expo.refresh_from_db()
    assert expo.name_translations == {}


def test_a_session_title_with_a_line_break_is_refused_by_the_api(organiser_api, room):
    body = {
        "title": "Bostäder\r\nför alla",
        "room": "a1",
        "start": f"{DAY_ONE}T13:00:00+02:00",
        "end": f"{DAY_ONE}T14:00:00+02:00",
    }
    response = organiser_api.post("/api/v1/expos/city-expo/sessions/", body, format="json")
    assert response.status_code == 400
    assert "title" in response.json()
    assert not Session.objects.exists()


def test_the_admin_refuses_a_line_break_in_the_name_in_any_language(rf, expo, django_user_model):
    request = rf.get("/")
    request.user = django_user_model.objects.create_superuser("root", password="pw-root-1")
    form_class = site._registry[Expo].get_form(request, expo)
    data = {
        "name": "Malmö\nCity Expo",
        "name_sv": "Malmö\nstadsmässa",
        "slug": expo.slug,
        "start_date": expo.start_date,
        "end_date": expo.end_date,
        "time_zone": expo.time_zone,
        "opens_at": "09:00",
        "closes_at": "21:00",
        "languages": '["en", "sv"]',
    }
    form = form_class(data=data, instance=expo)
    assert not form.is_valid()
    assert set(form.errors) == {"name", "name_sv"}
