"""The rules of the call for proposals, as every door meets them."""

import datetime as dt

import pytest
from django.utils import timezone

from exhibitors.models import Exhibitor
from expo.errors import Conflict, InvalidInput
from proposals import services
from proposals.models import Call, Proposal, ProposalSpeaker
from tests.conftest import at_once
from tests.proposals.conftest import SPEAKERS, fields

pytestmark = pytest.mark.django_db


def submit(call, user, exhibitor=None, speakers=SPEAKERS, now=None, **changes):
    return services.submit_proposal(
        call,
        proposer=user,
        exhibitor=exhibitor,
        fields=fields(call.expo, **changes),
        speakers=speakers,
        now=now,
    )


def test_a_proposal_is_saved_with_its_speakers(call, proposer, green):
    proposal = submit(call, proposer, track=green, accessibility_needs="Ramp to the stage")
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SUBMITTED
    assert proposal.expo == call.expo and proposal.exhibitor is None
    assert proposal.track == green
    assert proposal.preferred_days == [(call.expo.start_date + dt.timedelta(days=1)).isoformat()]
    assert [(s.name, s.email) for s in proposal.speakers.all()] == [
        ("Åsa Öberg", "asa@example.org")
    ]


def test_before_the_call_opens_a_proposal_is_refused(call, proposer):
    with pytest.raises(Conflict) as refused:
        submit(call, proposer, now=call.opens_at - dt.timedelta(seconds=1))
    assert refused.value.code == "call_not_open"
    assert not Proposal.objects.exists()


def test_after_the_deadline_a_proposal_is_refused_naming_the_deadline_on_the_expos_clock(
    call, proposer
):
    call.closes_at = dt.datetime(2026, 3, 1, 23, 0, tzinfo=dt.UTC)  # midnight in Stockholm
    call.opens_at = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    call.save()
    with pytest.raises(Conflict) as refused:
        submit(call, proposer, now=call.closes_at)
    assert refused.value.code == "call_closed"
    assert "Monday 2 March 2026, 00:00 (Europe/Stockholm)" in str(refused.value.message)
    assert not Proposal.objects.exists()
    # A second before is still in time.
    submit(call, proposer, now=call.closes_at - dt.timedelta(seconds=1))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "panel"}, "kind"),  # not accepted by this call
        ({"kind": "juggling"}, "kind"),
        ({"language": "fi"}, "language"),  # not one of the expo's languages
        ({"length_minutes": 2}, "length_minutes"),
        ({"length_minutes": 24 * 60}, "length_minutes"),
        ({"length_minutes": None}, "length_minutes"),
        ({"title": ""}, "title"),
        ({"title": "Two\nlines"}, "title"),
        ({"title": "Nul\x00"}, "title"),
        ({"abstract": "x" * 5001}, "abstract"),
        ({"audience": "\x00"}, "audience"),
        ({"preferred_days": [dt.date(9999, 12, 31)]}, "preferred_days"),
        ({"preferred_days": [dt.date(2000, 1, 1)]}, "preferred_days"),
        ({"preferred_days": ["9999-12-31"]}, "preferred_days"),
        ({"preferred_days": ["Monday"]}, "preferred_days"),
        ({"preferred_days": [None]}, "preferred_days"),
    ],
)
def test_a_field_that_breaks_a_rule_is_refused_on_that_field(call, proposer, changes, field):
    with pytest.raises(InvalidInput) as refused:
        submit(call, proposer, **changes)
    assert field in refused.value.errors
    assert not Proposal.objects.exists()


def test_a_closed_day_is_no_preferred_day(call, proposer):
    closed = call.expo.start_date + dt.timedelta(days=2)
    with pytest.raises(InvalidInput) as refused:
        submit(call, proposer, preferred_days=[closed])
    assert "not open on" in refused.value.errors["preferred_days"][0]


def test_only_the_calls_tracks_are_offered(call, proposer):
    other = call.expo.tracks.create(slug="other", name="Not offered")
    with pytest.raises(InvalidInput) as refused:
        submit(call, proposer, track=other)
    assert "track" in refused.value.errors


@pytest.mark.parametrize(
    "speakers",
    [
        [],
        [{"name": "", "email": "a@example.org"}],
        [{"name": "Ann", "email": "not an address"}],
        [{"name": "Ann\x00", "email": "a@example.org"}],
        [{"name": f"S{n}", "email": f"s{n}@example.org"} for n in range(6)],
    ],
)
def test_speakers_are_checked_and_nothing_is_half_written(call, proposer, speakers):
    with pytest.raises(InvalidInput) as refused:
        submit(call, proposer, speakers=speakers)
    assert "speakers" in refused.value.errors
    assert not Proposal.objects.exists()
    assert not ProposalSpeaker.objects.exists()


def test_a_speaker_row_that_fails_in_the_database_takes_the_proposal_with_it(
    call, proposer, monkeypatch
):
    def broken(rows):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(ProposalSpeaker.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        submit(call, proposer)
    assert not Proposal.objects.exists()


def test_an_exhibitor_may_have_the_calls_number_of_proposals_at_once(call, acme, acme_staff):
    submit(call, acme_staff, exhibitor=acme)
    second = submit(call, acme_staff, exhibitor=acme, title="Second")
    with pytest.raises(Conflict) as refused:
        submit(call, acme_staff, exhibitor=acme, title="Third")
    assert refused.value.code == "proposal_limit_reached"
    assert Proposal.objects.filter(exhibitor=acme).count() == 2
    # A withdrawn proposal frees its place.
    services.withdraw_proposal(second)
    submit(call, acme_staff, exhibitor=acme, title="Third")


def test_the_limit_is_per_exhibitor(call, acme, acme_staff, globex, globex_staff, proposer):
    submit(call, acme_staff, exhibitor=acme)
    submit(call, acme_staff, exhibitor=acme)
    submit(call, globex_staff, exhibitor=globex)
    submit(call, proposer)  # for themselves: counted apart from any exhibitor
    submit(call, acme_staff)  # staff proposing for themselves, not for their stand


def test_a_person_proposing_for_themselves_has_the_same_limit(call, acme, acme_staff, proposer):
    submit(call, proposer)
    second = submit(call, proposer, title="Second")
    with pytest.raises(Conflict) as refused:
        submit(call, proposer, title="Third")
    assert refused.value.code == "proposal_limit_reached"
    assert "2 proposals" in str(refused.value.message)
    assert Proposal.objects.filter(proposer=proposer).count() == 2
    services.withdraw_proposal(second)
    submit(call, proposer, title="Third")


@pytest.mark.django_db(transaction=True)
def test_a_persons_proposals_sent_at_once_never_pass_the_limit(call, proposer):
    outcomes = at_once(lambda n: submit(call, proposer, title=f"Race {n}"), range(5))
    refused = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(refused) == 3, outcomes
    assert Proposal.objects.filter(proposer=proposer).count() == 2


@pytest.mark.django_db(transaction=True)
def test_proposals_sent_at_once_never_pass_the_limit(call, acme, acme_staff):
    outcomes = at_once(
        lambda n: submit(call, acme_staff, exhibitor=acme, title=f"Race {n}"), range(5)
    )
    refused = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(refused) == 3, outcomes
    assert all(o.code == "proposal_limit_reached" for o in refused)
    assert Proposal.objects.filter(exhibitor=acme).count() == 2


def test_a_submitted_proposal_is_changed_and_its_speakers_replaced(call, proposer):
    proposal = submit(call, proposer)
    speakers = [
        {"name": "Bo Ek", "email": "bo@example.org", "biography": ""},
        {"name": "Li Wu", "email": "li@example.org", "biography": "Arkitekt."},
    ]
    changed = services.change_proposal(
        proposal, fields=fields(call.expo, title="Nya bikupor", kind="workshop"), speakers=speakers
    )
    assert (changed.title, changed.kind) == ("Nya bikupor", "workshop")
    assert [s.name for s in changed.speakers.all()] == ["Bo Ek", "Li Wu"]


def test_a_refused_change_keeps_the_proposal_as_it_was(call, proposer):
    proposal = submit(call, proposer)
    with pytest.raises(InvalidInput):
        services.change_proposal(
            proposal,
            fields=fields(call.expo, title="Changed"),
            speakers=[{"name": "Bo", "email": "bad"}],
        )
    proposal.refresh_from_db()
    assert proposal.title == "Bikupor på taket"
    assert [s.name for s in proposal.speakers.all()] == ["Åsa Öberg"]


def test_no_change_after_the_deadline(call, proposer):
    proposal = submit(call, proposer)
    with pytest.raises(Conflict) as refused:
        services.change_proposal(
            proposal,
            fields=fields(call.expo, title="Late"),
            speakers=SPEAKERS,
            now=call.closes_at + dt.timedelta(minutes=1),
        )
    assert refused.value.code == "call_closed"


@pytest.mark.parametrize("state", ["withdrawn", "accepted", "rejected"])
def test_only_a_submitted_proposal_is_changed_or_withdrawn(call, proposer, state):
    proposal = submit(call, proposer)
    Proposal.objects.filter(pk=proposal.pk).update(state=state)
    with pytest.raises(Conflict) as refused:
        services.change_proposal(proposal, fields=fields(call.expo), speakers=SPEAKERS)
    assert refused.value.code == "proposal_locked"
    with pytest.raises(Conflict):
        services.withdraw_proposal(proposal)
    proposal.refresh_from_db()
    assert proposal.state == state


def test_a_proposal_is_withdrawn_also_after_the_deadline(call, proposer):
    proposal = submit(call, proposer)
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    assert services.withdraw_proposal(proposal).state == Proposal.State.WITHDRAWN


def test_a_call_closes_after_it_opens_and_takes_known_kinds(expo):
    now = timezone.now()
    with pytest.raises(InvalidInput) as refused:
        services.save_call(Call(expo=expo, opens_at=now, closes_at=now, kinds=["talk"]))
    assert "closes_at" in refused.value.errors
    with pytest.raises(InvalidInput) as refused:
        services.save_call(
            Call(expo=expo, opens_at=now, closes_at=now + dt.timedelta(days=1), kinds=[])
        )
    assert "kinds" in refused.value.errors
    with pytest.raises(InvalidInput) as refused:
        services.save_call(
            Call(
                expo=expo,
                opens_at=now,
                closes_at=dt.datetime(9999, 12, 31, tzinfo=dt.UTC),
                kinds=["talk"],
            )
        )
    assert "closes_at" in refused.value.errors


def test_a_call_offers_its_own_expos_tracks_only(expo, other_expo):
    foreign = other_expo.tracks.create(slug="x", name="Elsewhere")
    now = timezone.now()
    call = Call(expo=expo, opens_at=now, closes_at=now + dt.timedelta(days=1), kinds=["talk"])
    with pytest.raises(InvalidInput) as refused:
        services.save_call(call, tracks=[foreign])
    assert "tracks" in refused.value.errors
    assert not Call.objects.exists()


def test_an_exhibitor_of_another_expo_gets_nothing_here(call, other_expo, proposer):
    stranger = Exhibitor.objects.create(expo=other_expo, name="Stranger")
    with pytest.raises(InvalidInput):
        submit(call, proposer, exhibitor=stranger)


def test_a_persons_proposals_are_exported_and_their_speaker_rows_erased(call, proposer):
    from ticketing import privacy

    submit(call, proposer, speakers=[{"name": "Pia", "email": "PIA@example.org"}])
    export = privacy.export_person("pia@example.org")
    assert [p["title"] for p in export["sections"]["proposals"]] == ["Bikupor på taket"]
    assert [s["name"] for s in export["sections"]["proposal speakers"]] == ["Pia"]
    privacy.erase_person("pia@example.org")
    speaker = ProposalSpeaker.objects.get()
    assert (speaker.name, speaker.email) == ("Erased", "")
    again = privacy.export_person("pia@example.org")
    assert not again["sections"]["proposals"] and not again["sections"]["proposal speakers"]
