"""No token, badge code, order secret or private link reaches a log line or the terminal."""

import contextlib
import http.client
import io
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.mail import EmailMessage

from expo.mail import ConsoleBackend
from expo.redaction import redact
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[1]

KEYS = ["tok3n-abc", "QRC0DE-xyz", "s3cr3t-order", "PRIVATE-LINK-SECRET"]
LOGIN = "/accounts/login/?token=tok3n-abc&code=QRC0DE-xyz&next=/x/&secret=s3cr3t-order"
PRIVATE = "/expos/city-expo/my-tickets/PRIVATE-LINK-SECRET/nothing-here/"


def test_redact_hides_secret_parameters_and_private_path_segments():
    assert redact("GET /ws/expos/a/attendance/?token=abc HTTP/1.1") == (
        "GET /ws/expos/a/attendance/?token=[redacted] HTTP/1.1"
    )
    assert redact("/x/?day=2026-06-01&CODE=q1&secret=s2#top") == (
        "/x/?day=2026-06-01&CODE=[redacted]&secret=[redacted]#top"
    )
    assert redact("token=abc&page=2") == "token=[redacted]&page=2"  # a bare query string
    assert redact("/expos/a/my-tickets/Zx9_k/tickets/3/badge.pdf") == (
        "/expos/a/my-tickets/[redacted]/tickets/3/badge.pdf"
    )
    assert redact("/accounts/reset/MQ/set-password/") == "/accounts/reset/MQ/[redacted]/"
    assert redact("/expos/a/programme/?barcode=1&track=green") == (
        "/expos/a/programme/?barcode=1&track=green"
    )


def test_djangos_development_server_log_is_redacted(caplog):
    server = logging.getLogger("django.server")  # does not propagate: listen on it directly
    server.addHandler(caplog.handler)
    try:
        server.info('"%s" %s %s', f"GET {LOGIN} HTTP/1.1", "200", "3120")
        server.warning('"%s" %s %s', f"GET {PRIVATE} HTTP/1.1", "404", "179")
    finally:
        server.removeHandler(caplog.handler)
    logged = caplog.text
    assert "token=[redacted]" in logged and "/my-tickets/[redacted]/" in logged
    assert not any(key in logged for key in KEYS)


def test_a_not_found_warning_does_not_name_the_private_link(client, caplog, db):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(PRIVATE).status_code == 404
    assert "Not Found: /expos/city-expo/my-tickets/[redacted]/nothing-here/" in caplog.text
    assert "PRIVATE-LINK-SECRET" not in caplog.text


@contextlib.contextmanager
def serving(command, tmp_path):
    """Run ``command`` (a server on the port it is given) with the project, and give back
    the port and, after it stopped, everything it wrote."""
    port = free_port()
    env = {
        **os.environ,
        "EXPO_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "LOG_LEVEL": "INFO",
    }
    env.pop("REDIS_URL", None)
    output = tmp_path / "output.log"
    with output.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", *command(port)],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        written = []
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    probe.request("GET", "/accounts/login/")
                    probe.getresponse().read()
                    break
                except OSError:
                    time.sleep(0.2)
            else:
                raise AssertionError("the server did not start")
            yield port, written
        finally:
            process.terminate()
            process.wait(timeout=10)
    written.append(output.read_text())


def get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Referer": f"http://127.0.0.1{PRIVATE}"})
    return connection.getresponse().read()


@pytest.mark.parametrize(
    "command",
    [
        lambda port: ["uvicorn", "expo.asgi:application", "--port", str(port)],
        lambda port: [
            "gunicorn",
            "expo.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--access-logfile",
            "-",
            "--access-logformat",
            '%(h)s "%(r)s" %(s)s "%(f)s" %(U)s %(q)s',
        ],
    ],
    ids=["uvicorn", "gunicorn"],
)
def test_a_servers_access_log_shows_neither_tokens_nor_private_links(command, tmp_path):
    with serving(command, tmp_path) as (port, written):
        get(port, LOGIN)
        get(port, PRIVATE)
    [logged] = written
    assert "token=[redacted]" in logged and "code=[redacted]" in logged, logged
    assert "/my-tickets/[redacted]/nothing-here/" in logged, logged
    assert not any(key in logged for key in KEYS), logged


def test_the_console_mail_backend_prints_no_recipient_body_or_link():
    stream = io.StringIO()
    message = EmailMessage(
        "Your tickets to Malmö City Expo",
        "Hello Åsa Öberg, your tickets: https://expo.example.org/expos/a/my-tickets/S3CRET/",
        "expo@localhost",
        ["asa@example.org"],
    )
    assert ConsoleBackend(stream=stream).send_messages([message]) == 1
    printed = stream.getvalue()
    assert "Your tickets to Malmö City Expo" in printed and "1 recipient" in printed
    assert "asa@example.org" not in printed and "Åsa" not in printed
    assert "S3CRET" not in printed
