"""What ``realtime`` answers to the signals of the apps below it."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from events.models import Expo
from events.signals import Link


def organiser_links(sender, obj, **kwargs):
    """An expo's live attendance page."""
    if sender is not Expo:
        return []
    return [Link(_("Live attendance"), reverse("realtime:live", args=[obj.slug]), _("Live"))]
