"""The Content-Security-Policy holds in a real browser: a violation fails the test (the
``page`` fixture), and the pages that come from packages still work under it."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from events.models import Hall, Room, Track
from tests.conftest import add_session

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )


def test_the_api_docs_render_from_this_site(live_server, page):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Expo API" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock").first.wait_for()
    assert all(url.startswith(live_server.url) for url in requested), requested


def test_the_browsable_api_and_the_admin_work(live_server, page, future_expo):
    admin = get_user_model().objects.create_superuser("root", password="pw-root-123")
    signed_in(page, live_server, admin)
    page.goto(f"{live_server.url}/api/v1/expos/")
    assert "Expo Tomorrow" in page.content()
    page.goto(f"{live_server.url}/admin/events/session/")
    page.locator("#changelist").wait_for()
    page.goto(f"{live_server.url}/admin/events/session/add/")
    page.locator("#session_form").wait_for()


def test_a_sessions_track_colour_shows_without_a_style_attribute(live_server, page, future_expo):
    hall = Hall.objects.create(expo=future_expo, slug="a", name="Hall A", capacity=500)
    room = Room.objects.create(expo=future_expo, hall=hall, slug="r", name="Aula", capacity=100)
    track = Track.objects.create(expo=future_expo, slug="g", name="Grön stad", colour="#1b5e20")
    session = add_session(future_expo, room, future_expo.start_date, 10, track=track)
    page.goto(f"{live_server.url}/expos/future/sessions/{session.pk}/")
    page.goto(f"{live_server.url}/expos/future/programme/?day={future_expo.start_date}")
    mark = page.locator(".session-card .track-mark rect").first
    assert mark.evaluate("rect => getComputedStyle(rect).fill") == "rgb(27, 94, 32)"
    assert page.locator("[style]").count() == 0
