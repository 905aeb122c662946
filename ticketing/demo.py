"""Tickets, gates and a scanner for the demo expo (see events/demo.py)."""

import datetime as dt

from django.utils import timezone

from events.demo import Shot, written
from events.models import Hall, Session
from expo.errors import Conflict, InvalidInput

from . import admission, services
from .models import Quota, ScannerDevice, ScanPoint, TicketType

# The ticket types' names in each of the demo's languages.
NAMES = {
    "day": {"en": "Day ticket", "sv": "Dagsbiljett", "fi": "Päivälippu", "da": "Dagsbillet"},
    "weekend": {
        "en": "Weekend pass",
        "sv": "Helgbiljett",
        "fi": "Viikonloppulippu",
        "da": "Weekendbillet",
    },
    "season": {"en": "Season ticket", "sv": "Säsongskort", "fi": "Kausikortti", "da": "Sæsonkort"},
    "press": {"en": "Press", "sv": "Press", "fi": "Media", "da": "Presse"},
    "speaker": {"en": "Speaker", "sv": "Talare", "fi": "Puhuja", "da": "Taler"},
    "exhibitor": {
        "en": "Exhibitor staff",
        "sv": "Utställarpersonal",
        "fi": "Näytteilleasettajan henkilökunta",
        "da": "Udstillerpersonale",
    },
}
# A conference's own name stays as it is; its ticket says what it is in each language.
CONFERENCE_TICKET = {
    "en": "{name}",
    "sv": "{name} (konferensbiljett)",
    "fi": "{name} (konferenssilippu)",
    "da": "{name} (konferencebillet)",
}


def _ticket_type(expo, slug, **fields):
    name, name_translations = written(NAMES[slug])
    return TicketType(
        expo=expo, slug=slug, name=name, name_translations=name_translations, **fields
    )


def extend(expo):
    """Add what is sold and scanned to the freshly built demo expo."""
    open_days = admission.open_days(expo)
    weekend = [day.isoformat() for day in open_days if day.weekday() >= 5][:2]
    types = [
        _ticket_type(expo, "day", kind="day", price=150, day_capacity=12_000),
        _ticket_type(
            expo, "weekend", kind="multi_day", price=250, valid_days=weekend, capacity=5_000
        ),
        _ticket_type(expo, "season", kind="season", price=595),
        _ticket_type(expo, "press", kind="press"),
        _ticket_type(expo, "speaker", kind="speaker"),
        _ticket_type(expo, "exhibitor", kind="exhibitor"),
    ]
    for conference in expo.conferences.all():
        name, name_translations = written(CONFERENCE_TICKET, name=conference.name)
        types.append(
            TicketType(
                expo=expo,
                slug=conference.slug,
                name=name,
                name_translations=name_translations,
                kind="conference",
                conference=conference,
                price=1_200,
                capacity=conference.capacity,
            )
        )
    for ticket_type in types:
        services.save_ticket_type(ticket_type)
    # The fire brigade's limit for the whole site on the busiest days.
    Quota.objects.bulk_create(
        Quota(expo=expo, day=dt.date.fromisoformat(day), size=15_000) for day in weekend
    )
    ScanPoint.objects.bulk_create(
        [
            ScanPoint(expo=expo, slug="north-gate", name="North gate", kind="gate"),
            ScanPoint(expo=expo, slug="south-gate", name="South gate", kind="gate"),
            *(
                ScanPoint(
                    expo=expo,
                    slug=f"hall-{hall.slug}",
                    name=f"{hall.name} entrance",
                    kind="hall",
                    hall=hall,
                )
                for hall in Hall.objects.filter(expo=expo)
            ),
        ]
    )
    ScannerDevice.objects.create(expo=expo, name="North gate scanner 1")


def screenshots(expo):
    """A visitor's "my tickets" on a phone: a season ticket with a session booked. The
    order is made for the screenshots only; the command rolls it back."""
    season = TicketType.objects.filter(expo=expo, kind="season").first()
    if season is None:
        return []
    order = services.register(
        expo,
        season,
        [services.Attendee(name="Åsa Öberg", email="asa@example.org", organisation="Malmö stad")],
    )
    ticket = order.tickets.get()
    bookable = Session.objects.filter(
        expo=expo, capacity__isnull=False, start__gt=timezone.now()
    ).order_by("start")
    for session in bookable[:20]:
        try:
            services.book_session(ticket, session)
        except (Conflict, InvalidInput):
            continue
        break
    return [Shot("my-tickets", f"/expos/{expo.slug}/my-tickets/{order.secret}/", ("phone",))]
