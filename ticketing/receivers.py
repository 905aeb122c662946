"""What ``ticketing`` answers to the signals of the apps below it."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from events.models import Expo, Session
from events.signals import Link

from . import services
from .models import ScanPoint


def organiser_links(sender, obj, detail=True, **kwargs):
    """The registration page and scan points of an expo; the attendee lists of a session
    and, on its own page, its doors' scanner pages."""
    if sender is Expo:
        scan_points = reverse("admin:ticketing_scanpoint_changelist")
        return [
            Link(_("Registration"), reverse("ticketing:register", args=[obj.slug])),
            Link(
                _("Scan points and their scanner pages"), f"{scan_points}?expo__id__exact={obj.pk}"
            ),
        ]
    if sender is not Session:
        return []
    args = [obj.expo.slug, obj.pk]
    links = [
        Link(
            _("Attendee list (Excel)"), reverse("ticketing:attendees-xlsx", args=args), _("Excel")
        ),
        Link(
            _("Attendee list (CSV with semicolons, for Excel in Nordic languages)"),
            reverse("ticketing:attendees-semicolon", args=args),
            _("CSV ;"),
        ),
        Link(
            _("Attendee list (CSV with commas)"),
            reverse("ticketing:attendees", args=args),
            _("CSV ,"),
        ),
    ]
    bookings = reverse("admin:ticketing_sessionbooking_changelist")
    links.append(Link(_("Bookings"), f"{bookings}?session__id__exact={obj.pk}"))
    if detail:
        doors = ScanPoint.objects.filter(session=obj).order_by("name")
        links += [
            Link(
                _("Scanner: %(name)s") % {"name": door.name},
                reverse("ticketing:scanner", args=[obj.expo.slug, door.slug]),
            )
            for door in doors
        ]
    return links


def schedule_released(sender, release, changes, **kwargs):
    """A release of the schedule: the bookings of its cancelled sessions go, and the
    visitors of its moved and cancelled sessions are told."""
    services.follow_release(release, changes)
