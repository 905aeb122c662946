import io

import pytest
from django.core.management import call_command

from events import demo
from proposals.models import Call, Proposal

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
    assert proposals.count() == 2
    assert all(proposal.exhibitor is not None for proposal in proposals)
