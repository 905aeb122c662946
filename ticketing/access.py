"""Who may read or change a ticket, its badge and its session bookings through the API.

An organiser of the ticket's expo may, and so may its holder, who proves the order with
its secret (from the registration answer and the private link) in the ``X-Order-Secret``
header. The badge code proves nothing: it is printed on the badge and read by every
scanner and exhibitor that scans it. Secrets never travel in a query string, which ends
up in access logs.

Everyone else is answered exactly as if the id did not exist (the same ``404``), so that
ids cannot be probed for which exist.
"""

from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError

from events.permissions import is_organiser
from expo.validation import has_nul

from .models import ERASED_SECRET_PREFIX, Order, SessionBooking, Ticket

ORDER_SECRET_HEADER = "X-Order-Secret"


def presented_secret(request):
    """The order secret the request carries; one with a NUL character is none (it could
    never match, and PostgreSQL refuses to compare it), and so is an erased order's
    stand-in (``privacy.erased_secret``)."""
    secret = request.headers.get(ORDER_SECRET_HEADER, "").strip()
    return "" if has_nul(secret) or secret.startswith(ERASED_SECRET_PREFIX) else secret


def proves_order(request, order):
    """Whether the request carries ``order``'s secret, compared in constant time."""
    secret = presented_secret(request)
    return bool(secret) and constant_time_compare(secret, order.secret)


def may_manage_ticket(request, ticket):
    return proves_order(request, ticket.order) or is_organiser(request.user, ticket.expo)


def ticket_or_404(request, pk, *, expo=None):
    """The ticket ``pk`` if the request may manage it; otherwise the same 404 as for a
    ticket that does not exist. ``expo`` narrows the search to one expo's tickets."""
    tickets = Ticket.objects.select_related("expo", "ticket_type", "order")
    if expo is not None:
        tickets = tickets.filter(expo=expo)
    ticket = tickets.filter(pk=pk).first()
    if ticket is None or not may_manage_ticket(request, ticket):
        raise NotFound()
    return ticket


def booking_or_404(request, session_id, booking_id):
    """The booking ``booking_id`` of session ``session_id``, if the request may manage its
    ticket; otherwise the same 404 as for a booking that does not exist."""
    booking = (
        SessionBooking.objects.select_related(
            "session", "ticket__expo", "ticket__ticket_type", "ticket__order"
        )
        .filter(pk=booking_id, session_id=session_id)
        .first()
    )
    if booking is None or not may_manage_ticket(request, booking.ticket):
        raise NotFound()
    return booking


def ticket_to_book_or_404(request, session, ticket_id=None):
    """The ticket to book ``session`` with: the one ``ticket_id`` names, if the request may
    manage it, or else the only ticket of the order whose secret the request carries
    (found by the secret, since no id names the order). Anything else is a 404, but an
    organiser, or a holder of several tickets, is asked to name the ticket."""
    if ticket_id is not None:
        return ticket_or_404(request, ticket_id, expo=session.expo)
    secret = presented_secret(request)
    order = Order.objects.filter(expo=session.expo, secret=secret).first() if secret else None
    if order is None:
        if is_organiser(request.user, session.expo):
            raise ValidationError({"ticket": [_("Name the ticket to book with.")]})
        raise NotFound()
    tickets = list(order.tickets.select_related("expo", "ticket_type", "order")[:2])
    if len(tickets) != 1:
        raise ValidationError(
            {"ticket": [_("The order has several tickets: name the one to book with.")]}
        )
    return tickets[0]
