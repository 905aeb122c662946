"""E-mails to exhibitors' staff, in the language of the person who invited them.

They are sent after the transaction that caused them commits, so a refused or rolled
back write never tells anyone anything.
"""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from events.translations import translated

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
    return settings.EXPO_BASE_URL + path


def send_staff_invitation(member_id, language):
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
        send_mail(
            _("You are on the staff of %(exhibitor)s at %(expo)s")
            % {
                "exhibitor": translated(exhibitor, "name"),
                "expo": translated(exhibitor.expo, "name"),
            },
            render_to_string("exhibitors/email/staff_invitation.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
