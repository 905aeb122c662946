"""The public pages fit a phone (390 px wide) without scrolling sideways: a page wider than
the screen makes the phone zoom it out, and "my tickets" is the page shown at the gate."""

import pytest

from events.models import Expo, Hall, Room, Venue
from tests.conftest import add_session, attendee
from ticketing import services

pytestmark = pytest.mark.django_db(transaction=True)

PHONE_WIDTH = 390

LONG_ORGANISATION = "Stadsbyggnadskontorets-hållbarhetsavdelning-för-framtidens-smarta-städer AB"
LONG_EMAIL = "anna-karin.stadsbyggnadskontoret.hallbarhetsavdelningen@malmo-stad.example.org"
LONG_NAME = "Maria Magdalena Åkesson-Öberg-Næss-Lindqvist-Håkansson"

PAGE_WIDTH = "() => document.documentElement.scrollWidth"


def box(page, selector):
    return page.locator(selector).bounding_box()


def inside(inner, outer):
    return (
        inner["x"] >= outer["x"]
        and inner["y"] >= outer["y"]
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"]
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"]
    )


@pytest.fixture
def order(future_expo, future_season):
    return services.register(
        future_expo,
        future_season,
        [attendee(LONG_NAME, LONG_EMAIL, organisation=LONG_ORGANISATION)],
    )


def test_my_tickets_fits_a_phone_with_its_facts_inside_the_ticket(live_server, page, order):
    page.goto(f"{live_server.url}/expos/future/my-tickets/{order.secret}/")

    assert page.evaluate(PAGE_WIDTH) <= PHONE_WIDTH
    ticket = box(page, "section.ticket")
    for label in ("Organisation", "Status"):
        fact = page.locator(".ticket .facts > div").filter(has=page.get_by_text(label, exact=True))
        for part in ("dt", "dd"):
            assert inside(fact.locator(part).bounding_box(), ticket), f"{label} ({part}) is outside"


def test_public_pages_fit_a_phone(live_server, page, future_expo, future_day, order):
    hall = Hall.objects.create(expo=future_expo, slug="h", name=LONG_ORGANISATION, capacity=100)
    room = Room.objects.create(expo=future_expo, hall=hall, slug="r", name="Aula", capacity=50)
    session = add_session(
        future_expo, room, future_day, 10, title=f"Workshop: {LONG_ORGANISATION}", capacity=20
    )
    Expo.objects.create(
        slug="next",
        name=f"Expo of the {LONG_ORGANISATION}",
        start_date=future_day,
        end_date=future_day,
    )
    Venue.objects.create(expo=future_expo, name=LONG_ORGANISATION, address=LONG_EMAIL)
    paths = {
        "expos": "/",
        "home": "/expos/future/",
        "programme": f"/expos/future/programme/?day={future_day.isoformat()}",
        "session": f"/expos/future/sessions/{session.pk}/",
        "registration": "/expos/future/register/",
    }
    too_wide = {}
    for name, path in paths.items():
        page.goto(live_server.url + path)
        width = page.evaluate(PAGE_WIDTH)
        if width > PHONE_WIDTH:
            too_wide[name] = width
    assert not too_wide, f"wider than {PHONE_WIDTH} px: {too_wide}"
