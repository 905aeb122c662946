"""The outbox: e-mail written with the change that causes it, sent by the worker.

To send an e-mail, an app writes a *composer*: a function that takes ids (JSON values),
reads what it needs and returns the ``EmailMessage``, rendered in the recipient's
language. It is marked with ``@composer(kind)``. Then, inside the transaction of the
change that causes the e-mail::

    from outbox import services as outbox

    @outbox.composer(_("order confirmation"))
    def order_confirmation(order_id): ...

    with transaction.atomic():
        order = ...
        outbox.enqueue(order_confirmation, expo=order.expo, order_id=order.pk)

The mail row and its task row commit with the order or not at all: a rolled back change
tells nobody anything, and a committed one cannot lose its e-mail. The request never talks
to SMTP. The worker (``manage.py db_worker``) renders and sends each mail; a failed send is
tried again later, each wait twice the last (from a minute up to an hour), and after
``MAX_ATTEMPTS`` the mail is marked failed, to be sent again from the admin. Delivery is at
least once: a worker stopped between the SMTP server's answer and marking the mail sent
sends it again.
"""

import datetime as dt
import logging
import re

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_scopes import scope, scopes_disabled

from . import tasks
from .models import Mail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
FIRST_RETRY_DELAY = dt.timedelta(minutes=1)
LONGEST_RETRY_DELAY = dt.timedelta(hours=1)
# Far longer than an attempt may take (EMAIL_TIMEOUT): an attempt older than this was cut
# off with its worker.
STALLED_AFTER = dt.timedelta(minutes=15)


def composer(kind):
    """Mark a function as an e-mail composer; ``kind`` names its e-mails in the admin."""

    def mark(function):
        function.mail_kind = kind
        return function

    return mark


def enqueue(compose, *, expo=None, **arguments):
    """Write the e-mail ``compose(**arguments)`` renders into the outbox, with its task.

    Call it inside the transaction of the change that causes the e-mail. ``arguments``
    are ids and other JSON values, never model instances. ``expo`` is the expo the mail
    belongs to: its organisers see it in the admin.
    """
    path = f"{compose.__module__}.{compose.__qualname__}"
    if getattr(import_string(path), "mail_kind", None) is None:
        raise ValueError(f"{path} is not an e-mail composer (mark it with @composer)")
    with transaction.atomic():
        mail = Mail.objects.create(expo=expo, composer=path, arguments=arguments)
        tasks.deliver_mail.enqueue(mail.pk)
    return mail


def queued_recently(compose, *, within, **arguments):
    """Whether a mail of ``compose`` whose arguments match ``arguments`` (field lookups
    into the JSON, such as ``user_id=7`` or ``order_ids__0=12``) was queued in the last
    ``within``: a mail that anyone may ask for again and again is sent once in that time,
    so that asking cannot flood a person's inbox."""
    return Mail.objects.filter(
        composer=f"{compose.__module__}.{compose.__qualname__}",
        created_at__gte=timezone.now() - within,
        **{f"arguments__{lookup}": value for lookup, value in arguments.items()},
    ).exists()


def deliver(mail_id):
    """One attempt to send a pending mail; a failure is recorded and retried later.

    No transaction is held while the SMTP server is asked, so a slow server blocks no
    other writer. The attempt is marked as under way first: one that a killed worker
    never finished is found by ``requeue_stalled``, which every delivery runs first.
    """
    requeue_stalled()
    mail = Mail.objects.filter(pk=mail_id, status=Mail.Status.PENDING).first()
    if mail is None:
        return
    mail.sending_since = timezone.now()
    mail.save(update_fields=["sending_since"])
    mail.sending_since = None
    try:
        compose = import_string(mail.composer)
        if getattr(compose, "mail_kind", None) is None:
            raise ValueError(f"{mail.composer} is not an e-mail composer")
        with _scope_of(mail):
            message = compose(**mail.arguments)
        message.send()
    except Exception as error:  # any failure is recorded on the mail and retried
        _record_failure(mail, error)
    else:
        mail.status = Mail.Status.SENT
        mail.sent_at = timezone.now()
        mail.next_attempt_at = None
        mail.attempts += 1
        mail.save(
            update_fields=["status", "sent_at", "next_attempt_at", "attempts", "sending_since"]
        )


def requeue_stalled(now=None):
    """Queue again each pending mail whose attempt began more than ``STALLED_AFTER`` ago
    and never ended: its worker was killed, and its task will not run again. Returns how
    many. Delivery stays at least once: such a mail may have left before the worker died."""
    cutoff = (now or timezone.now()) - STALLED_AFTER
    count = 0
    with transaction.atomic():
        stalled = Mail.objects.select_for_update(skip_locked=True).filter(
            status=Mail.Status.PENDING, sending_since__lt=cutoff
        )
        for mail in stalled:
            mail.sending_since = None
            mail.save(update_fields=["sending_since"])
            tasks.deliver_mail.enqueue(mail.pk)
            count += 1
    if count:
        logger.warning("Queued %d e-mail(s) again whose attempt was cut off", count)
    return count


def _scope_of(mail):
    """The worker serves no request, so it enters the mail's expo scope itself: a composer
    reads that expo's rows only. A mail of no expo reads across them."""
    if mail.expo_id is None:
        return scopes_disabled()
    return scope(expo=mail.expo_id)


def retry_delay(attempts):
    """How long to wait after the ``attempts``-th failed attempt."""
    return min(FIRST_RETRY_DELAY * 2 ** (attempts - 1), LONGEST_RETRY_DELAY)


# An address in an SMTP server's answer ("<asa@example.org>: unknown user").
_ADDRESS = re.compile(r"[^\s<>()\[\]{}'\",;:@]+@[^\s<>()\[\]{}'\",;:@]+")


def _record_failure(mail, error):
    mail.attempts += 1
    # The error is kept for the organisers to read, long after the person behind the
    # address may have asked to be erased: it names the kind of failure, not whom.
    reason = _ADDRESS.sub("[address]", f"{type(error).__name__}: {error}")
    mail.last_error = reason[:2000]
    with transaction.atomic():
        if mail.attempts >= MAX_ATTEMPTS:
            mail.status = Mail.Status.FAILED
            mail.next_attempt_at = None
        else:
            mail.next_attempt_at = timezone.now() + retry_delay(mail.attempts)
            tasks.deliver_mail.using(run_after=mail.next_attempt_at).enqueue(mail.pk)
        mail.save(
            update_fields=["status", "attempts", "last_error", "next_attempt_at", "sending_since"]
        )
    logger.warning(
        "Mail %s (%s) failed on attempt %d: %s; %s",
        mail.pk,
        mail.composer,
        mail.attempts,
        type(error).__name__,
        "gave up" if mail.status == Mail.Status.FAILED else "will try again",
    )


def send_again(mails):
    """Queue failed mails again, with a fresh set of attempts. Returns how many."""
    count = 0
    with transaction.atomic():
        for mail in mails.select_for_update().filter(status=Mail.Status.FAILED):
            mail.status = Mail.Status.PENDING
            mail.attempts = 0
            mail.next_attempt_at = None
            mail.save(update_fields=["status", "attempts", "next_attempt_at"])
            tasks.deliver_mail.enqueue(mail.pk)
            count += 1
    return count
