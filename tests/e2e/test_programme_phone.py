"""The programme on a phone: its filters fold away (and open on a desktop), by keyboard
too, and a session found through them leads back to the filtered programme."""

import pytest

from tests.e2e.pages import DESKTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_programmes_filters_are_folded_on_a_phone_and_open_on_a_desktop(
    live_server, page, site
):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/expos/future/programme/?day={site.day}&track=g")
    filters = page.locator("details.filters-fold")
    summary = filters.locator("summary")
    assert summary.inner_text() == "Day and filters · 1 filter on"
    assert not page.get_by_label("Track").is_visible()

    summary.focus()
    page.keyboard.press("Enter")
    assert page.get_by_label("Track").is_visible()
    page.keyboard.press("Space")
    assert not page.get_by_label("Track").is_visible()

    page.set_viewport_size(DESKTOP)
    page.reload()
    assert page.get_by_label("Track").is_visible()


def test_a_session_leads_back_to_the_filtered_programme(live_server, page, site):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/expos/future/programme/?day={site.day}")
    page.locator(".filters-fold > summary").click()
    page.get_by_label("Track").select_option("g")
    page.get_by_label("Only with free seats").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Show", exact=True).click()
    filtered = page.url

    with page.expect_navigation():
        page.get_by_role("link", name=site.session.title).click()
    assert page.get_by_role("heading", level=1).inner_text() == site.session.title
    with page.expect_navigation():
        page.locator(".breadcrumb").get_by_role("link", name="Programme").click()

    assert page.url == filtered
    assert page.locator(".filters-count").inner_text() == "· 2 filters on"
