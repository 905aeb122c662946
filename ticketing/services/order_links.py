"""Sending a visitor the private links of their orders again ("E-mail me my tickets")."""

import datetime as dt

from django.db import transaction

from outbox import services as outbox

from .. import emails
from ..models import Order

#: At most one such e-mail to a visitor in this long, however many clients ask for it:
#: asking must not flood anyone's inbox.
ORDER_LINKS_INTERVAL = dt.timedelta(minutes=15)


def email_order_links(expo, email):
    """Queue one e-mail to ``email`` listing the private links of the orders bought with
    that address at ``expo``; returns how many orders it lists. Nothing is queued when
    there are none, or when the same list went out in the last ``ORDER_LINKS_INTERVAL``.
    Only the buyer's address counts: a ticket holder in someone else's order gets
    nothing, since the order's link manages every ticket in it.

    The caller answers the same words in every case, so that the page tells nobody
    whether an address has registered; only the mailbox learns it."""
    order_ids = list(
        Order.objects.filter(expo=expo, email__iexact=email.strip())
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
    )
    if not order_ids:
        return 0
    with transaction.atomic():
        if not outbox.queued_recently(
            emails.order_links, within=ORDER_LINKS_INTERVAL, order_ids__0=order_ids[0]
        ):
            emails.queue_order_links(expo, order_ids)
    return len(order_ids)
