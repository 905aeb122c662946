"""What ``scheduling`` answers to the signals of the apps below it."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from events.models import Expo
from events.signals import Link

from . import broadcast


def organiser_links(sender, obj, **kwargs):
    """An expo's schedule board."""
    if sender is not Expo:
        return []
    return [Link(_("Schedule board"), reverse("scheduling:board", args=[obj.slug]), _("Board"))]


def plan_changed(sender, expo_id, **kwargs):
    """Tell the expo's open boards, from the notice thread (the move has committed)."""
    broadcast.announcer.announce(expo_id)
