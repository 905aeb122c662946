"""Read queries of the call for proposals, shared by the pages and the admin."""

from django.db.models import Count, Prefetch, Q

from exhibitors.models import Exhibitor

from .models import Call, Proposal, ProposalSpeaker


def call_of(expo):
    """The expo's call, or ``None`` while it has none."""
    return Call.objects.filter(expo=expo).select_related("expo").first()


def _listed(queryset):
    return queryset.select_related("track", "exhibitor", "call__expo").prefetch_related(
        Prefetch("speakers", queryset=ProposalSpeaker.objects.order_by("position", "pk"))
    )


def own_proposals(user, expo):
    """What ``user`` proposed at ``expo`` for themselves (not for an exhibitor)."""
    return _listed(Proposal.objects.filter(expo=expo, proposer=user, exhibitor__isnull=True))


def partner_proposals(exhibitor):
    return _listed(Proposal.objects.filter(exhibitor=exhibitor))


def partner_places_used(call, exhibitor):
    """How many of ``call.proposals_per_partner`` the exhibitor's proposals take."""
    return Proposal.objects.filter(call=call, exhibitor=exhibitor).aggregate(
        used=Count("pk", filter=~Q(state=Proposal.State.WITHDRAWN))
    )["used"]


def stands_of(user, expo):
    """The exhibitors of ``expo`` whose staff ``user`` is on."""
    return Exhibitor.objects.filter(expo=expo, members__user=user).order_by("name")
