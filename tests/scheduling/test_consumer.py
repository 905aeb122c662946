"""The board's WebSocket, ``/ws/expos/<slug>/schedule/``: organisers only, and a notice
to every board of the expo once a move has committed."""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.authtoken.models import Token

from events import services
from expo.asgi import application
from scheduling import broadcast
from tests.conftest import local
from tests.scheduling.conftest import DAY

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://localhost")
PATH = "/ws/expos/city-expo/schedule/"


@pytest.fixture(autouse=True)
def fresh_notices():
    broadcast.announcer.reset()
    yield
    broadcast.announcer.reset()


def board(path=PATH, headers=()):
    return WebsocketCommunicator(application, path, headers=[ORIGIN, *headers])


async def token_of(user):
    return (await database_sync_to_async(Token.objects.create)(user=user)).key


async def test_anonymous_visitors_are_refused(expo):
    communicator = board()
    assert (await communicator.connect())[0] is False
    await communicator.disconnect()


async def test_an_organiser_of_another_expo_is_refused(expo, other_expo):
    otto = await database_sync_to_async(get_user_model().objects.create_user)("otto")
    await database_sync_to_async(other_expo.organisers.add)(otto)
    communicator = board(f"{PATH}?token={await token_of(otto)}")
    assert (await communicator.connect())[0] is False
    await communicator.disconnect()


async def test_a_wrong_token_or_an_unknown_expo_is_refused(expo, organiser):
    for path in (f"{PATH}?token=nope", "/ws/expos/nowhere/schedule/"):
        communicator = board(path)
        assert (await communicator.connect())[0] is False
        await communicator.disconnect()


async def test_an_organiser_hears_of_every_move_once_it_is_committed(
    expo, room, organiser, tray_session
):
    client = Client()
    await database_sync_to_async(client.force_login)(organiser)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    by_cookie = board(headers=[(b"cookie", cookie)])
    by_token = board(f"{PATH}?token={await token_of(organiser)}")
    assert (await by_cookie.connect())[0] is True
    assert (await by_token.connect())[0] is True
    assert await by_cookie.receive_nothing(timeout=0.2)

    await database_sync_to_async(services.plan_session)(
        tray_session, room=room, start=local(DAY, 10)
    )

    for communicator in (by_cookie, by_token):
        assert json.loads(await communicator.receive_from(timeout=5)) == {"type": "plan"}
        await communicator.disconnect()
