"""Registration under quotas, and cancelling a ticket.

Locks are always taken in one order so that two writers cannot deadlock: sessions (by
id), then tickets, then quotas (by id).
"""

import dataclasses

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Session
from events.translations import translated
from expo import dates
from expo.errors import Conflict, InvalidInput

from .. import admission, emails
from ..models import Order, Quota, SessionBooking, Ticket, TicketType
from .bookings import cancel_booking_locked
from .quotas import quota_scope, take_places


@dataclasses.dataclass
class Attendee:
    name: str
    email: str
    organisation: str = ""
    share_contact_with_exhibitors: bool = False


def register(expo, ticket_type, attendees, *, day=None, language="en", handed_out=False):
    """Sell one ticket of ``ticket_type`` to each attendee in one order. Ticket types that
    are not sold to the public (exhibitor, speaker, press) are ``handed_out`` by
    organisers and exhibitors only.

    Raises ``InvalidInput`` for bad input and ``Conflict`` (``not_on_sale``, ``sold_out``)
    when the rules refuse; nothing is written then. The confirmation e-mail is queued in
    the outbox with the order. The order's ``sold_tickets`` are its new tickets, in order.
    """
    attendees = list(attendees)
    days = _check_registration(expo, ticket_type, attendees, day, handed_out)
    with transaction.atomic():
        take_places(expo, ticket_type, days, len(attendees))
        order = Order.objects.create(expo=expo, email=attendees[0].email, language=language)
        tickets = Ticket.objects.bulk_create(
            Ticket(
                expo=expo,
                order=order,
                ticket_type=ticket_type,
                day=day if ticket_type.kind == TicketType.Kind.DAY else None,
                valid_days=[valid_day.isoformat() for valid_day in days],
                holder_name=attendee.name.strip(),
                holder_email=attendee.email.strip(),
                organisation=attendee.organisation.strip(),
                share_contact_with_exhibitors=attendee.share_contact_with_exhibitors,
            )
            for attendee in attendees
        )
        emails.queue_order_confirmation(order)
    order.sold_tickets = tickets
    return order


def _check_registration(expo, ticket_type, attendees, day, handed_out):
    errors = {}
    if ticket_type.expo_id != expo.pk or not (ticket_type.is_public or handed_out):
        errors["ticket_type"] = _("This ticket type is not sold here.")
    if not attendees:
        errors["attendees"] = _("Add at least one attendee.")
    elif len(attendees) > ticket_type.max_per_order:
        errors["attendees"] = _("At most %(count)d tickets fit in one order.") % {
            "count": ticket_type.max_per_order
        }
    else:
        attendee_errors = [_attendee_errors(attendee) for attendee in attendees]
        if any(attendee_errors):
            errors["attendees"] = attendee_errors

    days = []
    if "ticket_type" not in errors:
        valid = admission.type_days(ticket_type, admission.open_days(expo))
        if ticket_type.kind == TicketType.Kind.DAY:
            if day is None:
                errors["day"] = _("Choose the day you will visit.")
            elif day not in valid:
                errors["day"] = _(
                    "The ticket is not valid on %(day)s: the expo is closed or "
                    "the ticket is for other days."
                ) % {"day": dates.long_date(day)}
            days = [day]
        else:
            if day is not None:
                errors["day"] = _("Only day tickets are for a chosen day.")
            days = valid
        if not days and "day" not in errors:
            errors["ticket_type"] = _("This ticket type is not valid on any open day.")
    if errors:
        raise InvalidInput(errors)

    now = timezone.now()
    if (ticket_type.sale_starts and now < ticket_type.sale_starts) or (
        ticket_type.sale_ends and now >= ticket_type.sale_ends
    ):
        raise Conflict(
            _("%(name)s is not on sale now.") % {"name": translated(ticket_type, "name")},
            code="not_on_sale",
        )
    return days


def _attendee_errors(attendee):
    errors = {}
    if not attendee.name or not attendee.name.strip():
        errors["name"] = [_("Give the attendee's name.")]
    elif len(attendee.name) > 200:
        errors["name"] = [_("A name may have at most 200 characters.")]
    try:
        validate_email((attendee.email or "").strip())
    except ValidationError:
        errors["email"] = [_("Enter a valid e-mail address.")]
    if len(attendee.organisation or "") > 200:
        errors["organisation"] = [_("At most 200 characters.")]
    return errors


def stop_sharing_contact(ticket):
    """The holder no longer shares name, e-mail and organisation with exhibitors: leads
    already taken show them as anonymous from now on."""
    Ticket.objects.filter(pk=ticket.pk).update(share_contact_with_exhibitors=False)
    ticket.share_contact_with_exhibitors = False


def cancel_ticket(ticket):
    """Cancel a ticket: its places go back to the quotas and its seats to the next on the
    waiting lists."""
    session_ids = sorted(
        ticket.bookings.exclude(status=SessionBooking.Status.CANCELLED).values_list(
            "session_id", flat=True
        )
    )
    with transaction.atomic():
        list(Session.objects.select_for_update().filter(pk__in=session_ids).order_by("pk"))
        ticket = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("ticket_type", "expo")
            .get(pk=ticket.pk)
        )
        if not ticket.is_valid:
            raise Conflict(_("This ticket is already cancelled."), code="cancelled")
        ticket.status = Ticket.Status.CANCELLED
        ticket.cancelled_at = timezone.now()
        ticket.save(update_fields=["status", "cancelled_at"])
        days = admission.ticket_days(ticket, admission.open_days(ticket.expo))
        quota_ids = list(
            Quota.objects.select_for_update()
            .filter(quota_scope(ticket.expo, ticket.ticket_type, days))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Quota.objects.filter(pk__in=quota_ids).update(used=F("used") - 1)
        for booking in ticket.bookings.exclude(status=SessionBooking.Status.CANCELLED):
            cancel_booking_locked(booking)
    return ticket
