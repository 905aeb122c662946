"""E-mails to exhibitors' staff, in the language of the person who invited them.

They go through the outbox (``outbox/services.py``): ``queue_…`` writes the e-mail in the
transaction of the change that causes it, so a refused or rolled back write never tells
anyone anything, and the worker renders it with the composer below and sends it.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.translations import translated
from expo.accounts import link_valid_days, set_password_url
from outbox import services as outbox

from .models import Member


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
            "valid_days": link_valid_days(),
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
