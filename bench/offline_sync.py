"""A gate that was offline for an hour sends its scans, while the other gates go on.

    .venv/bin/python bench/offline_sync.py [--offline-scans 5000] [--gates 8]
                                           [--rate 20] [--seconds 15] [--workers 2]

Registers the badges, lets ``--gates`` gates scan ``--rate`` badges a second each
through the API for ``--seconds`` (the baseline), then does it again while a scanner
device sends the ``--offline-scans`` it made offline over the last hour, as the scanner
page does: oldest first, 200 a request, each request after the previous answer
(``POST /api/v1/checkins/offline/``). A share of the offline badges was let in at
another gate meanwhile, so the server counts them with a conflict. Prints how long the
sync took and the other gates' scans a second beside the baseline, each with its
budget, and checks that every offline scan is stored once and that the counters match
the check-in rows. Needs PostgreSQL on 127.0.0.1:5432 (or ``BENCH_POSTGRES``).
"""

import argparse
import datetime as dt
import http.client
import itertools
import json
import threading
import time

import harness

BUDGET_SYNC = 10.0  # seconds for the whole backlog
BUDGET_DROP = 0.10  # at most this share of the other gates' scans a second lost
BATCH = 200  # as static/expo/scanner.js sends them
CONFLICTS = 0.02  # the share of offline badges let in through another gate meanwhile


def offline_scans(codes, count):
    """``count`` scans of distinct badges at ``gate-0`` over the last hour, oldest first."""
    now = dt.datetime.now(dt.UTC)
    return [
        {
            "code": code,
            "direction": "in",
            "nonce": f"offline-{n}",
            "scanned_at": (now - dt.timedelta(seconds=3600 * (count - n) / count)).isoformat(),
            "offline_result": "entered",
        }
        for n, code in enumerate(codes[:count])
    ]


def sync(port, device_key, scans, done, outcome):
    """What the scanner page does once back online; records the time it took and the
    answers."""
    headers = {"Content-Type": "application/json", "Authorization": f"Token {device_key}"}
    started = time.monotonic()
    results = []
    try:
        for start in range(0, len(scans), BATCH):
            body = json.dumps({"scan_point": "gate-0", "scans": scans[start : start + BATCH]})
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("POST", "/api/v1/checkins/offline/", body, headers)
            response = connection.getresponse()
            payload = response.read()
            if response.status != 200:
                raise RuntimeError(f"{response.status}: {payload[:200]!r}")
            results.extend(json.loads(payload)["results"])
    finally:
        outcome["seconds"] = time.monotonic() - started
        outcome["results"] = results
        done.set()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--offline-scans", type=int, default=5000)
    parser.add_argument("--gates", type=int, default=8, help="The other gates, online.")
    parser.add_argument("--rate", type=float, default=20, help="Scans a second at each gate.")
    parser.add_argument("--seconds", type=float, default=15, help="The baseline's length.")
    parser.add_argument("--workers", type=int, default=2, help="Gunicorn workers; one a core.")
    args = parser.parse_args()
    online_needed = int(args.gates * args.rate * (args.seconds + 4 * BUDGET_SYNC)) + 1000

    with harness.temporary_database("offline_sync"):
        _expo, device, codes = harness.expo_with_badges(
            args.offline_scans + online_needed, gates=args.gates + 1
        )
        device_key = device.key
        offline_codes, online_codes = codes[: args.offline_scans], codes[args.offline_scans :]
        # Some of the offline gate's visitors came in at another gate too, online.
        conflicted = offline_codes[:: int(1 / CONFLICTS)]
        online_codes = conflicted + online_codes
        scans = offline_scans(offline_codes, args.offline_scans)
        harness.settle_database()
        fresh = itertools.count()
        headers = {"Content-Type": "application/json", "Authorization": f"Token {device_key}"}

        def scan(client, n):
            code = online_codes[next(fresh) % len(online_codes)]
            body = json.dumps({"code": code, "scan_point": f"gate-{1 + client % args.gates}"})
            return "POST", "/api/v1/checkins/", body, headers

        with harness.served(args.workers) as port:
            print(
                f"{args.workers} Gunicorn workers; {args.gates} other gates at "
                f"{args.rate:.0f} scans/s each"
            )
            base_elapsed, base_latencies, base_answers = harness.hammer(
                port,
                scan,
                clients=args.gates,
                seconds=args.seconds,
                label="scans (baseline)",
                interval=1 / args.rate,
            )
            done, outcome = threading.Event(), {}
            sender = threading.Thread(
                target=sync, args=(port, device_key, scans, done, outcome), daemon=True
            )
            sender.start()
            elapsed, latencies, answers = harness.hammer(
                port,
                scan,
                clients=args.gates,
                seconds=10 * BUDGET_SYNC,
                label="scans (during the sync)",
                interval=1 / args.rate,
                stop=done.is_set,
            )
            sender.join()

        from django.db.models import Count

        from ticketing import services
        from ticketing.models import CheckIn

        stored = CheckIn.objects.filter(offline=True)
        stored_once = stored.values("nonce").distinct().count() == stored.count() == len(scans)
        conflicts = dict(
            stored.exclude(conflict="").values_list("conflict").annotate(n=Count("pk"))
        )
        differences = services.recount_attendance()

    base_rate = base_answers.get(200, 0) / base_elapsed
    rate = answers.get(200, 0) / elapsed
    synced = outcome["seconds"]
    drop = 1 - rate / base_rate if base_rate else 1.0
    verdict = "within budget" if synced <= BUDGET_SYNC else "OVER BUDGET"
    print(
        f"sync of {len(scans)} offline scans: {synced:.1f} s ({len(scans) / synced:.0f} scans/s)"
        f"   budget: <= {BUDGET_SYNC:.0f} s   {verdict}"
    )
    print(
        f"other gates: {base_rate:.0f} scans/s before, {rate:.0f} scans/s during the sync "
        f"({drop:+.1%} lost)   budget: <= {BUDGET_DROP:.0%} lost   "
        f"{'within budget' if drop <= BUDGET_DROP else 'OVER BUDGET'}"
    )
    print(f"  latency before: {harness.describe_latency(base_latencies)}")
    print(f"  latency during: {harness.describe_latency(latencies)}")
    print(f"answers {base_answers} / {answers}")
    print(f"offline scans stored once: {'yes' if stored_once else 'NO'}; conflicts {conflicts}")
    print(
        f"counters against the check-in rows: "
        f"{'no differences' if not differences else f'{len(differences)} DIFFERENCES'}"
    )
    raise SystemExit(1 if differences or not stored_once else 0)


if __name__ == "__main__":
    main()
