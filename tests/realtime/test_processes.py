"""Two server processes sharing Redis: a check-in handled by one reaches a dashboard
connected to the other. Needs PostgreSQL (both processes and the test share the test
database) and Redis, as CI runs it."""

import asyncio
import contextlib
import http.client
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import websockets
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.authtoken.models import Token

from tests.conftest import free_port
from ticketing import services
from ticketing.models import ScannerDevice, ScanPoint

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


@contextlib.contextmanager
def server(database_url):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": settings.REDIS_URL}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "expo.asgi:application", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                probe.request("GET", "/api/v1/expos/")
                if probe.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("the server did not start")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def scan(port, device_key, code):
    request = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    request.request(
        "POST",
        "/api/v1/checkins/",
        json.dumps({"code": code, "scan_point": "north"}),
        {"Content-Type": "application/json", "Authorization": f"Token {device_key}"},
    )
    response = request.getresponse()
    return response.status, json.loads(response.read())


def test_a_check_in_on_one_process_reaches_a_dashboard_on_another(future_expo, holders):
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("needs PostgreSQL and Redis")
    ScanPoint.objects.create(expo=future_expo, slug="north", name="North", kind="gate")
    device = ScannerDevice.objects.create(expo=future_expo, name="Gate phone")
    organiser = get_user_model().objects.create_user("olle", password="pw-olle-123")
    future_expo.organisers.add(organiser)
    token = Token.objects.create(user=organiser).key
    database = connection.settings_dict
    login = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    database_url = f"postgres://{login}@{database['HOST']}:{database['PORT']}/{database['NAME']}"

    async def watch_while_scanning(dashboard_port, scanner_port):
        url = f"ws://127.0.0.1:{dashboard_port}/ws/expos/future/attendance/?token={token}"
        origin = f"http://127.0.0.1:{dashboard_port}"
        async with websockets.connect(url, origin=origin) as socket_:
            snapshot = json.loads(await socket_.recv())
            assert snapshot["data"]["on_site"] == 0
            status, answer = await asyncio.to_thread(
                scan, scanner_port, device.key, holders[0].code
            )
            assert (status, answer["result"]) == (200, "entered")
            while True:
                message = json.loads(await asyncio.wait_for(socket_.recv(), timeout=10))
                if message["data"]["on_site"] == 1:
                    return message

    with server(database_url) as dashboard_port, server(database_url) as scanner_port:
        message = asyncio.run(watch_while_scanning(dashboard_port, scanner_port))
    assert message["data"]["entries_today"] == 1


def test_check_ins_stand_when_the_channel_layer_is_away(future_expo, holders, monkeypatch):
    from realtime import broadcast

    class AwayLayer:
        async def group_send(self, group, message):
            raise ConnectionError("Redis is restarting")

    monkeypatch.setattr(broadcast, "get_channel_layer", lambda: AwayLayer())
    gate = ScanPoint.objects.create(expo=future_expo, slug="north", name="North", kind="gate")
    answer = services.check_in(holders[0].code, gate, "in")
    assert answer.check_in.result == "entered"
    assert answer.occupancy["inside"] == 1
