"""Every page checked with axe-core in Chromium against WCAG 2.1 A and AA, on a phone and
on a desktop screen: no violations allowed. (The EU Web Accessibility Directive applies to
a city's sites.) The pages are listed in tests/e2e/pages.py; a page more is one line there."""

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe

from events.models import Expo, Venue
from tests.e2e.pages import ALL_PAGES, PHONE, SCREENS, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def describe(violations):
    return "\n".join(
        f"{violation['id']}: {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in violations
    )


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("target", ALL_PAGES, ids=str)
def test_the_page_has_no_accessibility_violations(live_server, page, client, site, target, screen):
    page.set_viewport_size(SCREENS[screen])
    if target.signed_in:
        sign_in(page, client, target.user(site), live_server.url)
    answer = target.open(page, live_server.url, site)
    assert answer.status == target.status, f"{target} answers {answer.status}"
    violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
    assert not violations, describe(violations)


@pytest.mark.parametrize("language", ["sv", "fi", "da"])
def test_the_pages_in_each_language_fit_a_phone_and_have_no_violations(
    live_server, page, client, site, language
):
    """Finnish and Danish dates and names run longest: every page in each language fits
    a phone and passes axe, the portal's leads included."""
    page.set_viewport_size(PHONE)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    sign_in(page, client, site.staff, live_server.url)
    axe = Axe()
    too_wide, failures = {}, {}
    for target in ALL_PAGES:
        target.open(page, live_server.url, site)
        assert page.evaluate("() => document.documentElement.lang") == language, target.name
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[target.name] = width
        violations = axe.run(page, options=WCAG_21_AA).response["violations"]
        if violations:
            failures[target.name] = describe(violations)
    assert not too_wide, f"wider than a phone: {too_wide}"
    assert not failures, "\n\n".join(f"{name}:\n{text}" for name, text in failures.items())


def test_the_password_form_with_errors_has_no_violations(live_server, page, site):
    page.goto(live_server.url + site.choose_password)
    page.get_by_label("New password", exact=True).fill("kort")
    page.get_by_label("New password confirmation").fill("annat")
    page.get_by_role("button", name="Save the password").click()
    page.locator(".error-summary").wait_for()
    violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
    assert not violations, describe(violations)


def test_the_forgotten_password_form_with_errors_has_no_violations(live_server, page, site):
    page.goto(live_server.url + "/accounts/password_reset/")
    page.get_by_label("Email").fill("not an address")
    page.get_by_role("button", name="Send the link").click()
    page.locator(".error-summary").wait_for()
    violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
    assert not violations, describe(violations)


def test_the_registration_form_with_errors_has_no_violations(live_server, page, site):
    page.goto(live_server.url + "/expos/future/register/")
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
