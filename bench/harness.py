"""What the HTTP benchmarks share: a throw-away PostgreSQL database, the project served
the way docs/deployment.md says production runs, and many clients hammering it."""

import asyncio
import contextlib
import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@contextlib.contextmanager
def temporary_database(name):
    """A fresh, migrated PostgreSQL database; Django in this process is set up on it."""
    import psycopg

    server_url = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
    database = f"expo_bench_{name}_{os.getpid()}"
    database_url = urllib.parse.urlparse(server_url)._replace(path=f"/{database}").geturl()
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{database}"')
    env = {
        "DATABASE_URL": database_url,
        "DB_CONN_MAX_AGE": "600",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "DJANGO_SETTINGS_MODULE": "expo.settings",
        # One load generator is one client: the per-client limits are off while it measures.
        **{
            f"THROTTLE_{scope}": "" for scope in ["ANON", "USER", "REGISTRATIONS", "HOLDER", "SCAN"]
        },
    }
    os.environ.update(env)
    os.environ.pop("REDIS_URL", None)
    try:
        print(f"Database {database}: migrating …", flush=True)
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
        import django

        django.setup()
        from django_scopes import scopes_disabled

        # A bench sets up its expo and reads its results from outside any request.
        with scopes_disabled():
            yield
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        with psycopg.connect(server_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def expo_with_badges(badges, gates):
    """A running expo with ``gates`` expo gates (``gate-0``, ``gate-1``, …), a scanner
    device and ``badges`` season tickets; returns the expo, the device and the codes."""
    import datetime as dt

    from tqdm import tqdm

    from events.models import Expo
    from ticketing import services
    from ticketing.models import ScannerDevice, ScanPoint, TicketType

    today = dt.date.today()
    expo = Expo.objects.create(
        slug="bench-expo",
        name="Bench Expo",
        start_date=today - dt.timedelta(days=1),
        end_date=today + dt.timedelta(days=33),
    )
    season = TicketType.objects.create(
        expo=expo, slug="season", name="Season", kind="season", max_per_order=500
    )
    for n in range(gates):
        ScanPoint.objects.create(expo=expo, slug=f"gate-{n}", name=f"Gate {n}", kind="gate")
    device = ScannerDevice.objects.create(expo=expo, name="Bench scanner")
    codes = []
    with tqdm(total=badges, desc="Registering badges", unit="badge") as progress:
        while len(codes) < badges:
            batch = min(500, badges - len(codes))
            order = services.register(
                expo,
                season,
                [
                    services.Attendee(
                        f"Besökare {len(codes) + i}", f"v{len(codes) + i}@example.org"
                    )
                    for i in range(batch)
                ],
            )
            codes.extend(ticket.code for ticket in order.tickets.order_by("pk"))
            progress.update(batch)
    return expo, device, codes


def settle_database():
    """Vacuum, analyse and checkpoint after building the data, as days pass between a
    fair's registrations and its opening: otherwise autovacuum and the checkpoint of
    the build run during the measurement and make it vary from run to run."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")


def add_season(visitors):
    """Load a past season of ``visitors`` beside the bench's expo (``bench/season.py``)
    and settle the database again."""
    from season import load_season

    load_season(visitors)
    settle_database()


SEASON_BOUND = 0.10  # a season loaded may cost at most a tenth of the empty figure


def print_side_by_side(label, empty, loaded, visitors, *, higher_is_better=True):
    """Print the empty database's figure beside the loaded one and the bound; returns
    whether the loaded figure is within it."""
    worse = (empty - loaded) / empty if higher_is_better else (loaded - empty) / empty
    within = worse <= SEASON_BOUND
    print(
        f"{label}: empty database {empty:.0f}, with a season of {visitors:,} visitors "
        f"{loaded:.0f} ({abs(worse):.0%} {'worse' if worse > 0 else 'better'})   "
        f"bound: <= {SEASON_BOUND:.0%} worse   "
        f"{'within the bound' if within else 'OVER THE BOUND'}"
    )
    return within


@contextlib.contextmanager
def served(workers):
    """The project under Gunicorn with ``workers`` sync workers on a free local port."""
    with _serving(
        ["gunicorn", "expo.wsgi:application", "--workers", str(workers), "--backlog", "2048"],
        bind=lambda port: ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
    ) as port:
        yield port


@contextlib.contextmanager
def served_asgi():
    """The project under one Uvicorn process (WebSockets and HTTP) on a free local port."""
    with _serving(
        ["uvicorn", "expo.asgi:application", "--backlog", "2048"],
        bind=lambda port: ["--port", str(port), "--log-level", "warning"],
    ) as port:
        yield port


@contextlib.contextmanager
def _serving(command, bind):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", *command, *bind(port)], cwd=ROOT)
    try:
        wait_until_serving(port)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_until_serving(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/v1/expos/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def hammer(port, next_request, *, clients, seconds, label, interval=None, stop=None):
    """Let ``clients`` concurrent clients send ``next_request(client, n) -> (method, path,
    body, headers)`` for ``seconds``, each waiting for its answer before the next request;
    returns the elapsed time, the sorted latencies and the answers seen (status codes).
    With ``interval``, each client starts a request at most every ``interval`` seconds
    (a gate's pace, rather than as fast as the server answers); with ``stop``, the clients
    also stop once ``stop()`` is true.

    The clients are coroutines on one thread speaking plain HTTP/1.1, one connection a
    request as the sync workers close it: the load generator shares the machine with
    the server, so it should take as little of the CPU as it can."""
    return asyncio.run(_hammer(port, next_request, clients, seconds, label, interval, stop))


async def _hammer(port, next_request, clients, seconds, label, interval, stop):
    loop = asyncio.get_running_loop()
    stop_at = loop.time() + seconds
    latencies, answers = [], {}

    def going():
        return loop.time() < stop_at and not (stop and stop())

    async def client(number):
        sent = 0
        if interval:  # the gates' scans spread over the interval, not all at once
            await asyncio.sleep(interval * number / clients)
        next_at = loop.time()
        while going():
            if interval:
                await asyncio.sleep(max(0.0, next_at - loop.time()))
                next_at += interval
            method, path, body, headers = next_request(number, sent)
            payload = body.encode()
            head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
            request = (
                f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                f"Content-Length: {len(payload)}\r\nConnection: close\r\n{head}\r\n"
            ).encode() + payload
            started = time.perf_counter()
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(request)
                answer = int((await reader.readline()).split()[1])
                await reader.read()  # the rest, up to the server closing the connection
                writer.close()
            except (OSError, IndexError, ValueError) as error:
                answer = type(error).__name__
            latencies.append(time.perf_counter() - started)
            answers[answer] = answers.get(answer, 0) + 1
            sent += 1

    async def progress():
        while going():
            await asyncio.sleep(1)
            remaining = max(0.0, stop_at - loop.time())
            print(f"\r  {seconds - remaining:5.1f} s  {len(latencies):7d} {label}", end="")

    started = time.monotonic()
    await asyncio.gather(progress(), *(client(n) for n in range(clients)))
    elapsed = time.monotonic() - started
    print()
    return elapsed, sorted(latencies), answers


def percentile(sorted_values, fraction):
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def describe_latency(latencies):
    return (
        f"p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms"
    )
