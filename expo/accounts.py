"""Choosing a new password: the link, the e-mail that carries it, and the page that asks
for it.

Organisers and exhibitors' staff who forgot their password, and staff whose invitation
has expired, ask for a link at ``/accounts/password_reset/``. The e-mail leaves through
the outbox (``outbox/services.py``), never from inside the request, and the page answers
the same whether or not an account has the address, so it tells nobody who has one.
"""

import datetime as dt
import unicodedata

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outbox import services as outbox
from ticketing.emails import absolute_url

from . import throttling

THROTTLE_SCOPE = "password_resets"
RESET_MAIL_INTERVAL = dt.timedelta(minutes=15)  # at most one reset mail an account in this


def set_password_url(user):
    """The one-time link on which ``user`` chooses a password (Django's password reset
    token: it stops working once a password is set, and after
    ``PASSWORD_RESET_TIMEOUT``)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return absolute_url(path)


def link_valid_days():
    """How many days a link from ``set_password_url`` works, for the e-mails' text."""
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)


def queue_password_reset(user, language):
    """Queue the e-mail with a link to choose a new password, written in ``language``,
    unless one was queued for the account in the last ``RESET_MAIL_INTERVAL``: asking from
    many addresses must not flood one person's inbox. Returns the mail, or ``None``."""
    if outbox.queued_recently(password_reset, within=RESET_MAIL_INTERVAL, user_id=user.pk):
        return None
    return outbox.enqueue(password_reset, user_id=user.pk, language=language)


@outbox.composer(gettext_lazy("password reset"))
def password_reset(user_id, language):
    """The link to choose a new password. The token is made here, when the mail is sent,
    so the link's lifetime starts when it leaves."""
    user = get_user_model().objects.get(pk=user_id)
    with translation.override(language):
        context = {
            "user": user,
            "set_password_url": set_password_url(user),
            "valid_days": link_valid_days(),
        }
        return EmailMessage(
            _("Choose a new password"),
            render_to_string("registration/email/password_reset.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )


def _same_address(first, second):
    """E-mail addresses compared as Django's password reset compares them: case-folded
    after Unicode compatibility normalisation."""
    return (
        unicodedata.normalize("NFKC", first).casefold()
        == unicodedata.normalize("NFKC", second).casefold()
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, with the e-mail queued in the outbox in the active language."""

    def get_users(self, email):
        """The active accounts with this address, also those without a usable password:
        staff whose invitation expired have none yet, and this is how they get a new
        link. Inactive accounts (deactivated or erased) never get one."""
        email_field = get_user_model().get_email_field_name()
        accounts = get_user_model()._default_manager.filter(
            **{f"{email_field}__iexact": email, "is_active": True}
        )
        return (user for user in accounts if _same_address(email, getattr(user, email_field)))

    def save(self, request=None, **unused_options):
        """Queue one e-mail per account with the address. Django's template and token
        options are not used: the composer writes the e-mail when the worker sends it."""
        language = translation.get_language()
        with transaction.atomic():
            for user in self.get_users(self.cleaned_data["email"]):
                queue_password_reset(user, language)


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for the address to send a link to; counted per client in the
    ``password_resets`` limit (docs/security.md), since anyone may ask for mail to be
    sent to any address."""

    form_class = PasswordResetForm

    def form_valid(self, form):
        if wait := throttling.wait_before(self.request, THROTTLE_SCOPE):
            form.add_error(
                None,
                _("Too many requests from here just now. Try again in %(seconds)s seconds.")
                % {"seconds": wait},
            )
            response = self.form_invalid(form)
            response.status_code = 429
            response["Retry-After"] = str(wait)
            return response
        return super().form_valid(form)
