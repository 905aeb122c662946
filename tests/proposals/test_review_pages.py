"""The review's pages: who opens them, the list's filters and pages, the score form, and
accepting and rejecting from a proposal's page and in bulk from the list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Session
from outbox.models import Mail
from proposals import services
from proposals.models import Call, Proposal, Review
from tests.proposals.conftest import add_reviewer, propose, score

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def many_proposals_each(call):
    call.proposals_per_partner = 30
    call.save()


@pytest.fixture
def proposal(call, proposer, criteria):
    return propose(call, proposer, accessibility_needs="Hörslinga", title="Bikupor på taket")


def list_url(expo):
    return reverse("proposals:review_list", args=[expo.slug])


def review_url(proposal):
    return reverse("proposals:review", args=[proposal.expo.slug, proposal.pk])


def signed_in(client, user):
    client.force_login(user)
    return client


# ---- Who opens them ----


def test_someone_not_signed_in_is_sent_to_sign_in(client, proposal):
    for url in (list_url(proposal.expo), review_url(proposal)):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_strangers_and_exhibitor_staff_may_not_open_them(
    client, proposal, django_user_model, acme_staff
):
    stranger = django_user_model.objects.create_user("sten", password="pw-sten-12345")
    for user in (stranger, acme_staff):
        signed_in(client, user)
        assert client.get(list_url(proposal.expo)).status_code == 403
        assert client.get(review_url(proposal)).status_code == 403


def test_reviewers_and_organisers_open_them(client, proposal, reviewer, organiser):
    for user in (reviewer, organiser):
        signed_in(client, user)
        listing = client.get(list_url(proposal.expo))
        assert listing.status_code == 200 and "Bikupor på taket" in listing.content.decode()
        page = client.get(review_url(proposal)).content.decode()
        assert "Hörslinga" in page and "Biodlare." in page  # needs and speakers' bios


def test_a_reviewer_of_another_expo_may_not_open_this_one(client, proposal, other_expo):
    other_call = Call.objects.create(
        expo=other_expo, opens_at=proposal.call.opens_at, closes_at=proposal.call.closes_at
    )
    outsider = add_reviewer(other_call, "otto")
    signed_in(client, outsider)
    assert client.get(list_url(proposal.expo)).status_code == 403
    assert client.get(review_url(proposal)).status_code == 403
    assert client.get(list_url(other_expo)).status_code == 200


def test_another_expos_proposal_is_not_found(client, proposal, organiser, other_expo):
    other_call = Call.objects.create(
        expo=other_expo, opens_at=proposal.call.opens_at, closes_at=proposal.call.closes_at
    )
    foreign = Proposal.objects.create(
        expo=other_expo,
        call=other_call,
        title="Foreign",
        abstract="x",
        kind="talk",
        length_minutes=30,
        language="en",
        audience="x",
    )
    signed_in(client, organiser)
    url = reverse("proposals:review", args=[proposal.expo.slug, foreign.pk])
    assert client.get(url).status_code == 404
    decide = reverse("proposals:decide", args=[proposal.expo.slug, foreign.pk])
    assert client.post(decide, {"decision": "accept"}).status_code == 404
    huge = reverse("proposals:review", args=[proposal.expo.slug, 10**20])
    assert client.get(huge).status_code == 404
    foreign.refresh_from_db()
    assert foreign.state == Proposal.State.SUBMITTED


# ---- The list ----


def test_the_list_hides_a_mean_until_the_reviewer_has_scored(
    client, proposal, reviewer, second_reviewer
):
    score(proposal, second_reviewer, 5, 10)
    signed_in(client, reviewer)
    page = client.get(list_url(proposal.expo)).content.decode()
    assert "after your review" in page and "100 %" not in page
    score(proposal, reviewer, 5, 10)
    assert "100 %" in client.get(list_url(proposal.expo)).content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "?kind=juggling",
        "?track=999999999999999999999",
        "?lowest_score=101",
        "?lowest_score=%C3%A5",
        "?exhibitor=99999",
        "?order=evil",
        "?page=abc",
        "?page=99999999999999999999",
        "?state=withdrawn&language=sv&order=score",
    ],
)
def test_odd_filters_answer_a_page_not_an_error(client, proposal, organiser, query):
    signed_in(client, organiser)
    response = client.get(list_url(proposal.expo) + query)
    assert response.status_code in (200, 400)


def test_the_list_is_paginated_and_keeps_its_filters(client, call, proposer, criteria, organiser):
    for number in range(27):
        propose(call, proposer, title=f"Förslag {number:02}")
    signed_in(client, organiser)
    first = client.get(list_url(call.expo) + "?order=title").content.decode()
    assert "Förslag 00" in first and "Förslag 26" not in first
    assert "order=title&amp;page=2" in first
    second = client.get(list_url(call.expo) + "?order=title&page=2").content.decode()
    assert "Förslag 26" in second and "Förslag 00" not in second


# ---- Scoring ----


def score_data(criteria, relevance="4", originality="7", comment="Bra."):
    return {
        f"score_{criteria[0].pk}": relevance,
        f"score_{criteria[1].pk}": originality,
        "comment": comment,
    }


def test_a_reviewer_scores_on_the_page(client, proposal, reviewer, criteria):
    signed_in(client, reviewer)
    response = client.post(review_url(proposal), score_data(criteria))
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.reviewer == reviewer and review.comment == "Bra."
    page = client.get(review_url(proposal)).content.decode()
    assert "Save my review" in page and "Bra." in page


@pytest.mark.parametrize(
    "changes",
    [{"relevance": "6"}, {"relevance": "-1"}, {"relevance": "x"}, {"comment": "a\x00b"}],
)
def test_a_bad_score_on_the_page_is_a_field_error(client, proposal, reviewer, criteria, changes):
    signed_in(client, reviewer)
    response = client.post(review_url(proposal), score_data(criteria, **changes))
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not Review.objects.exists()


def test_a_reviewer_may_not_decide(client, proposal, reviewer):
    signed_in(client, reviewer)
    decide = reverse("proposals:decide", args=[proposal.expo.slug, proposal.pk])
    assert client.post(decide, {"decision": "accept"}).status_code == 403
    bulk = reverse("proposals:decide_many", args=[proposal.expo.slug])
    response = client.post(bulk, {"decision": "accept", "proposal": [proposal.pk]})
    assert response.status_code == 403
    assert "Accept the ticked" not in client.get(list_url(proposal.expo)).content.decode()
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SUBMITTED


# ---- Deciding ----


def test_an_organiser_accepts_one_on_its_page(client, proposal, organiser):
    signed_in(client, organiser)
    decide = reverse("proposals:decide", args=[proposal.expo.slug, proposal.pk])
    response = client.post(decide, {"decision": "accept"}, follow=True)
    assert "Accepted: “Bikupor på taket”" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.ACCEPTED and proposal.session is not None
    # Again, as a browser retrying: nothing more happens.
    response = client.post(decide, {"decision": "accept"}, follow=True)
    assert "Left as they were" in response.content.decode()
    assert Session.objects.count() == 1
    assert Mail.objects.filter(composer="proposals.emails.decision").count() == 1


def test_an_organiser_decides_in_bulk_from_the_list(client, call, proposer, criteria, organiser):
    first, second, third = (propose(call, proposer, title=t) for t in ("Ett", "Två", "Tre"))
    signed_in(client, organiser)
    bulk = reverse("proposals:decide_many", args=[call.expo.slug])
    response = client.post(
        bulk,
        {
            "decision": "reject",
            "proposal": [first.pk, second.pk, "x", "\x00", "9" * 30, "-1"],
            "back": "kind=talk",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == list_url(call.expo) + "?kind=talk"
    states = dict(Proposal.objects.values_list("title", "state"))
    assert states == {"Ett": "rejected", "Två": "rejected", "Tre": "submitted"}
    assert third


def test_a_bulk_decision_needs_ticks_and_a_choice(client, proposal, organiser):
    signed_in(client, organiser)
    bulk = reverse("proposals:decide_many", args=[proposal.expo.slug])
    response = client.post(bulk, {"decision": "accept"}, follow=True)
    assert "Tick the proposals" in response.content.decode()
    response = client.post(bulk, {"decision": "maybe", "proposal": [proposal.pk]}, follow=True)
    assert "Choose to accept or to reject" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SUBMITTED


# ---- What the proposer sees ----


def test_the_proposer_sees_the_decision_and_can_no_longer_change_it(
    client, call, proposer, criteria, organiser
):
    accepted = propose(call, proposer, title="Godkänd")
    rejected = propose(call, proposer, title="Avböjd")
    services.accept_proposals(call.expo, [accepted.pk], by=organiser)
    services.reject_proposals(call.expo, [rejected.pk], by=organiser)
    signed_in(client, proposer)
    page = client.get(reverse("proposals:call", args=[call.expo.slug])).content.decode()
    assert "Accepted" in page and "Not accepted" in page
    edit = reverse("proposals:edit", args=[call.expo.slug, accepted.pk])
    assert "It can no longer be changed: it is accepted." in client.get(edit).content.decode()
    client.post(edit, {"title": "Ändrad"})
    accepted.refresh_from_db()
    assert accepted.title == "Godkänd"
    withdraw = reverse("proposals:withdraw", args=[call.expo.slug, rejected.pk])
    assert client.post(withdraw).status_code == 409


def test_the_pages_read_in_a_fixed_number_of_queries(
    client, call, proposer, criteria, organiser, reviewer, second_reviewer
):
    signed_in(client, organiser)

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    first = propose(call, proposer, title="Först")
    score(first, reviewer, 3, 3)
    few = (queries(list_url(call.expo)), queries(review_url(first)))
    for number in range(6):
        more = propose(call, proposer, title=f"Fler {number}")
        score(more, reviewer, 3, 3)
    score(first, second_reviewer, 4, 4)
    assert (queries(list_url(call.expo)), queries(review_url(first))) == few
