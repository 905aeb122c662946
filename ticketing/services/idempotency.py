"""Registration that a client may safely retry: the same ``Idempotency-Key`` again answers
the order the first request made, and makes no second one.

The key is claimed by inserting its row before the order is made, in the same
transaction. A retry that arrives while the first request is still at work waits on the
key's unique constraint; once the first commits, the retry finds its order, and if the
first failed (sold out, bad input) the key went with it and the retry registers anew.
Keys older than ``KEY_LIFETIME`` are ignored: each keyed registration deletes them first.
"""

import datetime as dt
import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expo.errors import Conflict

from ..models import IdempotencyKey
from .registration import register

KEY_LIFETIME = dt.timedelta(days=1)


def request_hash(data):
    """A fingerprint of a request body, the same for the same data in any key order."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def register_once(key, body_hash, expo, ticket_type, attendees, **options):
    """``register(expo, ticket_type, attendees, **options)`` once per ``key`` and expo.

    A key already used with the same request answers its order (with ``sold_tickets``, as
    ``register`` gives them) and sends nothing; used with another request, it is refused
    with ``Conflict`` ``idempotency_key_reused``."""
    with transaction.atomic():
        IdempotencyKey.objects.filter(created_at__lt=timezone.now() - KEY_LIFETIME).delete()
        try:
            with transaction.atomic():
                claim = IdempotencyKey.objects.create(expo=expo, key=key, request_hash=body_hash)
        except IntegrityError:
            return _first_order(expo, key, body_hash)
        order = register(expo, ticket_type, attendees, **options)
        claim.order = order
        claim.save(update_fields=["order"])
    return order


def _first_order(expo, key, body_hash):
    claim = IdempotencyKey.objects.select_related("order__expo").get(expo=expo, key=key)
    if claim.request_hash != body_hash:
        raise Conflict(
            _(
                "This Idempotency-Key was already used for another registration; "
                "use a new key for a new registration."
            ),
            code="idempotency_key_reused",
        )
    order = claim.order
    order.sold_tickets = list(order.tickets.select_related("expo", "order").order_by("pk"))
    return order
