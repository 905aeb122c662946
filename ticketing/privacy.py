"""What Expo holds about a person, and erasing it (GDPR articles 15 and 17).

A person is found by e-mail address, in any letter case: as the buyer of an order, as
the holder of a ticket, and as a speaker. Erasure anonymises those rows instead of
deleting them, so that tickets sold, quotas, bookings and check-in statistics keep
their counts.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from events.models import Speaker

from .models import CheckIn, Order, SessionBooking, Ticket

ERASED_DOMAIN = "erased.invalid"


def _moment(value):
    return value.isoformat() if value else None


def _orders(email):
    return [
        {
            "id": order.pk,
            "expo": order.expo.slug,
            "email": order.email,
            "language": order.language,
            "created_at": _moment(order.created_at),
        }
        for order in Order.objects.filter(email__iexact=email).select_related("expo")
    ]


def _tickets(email):
    return [
        {
            "id": ticket.pk,
            "expo": ticket.expo.slug,
            "order": ticket.order_id,
            "ticket_type": ticket.ticket_type.name,
            "day": _moment(ticket.day),
            "holder_name": ticket.holder_name,
            "holder_email": ticket.holder_email,
            "organisation": ticket.organisation,
            "share_contact_with_exhibitors": ticket.share_contact_with_exhibitors,
            "status": ticket.status,
            "created_at": _moment(ticket.created_at),
            "cancelled_at": _moment(ticket.cancelled_at),
        }
        for ticket in Ticket.objects.filter(holder_email__iexact=email).select_related(
            "expo", "ticket_type"
        )
    ]


def _bookings(email):
    return [
        {
            "ticket": booking.ticket_id,
            "session": booking.session.title,
            "start": _moment(booking.session.start),
            "status": booking.status,
            "created_at": _moment(booking.created_at),
        }
        for booking in SessionBooking.objects.filter(
            ticket__holder_email__iexact=email
        ).select_related("session")
    ]


def _check_ins(email):
    return [
        {
            "ticket": check_in.ticket_id,
            "scan_point": check_in.scan_point.name,
            "direction": check_in.direction,
            "result": check_in.result,
            "scanned_at": _moment(check_in.scanned_at),
        }
        for check_in in CheckIn.objects.filter(ticket__holder_email__iexact=email)
        .select_related("scan_point")
        .order_by("scanned_at")
    ]


def _speakers(email):
    return [
        {
            "id": speaker.pk,
            "expo": speaker.expo.slug,
            "name": speaker.name,
            "organisation": speaker.organisation,
            "biography": speaker.biography,
            "email": speaker.email,
        }
        for speaker in Speaker.objects.filter(email__iexact=email).select_related("expo")
    ]


#: Each section of an export: a name and the function that lists its records.
SECTIONS = {
    "orders": _orders,
    "tickets": _tickets,
    "session_bookings": _bookings,
    "check_ins": _check_ins,
    "speakers": _speakers,
}


def export_person(email):
    """Everything held about the person with ``email``, as JSON-ready data."""
    email = email.strip()
    return {"email": email, **{name: records(email) for name, records in SECTIONS.items()}}


def holds_anything(export):
    return any(export[name] for name in SECTIONS)


def erase_person(email):
    """Anonymise the person with ``email``; returns how many rows of each kind changed."""
    email = email.strip()
    erased = _("Erased")
    with transaction.atomic():
        tickets = list(Ticket.objects.select_for_update().filter(holder_email__iexact=email))
        for ticket in tickets:
            ticket.holder_name = erased
            ticket.holder_email = f"ticket-{ticket.pk}@{ERASED_DOMAIN}"
            ticket.organisation = ""
            ticket.share_contact_with_exhibitors = False
        Ticket.objects.bulk_update(
            tickets,
            ["holder_name", "holder_email", "organisation", "share_contact_with_exhibitors"],
        )
        orders = list(Order.objects.select_for_update().filter(email__iexact=email))
        for order in orders:
            order.email = f"order-{order.pk}@{ERASED_DOMAIN}"
        Order.objects.bulk_update(orders, ["email"])
        speakers = list(Speaker.objects.select_for_update().filter(email__iexact=email))
        for speaker in speakers:
            speaker.name = erased
            speaker.email = ""
            speaker.organisation = ""
            speaker.biography = ""
        Speaker.objects.bulk_update(speakers, ["name", "email", "organisation", "biography"])
    return {"tickets": len(tickets), "orders": len(orders), "speakers": len(speakers)}
