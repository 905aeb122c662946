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

After the fair, ``prune_check_ins`` deletes an expo's check-in rows, which its counters
outlive (``manage.py prune_check_ins``): the scans are millions of rows a season, needed
only to check the counters while the fair runs.
"""

import dataclasses
import datetime as dt
from collections import Counter

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from events.models import Expo
from expo.errors import Conflict, DomainError

from . import privacy
from .models import ERASED_DOMAIN, CheckIn, Order, Ticket

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


CHECK_IN_BATCH_SIZE = 5000


@dataclasses.dataclass
class CheckInPruning:
    """One expo's check-ins of the days before ``before``: ``held`` when the run began,
    ``deleted`` so far."""

    expo: Expo
    before: dt.date
    held: int
    deleted: int = 0


def prune_check_ins(
    expo, *, before=None, now=None, dry_run=False, batch_size=CHECK_IN_BATCH_SIZE, progress=None
):
    """Delete the check-in rows of ``expo``'s days before ``before`` (by default all its
    days) once the expo is over; returns a ``CheckInPruning``. With ``dry_run`` only
    counts them. ``progress(pruning)`` is called after each batch.

    The rows are the scans' audit trail, which the counters are checked against
    (``services.recount_attendance``) while the fair runs; after it, the per-place, per-day
    ``Occupancy`` counters hold the daily totals the organisers report, and are kept. The
    day the pruning reaches is recorded on the expo first, so the recount leaves those
    days' counters alone, even when a run is stopped halfway. The rows go in batches of
    ``batch_size``, each its own transaction, so the table stays writable for the other
    expos; a second run finds nothing left and deletes nothing."""
    now = now or timezone.now()
    if not expo.has_ended(now):
        raise Conflict(
            _(
                "%(expo)s runs until %(end)s: its check-ins are kept until the day after "
                "its last day."
            )
            % {"expo": expo.slug, "end": expo.end_date.isoformat()},
            code="expo_running",
        )
    last_day_after = expo.end_date + dt.timedelta(days=1)
    before = min(before or last_day_after, last_day_after)
    with scope(expo=expo):
        rows = CheckIn.objects.filter(expo=expo, day__lt=before).order_by()
        pruning = CheckInPruning(expo=expo, before=before, held=rows.count())
        if dry_run or not pruning.held:
            return pruning
        Expo.objects.filter(pk=expo.pk).filter(
            Q(check_ins_pruned_before__isnull=True) | Q(check_ins_pruned_before__lt=before)
        ).update(check_ins_pruned_before=before)
        while batch := list(rows.values_list("pk", flat=True)[:batch_size]):
            with transaction.atomic():
                deleted, _by_model = CheckIn.objects.filter(pk__in=batch).delete()
            pruning.deleted += deleted
            if progress is not None:
                progress(pruning)
    return pruning
