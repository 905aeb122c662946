"""The schedule board's WebSocket: ``/ws/expos/<slug>/schedule/``."""

import asyncio
import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from realtime.consumers import organised_expo

from . import broadcast


class BoardConsumer(AsyncWebsocketConsumer):
    """Tells a board ``{"type": "plan"}`` each time the expo's plan changed, whoever
    changed it; the board then reads its page again. Only the expo's organisers are let
    in (by their session, or ``?token=<key>``), as on the live attendance socket."""

    group = None

    async def connect(self):
        expo = await database_sync_to_async(organised_expo)(self.scope)
        if expo is None:
            await self.close(code=4403)
            return
        self.group = broadcast.group_name(expo.pk)
        # With the in-memory layer, notices are handed to the loop the boards run in.
        broadcast.announcer.listeners_loop = asyncio.get_running_loop()
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        """Boards move sessions through the API; what they send here is ignored."""

    async def schedule_changed(self, event):
        await self.send(text_data=json.dumps({"type": "plan"}))
