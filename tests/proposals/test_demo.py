import io

import pytest
from django.core.management import call_command

from events import demo
from proposals.models import Call, Proposal, Review

pytestmark = pytest.mark.django_db


def test_the_demo_expo_has_an_open_call_with_the_demo_exhibitors_proposals():
    call_command(
        "seed_demo",
        "--start",
        "2026-06-01",
        "--no-progress",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    call = Call.objects.get(expo__slug=demo.SLUG)
    assert call.tracks.count() == 3
    proposals = Proposal.objects.filter(call=call)
    mine = proposals.filter(exhibitor__members__user__username="exhibitor")
    assert mine.count() == 2
    assert set(proposals.values_list("language", flat=True)) == {"en", "sv", "fi", "da"}
    assert call.criteria.count() == 3 and call.reviewers.count() == 2
    assert Review.objects.filter(proposal__call=call).count() == 8
    accepted = proposals.filter(state=Proposal.State.ACCEPTED)
    assert accepted.count() == 2
    for proposal in accepted:
        session = proposal.session
        assert session.planned_start is None and session.start is None
        assert session.speakers.count() == 1 and session.language == proposal.language
    assert proposals.filter(state=Proposal.State.REJECTED).count() == 1
    assert proposals.filter(state=Proposal.State.SUBMITTED).count() == 4
