"""``manage.py screenshots`` shoots the visitor's pages on a phone and a desktop screen,
and keeps nothing of the order and the sign-in it makes for them."""

import datetime as dt
import io
import os
import shutil

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session as SignIn
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from events.models import Expo, Hall, Room
from exhibitors import services as exhibitors
from exhibitors.demo import PORTAL_USER
from exhibitors.models import Exhibitor
from proposals import services as proposing
from proposals.demo import PROGRAMME_LEAD
from proposals.models import Call, Criterion
from tests.conftest import add_session
from tests.e2e.conftest import CHROMIUM
from ticketing.models import Order, Quota, SessionBooking, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

PROGRAMME_SHOTS = ("programme", "programme-grid", "programme-changes", "session")


@pytest.fixture(autouse=True)
def chromium():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        pytest.skip("Debian's chromium package is not installed")


def test_the_phone_and_desktop_pages_are_shot_and_nothing_is_kept(
    tmp_path, future_expo, future_season
):
    hall = Hall.objects.create(expo=future_expo, slug="a", name="Hall A", capacity=500)
    room = Room.objects.create(expo=future_expo, hall=hall, slug="r", name="Aula", capacity=100)
    add_session(future_expo, room, future_expo.start_date + dt.timedelta(days=1), 10, capacity=9)
    exhibitor = Exhibitor.objects.create(expo=future_expo, name="Acme Stad AB")
    get_user_model().objects.create_user(PORTAL_USER, email="elsa@example.org")
    exhibitors.add_member(exhibitor, username=PORTAL_USER, name="Elsa", by_organiser=True)
    counts = (Order, Ticket, SessionBooking, SignIn)
    kept = [model.objects.count() for model in counts]
    places = sorted(Quota.objects.values_list("pk", "used"))
    out = io.StringIO()

    call_command("screenshots", expo=future_expo.slug, output=tmp_path, stdout=out)

    sizes = {path.name: Image.open(path).size for path in tmp_path.glob("*.png")}
    assert sizes == {
        **{f"{name}-phone.png": (390, 844) for name in PROGRAMME_SHOTS},
        **{f"{name}-desktop.png": (1366, 900) for name in PROGRAMME_SHOTS},
        "my-tickets-phone.png": (390, 844),
        "lead-scan-phone.png": (390, 844),
    }
    assert "10 screenshots" in out.getvalue()
    assert [model.objects.count() for model in counts] == kept
    assert sorted(Quota.objects.values_list("pk", "used")) == places
    assert Expo.objects.get(pk=future_expo.pk).sessions.count() == 1


def test_the_review_is_shot_as_the_programme_lead(tmp_path, future_expo, django_user_model):
    now = timezone.now()
    call = proposing.save_call(
        Call(expo=future_expo, opens_at=now, closes_at=now + dt.timedelta(days=5))
    )
    criterion = proposing.save_criterion(Criterion(call=call, name="Relevans"))
    lead = django_user_model.objects.create_user(PROGRAMME_LEAD[0])
    future_expo.organisers.add(lead)
    proposal = proposing.submit_proposal(
        call,
        proposer=lead,
        fields={
            "title": "Bikupor på taket",
            "abstract": "Om bin.",
            "kind": "talk",
            "length_minutes": 30,
            "language": "en",
            "audience": "Alla.",
            "preferred_days": [],
        },
        speakers=[{"name": "Åsa", "email": "asa@example.org"}],
    )
    proposing.review_proposal(proposal, reviewer=lead, scores={criterion.pk: 3})
    signed_in = SignIn.objects.count()

    call_command("screenshots", expo=future_expo.slug, output=tmp_path, stdout=io.StringIO())

    sizes = {path.name: Image.open(path).size for path in tmp_path.glob("review*.png")}
    assert sizes == {
        "review-list-phone.png": (390, 844),
        "review-phone.png": (390, 844),
        "review-list-desktop.png": (1366, 900),
        "review-desktop.png": (1366, 900),
    }
    assert SignIn.objects.count() == signed_in
