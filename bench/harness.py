"""What the HTTP benchmarks share: a throw-away PostgreSQL database, the project served
the way docs/deployment.md says production runs, and many clients hammering it."""

import contextlib
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
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
    }
    os.environ.update(env)
    os.environ.pop("REDIS_URL", None)
    try:
        print(f"Database {database}: migrating …", flush=True)
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
        import django

        django.setup()
        yield
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        with psycopg.connect(server_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@contextlib.contextmanager
def served(workers):
    """The project under Gunicorn with ``workers`` sync workers on a free local port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "expo.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--backlog",
            "2048",
        ],
        cwd=ROOT,
    )
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


def hammer(port, next_request, *, clients, seconds, label):
    """Let ``clients`` threads send ``next_request(client, n) -> (method, path, body,
    headers)`` for ``seconds``; returns the elapsed time, latencies and answers seen."""
    stop_at = time.monotonic() + seconds
    latencies, answers, lock = [], {}, threading.Lock()

    def client(number):
        sent = 0
        while time.monotonic() < stop_at:
            method, path, body, headers = next_request(number, sent)
            started = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                connection.request(method, path, body, headers)
                response = connection.getresponse()
                answer = response.status
                response.read()
            except OSError as error:
                answer = type(error).__name__
            finally:
                connection.close()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                answers[answer] = answers.get(answer, 0) + 1
            sent += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        time.sleep(1)
        print(f"\r  {time.monotonic() - started:5.1f} s  {len(latencies):7d} {label}", end="")
    print()
    return time.monotonic() - started, sorted(latencies), answers


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
