"""The outbox in the back office: what is pending, what failed and why, and sending a
failed mail again. Organisers see the mails of their own expos; mails that belong to no
expo only superusers."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events.admin import EXPO_FILTER
from events.admin_base import ScopedModelAdmin

from . import services
from .models import Mail


@admin.action(description=_("Send the selected failed e-mails again"), permissions=["change"])
def send_again(modeladmin, request, queryset):
    count = services.send_again(queryset)
    modeladmin.message_user(
        request,
        ngettext("%(count)d e-mail is queued again.", "%(count)d e-mails are queued again.", count)
        % {"count": count},
        messages.SUCCESS if count else messages.WARNING,
    )


@admin.register(Mail)
class MailAdmin(ScopedModelAdmin):
    list_display = (
        "kind",
        "expo",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "last_error",
    )
    list_filter = ("status", EXPO_FILTER)
    date_hierarchy = "created_at"
    actions = (send_again,)
    fields = (*list_display, "sending_since", "arguments")
    readonly_fields = fields

    @admin.display(description=_("kind"))
    def kind(self, mail):
        return mail.kind

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
