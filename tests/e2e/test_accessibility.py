"""Every public page checked with axe-core in Chromium against WCAG 2.1 A and AA: no
violations allowed. (The EU Web Accessibility Directive applies to a city's sites.)"""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from events.models import Conference, Expo, Hall, Room, Speaker, Track, Venue
from exhibitors import services as exhibitors
from exhibitors.models import Booth, Exhibitor
from expo.accounts import set_password_url
from tests.conftest import add_session, attendee
from ticketing import services
from ticketing.models import ScanPoint

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture
def site(future_expo, future_season):
    hall = Hall.objects.create(expo=future_expo, slug="a", name="Hall A", capacity=500)
    room = Room.objects.create(expo=future_expo, hall=hall, slug="r", name="Aula", capacity=100)
    track = Track.objects.create(expo=future_expo, slug="g", name="Grön stad", colour="#1b5e20")
    day = future_expo.start_date + dt.timedelta(days=1)
    conference = Conference.objects.create(
        expo=future_expo, slug="forum", name="Forum", start_date=day, end_date=day
    )
    session = add_session(future_expo, room, day, 10, capacity=20, track=track)
    add_session(future_expo, room, day, 12, capacity=None, conference=conference)
    speaker = Speaker.objects.create(expo=future_expo, name="Åsa Öberg-Næss")
    session.speakers.add(speaker)
    ScanPoint.objects.create(expo=future_expo, slug="north", name="North gate", kind="gate")
    order = services.register(future_expo, future_season, [attendee()])
    services.book_session(order.tickets.get(), session)
    exhibitor = Exhibitor.objects.create(
        expo=future_expo, name="Acme Stad AB", tagline="Smarta gator", website="https://a.se"
    )
    booth = Booth.objects.create(expo=future_expo, hall=hall, code="A1", x=1, y=1, width=3, depth=3)
    exhibitors.give_booth(booth, exhibitor)
    invited = exhibitors.add_member(exhibitor, username="nils", email="n@a.se", name="Nils N")
    return {
        "choose a password": urlsplit(set_password_url(invited.user)).path,
        "choose a password, old link": "/accounts/reset/MQ/used-token/",
        "password saved": "/accounts/reset/done/",
        "sign in": "/accounts/login/",
        "forgot the password": "/accounts/password_reset/",
        "link on its way": "/accounts/password_reset/done/",
        "exhibitors": "/expos/future/exhibitors/",
        "exhibitor": f"/expos/future/exhibitors/{exhibitor.pk}/",
        "floor plan": f"/expos/future/halls/a/plan/?highlight={exhibitor.pk}",
        "home": "/expos/future/",
        "programme": f"/expos/future/programme/?day={day.isoformat()}",
        "programme grid": f"/expos/future/programme/?day={day.isoformat()}&view=grid",
        "programme, bad filter": "/expos/future/programme/?day=1999-01-01",
        "session": f"/expos/future/sessions/{session.pk}/",
        "conference": "/expos/future/conferences/forum/",
        "speaker": f"/expos/future/speakers/{speaker.pk}/",
        "registration": "/expos/future/register/",
        "my tickets": f"/expos/future/my-tickets/{order.secret}/",
        "scanner": "/scan/future/north/",
    }


def describe(violations):
    return "\n".join(
        f"{violation['id']}: {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in violations
    )


@pytest.mark.parametrize("language", ["en", "sv"])
def test_public_pages_have_no_accessibility_violations(live_server, page, site, language):
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    axe = Axe()
    failures = {}
    for name, path in site.items():
        page.goto(live_server.url + path)
        violations = axe.run(page, options=WCAG_21_AA).response["violations"]
        if violations:
            failures[name] = describe(violations)
    assert not failures, "\n\n".join(f"{name}:\n{text}" for name, text in failures.items())


def test_the_password_form_with_errors_has_no_violations(live_server, page, site):
    page.goto(live_server.url + site["choose a password"])
    page.get_by_label("New password", exact=True).fill("kort")
    page.get_by_label("New password confirmation").fill("annat")
    page.get_by_role("button", name="Save the password").click()
    page.locator(".error-summary").wait_for()
    violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
    assert not violations, describe(violations)


def test_the_forgotten_password_form_with_errors_has_no_violations(live_server, page, site):
    page.goto(live_server.url + site["forgot the password"])
    page.get_by_label("Email").fill("not an address")
    page.get_by_role("button", name="Send the link").click()
    page.locator(".error-summary").wait_for()
    violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
    assert not violations, describe(violations)


def test_the_registration_form_with_errors_has_no_violations(live_server, page, site):
    page.goto(live_server.url + site["registration"])
    page.get_by_role("button", name="Register").click()
    page.locator(".error-summary").wait_for()
    violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
    assert not violations, describe(violations)


@pytest.mark.parametrize("language", ["en", "sv"])
def test_the_list_of_expos_has_no_violations(live_server, page, future_expo, language):
    Expo.objects.create(
        slug="last-year",
        name="Expo Yesterday",
        start_date=future_expo.start_date - dt.timedelta(days=365),
        end_date=future_expo.end_date - dt.timedelta(days=365),
    )
    Venue.objects.create(expo=future_expo, name="Slottsparken", address="Malmöhusvägen 6")
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(live_server.url + "/")
    assert page.get_by_role("heading", level=1).count() == 1
    assert page.get_by_role("heading", level=3).count() == 2
    violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
    assert not violations, describe(violations)


def test_the_empty_list_of_expos_has_no_violations(live_server, page):
    page.goto(live_server.url + "/")
    violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
    assert not violations, describe(violations)
