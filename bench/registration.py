"""Registrations per second through the API on PostgreSQL, with many clients at once.

    .venv/bin/python bench/registration.py [--clients 32] [--seconds 20] [--workers 4]
                                           [--season N]

Builds an expo whose day ticket has a total and a per-day quota, so that every
registration takes the quota row locks, serves the project with Gunicorn and lets the
clients register one attendee each for the given time. Afterwards it checks that the
tickets sold match the quota counter and prints the figure beside its budget. Needs
PostgreSQL on 127.0.0.1:5432 (or ``BENCH_POSTGRES``).

With ``--season N`` it then loads a past season of ``N`` visitors (an order and a ticket
each, five check-ins, ``bench/season.py``) into the same database, registers again and
prints both figures side by side with the bound of 10 %.
"""

import argparse
import datetime as dt
import json

import harness

BUDGET = 200  # registrations per second on a 2-core machine


def build_expo():
    from events.models import Expo

    today = dt.date.today()
    expo = Expo.objects.create(
        slug="bench-expo",
        name="Bench Expo",
        start_date=today,
        end_date=today + dt.timedelta(days=34),
    )
    add_day_ticket(expo)


def add_day_ticket(expo):
    """The day ticket the clients register for, with a total and a per-day quota."""
    from ticketing import services
    from ticketing.models import TicketType

    services.save_ticket_type(
        TicketType(
            expo=expo,
            slug="day",
            name="Day ticket",
            kind="day",
            capacity=10_000_000,
            day_capacity=1_000_000,
        )
    )


def registration_request(day, prefix=""):
    """What a client sends: one attendee each time, a day ticket for ``day``, each
    attendee's address new (with ``prefix``)."""

    def register(client, n):
        body = json.dumps(
            {
                "ticket_type": "day",
                "day": day,
                "attendees": [
                    {
                        "name": f"Åsa Öberg {client}-{n}",
                        "email": f"{prefix}visitor{client}-{n}@example.org",
                    }
                ],
            }
        )
        return (
            "POST",
            "/api/v1/expos/bench-expo/registrations/",
            body,
            {"Content-Type": "application/json"},
        )

    return register


def register_for_a_while(args, prefix):
    """Serve the project and let the clients register; returns what ``harness.hammer`` does."""
    register = registration_request(dt.date.today().isoformat(), prefix)
    with harness.served(args.workers) as port:
        print(f"{args.workers} Gunicorn workers, {args.clients} clients, {args.seconds:.0f} s")
        return harness.hammer(
            port, register, clients=args.clients, seconds=args.seconds, label="requests"
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2, help="Gunicorn workers; one a core.")
    parser.add_argument(
        "--season", type=int, default=0, help="Then again with a past season of N visitors."
    )
    args = parser.parse_args()

    with harness.temporary_database("registration"):
        build_expo()
        elapsed, latencies, answers = register_for_a_while(args, "")
        if args.season:
            empty = (elapsed, answers.get(201, 0))
            harness.add_season(args.season)
            elapsed, latencies, answers = register_for_a_while(args, "again-")

        from ticketing.models import Quota, Ticket

        sold = Ticket.objects.filter(expo__slug="bench-expo").count()
        counted = Quota.objects.get(ticket_type__slug="day", day__isnull=True).used

    created = answers.get(201, 0)
    rate = created / elapsed
    if args.season:
        harness.print_side_by_side("registrations/s", empty[1] / empty[0], rate, args.season)
        created += empty[1]
    print(
        f"registrations/s: {rate:.0f}   budget: >= {BUDGET}   "
        f"{'within budget' if rate >= BUDGET else 'OVER BUDGET'}"
    )
    print(f"latency {harness.describe_latency(latencies)}; answers {answers}")
    consistent = sold == created == counted
    print(
        f"tickets in the database {sold}, quota counter {counted}: "
        f"{'consistent' if consistent else 'INCONSISTENT'}"
    )
    raise SystemExit(0 if consistent else 1)


if __name__ == "__main__":
    main()
