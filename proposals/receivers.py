"""What ``proposals`` answers to the signals of the apps below it."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Expo
from events.signals import Link
from exhibitors.permissions import is_staff_of

from .models import Call


def organiser_links(sender, obj, detail=True, **kwargs):
    """An expo's public call page, the review of its proposals and the proposals in the
    back office, once it has a call (a query, so on the expo's own admin page only)."""
    if sender is not Expo or not detail or not Call.objects.filter(expo=obj).exists():
        return []
    proposals = reverse("admin:proposals_proposal_changelist")
    return [
        Link(_("Call for proposals"), reverse("proposals:call", args=[obj.slug])),
        Link(_("Review the proposals"), reverse("proposals:review_list", args=[obj.slug])),
        Link(_("Proposals"), f"{proposals}?expo__id__exact={obj.pk}"),
    ]


def portal_sections(sender, exhibitor, user, **kwargs):
    """The exhibitor's proposals, for its staff, once the expo has a call."""
    if not is_staff_of(user, exhibitor) or not Call.objects.filter(expo=exhibitor.expo).exists():
        return []
    url = reverse("proposals:portal-list", args=[exhibitor.pk])
    return [Link(_("Proposals"), url, short=_("Propose sessions for the programme"))]


def visitor_links(sender, obj, **kwargs):
    """ "Propose a session" on the expo's home page while its call is open."""
    call = Call.objects.filter(expo=obj).first()
    if call is None or not call.is_open(timezone.now()):
        return []
    return [Link(_("Propose a session"), reverse("proposals:call", args=[obj.slug]))]
