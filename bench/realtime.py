"""Scan-to-screen latency of the live dashboards, with many of them connected.

    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/realtime.py
        [--dashboards 500] [--rate 200] [--seconds 20]

Connects ``--dashboards`` WebSocket clients as an organiser to one Uvicorn process, and
scans distinct season badges at ``--rate`` a second through a Gunicorn server, the two
sharing Redis as production does. Each dashboard message carries the day's entries; a scan's
latency on a dashboard is the time from the scan's answer to the first message there
that counts it. Prints p50/p95 latency and messages per dashboard per second
beside the budget. Needs PostgreSQL (``BENCH_POSTGRES``) and Redis (``REDIS_URL``).
"""

import argparse
import asyncio
import json
import os
import statistics
import time

import harness

BUDGET_P95 = 0.300  # seconds, scan answered to dashboard updated
BUDGET_RATE = 5  # messages per dashboard per second


def organiser_token(expo):
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    organiser = get_user_model().objects.create_user("organiser", password="bench-organiser")
    expo.organisers.add(organiser)
    return Token.objects.create(user=organiser).key


async def measure(args, ws_port, http_port, device_key, token, codes):
    import websockets

    answered = {}  # entries count -> when the scan that made it was answered
    latencies, messages = [], [0]
    stop = asyncio.Event()

    async def dashboard():
        url = f"ws://127.0.0.1:{ws_port}/ws/expos/bench-expo/attendance/?token={token}"
        async with websockets.connect(url, origin=f"http://127.0.0.1:{ws_port}") as socket_:
            shown = json.loads(await socket_.recv())["data"]["entries_today"]  # the snapshot
            connected.release()
            while not stop.is_set():
                try:
                    text = await asyncio.wait_for(socket_.recv(), 1)
                except TimeoutError:
                    continue
                arrived = time.perf_counter()
                entries = json.loads(text)["data"]["entries_today"]
                messages[0] += 1
                # Each scan this message shows for the first time: from its answer to now.
                latencies.extend(
                    max(0.0, arrived - answered.get(n, arrived))
                    for n in range(shown + 1, entries + 1)
                )
                shown = max(shown, entries)

    async def scan(code):
        reader, writer = await asyncio.open_connection("127.0.0.1", http_port)
        body = json.dumps({"code": code, "scan_point": "gate-0"}).encode()
        writer.write(
            (
                f"POST /api/v1/checkins/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: Token {device_key}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            ).encode()
            + body
        )
        answer = await reader.read()
        writer.close()
        if b'"entered"' in answer:
            answered[len(answered) + 1] = time.perf_counter()

    connected = asyncio.Semaphore(0)
    clients = [asyncio.create_task(dashboard()) for _ in range(args.dashboards)]
    for _ in range(args.dashboards):
        await connected.acquire()
    print(f"{args.dashboards} dashboards connected; scanning at {args.rate}/s", flush=True)
    started = time.perf_counter()
    scans = []
    for n in range(int(args.rate * args.seconds)):
        await asyncio.sleep(max(0.0, started + n / args.rate - time.perf_counter()))
        scans.append(asyncio.create_task(scan(codes[n])))
    await asyncio.gather(*scans)
    elapsed = time.perf_counter() - started
    await asyncio.sleep(2)  # the trailing messages
    stop.set()
    await asyncio.gather(*clients)
    return latencies, messages[0], elapsed, len(answered)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dashboards", type=int, default=500)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"

    with harness.temporary_database("realtime"):
        expo, device, codes = harness.expo_with_badges(int(args.rate * args.seconds), gates=1)
        device_key, token = device.key, organiser_token(expo)
        harness.settle_database()
        os.environ["REDIS_URL"] = redis_url  # for the two servers, started after this
        with harness.served(2) as http_port, harness.served_asgi() as ws_port:
            latencies, messages, elapsed, entered = asyncio.run(
                measure(args, ws_port, http_port, device_key, token, codes)
            )

    latencies.sort()
    rate = messages / args.dashboards / (elapsed + 2)
    p95 = harness.percentile(latencies, 0.95)
    within = p95 <= BUDGET_P95 and rate <= BUDGET_RATE
    print(f"scans answered 'entered': {entered} in {elapsed:.1f} s")
    print(
        f"scan-to-screen latency p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms   budget: p95 <= {BUDGET_P95 * 1000:.0f} ms"
    )
    print(
        f"messages per dashboard per second: {rate:.1f}   budget: <= {BUDGET_RATE}   "
        f"{'within budget' if within else 'OVER BUDGET'}"
    )


if __name__ == "__main__":
    main()
