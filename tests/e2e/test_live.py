"""The organiser's live dashboard in a real browser, served over ASGI so that its
WebSocket works: a check-in made meanwhile shows up without a reload, and a dropped
connection is announced and healed.

Scans go through the server's check-in API, as a gate's scanner sends them, and the feed's
periodic resync is switched off: what reaches the page is pushed by the scan's notice."""

import json
import urllib.request

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.authtoken.models import Token

from realtime import feeds
from tests.conftest import free_port
from tests.e2e.asgi import asgi_server
from ticketing import services
from ticketing.models import ScanPoint

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def organiser(future_expo):
    user = get_user_model().objects.create_user("olle", password="pw-olle-123")
    future_expo.organisers.add(user)
    return user


def scan(url, token, ticket):
    """Scan a badge in at the north gate through the server's API."""
    request = urllib.request.Request(
        f"{url}/api/v1/checkins/",
        data=json.dumps({"code": ticket.code, "scan_point": "north", "direction": "in"}).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.load(response)["result"] == "entered"


def test_the_dashboard_follows_check_ins_live(page, future_expo, holders, organiser, monkeypatch):
    monkeypatch.setattr(feeds, "RESYNC_SECONDS", 3600)
    page.set_default_timeout(10_000)
    ScanPoint.objects.create(expo=future_expo, slug="north", name="North", kind="gate")
    token = Token.objects.create(user=organiser).key
    client = Client()
    client.force_login(organiser)
    port = free_port()
    with asgi_server(port) as url:
        page.context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}]
        )
        page.goto(f"{url}/expos/future/live/")
        status = page.locator("#live-status")
        page.wait_for_function(
            "() => document.getElementById('live-status').dataset.state === 'live'"
        )
        assert status.inner_text() == "Live"
        assert page.locator("#on-site").inner_text() == "0"

        for ticket in holders[:3]:
            scan(url, token, ticket)
        page.wait_for_function("() => document.getElementById('on-site').textContent === '3'")
        assert page.locator("#entries-today").inner_text() == "3"
        assert page.locator("#hourly-chart rect").count() == 1
        assert page.locator("#chart-summary").inner_text().endswith(": 3")

    # The server goes away: the page says so, in words, and keeps trying.
    page.wait_for_function(
        "() => document.getElementById('live-status').dataset.state === 'reconnecting'"
    )
    assert "Reconnecting" in status.inner_text()
    gate = ScanPoint.objects.get(slug="north")
    services.check_in(holders[3].code, gate, "in")  # while the dashboard is cut off
    with asgi_server(port):
        page.wait_for_function("() => document.getElementById('on-site').textContent === '4'")
        assert status.inner_text() == "Live"
