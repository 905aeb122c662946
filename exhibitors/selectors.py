"""Read queries of exhibitors, shared by the API, the portal and the public pages."""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q

from .models import BoothDay, Exhibitor, Lead, Member


def accounts_known_to(organiser):
    """The accounts an organiser may name as an exhibitor's staff in the back office:
    those who organise or staff an expo with them, never a superuser. Anyone else joins a
    stand by invitation, so an organiser cannot look up every account by its id."""
    expos = organiser.organised_expos.all()
    return (
        get_user_model()
        .objects.filter(
            Q(organised_expos__in=expos) | Q(exhibitor_memberships__exhibitor__expo__in=expos)
        )
        .exclude(is_superuser=True)
        .distinct()
    )


def directory(expo, *, search="", theme=None, hall=None, day=None):
    """The expo's exhibitors with their themes and booths, in a fixed number of queries,
    optionally matching ``search`` (name, tagline, description), a theme (track slug), a
    hall (slug) or a day."""
    exhibitors = Exhibitor.objects.filter(expo=expo)
    if search:
        exhibitors = exhibitors.filter(
            Q(name__icontains=search)
            | Q(tagline__icontains=search)
            | Q(description__icontains=search)
        )
    if theme:
        exhibitors = exhibitors.filter(themes__slug=theme)
    if hall:
        exhibitors = exhibitors.filter(booth_days__booth__hall__slug=hall)
    if day:
        exhibitors = exhibitors.filter(booth_days__day=day)
    return (
        exhibitors.distinct()
        .prefetch_related(
            "themes",
            Prefetch(
                "booth_days",
                queryset=BoothDay.objects.select_related("booth__hall").order_by("day"),
            ),
        )
        .order_by("tier", "name")
    )


def booths_of(exhibitor):
    """``[(booth, [days])]`` from the exhibitor's prefetched or fetched booth days."""
    booths = {}
    for booth_day in exhibitor.booth_days.all():
        booths.setdefault(booth_day.booth, []).append(booth_day.day)
    return list(booths.items())


def memberships(user):
    """The exhibitors ``user`` is staff of."""
    if not user.is_authenticated:
        return Exhibitor.objects.none()
    return Exhibitor.objects.filter(members__user=user).select_related("expo").order_by("name")


def members(exhibitor):
    return (
        Member.objects.filter(exhibitor=exhibitor)
        .select_related("user", "ticket")
        .order_by("user__username")
    )


def leads(exhibitor):
    return (
        Lead.objects.filter(exhibitor=exhibitor)
        .select_related("ticket", "scanned_by")
        .order_by("-scanned_at")
    )


def floor_plan(hall, day=None):
    """The hall's booths with the exhibitor each has on ``day`` (or on any day)."""
    booth_days = BoothDay.objects.filter(booth__hall=hall).select_related("exhibitor")
    if day:
        booth_days = booth_days.filter(day=day)
    holders = {}
    for booth_day in booth_days:
        holders.setdefault(booth_day.booth_id, booth_day.exhibitor)
    return [(booth, holders.get(booth.pk)) for booth in hall.booths.order_by("code")]


def exhibitors_who_scanned(ticket):
    """``[(exhibitor name, when)]`` of the leads taken from a visitor's badge: what the
    visitor sees on their tickets page."""
    return list(
        Lead.objects.filter(ticket=ticket)
        .order_by("scanned_at")
        .values_list("exhibitor__name", "scanned_at")
    )
