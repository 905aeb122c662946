import json
import time

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.authtoken.models import Token

from expo.asgi import application
from ticketing import services
from ticketing.models import ScanPoint

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://localhost")


@pytest.fixture
def gate(future_expo):
    return ScanPoint.objects.create(expo=future_expo, slug="north", name="North", kind="gate")


@pytest.fixture
def organiser(future_expo):
    user = get_user_model().objects.create_user("olle", password="pw-olle-123")
    future_expo.organisers.add(user)
    return user


@pytest.fixture
def organiser_token(organiser):
    return Token.objects.create(user=organiser).key


def dashboard(path="/ws/expos/future/attendance/", headers=()):
    return WebsocketCommunicator(application, path, headers=[ORIGIN, *headers])


async def scan(ticket, gate):
    return await database_sync_to_async(services.check_in)(ticket.code, gate, "in")


async def messages_for(communicator, seconds):
    """Every message the dashboard gets within ``seconds``. (A ``receive_from`` that
    times out would stop the application, so the waiting is ``receive_nothing``'s.)"""
    received, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not await communicator.receive_nothing(timeout=0.05, interval=0.01):
            received.append(json.loads(await communicator.receive_from()))
    return received


async def test_anonymous_visitors_are_refused(future_expo):
    communicator = dashboard()
    connected, _code = await communicator.connect()
    assert not connected
    await communicator.disconnect()


async def test_a_user_who_does_not_organise_the_expo_is_refused(future_expo):
    visitor = await database_sync_to_async(get_user_model().objects.create_user)(
        "vera", password="pw-vera-123"
    )
    key = (await database_sync_to_async(Token.objects.create)(user=visitor)).key
    communicator = dashboard(f"/ws/expos/future/attendance/?token={key}")
    connected, _code = await communicator.connect()
    assert not connected
    await communicator.disconnect()


async def test_a_wrong_token_is_refused(future_expo, organiser_token):
    communicator = dashboard("/ws/expos/future/attendance/?token=not-a-key")
    assert (await communicator.connect())[0] is False
    await communicator.disconnect()


async def test_an_organiser_gets_a_snapshot_by_token(future_expo, organiser_token, holders, gate):
    await scan(holders[0], gate)
    communicator = dashboard(f"/ws/expos/future/attendance/?token={organiser_token}")
    connected, _code = await communicator.connect()
    assert connected
    first = json.loads(await communicator.receive_from())
    assert first["type"] == "attendance"
    assert first["data"]["on_site"] == 1 and first["data"]["entries_today"] == 1
    assert first["data"]["entries_by_hour"][-1]["entries"] == 1
    await communicator.disconnect()


async def test_an_organiser_signed_in_is_let_in_by_the_session_cookie(future_expo, organiser):
    client = Client()
    await database_sync_to_async(client.force_login)(organiser)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    communicator = dashboard(headers=[(b"cookie", cookie)])
    assert (await communicator.connect())[0] is True
    assert json.loads(await communicator.receive_from())["data"]["on_site"] == 0
    await communicator.disconnect()


async def test_a_check_in_reaches_the_dashboard(future_expo, organiser_token, holders, gate):
    communicator = dashboard(f"/ws/expos/future/attendance/?token={organiser_token}")
    await communicator.connect()
    assert json.loads(await communicator.receive_from())["data"]["on_site"] == 0
    await scan(holders[0], gate)
    updates = await messages_for(communicator, 1.0)
    assert updates and updates[-1]["data"]["on_site"] == 1
    await communicator.disconnect()


async def test_a_burst_of_scans_is_coalesced_and_its_end_delivered(
    future_expo, future_season, organiser_token, gate
):
    tickets = await database_sync_to_async(
        lambda: [
            services.register(
                future_expo, future_season, [services.Attendee(f"V {n}", f"v{n}@example.org")]
            ).tickets.get()
            for n in range(30)
        ]
    )()
    communicator = dashboard(f"/ws/expos/future/attendance/?token={organiser_token}")
    await communicator.connect()
    await communicator.receive_from()  # the snapshot
    started = time.monotonic()
    for ticket in tickets:
        await scan(ticket, gate)
    burst = time.monotonic() - started
    updates = await messages_for(communicator, 1.5)
    # At most one message per quarter second (plus the trailing one), never one per scan,
    assert len(updates) <= (burst + 1.5) / 0.25 + 2 < len(tickets)
    # and the last one has every scan of the burst.
    assert updates[-1]["data"]["entries_today"] == 30
    await communicator.disconnect()
