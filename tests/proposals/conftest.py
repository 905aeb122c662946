import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from events.models import OpeningDay, Track
from exhibitors.models import Exhibitor, Member
from proposals import services
from proposals.models import Call, Criterion


@pytest.fixture(autouse=True)
def in_english(client):
    """Messages and pages are checked in English, whatever language a test before left
    active and although the expo speaks Swedish first: the visitor chose English."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def expo(future_expo):
    """The running expo of seven days, speaking Swedish and English; its third day closed."""
    future_expo.languages = ["sv", "en"]
    future_expo.save()
    OpeningDay.objects.create(
        expo=future_expo, date=future_expo.start_date + dt.timedelta(days=2), is_closed=True
    )
    return future_expo


@pytest.fixture
def green(expo):
    return Track.objects.create(expo=expo, slug="green", name="Green city")


@pytest.fixture
def call(expo, green):
    now = timezone.now()
    call = Call(
        expo=expo,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=10),
        kinds=["talk", "workshop", "exhibition"],
        proposals_per_partner=2,
    )
    return services.save_call(call, tracks=[green])


@pytest.fixture
def acme(expo):
    return Exhibitor.objects.create(expo=expo, name="Acme Stad AB")


@pytest.fixture
def globex(expo):
    return Exhibitor.objects.create(expo=expo, name="Globex Kommun")


@pytest.fixture
def acme_staff(django_user_model, acme):
    user = django_user_model.objects.create_user(
        "siv", email="siv@acme.example", password="pw-siv-12345"
    )
    Member.objects.create(exhibitor=acme, user=user)
    return user


@pytest.fixture
def globex_staff(django_user_model, globex):
    user = django_user_model.objects.create_user(
        "gun", email="gun@globex.example", password="pw-gun-12345"
    )
    Member.objects.create(exhibitor=globex, user=user)
    return user


@pytest.fixture
def proposer(django_user_model):
    return django_user_model.objects.create_user(
        "pia@example.org", email="pia@example.org", password="pw-pia-12345"
    )


def fields(expo, **changes):
    """A valid proposal's fields, with ``changes``."""
    return {
        "title": "Bikupor på taket",
        "abstract": "Hur staden blir en bättre plats för bin.",
        "kind": "talk",
        "length_minutes": 45,
        "language": "sv",
        "track": None,
        "audience": "Alla som odlar i staden.",
        "accessibility_needs": "",
        "preferred_days": [expo.start_date + dt.timedelta(days=1)],
        **changes,
    }


SPEAKERS = [{"name": "Åsa Öberg", "email": "asa@example.org", "biography": "Biodlare."}]


# ---- The review ----


@pytest.fixture
def criteria(call):
    return [
        services.save_criterion(Criterion(call=call, position=1, name="Relevans", highest=5)),
        services.save_criterion(Criterion(call=call, position=2, name="Originality", highest=10)),
    ]


def add_reviewer(call, username):
    user = get_user_model().objects.create_user(
        username, email=f"{username}@review.example", password=f"pw-{username}-12345"
    )
    call.reviewers.add(user)
    return user


@pytest.fixture
def reviewer(call):
    return add_reviewer(call, "rita")


@pytest.fixture
def second_reviewer(call):
    return add_reviewer(call, "rolf")


def propose(call, user, exhibitor=None, speakers=SPEAKERS, **changes):
    return services.submit_proposal(
        call,
        proposer=user,
        exhibitor=exhibitor,
        fields=fields(call.expo, **changes),
        speakers=speakers,
    )


def score(proposal, reviewer, relevance, originality, comment=""):
    """``reviewer``'s review of ``proposal`` on the two criteria of ``criteria``."""
    first, second = proposal.call.criteria.order_by("position")
    return services.review_proposal(
        proposal,
        reviewer=reviewer,
        scores={first.pk: relevance, second.pk: originality},
        comment=comment,
    )
