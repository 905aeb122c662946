"""The e-mail of the public call's sign-up, through the outbox (``outbox/services.py``):
queued in the transaction that makes the account, rendered and sent by the worker."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import Expo
from events.translations import translated
from expo.accounts import link_valid_days, set_password_url
from outbox import services as outbox
from ticketing.emails import absolute_url

# At most one sign-up e-mail an account in this: asking again and again, or from many
# places, must not flood one person's inbox.
ACCOUNT_MAIL_INTERVAL = dt.timedelta(minutes=15)


def queue_proposer_account(user, expo, language):
    """Queue the link to choose a password and the call's address, unless one went to the
    account in the last ``ACCOUNT_MAIL_INTERVAL``. Returns the mail, or ``None``."""
    if outbox.queued_recently(proposer_account, within=ACCOUNT_MAIL_INTERVAL, user_id=user.pk):
        return None
    return outbox.enqueue(
        proposer_account, expo=expo, user_id=user.pk, expo_id=expo.pk, language=language
    )


@outbox.composer(gettext_lazy("call for proposals sign-up"))
def proposer_account(user_id, expo_id, language):
    """The link to choose a password (its token made now, as the mail leaves) and the
    address of the call, where the proposer signs in and proposes."""
    user = get_user_model().objects.get(pk=user_id)
    expo = Expo.objects.get(pk=expo_id)
    with translation.override(language):
        call_path = reverse("proposals:call", kwargs={"expo_slug": expo.slug})
        context = {
            "user": user,
            "expo": expo,
            "set_password_url": set_password_url(user),
            "valid_days": link_valid_days(),
            "call_url": absolute_url(call_path),
        }
        return EmailMessage(
            _("Propose a session at %(expo)s: choose your password")
            % {"expo": translated(expo, "name")},
            render_to_string("proposals/email/proposer_account.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
