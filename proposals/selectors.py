"""Read queries of the call for proposals, shared by the pages and the admin."""

from dataclasses import dataclass

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from exhibitors.models import Exhibitor

from .models import Call, Proposal, ProposalSpeaker, Review, Score
from .permissions import sees_all_scores


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


# How the review list sorts: name → ordering. "score" puts the unscored last.
REVIEW_ORDERS = {
    "newest": ("-submitted_at", "-pk"),
    "oldest": ("submitted_at", "pk"),
    "score": (F("mean").desc(nulls_last=True), "-pk"),
    "score_low": (F("mean").asc(nulls_last=True), "-pk"),
    "fewest_reviews": ("review_count", "submitted_at", "pk"),
    "title": ("title", "pk"),
}


def _mean_score():
    """A proposal's mean score: every score of every review, each as a percentage of its
    criterion's highest, so criteria of different scales weigh alike."""
    percent = Cast(F("value"), FloatField()) * 100.0 / Cast(F("criterion__highest"), FloatField())
    return Subquery(
        Score.objects.filter(review__proposal=OuterRef("pk"))
        .values("review__proposal")
        .annotate(mean=Avg(percent))
        .values("mean")[:1],
        output_field=FloatField(),
    )


def review_queue(
    call,
    user,
    *,
    state=None,
    track=None,
    kind=None,
    exhibitor=None,
    language=None,
    lowest_score=None,
    order="newest",
):
    """The call's proposals for the review list, each with ``review_count``,
    ``reviewed_by_me`` and ``mean`` (see ``_mean_score``). Where ``user`` may not see the
    others' scores yet, ``mean`` is ``None`` until they have reviewed the proposal, and
    so it neither sorts nor filters by scores they may not see.

    Filters: ``state`` (without one, withdrawn proposals are left out), ``track``,
    ``kind``, ``exhibitor`` (an exhibitor's id, or ``"none"`` for proposals of no exhibitor),
    ``language``, ``lowest_score`` (a mean of at least this percentage)."""
    mine = Review.objects.filter(proposal=OuterRef("pk"), reviewer=user)
    reviews = Review.objects.filter(proposal=OuterRef("pk")).values("proposal")
    proposals = Proposal.objects.filter(call=call).annotate(
        reviewed_by_me=Exists(mine),
        review_count=Coalesce(
            Subquery(
                reviews.annotate(count=Count("pk")).values("count")[:1],
                output_field=IntegerField(),
            ),
            0,
        ),
    )
    if sees_all_scores(user, call):
        proposals = proposals.annotate(mean=_mean_score())
    else:
        proposals = proposals.annotate(
            mean=Case(
                When(reviewed_by_me=True, then=_mean_score()),
                default=Value(None),
                output_field=FloatField(),
            )
        )
    if state:
        proposals = proposals.filter(state=state)
    else:
        proposals = proposals.exclude(state=Proposal.State.WITHDRAWN)
    if track is not None:
        proposals = proposals.filter(track=track)
    if kind:
        proposals = proposals.filter(kind=kind)
    if exhibitor == "none":
        proposals = proposals.filter(exhibitor__isnull=True)
    elif exhibitor is not None:
        proposals = proposals.filter(exhibitor_id=exhibitor)
    if language:
        proposals = proposals.filter(language=language)
    if lowest_score is not None:
        proposals = proposals.filter(mean__gte=lowest_score)
    return (
        proposals.select_related("track", "exhibitor")
        .prefetch_related(
            Prefetch("speakers", queryset=ProposalSpeaker.objects.order_by("position", "pk"))
        )
        .order_by(*REVIEW_ORDERS.get(order, REVIEW_ORDERS["newest"]))
    )


@dataclass
class CriterionRow:
    criterion: object
    scores: list  # one per shown review, in their order; None where it has none
    mean: float | None


@dataclass
class ReviewSheet:
    """A proposal's reviews as ``user`` may see them, side by side: a row per criterion
    with a column per review and the mean, and the mean of all (as ``_mean_score``)."""

    criteria: list
    reviews: list  # the reviews shown, the user's own first
    rows: list
    mean: float | None
    mine: object  # the user's own review, or None
    hidden: int  # how many reviews of others are not shown yet


def review_sheet(proposal, user):
    criteria = list(proposal.call.criteria.all())
    reviews = list(
        proposal.reviews.select_related("reviewer").prefetch_related("scores").order_by("pk")
    )
    mine = next((review for review in reviews if review.reviewer_id == user.pk), None)
    if mine is not None or sees_all_scores(user, proposal.call):
        shown = sorted(reviews, key=lambda review: review is not mine)
    else:
        shown = []
    rows, percents = [], []
    for criterion in criteria:
        scores = []
        for review in shown:
            value = next(
                (
                    score.value
                    for score in review.scores.all()
                    if score.criterion_id == criterion.pk
                ),
                None,
            )
            scores.append(value)
            if value is not None:
                percents.append(value * 100 / criterion.highest)
        given = [value for value in scores if value is not None]
        rows.append(CriterionRow(criterion, scores, sum(given) / len(given) if given else None))
    return ReviewSheet(
        criteria=criteria,
        reviews=shown,
        rows=rows,
        mean=sum(percents) / len(percents) if percents else None,
        mine=mine,
        hidden=len(reviews) - len(shown),
    )
