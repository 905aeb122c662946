"""Every page fits a phone (390 px wide) and a desktop screen (1366 px) without scrolling
sideways: a page wider than the screen makes the phone zoom it out, and "my tickets" is
the page shown at the gate. Wide tables scroll inside their own box instead.

The pages are listed in tests/e2e/pages.py; a page more is one line there."""

import pytest

from tests.e2e.pages import ALL_PAGES, PHONE, SCREENS, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

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


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("target", ALL_PAGES, ids=str)
def test_the_page_fits_the_screen(live_server, page, client, site, target, screen):
    page.set_viewport_size(SCREENS[screen])
    failed = []
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and response.request.resource_type != "document"
            and failed.append(response.url)
        ),
    )
    if target.signed_in:
        sign_in(page, client, target.user(site), live_server.url)

    answer = target.open(page, live_server.url, site)

    assert answer.status == target.status, f"{target} answers {answer.status}"
    if target.shows:
        assert page.get_by_text(target.shows).first.is_visible(), f"{target} lacks {target.shows}"
    assert not failed, f"failed requests: {failed}"
    width = SCREENS[screen]["width"]
    assert page.evaluate(PAGE_WIDTH) <= width, f"{target} is wider than {width} px"


def test_my_tickets_fits_a_phone_with_its_facts_inside_the_ticket(live_server, page, site):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + site.my_tickets)

    ticket = box(page, "section.ticket")
    for label in ("Organisation", "Status"):
        fact = page.locator(".ticket .facts > div").filter(has=page.get_by_text(label, exact=True))
        for part in ("dt", "dd"):
            assert inside(fact.locator(part).bounding_box(), ticket), f"{label} ({part}) is outside"


def test_the_portals_tables_scroll_in_their_box_by_keyboard(live_server, page, client, site):
    page.set_viewport_size(PHONE)
    sign_in(page, client, site.staff, live_server.url)
    page.goto(f"{live_server.url}/portal/{site.exhibitor.pk}/")

    leads = page.get_by_role("region", name="Table of the leads")
    assert leads.evaluate("box => box.scrollWidth > box.clientWidth"), "the table is wider"
    leads.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("box => box.scrollLeft > 0", arg=leads.element_handle())
