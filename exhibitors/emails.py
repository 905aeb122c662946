"""E-mails to exhibitors' staff, in the language of the person who invited them.

They go through the outbox (``outbox/services.py``): ``queue_…`` writes the e-mail in the
transaction of the change that causes it, so a refused or rolled back write never tells
anyone anything, and the worker renders it with the composer below and sends it.
"""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.translations import translated
from outbox import services as outbox
from ticketing.emails import absolute_url

from .models import Member


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


def queue_staff_invitation(member, language):
    """Queue the invitation of a new staff member; call it in the transaction that adds
    them."""
    return outbox.enqueue(
        staff_invitation, expo=member.exhibitor.expo, member_id=member.pk, language=language
    )


@outbox.composer(gettext_lazy("staff invitation"))
def staff_invitation(member_id, language):
    """Invite a new staff member to set the password of the account made for them."""
    member = Member.objects.select_related("user", "exhibitor__expo").get(pk=member_id)
    user, exhibitor = member.user, member.exhibitor
    with translation.override(language):
        context = {
            "user": user,
            "exhibitor": exhibitor,
            "expo": exhibitor.expo,
            "set_password_url": set_password_url(user),
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        }
        return EmailMessage(
            _("You are on the staff of %(exhibitor)s at %(expo)s")
            % {
                "exhibitor": translated(exhibitor, "name"),
                "expo": translated(exhibitor.expo, "name"),
            },
            render_to_string("exhibitors/email/staff_invitation.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
