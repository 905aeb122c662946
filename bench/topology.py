"""What PgBouncer in transaction mode costs: registrations and check-ins per second with
the app straight on PostgreSQL, prepared statements on (the baseline), against the app
through PgBouncer with them off (``DB_TRANSACTION_POOLING``), with one and with two app
processes, alternating in one sitting.

    .venv/bin/python bench/topology.py [--clients 32] [--seconds 10] [--rounds 1]
                                       [--badges 24000]

The app processes are Gunicorn sync workers with kept connections (``DB_CONN_MAX_AGE``
600), as bench/registration.py and bench/checkin.py serve them; through PgBouncer they
keep their connection to PgBouncer, which lends a server connection a transaction.
Prints each figure beside its budget and the baseline, and checks the quota counter and
the attendance counters afterwards. Needs PostgreSQL (``BENCH_POSTGRES``) and Debian's
``pgbouncer``.
"""

import argparse
import contextlib
import datetime as dt
import json
import os
import tempfile
import urllib.parse
from pathlib import Path

import checkin
import harness
import registration

from tests.topology import stack

MODES = ["direct, prepared statements", "PgBouncer, no prepared statements"]


@contextlib.contextmanager
def pgbouncer_in_front():
    """PgBouncer (transaction pooling) in front of the bench's database; yields the
    ``DATABASE_URL`` through it."""
    from django.conf import settings

    server_url = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
    name = settings.DATABASES["default"]["NAME"]
    folder = Path(tempfile.mkdtemp(prefix="expo-bench-pgbouncer-"))
    folder.chmod(0o755)  # PgBouncer reads it as the postgres user when started by root
    try:
        with stack.pgbouncer(folder, server_url, name, pool_size=10) as port:
            user = urllib.parse.urlparse(server_url).username or "postgres"
            yield f"postgres://{user}@127.0.0.1:{port}/{name}"
    finally:
        stack.remove(folder)


@contextlib.contextmanager
def app_settings(mode, bouncer_url):
    """The environment the served processes start with, for ``mode``."""
    saved = dict(os.environ)
    if mode == MODES[1]:
        os.environ.update(DATABASE_URL=bouncer_url, DB_TRANSACTION_POOLING="1")
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def cpu_seconds(pid):
    """User and system CPU time a process has used so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants(pid):
    """The processes started from ``pid``, by name: the app's and PgBouncer."""
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            name, rest = stat.read_text().rsplit(")", 1)
            children.setdefault(int(rest.split()[1]), []).append(
                (int(stat.parent.name), name.split("(", 1)[1])
            )
    found, parents = {}, [pid]
    while parents:
        for child, name in children.get(parents.pop(), []):
            found[child] = name
            parents.append(child)
    return found


def postgres_backends():
    """The server processes of the bench's database, but this process's own."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


def cpu_by_part():
    """CPU seconds used so far by the app processes, PgBouncer and PostgreSQL."""
    parts = {"app": 0.0, "pgbouncer": 0.0, "postgres": 0.0}
    for pid, name in descendants(os.getpid()).items():
        parts["pgbouncer" if name == "pgbouncer" else "app"] += cpu_seconds(pid)
    parts["postgres"] = sum(cpu_seconds(pid) for pid in postgres_backends())
    return parts


def measure(mode, workers, bouncer_url, next_request, args, label):
    """Rate, latencies, answers and the CPU milliseconds each part spent a request."""
    with app_settings(mode, bouncer_url), harness.served(workers) as port:
        # Every worker's first requests import, connect and fill its lookups: not counted.
        harness.hammer(
            port, next_request, clients=args.clients, seconds=args.warmup, label="warm-up"
        )
        before = cpu_by_part()
        elapsed, latencies, answers = harness.hammer(
            port, next_request, clients=args.clients, seconds=args.seconds, label=label
        )
        after = cpu_by_part()
    requests = max(1, sum(answers.values()))
    cost = {part: (after[part] - before[part]) / requests * 1000 for part in before}
    return elapsed, latencies, answers, cost


def report(kind, results, budget):
    """A line a setup: the rates beside the budget and the baseline's, and the CPU each
    part spent a request (the steadier figure on a busy machine)."""
    print(f"\n{kind}   budget: >= {budget}/s")
    for workers in (1, 2):
        baseline = mean(rate for rate, _cost in results[MODES[0], workers])
        for mode in MODES:
            runs = results[mode, workers]
            rate = mean(rate for rate, _cost in runs)
            cost = {part: mean(cost[part] for _rate, cost in runs) for part in runs[0][1]}
            print(
                f"  {workers} process{'es' if workers > 1 else ''}, {mode:34s} "
                f"{', '.join(f'{rate:.0f}' for rate, _cost in runs)}/s (mean {rate:.0f}/s, "
                f"{rate / baseline - 1:+.0%} against the baseline); CPU ms a request: "
                + ", ".join(f"{part} {ms:.1f}" for part, ms in cost.items())
                + f", total {sum(cost.values()):.1f}"
            )


def mean(values):
    values = list(values)
    return sum(values) / len(values)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=3, help="Seconds not counted.")
    parser.add_argument("--rounds", type=int, default=1, help="Alternations of every setup.")
    parser.add_argument(
        "--badges", type=int, help="Season badges to scan; enough for 700 scans/s by default."
    )
    args = parser.parse_args()
    args.badges = args.badges or int(700 * (args.seconds + args.warmup) * 4 * args.rounds)
    setups = [
        (mode, workers) for _round in range(args.rounds) for workers in (1, 2) for mode in MODES
    ]

    with harness.temporary_database("topology"):
        expo, device, codes = harness.expo_with_badges(args.badges, gates=4)
        registration.add_day_ticket(expo)
        harness.settle_database()
        register = registration.registration_request(dt.date.today().isoformat())
        headers = {"Content-Type": "application/json", "Authorization": f"Token {device.key}"}
        unscanned = iter(codes)

        def scan(client, n):
            body = json.dumps({"code": next(unscanned), "scan_point": f"gate-{client % 4}"})
            return "POST", "/api/v1/checkins/", body, headers

        results = {"registration": {}, "check-in": {}}
        latencies = {}
        with pgbouncer_in_front() as bouncer_url:
            for mode, workers in setups:
                print(f"{workers} Gunicorn workers, {mode}, {args.clients} clients")
                for kind, next_request, ok in [
                    ("registration", register, 201),
                    ("check-in", scan, 200),
                ]:
                    elapsed, spread, answers, cost = measure(
                        mode, workers, bouncer_url, next_request, args, kind
                    )
                    rate = answers.get(ok, 0) / elapsed
                    results[kind].setdefault((mode, workers), []).append((rate, cost))
                    latencies[kind, workers, mode] = harness.describe_latency(spread)
                    print(f"  {kind}: {rate:.0f}/s, answers {answers}")

        from ticketing import services
        from ticketing.models import Quota, Ticket

        sold = Ticket.objects.filter(ticket_type__slug="day").count()
        counted = Quota.objects.get(ticket_type__slug="day", day__isnull=True).used
        differences = services.recount_attendance()

    report("Registrations", results["registration"], registration.BUDGET)
    report("Check-ins", results["check-in"], checkin.BUDGET_RATE)
    print("\nLatency of the last round:")
    for (kind, workers, mode), text in latencies.items():
        print(f"  {kind:12s} {workers} process{'es' if workers > 1 else ''}, {mode:34s} {text}")
    consistent = sold == counted and not differences
    print(
        f"\nday tickets {sold}, quota counter {counted}; attendance counters: "
        f"{'no differences' if not differences else f'{len(differences)} DIFFERENCES'}"
    )
    raise SystemExit(0 if consistent else 1)


if __name__ == "__main__":
    main()
