"""The site's root address lists the expos, or leads to the only one."""

import datetime as dt

import pytest
from django.utils import timezone

from events.models import Expo, Venue

pytestmark = pytest.mark.django_db


def add_expo(slug, name, first_day, days=3):
    return Expo.objects.create(
        slug=slug, name=name, start_date=first_day, end_date=first_day + dt.timedelta(days=days)
    )


@pytest.fixture
def expos():
    today = timezone.localdate()
    return {
        "long past": add_expo("2024", "City Expo 2024", today - dt.timedelta(days=700)),
        "past": add_expo("2025", "City Expo 2025", today - dt.timedelta(days=300)),
        "ends today": add_expo("now", "Harbour Fair", today - dt.timedelta(days=3)),
        "upcoming": add_expo("2027", "City Expo 2027", today + dt.timedelta(days=200)),
        "soon": add_expo("soon", "Garden Days", today + dt.timedelta(days=20)),
    }


def test_the_root_lists_current_and_upcoming_expos_first_then_past_ones(client, expos):
    response = client.get("/")

    assert response.status_code == 200
    assert [expo.slug for expo in response.context["coming"]] == ["now", "soon", "2027"]
    assert [expo.slug for expo in response.context["past"]] == ["2025", "2024"]
    page = response.content.decode()
    order = [page.index(name) for name in ("Now and coming up", "Harbour Fair", "Garden Days")]
    order += [page.index(name) for name in ("City Expo 2027", "Past expos", "City Expo 2025")]
    order += [page.index("City Expo 2024")]
    assert order == sorted(order)
    assert 'href="/expos/soon/"' in page
    first = expos["soon"].start_date
    assert f'<time datetime="{first.isoformat()}">' in page


def test_the_list_names_each_expos_venue_to_anyone(client, expos):
    Venue.objects.create(expo=expos["soon"], name="Slottsparken", address="Malmöhusvägen 6")

    page = client.get("/").content.decode()

    assert "Slottsparken, Malmöhusvägen 6" in page
    assert page.count('class="expo-where"') == 1


def test_the_list_carries_the_content_security_policy(client, expos):
    response = client.get("/")

    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_with_one_expo_the_root_leads_to_it(client, expo):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/expos/city-expo/"


def test_with_no_expo_the_root_says_so_kindly(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "No expos have been announced yet" in response.content.decode()


def test_the_list_is_in_the_visitors_language(client, expos):
    expos["soon"].name_translations = {"sv": "Trädgårdsdagar"}
    expos["soon"].save()

    page = client.get("/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()

    assert "Trädgårdsdagar" in page
    assert '<html lang="sv">' in page


def test_a_one_day_expo_shows_its_day_once(client, expos):
    day = expos["soon"].start_date + dt.timedelta(days=100)
    add_expo("day", "Bike Day", day, days=0)

    page = client.get("/").content.decode()

    item = page[page.index("Bike Day") :]
    item = item[: item.index("</li>")]
    assert item.count("<time") == 1
