import datetime as dt

import pytest
from django.forms import modelform_factory
from django.utils import translation

from events.models import Hall, Room, Track
from events.translations import translated, translations_form
from tests.conftest import add_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(future_expo):
    hall = Hall.objects.create(expo=future_expo, slug="a", name="Hall A", capacity=500)
    room = Room.objects.create(expo=future_expo, hall=hall, slug="r", name="Aula", capacity=100)
    day = future_expo.start_date + dt.timedelta(days=1)
    session = add_session(future_expo, room, day, 10, capacity=None, title="Cities that breathe")
    session.title_translations = {"sv": "Städer som andas", "fi": "Hengittävät kaupungit"}
    session.save()
    return session


def test_a_text_shows_in_the_visitors_language_or_else_the_main_one(session):
    assert translated(session, "title", "sv") == "Städer som andas"
    assert translated(session, "title", "fi") == "Hengittävät kaupungit"
    assert translated(session, "title", "da") == "Cities that breathe"  # not translated
    assert translated(session, "title", "en") == "Cities that breathe"
    with translation.override("sv"):
        assert translated(session, "title") == "Städer som andas"


def test_pages_and_exports_speak_the_visitors_language(client, future_expo, session):
    path = f"/expos/future/sessions/{session.pk}/"
    assert "Cities that breathe" in client.get(path).content.decode()
    client.cookies["django_language"] = "sv"
    page = client.get(path).content.decode()
    assert "<h1>Städer som andas</h1>" in page and "Cities that breathe" not in page
    calendar = client.get(f"/expos/future/schedule.ics?session={session.pk}").content.decode()
    assert "SUMMARY:Städer som andas" in calendar
    client.cookies["django_language"] = "da"
    assert "<h1>Cities that breathe</h1>" in client.get(path).content.decode()


def test_the_admin_form_keeps_each_language_and_drops_an_emptied_one(future_expo):
    form_class = modelform_factory(
        Track, form=translations_form(Track), fields=["expo", "slug", "name", "colour"]
    )
    form = form_class(
        {
            "expo": future_expo.pk,
            "slug": "green",
            "name": "Green city",
            "colour": "#1b5e20",
            "name_sv": "Grön stad",
            "name_fi": " ",
            "description_da": "Den grønne by",
        }
    )
    assert form.is_valid(), form.errors
    track = form.save()
    assert track.name_translations == {"sv": "Grön stad"}
    assert track.description_translations == {"da": "Den grønne by"}
    again = form_class(instance=track)
    assert again["name_sv"].value() == "Grön stad"


def test_the_admin_offers_every_language_but_the_expos_main_one(
    client, django_user_model, future_expo, session
):
    client.force_login(django_user_model.objects.create_superuser("root", password="pw-root-1"))
    future_expo.languages = ["sv", "en", "fi", "da"]
    future_expo.save()
    page = client.get(f"/admin/events/session/{session.pk}/change/").content.decode()
    assert "In other languages" in page
    assert 'name="title_en"' in page and 'name="title_fi"' in page
    assert 'name="title_sv"' not in page  # the title field itself is in Swedish
    assert 'value="Hengittävät kaupungit"' in page


def test_the_api_takes_translations_and_refuses_unknown_languages(django_user_model, future_expo):
    from rest_framework.test import APIClient

    organiser = django_user_model.objects.create_user("olle", password="pw-olle-123")
    future_expo.organisers.add(organiser)
    api = APIClient()
    api.force_authenticate(organiser)
    url = "/api/v1/expos/future/tracks/"
    good = {"slug": "g", "name": "Green", "colour": "#1b5e20", "name_translations": {"sv": "Grön"}}
    response = api.post(url, good, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["name_translations"] == {"sv": "Grön"}
    bad = {**good, "slug": "h", "name_translations": {"klingon": "tlhIngan"}}
    response = api.post(url, bad, format="json")
    assert response.status_code == 400 and "name_translations" in response.json()
    assert not Track.objects.filter(slug="h").exists()


def test_halls_and_rooms_are_named_in_the_visitors_language(client, future_expo, session):
    session.room.name_translations = {"fi": "Auditorio"}
    session.room.save()
    session.room.hall.name_translations = {"fi": "Halli A"}
    session.room.hall.save()
    client.cookies["django_language"] = "fi"
    page = client.get(f"/expos/future/sessions/{session.pk}/").content.decode()
    assert "Auditorio, Halli A" in page
    client.cookies["django_language"] = "sv"  # not translated: the main names
    assert "Aula, Hall A" in client.get(f"/expos/future/sessions/{session.pk}/").content.decode()


def test_the_api_writes_hall_and_room_names_in_other_languages(django_user_model, future_expo):
    from rest_framework.test import APIClient

    organiser = django_user_model.objects.create_user("olle", password="pw-olle-123")
    future_expo.organisers.add(organiser)
    api = APIClient()
    api.force_authenticate(organiser)
    hall = {"slug": "b", "name": "Hall B", "capacity": 100, "name_translations": {"da": "Hal B"}}
    response = api.post("/api/v1/expos/future/halls/", hall, format="json")
    assert response.status_code == 201, response.json()
    room = {"slug": "r3", "name": "Room 3", "hall": "b", "capacity": 20}
    response = api.post(
        "/api/v1/expos/future/rooms/",
        {**room, "name_translations": {"da": "Sal 3"}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert Room.objects.get(slug="r3").name_translations == {"da": "Sal 3"}
    response = api.post(
        "/api/v1/expos/future/rooms/",
        {**room, "slug": "r4", "name_translations": {"da": "Sal\x004"}},
        format="json",
    )
    assert response.status_code == 400 and "name_translations" in response.json()
    assert not Room.objects.filter(slug="r4").exists()
