"""The organiser's live attendance over a WebSocket: ``/ws/expos/<slug>/attendance/``."""

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from rest_framework.authtoken.models import Token

from events.models import Expo
from events.permissions import is_organiser

from . import feeds


class AttendanceConsumer(AsyncWebsocketConsumer):
    """Sends a snapshot (the shape of ``GET /api/v1/expos/{slug}/attendance/``) on
    connect, then the expo's feed. Only the expo's organisers are let in, by their
    session or by ``?token=<key>`` (browsers cannot set headers on a WebSocket); anyone
    else is refused before the handshake completes."""

    expo_id = None

    async def connect(self):
        expo = await self.organised_expo()
        if expo is None:
            await self.close(code=4403)
            return
        self.expo_id = expo.pk
        await self.accept()
        await self.send(text_data=feeds.message(await feeds.snapshot(expo.pk)))
        await feeds.subscribe(expo.pk, self.deliver)

    async def disconnect(self, code):
        if self.expo_id is not None:
            await feeds.unsubscribe(self.expo_id, self.deliver)

    async def receive(self, text_data=None, bytes_data=None):
        """Dashboards only listen; what they send is ignored."""

    async def deliver(self, text):
        await self.send(text_data=text)

    async def organised_expo(self):
        return await database_sync_to_async(organised_expo)(self.scope)


def organised_expo(scope):
    """The expo a WebSocket's address names, if its user organises it: signed in (the
    session cookie) or by ``?token=<key>``; else ``None``. The schedule board's socket
    lets people in by the same rule."""
    expo = Expo.objects.filter(slug=scope["url_route"]["kwargs"]["expo_slug"]).first()
    if expo is None:
        return None
    user = scope.get("user")
    key = parse_qs(scope.get("query_string", b"").decode()).get("token", [""])[0]
    if key:
        token = Token.objects.select_related("user").filter(key=key).first()
        user = token.user if token and token.user.is_active else None
    return expo if is_organiser(user, expo) else None
