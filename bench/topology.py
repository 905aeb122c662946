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


def measure(mode, workers, bouncer_url, next_request, args, label):
    with app_settings(mode, bouncer_url), harness.served(workers) as port:
        # Every worker's first requests import, connect and fill its lookups: not counted.
        harness.hammer(
            port, next_request, clients=args.clients, seconds=args.warmup, label="warm-up"
        )
        elapsed, latencies, answers = harness.hammer(
            port, next_request, clients=args.clients, seconds=args.seconds, label=label
        )
    return elapsed, latencies, answers


def report(kind, results, budget, ok):
    """One line a configuration: the rate beside the budget and the baseline's."""
    print(f"\n{kind} (answers {ok} counted)")
    for workers in sorted({workers for _mode, workers in results}):
        baseline = sum(results[MODES[0], workers]) / len(results[MODES[0], workers])
        for mode in MODES:
            rates = results[mode, workers]
            mean = sum(rates) / len(rates)
            print(
                f"  {workers} process{'es' if workers > 1 else ''}, {mode:34s} "
                f"{', '.join(f'{rate:.0f}' for rate in rates)}/s (mean {mean:.0f}/s, "
                f"{mean / baseline - 1:+.0%} against the baseline)   budget: >= {budget}/s"
            )


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

        registrations, check_ins, latencies = {}, {}, {}
        with pgbouncer_in_front() as bouncer_url:
            for mode, workers in setups:
                print(f"{workers} Gunicorn workers, {mode}, {args.clients} clients")
                elapsed, spread, answers = measure(
                    mode, workers, bouncer_url, register, args, "registrations"
                )
                registrations.setdefault((mode, workers), []).append(answers.get(201, 0) / elapsed)
                latencies[mode, workers, "registration"] = harness.describe_latency(spread)
                print(f"  answers {answers}")
                elapsed, spread, answers = measure(mode, workers, bouncer_url, scan, args, "scans")
                check_ins.setdefault((mode, workers), []).append(answers.get(200, 0) / elapsed)
                latencies[mode, workers, "check-in"] = harness.describe_latency(spread)
                print(f"  answers {answers}")

        from ticketing import services
        from ticketing.models import Quota, Ticket

        sold = Ticket.objects.filter(ticket_type__slug="day").count()
        counted = Quota.objects.get(ticket_type__slug="day", day__isnull=True).used
        differences = services.recount_attendance()

    report("Registrations", registrations, registration.BUDGET, 201)
    report("Check-ins", check_ins, checkin.BUDGET_RATE, 200)
    print("\nLatency of the last round:")
    for (mode, workers, kind), text in latencies.items():
        print(f"  {kind:12s} {workers} process{'es' if workers > 1 else ''}, {mode:34s} {text}")
    consistent = sold == counted and not differences
    print(
        f"\nday tickets {sold}, quota counter {counted}; attendance counters: "
        f"{'no differences' if not differences else f'{len(differences)} DIFFERENCES'}"
    )
    raise SystemExit(0 if consistent else 1)


if __name__ == "__main__":
    main()
