"""E-mails to visitors, each in the language the visitor registered in.

Each e-mail goes through the outbox (``outbox/services.py``): ``queue_…`` writes it in
the transaction of the change that causes it, so a refused or rolled back write never
tells anyone anything, and the worker renders it from ids with the composer beside it
and sends it, with retries.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events import selectors as programme
from events.models import ScheduleRelease
from events.translations import translated
from outbox import services as outbox

from .models import ERASED_DOMAIN, Order, SessionBooking

# Where links point when no public address is configured and no request tells the host:
# the address ``make run`` serves on.
LOCAL_BASE_URL = "http://127.0.0.1:8000"


def absolute_url(path, request=None):
    """``path`` on the configured public address (``EXPO_BASE_URL``); without one, on the
    host that ``request`` came to, so an answer's links work wherever the API was reached."""
    if settings.EXPO_BASE_URL:
        return settings.EXPO_BASE_URL + path
    if request is not None:
        return request.build_absolute_uri(path)
    return LOCAL_BASE_URL + path


def manage_url(order, request=None):
    path = reverse(
        "ticketing:my-tickets", kwargs={"expo_slug": order.expo.slug, "secret": order.secret}
    )
    return absolute_url(path, request)


def badge_url(ticket, request=None):
    """The badge's address behind the order's private link (so the holder's name on it
    is as private as the "my tickets" page)."""
    path = reverse(
        "ticketing:badge",
        kwargs={
            "expo_slug": ticket.expo.slug,
            "secret": ticket.order.secret,
            "ticket_id": ticket.pk,
        },
    )
    return absolute_url(path, request)


def queue_order_confirmation(order):
    """Queue the order's confirmation; call it in the transaction that writes the order."""
    return outbox.enqueue(order_confirmation, expo=order.expo, order_id=order.pk)


def queue_seat_freed(booking):
    """Queue the news that a waiting visitor now has a seat; call it in the transaction
    that books them."""
    return outbox.enqueue(seat_freed, expo=booking.session.expo, booking_id=booking.pk)


@outbox.composer(gettext_lazy("order confirmation"))
def order_confirmation(order_id):
    """The order's tickets and private link."""
    order = Order.objects.select_related("expo").get(pk=order_id)
    tickets = list(order.tickets.select_related("ticket_type").order_by("pk"))
    with translation.override(order.language):
        context = {
            "order": order,
            "expo": order.expo,
            "tickets": tickets,
            "manage_url": manage_url(order),
        }
        return EmailMessage(
            _("Your tickets to %(expo)s") % {"expo": translated(order.expo, "name")},
            render_to_string("ticketing/email/order_confirmation.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [order.email],
        )


@outbox.composer(gettext_lazy("seat freed"))
def seat_freed(booking_id):
    booking = SessionBooking.objects.select_related(
        "ticket__order__expo", "session__room__hall"
    ).get(pk=booking_id)
    order = booking.ticket.order
    with translation.override(order.language):
        context = {
            "booking": booking,
            "session": booking.session,
            "expo": order.expo,
            "ticket": booking.ticket,
            "manage_url": manage_url(order),
        }
        return EmailMessage(
            _("You have a seat in “%(title)s”") % {"title": translated(booking.session, "title")},
            render_to_string("ticketing/email/seat_freed.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [booking.ticket.holder_email],
        )


def queue_order_links(expo, order_ids):
    """Queue the e-mail that sends a visitor their orders' private links again. Only ids
    go into the outbox, not the address: the composer reads it from the orders."""
    return outbox.enqueue(order_links, expo=expo, order_ids=list(order_ids))


@outbox.composer(gettext_lazy("links to a visitor's tickets"))
def order_links(order_ids):
    """The private links of a visitor's orders at one expo, in the language of their
    latest order. An order erased since the request is left out; when none is left the
    message has no recipient, and so nothing is sent."""
    orders = [
        order
        for order in Order.objects.select_related("expo")
        .prefetch_related("tickets__ticket_type")
        .filter(pk__in=order_ids)
        .order_by("-created_at", "-pk")
        if not order.email.endswith(f"@{ERASED_DOMAIN}")
    ]
    if not orders:
        return EmailMessage(to=[])
    latest = orders[0]
    with translation.override(latest.language):
        context = {
            "expo": latest.expo,
            "orders": [{"order": order, "manage_url": manage_url(order)} for order in orders],
        }
        return EmailMessage(
            _("The links to your tickets for %(expo)s") % {"expo": translated(latest.expo, "name")},
            render_to_string("ticketing/email/order_links.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [latest.email],
        )


def queue_schedule_changed(release, booking_ids):
    """Queue the news of ``release`` to one visitor: ``booking_ids`` are their bookings
    and waiting-list places of the sessions it moved or cancelled. Call it in the
    release's transaction."""
    return outbox.enqueue(
        schedule_changed, expo=release.expo, release_id=release.pk, booking_ids=list(booking_ids)
    )


@outbox.composer(gettext_lazy("schedule change"))
def schedule_changed(release_id, booking_ids):
    """Which of a visitor's sessions a release moved (where and when they are now) or
    cancelled (with their bookings), in the language of the visitor's latest order. Read
    from what the release recorded, so a session moved again since is told as it was."""
    release = ScheduleRelease.objects.select_related("expo").get(pk=release_id)
    bookings = [
        booking
        for booking in SessionBooking.objects.select_related("ticket__order")
        .filter(pk__in=booking_ids)
        .order_by("-ticket__order__created_at", "-pk")
        if not booking.ticket.is_erased
    ]
    if not bookings:
        return EmailMessage(to=[])
    ticket = bookings[0].ticket
    order = ticket.order
    with translation.override(order.language):
        changes = programme.shown_changes(
            release, session_ids={booking.session_id for booking in bookings}
        )
        changelog = reverse("events:changelog", args=[release.expo.slug])
        context = {
            "expo": release.expo,
            "release": release,
            "ticket": ticket,
            "moved": [c for c in changes if c.change == ScheduleRelease.Change.MOVED],
            "cancelled": [c for c in changes if c.change == ScheduleRelease.Change.CANCELLED],
            "manage_url": manage_url(order),
            "changelog_url": absolute_url(changelog),
        }
        return EmailMessage(
            _("Changes to your programme at %(expo)s") % {"expo": translated(release.expo, "name")},
            render_to_string("ticketing/email/schedule_changed.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [ticket.holder_email],
        )
