"""Erasing visitors' data once an expo's keeping time is over, as its privacy page says.

An expo keeps its visitors' data until ``Expo.keeps_visitor_data_until`` (its last day
plus ``keeps_visitor_data_months``); from the next day in its time zone, every order of
it and every ticket in them are erased, with the leads on those tickets. An expo with no
keeping time set keeps its data.

The erasing is ``privacy.erase_person``, the rule ``manage.py erase_person`` and the "my
tickets" page's "Erase my data" use, reached one order at a time: once for the buyer's
address and once for each other holder's address in the order, each limited to that
order (``privacy.Person``). So the tickets are cancelled, their names, addresses and
organisations anonymised, the leads' notes removed and the admin's history rewritten
exactly as there, and the rows stay: tickets sold, check-ins, attendance counters and
leads per exhibitor keep their counts. Speaker records and user accounts are not a
visitor's registration and are not touched (``erase_person`` reaches them by address).

An order still holds data while its address or any of its tickets' addresses is not an
erased one, so a run erases only what earlier runs (or the visitors themselves) left,
and running it again does nothing: it is safe to run every day. Orders are erased in
batches, each batch in its own transaction and in its expo's scope, so a long first run
holds its locks briefly, can be stopped and picks up where it stopped.
"""

import dataclasses
import datetime as dt
from collections import Counter

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django_scopes import scope

from events.models import Expo
from expo.errors import DomainError

from . import privacy
from .models import ERASED_DOMAIN, Order, Ticket

BATCH_SIZE = 200


@dataclasses.dataclass
class ExpoRetention:
    """One expo past its keeping time: what still held data when the run began (``held``:
    orders, tickets and the rows hanging on those tickets, such as leads), and what the
    run changed (``erased``: rows changed per kind, as ``erase_person`` counts them;
    ``done``: orders erased; ``failed``: ids of orders that could not be erased, left for
    the next run)."""

    expo: Expo
    held: dict
    erased: Counter = dataclasses.field(default_factory=Counter)
    done: int = 0
    failed: list = dataclasses.field(default_factory=list)

    @property
    def orders(self):
        return self.held["orders"]


def expired_expos(now=None):
    """The expos whose keeping time is over at ``now``, oldest first."""
    now = now or timezone.now()
    # No expo's own day is more than a day ahead of UTC's: a cheap first sieve.
    candidates = Expo.objects.filter(
        keeps_visitor_data_months__isnull=False, end_date__lte=(now + dt.timedelta(days=1)).date()
    ).order_by("end_date", "pk")
    return [expo for expo in candidates if expo.visitor_data_expired(now)]


def _holds_data(addresses):
    return ~Q(**{f"{addresses}__iendswith": f"@{ERASED_DOMAIN}"})


def orders_holding_data(expo):
    """The expo's orders whose address or any ticket's holder is not erased yet."""
    tickets = Ticket.objects.filter(Q(order=OuterRef("pk")) & _holds_data("holder_email"))
    return Order.objects.filter(expo=expo).filter(_holds_data("email") | Exists(tickets))


def survey(expo):
    """What the expo still holds: an ``ExpoRetention`` with nothing erased yet."""
    with scope(expo=expo):
        tickets = Ticket.objects.filter(expo=expo).filter(_holds_data("holder_email"))
        held = {"orders": orders_holding_data(expo).count(), "tickets": tickets.count()}
        held.update((name, count(tickets)) for name, count in privacy.TICKET_ROWS.items())
    return ExpoRetention(expo=expo, held=held)


def erase_expired_data(*, now=None, dry_run=False, batch_size=BATCH_SIZE, progress=None):
    """Erase the visitors' data of every expo past its keeping time; returns an
    ``ExpoRetention`` per such expo. With ``dry_run`` only counts what would be erased.
    ``progress(retention)`` is called after each batch."""
    retentions = [survey(expo) for expo in expired_expos(now)]
    if dry_run:
        return retentions
    for retention in retentions:
        _erase_expo(retention, batch_size, progress)
    return retentions


def _erase_expo(retention, batch_size, progress):
    expo = retention.expo
    after = 0
    while True:
        with scope(expo=expo), transaction.atomic():
            batch = list(
                orders_holding_data(expo)
                .filter(pk__gt=after)
                .order_by("pk")
                .prefetch_related("tickets")[:batch_size]
            )
            if not batch:
                return
            for order in batch:
                try:
                    retention.erased.update(erase_order(order))
                except DomainError:
                    retention.failed.append(order.pk)
                else:
                    retention.done += 1
        after = batch[-1].pk
        if progress is not None:
            progress(retention)


def erase_order(order):
    """Erase an order and every ticket in it through ``privacy.erase_person``: the buyer's
    address first, then each other holder's, every time limited to this order. Runs in
    one transaction (a savepoint inside the batch's), so an order is erased whole or not
    at all. Returns the rows changed per kind."""
    addresses = {order.email.lower(): order.email}
    for ticket in order.tickets.all():
        addresses.setdefault(ticket.holder_email.lower(), ticket.holder_email)
    changed = Counter()
    with transaction.atomic():
        for address in addresses.values():
            if not address.lower().endswith(f"@{ERASED_DOMAIN}"):
                changed.update(privacy.erase_person(address, order=order))
    return changed
