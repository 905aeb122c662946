"""The schedule board on the demo expo, on PostgreSQL.

    .venv/bin/python bench/board.py [--moves 200]

Loads the demo (35 days, 300+ sessions) and counts the SQL queries of the board page for
the busiest day and for the quietest open day: the same number, so the grid, the strip
of all days and the tray cost a fixed number of queries however many sessions and days
there are. Then serves the project with one Gunicorn worker and sends moves of one
session between two free slots, one after the other as an organiser drags, through
``POST /api/v1/sessions/{id}/plan/``; a read of one released session
(``GET /api/v1/sessions/{id}/``), alternating with the moves, is the baseline. Needs PostgreSQL on
127.0.0.1:5432 (or ``BENCH_POSTGRES``).
"""

import argparse
import datetime as dt
import http.client
import json
import statistics
import time

import harness

QUERY_BUDGET = 25  # queries of the board page, whatever the day
MOVE_BUDGET_MS = 100  # p95 of a move


def build():
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from events.demo import SLUG
    from events.models import Expo

    call_command("seed_demo", no_progress=True, verbosity=0)
    expo = Expo.objects.get(slug=SLUG)
    organiser = get_user_model().objects.create_user("bench-organiser")
    expo.organisers.add(organiser)
    return expo, organiser, Token.objects.create(user=organiser).key


def busiest_and_quietest(expo):
    from events.selectors import opening_windows
    from scheduling import selectors

    windows = opening_windows(expo)
    strip = selectors.strip(expo, windows, selectors.rooms(expo))
    planned_days = [entry for entry in strip if entry.planned_minutes]
    busiest = max(planned_days, key=lambda entry: entry.planned_minutes)
    quietest = min(planned_days, key=lambda entry: entry.planned_minutes)
    return busiest, quietest, windows


def count_board_queries(expo, organiser, day):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(organiser)
    url = f"/manage/{expo.slug}/schedule/?day={day.isoformat()}"
    client.get(url)  # warm: translations, templates
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        answer = client.get(url)
        elapsed = time.perf_counter() - started
    assert answer.status_code == 200, answer.status_code
    return len(queries), elapsed, answer.content.decode().count('<li class="card')


def free_slots(expo, day, windows):
    """A session of 30 minutes and two slots of the day where it may go."""
    from events import services
    from events.models import Room, Session
    from expo.errors import DomainError

    session = services.save_session(Session(expo=expo, title="Moved about", minutes=30))
    opens, closes = windows[day]
    slots = []
    for room in Room.objects.filter(expo=expo).order_by("slug"):
        start = opens
        while start + dt.timedelta(minutes=30) <= closes and len(slots) < 2:
            try:
                services.plan_session(session, room=room, start=start)
            except DomainError:
                start += dt.timedelta(minutes=15)
                continue
            slots.append((room.slug, start.isoformat()))
            break
        if len(slots) == 2:
            break
    services.unschedule_session(session)
    session.refresh_from_db()
    return session, slots


def timed(port, method, path, token, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    payload = json.dumps(body) if body is not None else None
    started = time.perf_counter()
    connection.request(method, path, body=payload, headers=headers)
    answer = connection.getresponse()
    data = json.loads(answer.read() or b"{}")
    elapsed = time.perf_counter() - started
    connection.close()
    return answer.status, data, elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--moves", type=int, default=200)
    args = parser.parse_args()

    with harness.temporary_database("board"):
        print("Loading the demo …", flush=True)
        expo, organiser, token = build()
        busiest, quietest, windows = busiest_and_quietest(expo)
        session, slots = free_slots(expo, busiest.day, windows)
        shown = expo.sessions.filter(start__isnull=False).order_by("pk").first()
        harness.settle_database()

        print(f"Busiest day {busiest.day}: {busiest.share} % planned")
        figures = {}
        for label, entry in (("busiest", busiest), ("quietest", quietest)):
            queries, elapsed, cards = count_board_queries(expo, organiser, entry.day)
            figures[label] = queries
            print(
                f"board of the {label} day ({entry.day}, {cards} cards, "
                f"{len(busiest.cells)} rooms, strip of {len(expo.days)} days): "
                f"{queries} queries, {elapsed * 1000:.0f} ms in process"
            )
        fixed = figures["busiest"] == figures["quietest"]
        within = fixed and figures["busiest"] <= QUERY_BUDGET
        print(
            f"queries: {figures['busiest']}   budget: the same on every day, <= {QUERY_BUDGET}"
            f"   {'within budget' if within else 'OVER BUDGET'}"
        )

        with harness.served(1) as port:
            reads, moves, refused = [], [], 0
            version = session.version
            for n in range(args.moves):
                status, _data, elapsed = timed(port, "GET", f"/api/v1/sessions/{shown.pk}/", token)
                reads.append(elapsed)
                room, start = slots[n % 2]
                status, data, elapsed = timed(
                    port,
                    "POST",
                    f"/api/v1/sessions/{session.pk}/plan/",
                    token,
                    {"room": room, "start": start, "version": version},
                )
                if status != 200:
                    refused += 1
                    version = data.get("current", {}).get("version", version)
                    continue
                version = data["version"]
                moves.append(elapsed)

    moves.sort()
    reads.sort()
    p95 = harness.percentile(moves, 0.95) * 1000
    print(f"baseline, a session read: {harness.describe_latency(reads)}")
    print(f"moves: {harness.describe_latency(moves)}; {len(moves)} saved, {refused} refused")
    print(
        f"move p95: {p95:.0f} ms (median {statistics.median(moves) * 1000:.0f} ms)   "
        f"budget: p95 < {MOVE_BUDGET_MS} ms   "
        f"{'within budget' if p95 < MOVE_BUDGET_MS and not refused else 'OVER BUDGET'}"
    )
    raise SystemExit(0 if within and p95 < MOVE_BUDGET_MS and not refused else 1)


if __name__ == "__main__":
    main()
