"""The rules of the review: who sees which scores, what a score may be, and accepting and
rejecting, alone and in bulk, once only."""

import pytest
from django.core import mail

from events import selectors as programme
from events.models import Session, Speaker
from expo.errors import Conflict, InvalidInput
from outbox.models import Mail
from proposals import selectors, services
from proposals.models import Call, Criterion, Proposal, Review, Score
from tests.conftest import at_once, send_queued_mail
from tests.proposals.conftest import add_reviewer, propose, score

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def many_proposals_each(call):
    call.proposals_per_partner = 20
    call.save()


@pytest.fixture
def proposal(call, proposer, criteria):
    return propose(call, proposer)


def mean_in_list(call, user, proposal):
    return next(p.mean for p in selectors.review_queue(call, user) if p.pk == proposal.pk)


# ---- Who sees which scores ----


def test_a_reviewer_sees_the_others_scores_only_after_giving_theirs(
    call, proposal, reviewer, second_reviewer
):
    score(proposal, reviewer, 4, 8, comment="Stark idé.")
    sheet = selectors.review_sheet(proposal, second_reviewer)
    assert (sheet.reviews, sheet.hidden, sheet.mine) == ([], 1, None)
    assert mean_in_list(call, second_reviewer, proposal) is None
    # Nor can the list's order or its score filter tell the hidden mean.
    assert list(selectors.review_queue(call, second_reviewer, lowest_score=1)) == []

    score(proposal, second_reviewer, 2, 4)
    sheet = selectors.review_sheet(proposal, second_reviewer)
    assert sheet.hidden == 0
    assert [review.reviewer for review in sheet.reviews] == [second_reviewer, reviewer]
    assert [row.scores for row in sheet.rows] == [[2, 4], [4, 8]]
    assert [row.mean for row in sheet.rows] == [3, 6]
    assert sheet.mean == pytest.approx(60)  # (40 + 40 + 80 + 80) / 4 percent
    assert mean_in_list(call, second_reviewer, proposal) == pytest.approx(60)


def test_with_the_setting_off_reviewers_see_every_score_at_once(
    call, proposal, reviewer, second_reviewer
):
    call.scores_hidden_until_reviewed = False
    call.save()
    score(proposal, reviewer, 5, 10)
    sheet = selectors.review_sheet(proposal, second_reviewer)
    assert [review.reviewer for review in sheet.reviews] == [reviewer]
    assert sheet.mean == 100
    assert mean_in_list(call, second_reviewer, proposal) == 100


def test_organisers_see_every_score_without_reviewing(call, proposal, reviewer, organiser):
    score(proposal, reviewer, 1, 2)
    sheet = selectors.review_sheet(proposal, organiser)
    assert sheet.hidden == 0 and [r.reviewer for r in sheet.reviews] == [reviewer]
    assert mean_in_list(call, organiser, proposal) == pytest.approx(20)


def test_the_list_sorts_and_filters_by_mean_score(call, proposer, criteria, organiser, reviewer):
    low, high, unscored = (propose(call, proposer, title=t) for t in ("Low", "High", "None"))
    score(low, reviewer, 1, 1)
    score(high, reviewer, 5, 9)
    titles = [p.title for p in selectors.review_queue(call, organiser, order="score")]
    assert titles == ["High", "Low", "None"]
    titles = [p.title for p in selectors.review_queue(call, organiser, order="score_low")]
    assert titles == ["Low", "High", "None"]
    assert [p.title for p in selectors.review_queue(call, organiser, lowest_score=50)] == ["High"]
    counts = {p.title: p.review_count for p in selectors.review_queue(call, organiser)}
    assert counts == {"Low": 1, "High": 1, "None": 0}
    assert unscored.pk in {p.pk for p in selectors.review_queue(call, organiser, state="submitted")}


def test_the_list_filters_by_track_kind_partner_language_and_state(
    call, proposer, criteria, organiser, acme, acme_staff, green
):
    mine = propose(call, proposer, title="Mine", language="en", kind="workshop", track=green)
    acmes = propose(call, acme_staff, exhibitor=acme, title="Acme's")
    gone = propose(call, proposer, title="Gone")
    services.withdraw_proposal(gone)

    def titles(**filters):
        return sorted(p.title for p in selectors.review_queue(call, organiser, **filters))

    assert titles() == ["Acme's", "Mine"]  # withdrawn ones only when asked for
    assert titles(state="withdrawn") == ["Gone"]
    assert titles(track=green) == ["Mine"]
    assert titles(kind="workshop") == ["Mine"]
    assert titles(exhibitor=acme.pk) == ["Acme's"]
    assert titles(exhibitor="none") == ["Mine"]
    assert titles(language="sv") == ["Acme's"]
    assert mine and acmes


# ---- What a score may be ----


@pytest.mark.parametrize(
    ("relevance", "originality", "comment"),
    [
        (6, 5, ""),  # above the highest
        (-1, 5, ""),
        ("3\x00", 5, ""),
        ("three", 5, ""),
        (True, 5, ""),
        (10**12, 5, ""),
        (None, 5, ""),
        (3, 5, "Nul\x00"),
        (3, 5, "x" * 2001),
    ],
)
def test_a_bad_score_or_comment_is_refused_and_nothing_is_written(
    proposal, reviewer, relevance, originality, comment
):
    with pytest.raises(InvalidInput) as refused:
        score(proposal, reviewer, relevance, originality, comment=comment)
    assert set(refused.value.errors) <= {"scores", "comment"}
    assert not Review.objects.exists() and not Score.objects.exists()


def test_every_criterion_needs_a_score(proposal, reviewer, criteria):
    with pytest.raises(InvalidInput) as refused:
        services.review_proposal(proposal, reviewer=reviewer, scores={criteria[0].pk: 3})
    assert refused.value.errors["scores"] == ["Originality: give a score."]


def test_a_criterion_of_another_call_is_refused(proposal, reviewer, criteria, other_expo):
    other_call = Call.objects.create(
        expo=other_expo, opens_at=proposal.call.opens_at, closes_at=proposal.call.closes_at
    )
    foreign = Criterion.objects.create(call=other_call, name="Elsewhere", highest=5)
    scores = {criteria[0].pk: 3, criteria[1].pk: 3, foreign.pk: 3}
    with pytest.raises(InvalidInput):
        services.review_proposal(proposal, reviewer=reviewer, scores=scores)
    assert not Review.objects.exists()


def test_a_reviewer_of_another_expo_cannot_review(proposal, other_expo, criteria):
    other_call = Call.objects.create(
        expo=other_expo, opens_at=proposal.call.opens_at, closes_at=proposal.call.closes_at
    )
    outsider = add_reviewer(other_call, "otto")
    with pytest.raises(Conflict) as refused:
        score(proposal, outsider, 3, 3)
    assert refused.value.code == "not_a_reviewer"
    assert not Review.objects.exists()


def test_a_second_review_by_the_same_reviewer_replaces_the_first(proposal, reviewer):
    score(proposal, reviewer, 1, 1, comment="Först")
    review = score(proposal, reviewer, 5, 10, comment="Sedan")
    assert Review.objects.get() == review and review.comment == "Sedan"
    assert sorted(Score.objects.values_list("value", flat=True)) == [5, 10]


def test_a_withdrawn_or_decided_proposal_is_not_reviewed(call, proposer, reviewer, criteria):
    withdrawn = services.withdraw_proposal(propose(call, proposer))
    with pytest.raises(Conflict) as refused:
        score(withdrawn, reviewer, 3, 3)
    assert refused.value.code == "proposal_locked"


def test_a_scale_cannot_shrink_below_a_given_score(proposal, reviewer, criteria):
    score(proposal, reviewer, 5, 10)
    criteria[0].highest = 4
    with pytest.raises(InvalidInput) as refused:
        services.save_criterion(criteria[0])
    assert "highest" in refused.value.errors
    criteria[0].highest = 7
    services.save_criterion(criteria[0])


# ---- Accepting and rejecting ----


def test_an_accepted_proposal_becomes_an_unscheduled_session_with_its_speakers(
    call, proposer, criteria, organiser, green, acme, acme_staff
):
    known = Speaker.objects.create(expo=call.expo, name="Åsa Ö.", email="ASA@example.org")
    proposal = propose(
        call,
        acme_staff,
        exhibitor=acme,
        track=green,
        kind="workshop",
        length_minutes=90,
        language="en",
        speakers=[
            {"name": "Åsa Öberg", "email": "asa@example.org", "biography": "Biodlare."},
            {"name": "Bo Ek", "email": "bo@example.org", "biography": "Snickare."},
        ],
    )
    decision = services.accept_proposals(call.expo, [proposal.pk], by=organiser)
    assert [p.pk for p in decision.decided] == [proposal.pk] and decision.skipped == []
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.ACCEPTED and proposal.decided_at is not None
    session = proposal.session
    assert (session.title, session.abstract, session.kind, session.language) == (
        proposal.title,
        proposal.abstract,
        "workshop",
        "en",
    )
    assert (session.track, session.minutes) == (green, 90)
    assert session.planned_start is None and session.planned_room is None  # in the tray
    assert session.start is None  # not in the released schedule
    assert session not in programme.programme(call.expo)
    speakers = list(session.speakers.order_by("pk"))
    assert speakers[0] == known  # the expo's speaker with that address, reused
    assert (speakers[1].name, speakers[1].email, speakers[1].organisation) == (
        "Bo Ek",
        "bo@example.org",
        "Acme Stad AB",
    )
    assert Speaker.objects.filter(expo=call.expo).count() == 2


def test_deciding_twice_does_nothing_the_second_time(call, proposal, organiser):
    services.accept_proposals(call.expo, [proposal.pk], by=organiser)
    again = services.accept_proposals(call.expo, [proposal.pk], by=organiser)
    rejected = services.reject_proposals(call.expo, [proposal.pk], by=organiser)
    assert again.decided == [] and [p.pk for p in again.skipped] == [proposal.pk]
    assert rejected.decided == []
    assert Session.objects.count() == 1
    assert Mail.objects.filter(composer="proposals.emails.decision").count() == 1
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.ACCEPTED


def test_a_rejected_proposal_makes_no_session(call, proposal, organiser):
    services.reject_proposals(call.expo, [proposal], by=organiser)
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.REJECTED and proposal.session is None
    assert not Session.objects.exists()


def test_bulk_decisions_leave_withdrawn_and_other_expos_proposals_alone(
    call, proposer, criteria, organiser, other_expo
):
    first, second = propose(call, proposer, title="A"), propose(call, proposer, title="B")
    gone = services.withdraw_proposal(propose(call, proposer, title="Gone"))
    other_call = Call.objects.create(
        expo=other_expo, opens_at=call.opens_at, closes_at=call.closes_at
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
    decision = services.reject_proposals(
        call.expo, [first.pk, second.pk, gone.pk, foreign.pk], by=organiser
    )
    assert sorted(p.title for p in decision.decided) == ["A", "B"]
    assert [p.title for p in decision.skipped] == ["Gone"]
    foreign.refresh_from_db()
    assert foreign.state == Proposal.State.SUBMITTED


def test_reviewers_do_not_decide(call, proposal, reviewer):
    with pytest.raises(Conflict) as refused:
        services.accept_proposals(call.expo, [proposal.pk], by=reviewer)
    assert refused.value.code == "not_an_organiser"
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SUBMITTED


def test_the_proposer_is_told_in_the_proposals_language_once(
    call, proposer, criteria, organiser, settings
):
    settings.EXPO_BASE_URL = "https://expo.example"
    call.expo.name = "City Expo"
    call.expo.name_translations = {"sv": "Stadsmässan"}
    call.expo.save()
    swedish = propose(call, proposer, title="Bikupor", language="sv")
    english = propose(call, proposer, title="Beehives", language="en")
    services.accept_proposals(call.expo, [swedish.pk], by=organiser)
    services.reject_proposals(call.expo, [english.pk], by=organiser)
    services.accept_proposals(call.expo, [swedish.pk, english.pk], by=organiser)  # a retry
    send_queued_mail()
    assert sorted(message.subject for message in mail.outbox) == [
        "Antaget till Stadsmässan: Bikupor",
        "Your proposal to City Expo: Beehives",
    ]
    accepted = next(m for m in mail.outbox if "Bikupor" in m.subject)
    assert accepted.to == ["pia@example.org"]
    assert "https://expo.example/expos/future/call/" in accepted.body
    assert "har antagits till programmet" in accepted.body
    rejected = next(m for m in mail.outbox if "Beehives" in m.subject)
    assert "not in the programme this time" in rejected.body


def test_a_partners_proposal_points_its_proposer_to_the_portal(
    call, criteria, organiser, acme, acme_staff, settings
):
    settings.EXPO_BASE_URL = "https://expo.example"
    proposal = propose(call, acme_staff, exhibitor=acme)
    services.accept_proposals(call.expo, [proposal.pk], by=organiser)
    send_queued_mail()
    (message,) = mail.outbox
    assert message.to == ["siv@acme.example"]
    assert f"https://expo.example/portal/{acme.pk}/proposals/" in message.body


@pytest.mark.django_db(transaction=True)
def test_two_organisers_accepting_at_once_make_one_session(
    call, proposer, criteria, organiser, django_user_model
):
    proposal = propose(call, proposer)
    other = django_user_model.objects.create_user("oskar", password="pw-oskar-123")
    call.expo.organisers.add(other)
    outcomes = at_once(
        lambda user: services.accept_proposals(call.expo, [proposal.pk], by=user),
        [organiser, other],
    )
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sorted(len(o.decided) for o in outcomes) == [0, 1]
    assert Session.objects.count() == 1
    assert Speaker.objects.count() == 1
    assert Mail.objects.filter(composer="proposals.emails.decision").count() == 1


# ---- Reviewers named by address ----


def test_reviewers_are_named_by_address_and_told_once(call, django_user_model, settings):
    settings.EXPO_BASE_URL = "https://expo.example"
    known = django_user_model.objects.create_user("kim", email="Kim@Example.org", password="x")
    services.set_reviewers(call, ["kim@example.org", "new@example.org", ""], language="en")
    services.set_reviewers(call, ["kim@example.org", "NEW@example.org"], language="en")
    reviewers = set(call.reviewers.all())
    assert known in reviewers and len(reviewers) == 2
    newcomer = django_user_model.objects.get(email="new@example.org")
    assert not newcomer.has_usable_password()
    send_queued_mail()
    assert sorted(m.to[0] for m in mail.outbox) == ["Kim@example.org", "new@example.org"]
    invitation = next(m for m in mail.outbox if m.to == ["new@example.org"])
    assert "https://expo.example/manage/future/proposals/" in invitation.body
    assert "/accounts/reset/" in invitation.body
    assert "/accounts/reset/" not in next(m for m in mail.outbox if m is not invitation).body


@pytest.mark.parametrize("address", ["not an address", "a\x00@example.org", "x" * 250 + "@e.org"])
def test_a_bad_reviewer_address_is_refused(call, address):
    with pytest.raises(InvalidInput) as refused:
        services.set_reviewers(call, [address], language="en")
    assert "reviewers" in refused.value.errors
    assert not call.reviewers.exists()


def test_a_reviewers_reviews_are_exported_and_unsigned_on_erasure(call, proposal, reviewer):
    from ticketing import privacy

    score(proposal, reviewer, 3, 7, comment="Lovande.")
    export = privacy.export_person("rita@review.example")
    (row,) = export["sections"]["proposal reviews"]
    assert row["comment"] == "Lovande." and row["scores"] == {"Relevans": 3, "Originality": 7}
    privacy.erase_person("rita@review.example")
    review = Review.objects.get()
    assert review.reviewer is None and review.scores.count() == 2
    assert not call.reviewers.exists()
