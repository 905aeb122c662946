"""The review in a real browser: a reviewer signs in, scores a proposal and sees the
other reviewer's scores appear beside theirs; an organiser ticks two proposals on the
list and accepts them at once. Every page on the way fits the phone and passes axe."""

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from events.models import Track
from proposals import services
from proposals.models import Call, Criterion, Proposal
from tests.e2e.pages import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PHONE = 390


def fits_and_passes_axe(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE, f"{page.url} is {width}px wide"
    violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
    assert not violations, "\n".join(
        f"{v['id']}: {v['help']} at {[node['target'] for node in v['nodes'][:3]]}"
        for v in violations
    )


@pytest.fixture
def call(future_expo, django_user_model):
    future_expo.languages = ["sv", "en"]
    future_expo.save()
    green = Track.objects.create(expo=future_expo, slug="green", name="Grön stad")
    now = timezone.now()
    call = services.save_call(
        Call(
            expo=future_expo,
            opens_at=now - dt.timedelta(days=1),
            closes_at=now + dt.timedelta(days=5),
            proposals_per_partner=5,
        ),
        tracks=[green],
    )
    for position, (name, highest) in enumerate((("Relevans", 5), ("Originalitet", 10)), 1):
        services.save_criterion(Criterion(call=call, position=position, name=name, highest=highest))
    return call


def propose(call, proposer, title, language):
    return services.submit_proposal(
        call,
        proposer=proposer,
        fields={
            "title": title,
            "abstract": "Om staden.",
            "kind": "talk",
            "length_minutes": 30,
            "language": language,
            "audience": "Alla.",
            "preferred_days": [],
        },
        speakers=[{"name": f"Talare {title}", "email": f"{language}@example.org"}],
    )


def test_a_reviewer_scores_and_an_organiser_accepts_in_bulk(
    live_server, page, browser, client, call, django_user_model
):
    users = django_user_model.objects
    proposer = users.create_user("pia", email="pia@example.org")
    bees = propose(call, proposer, "Bikupor på taket", "sv")
    trees = propose(call, proposer, "Trees of the city", "en")
    left = propose(call, proposer, "Left for later", "en")
    reviewer = users.create_user("rita", first_name="Rita", last_name="Granskare")
    other = users.create_user("rolf", first_name="Rolf", last_name="Läsare")
    call.reviewers.add(reviewer, other)
    organiser = users.create_user("olga")
    call.expo.organisers.add(organiser)
    criteria = list(call.criteria.all())
    services.review_proposal(
        bees, reviewer=other, scores={criteria[0].pk: 2, criteria[1].pk: 6}, comment="Så där."
    )

    # The reviewer: the other's scores stay hidden until theirs are in.
    sign_in(page, client, reviewer, live_server.url)
    page.goto(f"{live_server.url}/manage/future/proposals/")
    fits_and_passes_axe(page)
    assert page.get_by_role("checkbox").count() == 0  # reviewers do not decide
    page.get_by_role("link", name="Bikupor på taket").click()
    assert page.get_by_text("1 review by another reviewer is hidden").is_visible()
    assert page.get_by_text("Så där.").count() == 0
    page.get_by_label("Relevans").fill("9")  # out of range: refused on the field
    page.get_by_label("Originalitet").fill("8")
    page.get_by_role("button", name="Send my review").click()
    assert page.locator(".error-summary").is_visible()
    fits_and_passes_axe(page)
    page.get_by_label("Relevans").fill("4")
    page.get_by_label("Comment").fill("Ett bra ämne för våren.")
    page.get_by_role("button", name="Send my review").click()
    page.get_by_text("Your review is saved.").wait_for()
    scores = page.get_by_role("region", name="Scores of each reviewer, by criterion")
    assert scores.get_by_role("columnheader", name="You").is_visible()
    assert scores.get_by_role("columnheader", name="Rolf Läsare").is_visible()
    assert page.get_by_text("Så där.").is_visible()
    fits_and_passes_axe(page)

    # The organiser, in a browser of their own, accepts two of the three at once.
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-GB")
    desk = context.new_page()
    sign_in(desk, client, organiser, live_server.url)
    desk.goto(f"{live_server.url}/manage/future/proposals/?order=score")
    desk.get_by_label("Tick “Bikupor på taket”").check()
    desk.get_by_label("Tick “Trees of the city”").check()
    desk.get_by_role("button", name="Accept the ticked").click()
    desk.get_by_text("Accepted:").wait_for()
    assert desk.get_by_role("checkbox").count() == 1  # only the undecided one is left
    context.close()

    states = dict(Proposal.objects.values_list("title", "state"))
    assert states == {
        "Bikupor på taket": "accepted",
        "Trees of the city": "accepted",
        "Left for later": "submitted",
    }
    for proposal in (bees, trees):
        proposal.refresh_from_db()
        assert proposal.session.planned_start is None
    assert left
