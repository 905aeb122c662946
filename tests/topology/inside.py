"""What the topology test does inside the database, in a process of its own with the app
processes' settings (through PgBouncer): set up the expo, and report what was stored.

    python -m tests.topology.inside setup <capacity>
    python -m tests.topology.inside report

Each prints one JSON object.
"""

import datetime as dt
import json
import os
import sys


def set_up(capacity):
    """A running expo with a season ticket of ``capacity`` places, a gate that lets in
    and out, a scanner device and an organiser with an API token."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from events.models import Expo
    from ticketing import services
    from ticketing.models import ScannerDevice, ScanPoint, TicketType

    today = dt.date.today()
    expo = Expo.objects.create(
        slug="topology",
        name="Topology Expo",
        start_date=today - dt.timedelta(days=1),
        end_date=today + dt.timedelta(days=33),
    )
    services.save_ticket_type(
        TicketType(
            expo=expo,
            slug="season",
            name="Season",
            kind="season",
            capacity=capacity,
            max_per_order=10,
        )
    )
    ScanPoint.objects.create(expo=expo, slug="gate", name="Gate", kind="gate")
    device = ScannerDevice.objects.create(expo=expo, name="Gate phone")
    organiser = get_user_model().objects.create_user("organiser", password="topology-organiser")
    expo.organisers.add(organiser)
    return {"device_key": device.key, "token": Token.objects.create(user=organiser).key}


def report():
    """Orders with their tickets, the quota counter, check-ins by nonce, the counters'
    differences from the check-ins, and the outbox's mail by status."""
    from django.db.models import Count

    from outbox.models import Mail
    from ticketing import services
    from ticketing.models import CheckIn, Order, Quota, Ticket

    return {
        "orders": {
            str(pk): tickets
            for pk, tickets in Order.objects.annotate(n=Count("tickets")).values_list("pk", "n")
        },
        "tickets": Ticket.objects.count(),
        "quota_used": Quota.objects.get(ticket_type__slug="season", day__isnull=True).used,
        "check_ins": dict(
            CheckIn.objects.values_list("nonce").annotate(n=Count("pk")).order_by("nonce")
        ),
        "differences": [str(row) for row in services.recount_attendance()],
        "mail": dict(Mail.objects.values_list("status").annotate(n=Count("pk")).order_by()),
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expo.settings")
    import django

    django.setup()
    from django_scopes import scopes_disabled

    with scopes_disabled():
        if sys.argv[1] == "setup":
            print(json.dumps(set_up(int(sys.argv[2]))))
        else:
            print(json.dumps(report()))
