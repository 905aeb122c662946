import pytest
from django.contrib.auth import get_user_model

from events.models import Hall
from exhibitors import services
from exhibitors.models import Booth, Exhibitor


@pytest.fixture
def hall(future_expo):
    return Hall.objects.create(expo=future_expo, slug="a", name="Hall A", capacity=900)


@pytest.fixture
def acme(future_expo):
    return Exhibitor.objects.create(expo=future_expo, name="Acme Stad AB")


@pytest.fixture
def globex(future_expo):
    return Exhibitor.objects.create(expo=future_expo, name="Globex Kommun")


@pytest.fixture
def booth(future_expo, hall):
    return Booth.objects.create(expo=future_expo, hall=hall, code="A1", x=1, y=1, width=3, depth=3)


@pytest.fixture
def people(future_expo, acme, globex):
    """One user in each role the permission matrix covers."""
    users = get_user_model().objects
    organiser = users.create_user("organiser", password="pw-organiser-1")
    future_expo.organisers.add(organiser)
    own = services.add_member(acme, username="acme-staff", email="s@acme.se", name="Siv Acme").user
    other = services.add_member(
        globex, username="globex-staff", email="g@globex.se", name="Gun Globex"
    ).user
    visitor = users.create_user("visitor", password="pw-visitor-1")
    return {
        "organiser": organiser,
        "own staff": own,
        "other staff": other,
        "visitor": visitor,
        "anonymous": None,
    }
