"""The production topology on one machine, for the topology test: a database of its own,
PgBouncer in transaction mode in front of it, ASGI app processes and the outbox worker,
all speaking to PostgreSQL through PgBouncer and to each other through Redis.

Every piece is a context manager that stops what it started, also when the test fails.
"""

import contextlib
import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PGBOUNCER = Path("/usr/sbin/pgbouncer")


@contextlib.contextmanager
def database(server_url, name):
    """A new, empty PostgreSQL database ``name`` on the server; dropped afterwards."""
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield
    finally:
        with psycopg.connect(server_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pgbouncer_ini(server, database_name, port, pool_size):
    """PgBouncer's configuration: one database, transaction pooling, trust against the
    local server (whose own authentication is trust too)."""
    return f"""\
[databases]
{database_name} = host={server.hostname} port={server.port or 5432} dbname={database_name}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = userlist.txt
pool_mode = transaction
default_pool_size = {pool_size}
max_client_conn = 500
server_reset_query =
ignore_startup_parameters = extra_float_digits
log_connections = 0
log_disconnections = 0
"""


@contextlib.contextmanager
def pgbouncer(folder, server_url, database_name, pool_size=8):
    """PgBouncer on a free local port in front of ``database_name``; yields the port.

    Run as root (in CI), it drops to the ``postgres`` user, as PgBouncer refuses root."""
    server = urllib.parse.urlparse(server_url)
    port = free_port()
    folder = Path(folder)
    (folder / "pgbouncer.ini").write_text(pgbouncer_ini(server, database_name, port, pool_size))
    (folder / "userlist.txt").write_text(f'"{server.username or "postgres"}" ""\n')
    for path in [folder / "pgbouncer.ini", folder / "userlist.txt"]:
        path.chmod(0o644)
    as_user = ["-u", "postgres"] if os.geteuid() == 0 else []
    with (
        open(folder / "pgbouncer.log", "wb") as log,
        running(
            [str(PGBOUNCER), *as_user, "pgbouncer.ini"], cwd=folder, env=os.environ, log=log
        ) as process,
    ):
        wait_for(lambda: accepts(port), process, "PgBouncer")
        yield port


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def accepts(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def running(command, *, cwd, env, log):
    """A child process, terminated (and killed if it will not stop) on the way out."""
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=log)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(ready, process, what, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{what} exited with {process.returncode}")
        if ready():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not start in {timeout} s")


def manage(env, *arguments):
    """``manage.py`` with ``env``: its output, or the failure with what it printed."""
    return python(env, "manage.py", *arguments)


def manage_module(env, module, *arguments):
    """``python -m module`` with ``env``: its output."""
    return python(env, "-m", module, *arguments)


def python(env, *arguments):
    result = subprocess.run(
        [sys.executable, *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def answers_http(port):
    try:
        probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        probe.request("GET", "/api/v1/expos/")
        return probe.getresponse().status == 200
    except OSError:
        return False


@contextlib.contextmanager
def app_process(env, folder, name):
    """One Uvicorn process (HTTP and WebSockets) on a free port; yields the port."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "expo.asgi:application", "--port", str(port)]
    command += ["--no-access-log"]
    with (
        open(Path(folder) / f"{name}.log", "wb") as log,
        running(command, cwd=ROOT, env=env, log=log) as process,
    ):
        wait_for(lambda: answers_http(port), process, f"app process {name}")
        yield port


@contextlib.contextmanager
def outbox_worker(env, folder):
    command = [
        sys.executable,
        "manage.py",
        "db_worker",
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        "0.2",
    ]
    with (
        open(Path(folder) / "worker.log", "wb") as log,
        running(command, cwd=ROOT, env=env, log=log) as process,
    ):
        yield process


def logs(folder):
    """What the processes wrote, for a failing test's report."""
    return "\n".join(
        f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
        for path in sorted(Path(folder).glob("*.log"))
    )


def remove(folder):
    shutil.rmtree(folder, ignore_errors=True)
