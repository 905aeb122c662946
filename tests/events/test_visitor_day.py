"""A visitor's day on the public pages: "Coming up" dates what is not today, the
programme's folded filters count what is on, a session page leads back to the filtered
programme (and nowhere else), and the site has an icon."""

import datetime as dt
import re
from html import unescape
from unittest import mock
from urllib.parse import quote

import pytest
from django.utils import translation
from django.utils.formats import date_format

from events import views
from events.models import Hall, Room, Speaker, Track
from tests.conftest import add_session, local

pytestmark = pytest.mark.django_db


def in_full(day):
    """A day as the English pages write it: "Wednesday 2 December"."""
    return f"{date_format(day, 'l')} {day.day} {date_format(day, 'F')}"


@pytest.fixture
def aula(future_expo):
    hall = Hall.objects.create(expo=future_expo, slug="a", name="Hall A", capacity=500)
    return Room.objects.create(expo=future_expo, hall=hall, slug="r1", name="Aula", capacity=200)


def coming_up(page):
    return page.split('id="next-heading"', 1)[1].split("</section>", 1)[0]


def test_coming_up_gives_the_day_of_what_is_not_today_and_only_times_today(
    client, future_expo, aula
):
    today = future_expo.start_date
    tomorrow = today + dt.timedelta(days=1)
    add_session(future_expo, aula, today, 12, capacity=None, title="Lunchtalk")
    add_session(future_expo, aula, tomorrow, 10, capacity=None, title="Morgondag")

    with mock.patch.object(views, "timezone") as clock:
        clock.now.return_value = local(today, 8)
        section = coming_up(client.get("/expos/future/").content.decode())

    lunch, morning = section.split("Morgondag")
    assert re.search(r">12:00</time>", lunch), "today's session shows its time alone"
    weekday = date_format(tomorrow, "l")
    assert weekday not in lunch
    assert f">{in_full(tomorrow)}, 10:00</time>" in morning, "weekday, then day first"


def test_coming_up_speaks_the_visitors_language(client, future_expo, aula):
    later = future_expo.start_date + dt.timedelta(days=3)
    add_session(future_expo, aula, later, 14, capacity=None, title="Senare")
    client.cookies["django_language"] = "sv"

    section = coming_up(client.get("/expos/future/").content.decode())

    with translation.override("sv"):
        weekday, month_day = date_format(later, "l"), date_format(later, "MONTH_DAY_FORMAT")
    with translation.override("en"):
        english = date_format(later, "l")
    assert weekday in section and month_day in section
    assert english not in section


def test_coming_up_dates_by_the_expos_clock_not_the_servers(client, aula, future_expo, settings):
    """The server's zone is far west of the expo's: 00:30 in Stockholm is still the day
    before there, but the visitor reads Stockholm's day."""
    settings.TIME_ZONE = "America/Los_Angeles"
    day = future_expo.start_date + dt.timedelta(days=2)
    future_expo.opens_at, future_expo.closes_at = dt.time(0, 0), dt.time(23, 59)
    future_expo.save()
    session = add_session(future_expo, aula, day, 9, capacity=None, title="Tidigt")
    session.start, session.end = local(day, 0, 30), local(day, 1, 30)
    session.save()

    section = coming_up(client.get("/expos/future/").content.decode())

    assert f"{in_full(day)}, 00:30" in section


def test_a_speakers_sessions_on_other_days_carry_their_day(client, future_expo, aula):
    speaker = Speaker.objects.create(expo=future_expo, name="Åsa Öberg")
    later = future_expo.start_date + dt.timedelta(days=4)
    add_session(future_expo, aula, later, 11, capacity=None, title="Fyra").speakers.add(speaker)

    page = client.get(f"/expos/future/speakers/{speaker.pk}/").content.decode()

    assert f">{in_full(later)}, 11:00<" in page


@pytest.fixture
def filtered(future_expo, aula):
    track = Track.objects.create(expo=future_expo, slug="green", name="Grön stad")
    day = future_expo.start_date + dt.timedelta(days=1)
    session = add_session(future_expo, aula, day, 10, capacity=None, title="Gröna tak", track=track)
    return {"day": day.isoformat(), "session": session}


def test_the_folded_filters_say_how_many_are_on(client, future_expo, filtered):
    day = filtered["day"]
    none_on = client.get(f"/expos/future/programme/?day={day}").content.decode()
    assert "no filter on" in none_on
    assert re.search(r"<details class=\"filters-fold\" data-open-on-wide>", none_on)

    two_on = client.get(
        f"/expos/future/programme/?day={day}&track=green&free_seats=on&view=grid"
    ).content.decode()
    assert "2 filters on" in two_on

    one_on = client.get(f"/expos/future/programme/?day={day}&kind=talk").content.decode()
    assert "1 filter on" in one_on


def test_filters_with_an_error_are_unfolded_and_not_counted(client, future_expo, filtered):
    page = client.get("/expos/future/programme/?kind=juggling&track=green").content.decode()
    assert '<details class="filters-fold" data-open-on-wide open>' in page
    assert "1 filter on" in page
    assert "error-summary" in page


def session_links(page):
    return [unescape(href) for href in re.findall(r'href="(/expos/future/sessions/[^"]+)"', page)]


def back_link(page):
    return unescape(re.search(r'<p class="breadcrumb"><a href="([^"]*)"', page).group(1))


def test_the_session_page_leads_back_to_the_filtered_programme(client, future_expo, filtered):
    day, session = filtered["day"], filtered["session"]
    programme = f"/expos/future/programme/?day={day}&track=green&free_seats=on"
    [link] = session_links(client.get(programme).content.decode())
    assert link == f"/expos/future/sessions/{session.pk}/?back=" + quote(programme, safe="")

    assert back_link(client.get(link).content.decode()) == programme


def test_unknown_parameters_are_left_out_of_the_way_back(client, future_expo, filtered):
    day, session = filtered["day"], filtered["session"]
    back = quote(f"/expos/future/programme/?day={day}&utm=x&track=green&track=blue", safe="")
    page = client.get(f"/expos/future/sessions/{session.pk}/?back={back}").content.decode()
    assert back_link(page) == f"/expos/future/programme/?day={day}&track=green"


@pytest.mark.parametrize(
    "back",
    [
        "https://evil.example/expos/future/programme/",
        "//evil.example/expos/future/programme/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "/expos/other/programme/?day=2026-01-01",
        "/expos/future/programme/../../admin/",
        "/admin/",
        "//[::1",
        "/expos/future/programme/",
        "/expos/future/programme/?utm_source=x",
        "",
    ],
)
def test_the_way_back_never_leaves_the_expos_programme(client, future_expo, filtered, back):
    session = filtered["session"]
    response = client.get(f"/expos/future/sessions/{session.pk}/", {"back": back})
    assert response.status_code == 200
    assert back_link(response.content.decode()) == f"/expos/future/programme/?day={filtered['day']}"


def test_broken_filters_on_the_way_back_stay_on_the_programme(client, future_expo, filtered):
    """Filters the programme cannot use lead back to it, which explains them."""
    back = "/expos/future/programme/?day=%ZZ&track=%C3%28"
    page = client.get(f"/expos/future/sessions/{filtered['session'].pk}/", {"back": back})
    link = back_link(page.content.decode())
    assert link.startswith("/expos/future/programme/?day=")
    assert client.get(link).status_code == 200


@pytest.mark.parametrize("path", ["/expos/future/", "/expos/future/programme/"])
def test_links_from_an_unfiltered_page_carry_no_way_back(client, future_expo, filtered, aula, path):
    add_session(future_expo, aula, future_expo.start_date, 20, capacity=None, title="Kväll")
    links = session_links(client.get(path).content.decode())
    assert links and all("back=" not in link for link in links)


def test_the_site_has_an_icon(client, future_expo):
    page = client.get("/expos/future/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page).group(1)
    served = client.get(icon)
    assert served.status_code == 200
    assert b"<svg" in b"".join(served.streaming_content if served.streaming else [served.content])

    answer = client.get("/favicon.ico")
    assert answer.status_code == 301 and answer["Location"] == icon
