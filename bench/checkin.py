"""Check-ins per second through the HTTP API on PostgreSQL, with concurrent scanners.

    .venv/bin/python bench/checkin.py [--clients 32] [--seconds 20] [--workers 2]
                                      [--badges 20000] [--duplicates 0.1] [--season N]

Registers ``--badges`` season tickets, then lets the clients scan them at four gates
with a scanner device's token: each scan a distinct badge, except a share of
``--duplicates`` that scans an earlier badge again (answered ``already_inside``). Prints
check-ins per second, p50/p99 latency and the SQL queries of one scan beside the budget,
and checks that the counters match the check-in rows afterwards. Needs PostgreSQL on
127.0.0.1:5432 (or ``BENCH_POSTGRES``).

With ``--season N`` it then forgets the scans, loads a past season of ``N`` visitors
(five check-ins each, ``bench/season.py``) into the same database, scans the same badges
again and prints both figures side by side with the bound of 10 %; the recount at the
end then counts the season's check-ins too, and its time is printed.
"""

import argparse
import itertools
import json
import random
import time

import harness

BUDGET_RATE = 500  # check-ins per second on a 2-core machine, 32 clients
BUDGET_P99 = 0.100  # seconds


def queries_per_scan(device_key, two_codes):
    """The SQL statements (BEGIN and COMMIT included) of a typical scan: the second of
    two, as the first of a day also creates the day's counters and fills the lookups."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Token {device_key}")
    for code in two_codes:
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                "/api/v1/checkins/",
                {"code": code, "scan_point": "gate-0"},
                content_type="application/json",
                SERVER_NAME="localhost",
            )
        assert response.status_code == 200, response.content
    return len(captured), response.json()["result"]


def scan_for_a_while(args, device_key, codes):
    """Serve the project and let the clients scan; returns what ``harness.hammer`` does."""
    fresh = itertools.count()
    chooser = random.Random(2026)
    headers = {"Content-Type": "application/json", "Authorization": f"Token {device_key}"}

    def scan(client, n):
        if chooser.random() < args.duplicates:
            code = codes[chooser.randrange(len(codes))]
        else:
            code = codes[next(fresh) % (len(codes) - 1)]
        body = json.dumps({"code": code, "scan_point": f"gate-{client % 4}"})
        return "POST", "/api/v1/checkins/", body, headers

    with harness.served(args.workers) as port:
        print(f"{args.workers} Gunicorn workers, {args.clients} clients, {args.seconds:.0f} s")
        return harness.hammer(port, scan, clients=args.clients, seconds=args.seconds, label="scans")


def forget_scans(expo):
    """Everyone out and the bench expo's scans gone, so the badges scan in again."""
    from ticketing.models import CheckIn, Occupancy, Presence

    CheckIn.objects.filter(expo=expo).delete()
    Presence.objects.filter(ticket__expo=expo).delete()
    Occupancy.objects.filter(expo=expo).delete()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2, help="Gunicorn workers; one a core.")
    parser.add_argument("--badges", type=int, default=20_000)
    parser.add_argument("--duplicates", type=float, default=0.1)
    parser.add_argument(
        "--season", type=int, default=0, help="Then again with a past season of N visitors."
    )
    args = parser.parse_args()

    with harness.temporary_database("checkin"):
        expo, device, codes = harness.expo_with_badges(args.badges, gates=4)
        device_key = device.key
        queries, first_result = queries_per_scan(device_key, codes[-2:])
        harness.settle_database()
        elapsed, latencies, answers = scan_for_a_while(args, device_key, codes)
        if args.season:
            empty_rate = answers.get(200, 0) / elapsed
            forget_scans(expo)
            harness.add_season(args.season)
            elapsed, latencies, answers = scan_for_a_while(args, device_key, codes)

        from django.db.models import Count

        from ticketing import services
        from ticketing.models import CheckIn

        results = dict(CheckIn.objects.values_list("result").annotate(n=Count("pk")))
        started = time.monotonic()
        differences = services.recount_attendance()
        recount_seconds = time.monotonic() - started
        check_ins = CheckIn.objects.count()

    rate = answers.get(200, 0) / elapsed
    p99 = harness.percentile(latencies, 0.99)
    within = rate >= BUDGET_RATE and p99 <= BUDGET_P99
    print(f"check-ins/s: {rate:.0f}   budget: >= {BUDGET_RATE}")
    print(
        f"latency {harness.describe_latency(latencies)}   budget: p99 <= "
        f"{BUDGET_P99 * 1000:.0f} ms   {'within budget' if within else 'OVER BUDGET'}"
    )
    print(f"SQL statements in one scan through the API: {queries} ({first_result})")
    print(f"answers {answers}; results {results}")
    if args.season:
        harness.print_side_by_side("check-ins/s", empty_rate, rate, args.season)
    print(
        f"counters against the {check_ins:,} check-in rows: "
        f"{'no differences' if not differences else f'{len(differences)} DIFFERENCES'} "
        f"(recounted in {recount_seconds:.1f} s)"
    )
    raise SystemExit(1 if differences else 0)


if __name__ == "__main__":
    main()
