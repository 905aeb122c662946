"""Proposals in a person's export and erasure (see ``ticketing/privacy.py``): what their
accounts proposed and reviewed, and where they are named as a proposal's speaker. A
visitor's order link proves neither, so it reaches none of it."""

from django.utils.translation import gettext as _

from ticketing import privacy

from .models import Call, Proposal, ProposalSpeaker, Review


def _named_speakers(person):
    if person.order is not None:
        return ProposalSpeaker.objects.none()
    return ProposalSpeaker.objects.filter(email__iexact=person.email)


@privacy.section("proposals")
def _proposals(person):
    proposals = (
        Proposal.objects.filter(proposer__in=person.accounts())
        .select_related("expo", "exhibitor")
        .order_by("pk")
    )
    return [
        {
            "expo": proposal.expo.slug,
            "exhibitor": proposal.exhibitor.name if proposal.exhibitor else None,
            "title": proposal.title,
            "state": proposal.state,
            "submitted_at": proposal.submitted_at.isoformat(),
        }
        for proposal in proposals
    ]


@privacy.section("proposal speakers")
def _speakers(person):
    rows = _named_speakers(person).select_related("proposal__expo").order_by("pk")
    return [
        {
            "expo": row.proposal.expo.slug,
            "proposal": row.proposal.title,
            "name": row.name,
            "email": row.email,
            "biography": row.biography,
        }
        for row in rows
    ]


@privacy.eraser("proposal speakers")
def _erase_speakers(person):
    """The proposal stays for its exhibitor or its author; the speaker in it is nameless."""
    rows = list(_named_speakers(person).select_for_update().order_by("pk"))
    for row in rows:
        row.name = _("Erased")
        row.email = ""
        row.biography = ""
    ProposalSpeaker.objects.bulk_update(rows, ["name", "email", "biography"])
    return len(rows)


@privacy.section("proposal reviews")
def _reviews(person):
    reviews = (
        Review.objects.filter(reviewer__in=person.accounts())
        .select_related("proposal__expo")
        .prefetch_related("scores__criterion")
        .order_by("pk")
    )
    return [
        {
            "expo": review.proposal.expo.slug,
            "proposal": review.proposal.title,
            "scores": {score.criterion.name: score.value for score in review.scores.all()},
            "comment": review.comment,
        }
        for review in reviews
    ]


@privacy.eraser("proposal reviews")
def _erase_reviews(person):
    """The scores stay with the proposals, by a former reviewer; the person is no longer
    a reviewer of any call."""
    accounts = list(person.accounts())
    for call in Call.objects.filter(reviewers__in=accounts).distinct():
        call.reviewers.remove(*accounts)
    return Review.objects.filter(reviewer__in=accounts).update(reviewer=None)
