"""The call's e-mails, through the outbox (``outbox/services.py``): the public call's
sign-up, a reviewer's invitation and the decision on a proposal, each queued in the
transaction of its cause, rendered and sent by the worker."""

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

from .models import Proposal

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


def queue_reviewer_invitation(user, expo, language):
    """Tell a newly named reviewer where the proposals are, in ``language``."""
    return outbox.enqueue(
        reviewer_invitation, expo=expo, user_id=user.pk, expo_id=expo.pk, language=language
    )


@outbox.composer(gettext_lazy("reviewer invitation"))
def reviewer_invitation(user_id, expo_id, language):
    """The review's address and, for an account without a password yet, the link to
    choose one (its token made as the mail leaves)."""
    user = get_user_model().objects.get(pk=user_id)
    expo = Expo.objects.get(pk=expo_id)
    with translation.override(language):
        review_path = reverse("proposals:review_list", kwargs={"expo_slug": expo.slug})
        context = {
            "user": user,
            "expo": expo,
            "set_password_url": None if user.has_usable_password() else set_password_url(user),
            "valid_days": link_valid_days(),
            "review_url": absolute_url(review_path),
        }
        return EmailMessage(
            _("Review the proposals of %(expo)s") % {"expo": translated(expo, "name")},
            render_to_string("proposals/email/reviewer_invitation.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )


def queue_decision(proposal):
    """Tell the proposer that ``proposal`` is accepted or not, in the language they wrote
    it in (a proposer's account keeps no language of its own; the one they chose for
    their texts is the one they read)."""
    return outbox.enqueue(
        decision, expo=proposal.expo, proposal_id=proposal.pk, language=proposal.language
    )


@outbox.composer(gettext_lazy("proposal decision"))
def decision(proposal_id, language):
    """Accepted (the session is not yet in the programme: it will be scheduled) or not;
    with the address where the proposer sees their proposals."""
    proposal = Proposal.objects.select_related("expo", "proposer", "exhibitor").get(pk=proposal_id)
    expo = proposal.expo
    with translation.override(language):
        if proposal.exhibitor_id:
            path = reverse("proposals:portal-list", args=[proposal.exhibitor_id])
        else:
            path = reverse("proposals:call", kwargs={"expo_slug": expo.slug})
        accepted = proposal.state == proposal.State.ACCEPTED
        context = {
            "user": proposal.proposer,
            "expo": expo,
            "proposal": proposal,
            "accepted": accepted,
            "proposals_url": absolute_url(path),
        }
        subject = (
            _("Accepted for %(expo)s: %(title)s")
            if accepted
            else _("Your proposal to %(expo)s: %(title)s")
        )
        return EmailMessage(
            subject % {"expo": translated(expo, "name"), "title": proposal.title},
            render_to_string("proposals/email/decision.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [proposal.proposer.email],
        )
