"""A visitor's real day on a phone: they open their tickets from the e-mail's link, go to a
session in the programme, book a seat there, are told when a booking is refused and why,
and cancel."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from events.models import Hall, Room
from tests.conftest import add_session, attendee
from tests.e2e.test_accessibility import WCAG_21_AA, describe
from ticketing import services
from ticketing.models import SessionBooking

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def day(future_day):
    return future_day


@pytest.fixture
def programme(future_expo, day):
    hall = Hall.objects.create(expo=future_expo, slug="a", name="Hall A", capacity=500)
    aula = Room.objects.create(expo=future_expo, hall=hall, slug="r", name="Aula", capacity=100)
    verkstad = Room.objects.create(
        expo=future_expo, hall=hall, slug="v", name="Verkstad", capacity=20
    )
    return {
        "workshop": add_session(future_expo, aula, day, 10, capacity=20, title="Bygg en bikupa"),
        "parallel": add_session(future_expo, verkstad, day, 10, capacity=5, title="Stadsodling"),
    }


def fits(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    return page.evaluate("() => document.documentElement.scrollWidth") <= width


def no_violations(page):
    violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
    assert not violations, describe(violations)


def test_a_visitor_books_from_the_session_page_and_cancels(
    live_server, page, future_expo, future_season, programme
):
    order = services.register(future_expo, future_season, [attendee()])
    page.goto(f"{live_server.url}/expos/future/my-tickets/{order.secret}/")
    page.get_by_text("Book a session").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Bygg en bikupa").click()

    assert page.get_by_role("heading", name="Book with your tickets").is_visible()
    book = page.get_by_role("button", name="Book a seat (Åsa Öberg)")
    assert book.is_visible()
    assert fits(page, 390)
    no_violations(page)

    with page.expect_navigation():
        book.click()
    assert "You have a seat in “Bygg en bikupa”." in page.get_by_role("status").inner_text()
    assert page.get_by_text("Booked: you have a seat").is_visible()
    assert SessionBooking.objects.get().status == "booked"
    assert fits(page, 390)
    no_violations(page)
    assert fits(page, 1366)
    page.set_viewport_size({"width": 390, "height": 844})

    # The session at the same time, in the next room: refused, and the page says why.
    page.goto(f"{live_server.url}/expos/future/sessions/{programme['parallel'].pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Book a seat (Åsa Öberg)").click()
    alert = page.get_by_role("alert").inner_text()
    assert "“Stadsodling” is not booked: You have booked “Bygg en bikupa” at the same time." in (
        alert
    )
    assert fits(page, 390)
    no_violations(page)

    page.goto(f"{live_server.url}/expos/future/sessions/{programme['workshop'].pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Cancel my booking (Åsa Öberg)").click()
    assert "Your booking of “Bygg en bikupa” is cancelled." in (
        page.get_by_role("status").inner_text()
    )
    assert SessionBooking.objects.get().status == "cancelled"
    assert page.get_by_role("button", name="Book a seat (Åsa Öberg)").is_visible()
    assert fits(page, 390)
