"""The error pages in a phone-sized Chromium: no axe violations, nothing wider than the
screen, nothing the Content-Security-Policy refuses."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import include, path

from tests.e2e.test_accessibility import WCAG_21_AA, describe
from tests.test_error_pages import fail, refuse

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls(__name__)]

urlpatterns = [path("refuse/", refuse), path("fail/", fail), path("", include("expo.urls"))]

PAGE_WIDTH = "() => document.documentElement.scrollWidth"


def assert_fits_and_accessible(page):
    assert page.evaluate(PAGE_WIDTH) <= 390
    violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
    assert not violations, describe(violations)


@pytest.mark.parametrize("language", ["en", "sv"])
def test_the_403_page_signed_out(live_server, page, language):
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    response = page.goto(f"{live_server.url}/refuse/")
    assert response.status == 403
    assert page.get_by_role("heading", level=1).count() == 1
    assert_fits_and_accessible(page)


def test_the_403_page_of_an_expo_signed_in(live_server, page, future_expo, django_user_model):
    django_user_model.objects.create_user("vera", password="pw-vera-12345")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("vera")
    page.get_by_label("Password").fill("pw-vera-12345")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    response = page.goto(f"{live_server.url}/expos/{future_expo.slug}/live/")
    assert response.status == 403
    assert page.get_by_role("link", name=f"Go to the home page of {future_expo.name}").count()
    assert_fits_and_accessible(page)


@pytest.mark.parametrize(("address", "status"), [("/no/such/page/", 404), ("/fail/", 500)])
def test_the_404_and_500_pages(live_server, page, address, status):
    response = page.goto(f"{live_server.url}{address}")
    assert response.status == status
    assert_fits_and_accessible(page)


def test_the_page_for_a_form_without_its_token(live_server, page):
    page.goto(f"{live_server.url}/accounts/login/")
    page.context.clear_cookies()  # As when the session's cookies expired meanwhile.
    page.get_by_label("Username").fill("vera")
    page.get_by_label("Password").fill("pw-vera-12345")
    with page.expect_response(lambda response: response.status == 403):
        page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="The form could not be sent").wait_for()
    assert_fits_and_accessible(page)
