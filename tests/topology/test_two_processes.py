"""The city topology end to end: two ASGI app processes behind PgBouncer in transaction
mode, Redis for the channel layer and the cache, and the outbox worker (docs/deployment.md).
Visitors register and are scanned in and out through both processes at once, retries
going to the other process; nothing may be lost, sold twice or counted twice, both
processes' dashboards must agree, and the worker must send the mail.

Not part of the default run (``-m "not topology"``): ``make topology`` runs it. Needs
PostgreSQL (``TOPOLOGY_POSTGRES``, the server's URL), Redis (``TOPOLOGY_REDIS_URL``, a
database of the test's own: it is emptied) and Debian's ``pgbouncer``.
"""

import contextlib
import http.client
import json
import os
import re
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.topology import stack

pytestmark = pytest.mark.topology

POSTGRES = os.environ.get("TOPOLOGY_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("TOPOLOGY_REDIS_URL", "redis://127.0.0.1:6379/5")
DATABASE = f"expo_topology_{os.getpid()}"
CAPACITY = 60
REGISTRATIONS = 72  # a quarter of them for two visitors: about 90 places asked for 60
CLIENTS = 16


def request(port, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    payload = json.dumps(body) if body is not None else None
    connection.request(
        method, path, payload, {"Content-Type": "application/json", **(headers or {})}
    )
    response = connection.getresponse()
    return response.status, json.loads(response.read() or b"null")


@pytest.fixture
def folder():
    """A folder PgBouncer can read when it runs as the postgres user."""
    path = Path(tempfile.mkdtemp(prefix="expo-topology-"))
    path.chmod(0o755)
    yield path
    stack.remove(path)


@pytest.fixture
def redis_db():
    import redis

    client = redis.Redis.from_url(REDIS)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"needs Redis at {REDIS}")
    client.flushdb()
    yield REDIS
    client.flushdb()


@pytest.fixture
def database():
    import psycopg

    if not stack.PGBOUNCER.exists():
        pytest.skip(f"needs Debian's pgbouncer at {stack.PGBOUNCER} (make topology installs it)")
    try:
        psycopg.connect(POSTGRES, connect_timeout=3).close()
    except psycopg.OperationalError as error:
        pytest.skip(f"needs PostgreSQL at {POSTGRES}: {error}")
    with stack.database(POSTGRES, DATABASE):
        yield DATABASE


def environment(folder, bouncer_port, redis_url):
    """The production settings of every process, pointed at PgBouncer."""
    server = urllib.parse.urlparse(POSTGRES)
    login = server.username or "postgres"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "expo.settings",
        "DATABASE_URL": f"postgres://{login}@127.0.0.1:{bouncer_port}/{DATABASE}",
        "DB_TRANSACTION_POOLING": "1",
        # Under ASGI each request runs in a thread of its own, so a kept connection would
        # never be reused: PgBouncer is the pool.
        "DB_CONN_MAX_AGE": "0",
        "REDIS_URL": redis_url,
        "DEBUG": "0",
        "LOG_LEVEL": "ERROR",
        # The proxy's address: links in answers are the same whichever process answered.
        "EXPO_BASE_URL": "https://expo.example.org",
        "SECRET_KEY": "topology-test-secret-key-" + "x" * 30,
        "EXPO_DATA_DIR": str(folder / "data"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(folder / "mail"),
        # All the clients come from 127.0.0.1: the per-client limits would refuse them.
        **{f"THROTTLE_{scope}": "" for scope in ["ANON", "USER", "REGISTRATIONS", "SCAN"]},
    }


def inside(env, *arguments):
    return json.loads(stack.manage_module(env, "tests.topology.inside", *arguments))


@contextlib.contextmanager
def dashboard(port, token):
    """An organiser's live attendance on process ``port``, over a WebSocket."""
    from websockets.sync.client import connect

    with connect(
        f"ws://127.0.0.1:{port}/ws/expos/topology/attendance/?token={token}",
        origin=f"http://127.0.0.1:{port}",
    ) as socket:
        watcher = Dashboard(socket)
        try:
            yield watcher
        finally:
            socket.close()
            watcher.thread.join(timeout=5)


class Dashboard:
    """The messages of a dashboard's socket, read in a thread of its own."""

    def __init__(self, socket):
        self.socket = socket
        self.latest = json.loads(self.socket.recv(timeout=10))["data"]
        self.changed = threading.Condition()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        from websockets.exceptions import ConnectionClosed

        try:
            for text in self.socket:
                with self.changed:
                    self.latest = json.loads(text)["data"]
                    self.changed.notify_all()
        except ConnectionClosed:
            pass

    def wait_for(self, on_site, entries, timeout=20):
        with self.changed:
            self.changed.wait_for(
                lambda: (
                    (self.latest["on_site"], self.latest["entries_today"]) == (on_site, entries)
                ),
                timeout=timeout,
            )
            return self.latest


def register(ports, number):
    """One visitor (every fourth: two) registering through one process; every third
    retries with the same Idempotency-Key through the other, as after a lost answer."""
    here, there = ports[number % 2], ports[1 - number % 2]
    body = {
        "ticket_type": "season",
        "attendees": [
            {"name": f"Besökare {number}-{n}", "email": f"visitor{number}-{n}@example.org"}
            for n in range(2 if number % 4 == 0 else 1)
        ],
    }
    key = {"Idempotency-Key": f"registration-{number}"}
    path = "/api/v1/expos/topology/registrations/"
    first = request(here, "POST", path, body, key)
    retry = request(there, "POST", path, body, key) if number % 3 == 0 else None
    return first, retry


def scan(ports, device_key, code, nonce, direction, through, retry):
    """A scan through ``ports[through]``; with ``retry``, sent again with the same nonce
    through the other process. Returns the results answered."""
    body = {"code": code, "scan_point": "gate", "direction": direction, "nonce": nonce}
    headers = {"Authorization": f"Token {device_key}"}
    results = []
    for port in [ports[through], ports[1 - through]][: 2 if retry else 1]:
        status, answer = request(port, "POST", "/api/v1/checkins/", body, headers)
        assert status == 200, answer
        results.append(answer["result"])
    return results


def attendance(port, token):
    headers = {"Authorization": f"Token {token}"}
    status, answer = request(port, "GET", "/api/v1/expos/topology/attendance/", headers=headers)
    assert status == 200, answer
    return answer


def sent_messages(folder):
    """Messages the file backend wrote: one ``Message-ID`` header each."""
    return sum(
        len(re.findall(r"^Message-ID: ", path.read_text(), re.MULTILINE))
        for path in (folder / "mail").glob("*")
    )


def test_two_app_processes_behind_pgbouncer_lose_nothing(folder, database, redis_db):
    with stack.pgbouncer(folder, POSTGRES, database) as bouncer_port:
        env = environment(folder, bouncer_port, redis_db)
        try:
            stack.manage(env, "migrate", "--noinput", "-v0")
            secrets = inside(env, "setup", str(CAPACITY))
            with (
                stack.app_process(env, folder, "app-a") as port_a,
                stack.app_process(env, folder, "app-b") as port_b,
                stack.outbox_worker(env, folder),
            ):
                check_the_season(env, folder, [port_a, port_b], **secrets)
        except BaseException:
            print(stack.logs(folder))
            raise


def check_the_season(env, folder, ports, device_key, token):
    # Registrations, through both processes at once, beyond the capacity.
    with ThreadPoolExecutor(CLIENTS) as pool:
        outcomes = list(pool.map(lambda n: register(ports, n), range(REGISTRATIONS)))
    orders = {}
    for (status, answer), retry in outcomes:
        assert status in {201, 409}, answer
        if status == 409:
            assert answer["code"] == "sold_out", answer
        else:
            orders[answer["id"]] = [ticket["code"] for ticket in answer["tickets"]]
        if retry:
            assert retry == (status, answer), "the retry through the other process differs"
    sold = sum(len(codes) for codes in orders.values())
    # Full, but for a last place that only orders for two were left to ask for.
    assert CAPACITY - 1 <= sold <= CAPACITY
    assert any(status == 409 for (status, _answer), _retry in outcomes)

    stored = inside(env, "report")
    assert stored["orders"] == {str(pk): len(codes) for pk, codes in orders.items()}
    assert stored["tickets"] == stored["quota_used"] == sold

    # Scans: every ticket in through one process, two in three out through the other,
    # one in three of those back in; every third scan retried through the other process.
    codes = [code for order in orders.values() for code in order]
    with dashboard(ports[0], token) as watcher:

        def visit(number):
            plan = [("in", 0), ("out", 1)] if number % 3 else [("in", 0)]
            if number % 3 == 1:
                plan.append(("in", 0))
            return [
                scan(
                    ports,
                    device_key,
                    codes[number],
                    f"{number}-{step}",
                    direction,
                    (number + side) % 2,
                    retry=(number + step) % 3 == 0,
                )
                for step, (direction, side) in enumerate(plan)
            ]

        with ThreadPoolExecutor(CLIENTS) as pool:
            visits = list(pool.map(visit, range(len(codes))))
        expected = {"entered": 0, "exited": 0}
        for results in visits:
            plan = ["entered", "exited", "entered"][: len(results)]
            assert [answer[0] for answer in results] == plan
            assert all(len(set(answer)) == 1 for answer in results), "a retry answered otherwise"
            for result in plan:
                expected[result] += 1
        on_site = expected["entered"] - expected["exited"]

        # Both processes show the same attendance, and so does the dashboard on A.
        shown_a, shown_b = attendance(ports[0], token), attendance(ports[1], token)
        assert shown_a == shown_b
        assert (shown_a["on_site"], shown_a["entries_today"]) == (on_site, expected["entered"])
        assert watcher.wait_for(on_site, expected["entered"]) == shown_a

        # Scans through B alone reach the dashboard connected to A.
        outside = [number for number in range(len(codes)) if number % 3 == 2]
        for number in outside:
            assert scan(ports, device_key, codes[number], f"{number}-b", "in", 1, False) == [
                "entered"
            ]
        on_site += len(outside)
        entries = expected["entered"] + len(outside)
        seen = watcher.wait_for(on_site, entries)
        assert (seen["on_site"], seen["entries_today"]) == (on_site, entries)
    assert attendance(ports[0], token) == attendance(ports[1], token) == seen

    # Every scan stored once, and the counters agree with the check-in rows.
    stored = inside(env, "report")
    scans = sum(len(results) for results in visits) + len(outside)
    assert len(stored["check_ins"]) == scans
    assert set(stored["check_ins"].values()) == {1}
    assert stored["differences"] == []

    # The worker sends what the registrations queued.
    deadline = time.monotonic() + 60
    while set(stored["mail"]) != {"sent"} and time.monotonic() < deadline:
        time.sleep(0.5)
        stored = inside(env, "report")
    assert set(stored["mail"]) == {"sent"}, stored["mail"]
    assert stored["mail"]["sent"] >= len(orders)
    assert sent_messages(folder) == stored["mail"]["sent"]
