"""A visitor's self-service on a phone: the links by e-mail, their tickets page, their
data downloaded and then erased; the pages on the way checked with axe-core."""

import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail

from tests.conftest import attendee, send_queued_mail
from ticketing import services
from ticketing.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PHONE = 390


def fits_and_passes_axe(page):
    """The page is no wider than the phone and axe finds nothing."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE, f"{page.url} is {width}px wide"
    violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
    assert not violations, "\n".join(
        f"{v['id']}: {v['help']} at {[node['target'] for node in v['nodes'][:3]]}"
        for v in violations
    )


def test_a_visitor_gets_their_link_downloads_their_data_and_erases_it(
    live_server, page, settings, future_expo, future_season, tmp_path
):
    settings.EXPO_BASE_URL = live_server.url
    future_expo.organiser_name = "Mässbolaget i Malmö AB"
    future_expo.privacy_contact = "dataskydd@massbolaget.example"
    future_expo.save()
    order = services.register(
        future_expo,
        future_season,
        [attendee("Åsa Öberg-Næss", "asa@example.org", organisation="Lunds universitet")],
    )
    send_queued_mail()  # the confirmation, long ago
    mail.outbox.clear()

    page.goto(f"{live_server.url}/expos/future/register/")
    fits_and_passes_axe(page)
    page.get_by_label("The address you registered with").fill("asa@example.org")
    with page.expect_navigation():
        page.get_by_role("button", name="E-mail me my tickets").click()
    assert "we have e-mailed their links" in page.locator(".messages").inner_text()
    fits_and_passes_axe(page)

    send_queued_mail()
    [message] = mail.outbox
    [link] = re.findall(rf"{re.escape(live_server.url)}/\S+", message.body)
    assert order.secret in link

    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "Your tickets"
    main = page.locator("main").inner_text()
    assert "Contact details: not shared." in main

    with page.expect_download() as download:
        page.get_by_role("link", name="Download my data (JSON)").click()
    saved = tmp_path / "my-data.json"
    download.value.save_as(saved)
    data = json.loads(saved.read_text(encoding="utf-8"))
    [ticket] = data["sections"]["tickets"]
    assert ticket["holder_name"] == "Åsa Öberg-Næss"
    assert ticket["organisation"] == "Lunds universitet"

    with page.expect_navigation():
        page.get_by_role("link", name="Erase my data").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Erase your data?"
    fits_and_passes_axe(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Erase my data").click()
    assert page.locator(".error-summary").is_visible()  # the box was not ticked
    fits_and_passes_axe(page)
    page.get_by_label("Yes, erase my data").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Erase my data").click()

    assert page.url == f"{live_server.url}/expos/future/privacy/"
    assert "Your data is erased" in page.locator(".messages").inner_text()
    assert "Mässbolaget i Malmö AB" in page.locator("main").inner_text()
    fits_and_passes_axe(page)

    erased = Ticket.objects.get(pk=order.tickets.get().pk)
    assert erased.status == "cancelled" and erased.is_erased
    answer = page.goto(link)
    assert answer.status == 410
    assert page.get_by_role("heading", level=1).inner_text() == "This order was erased"


def test_the_self_service_pages_fit_a_desktop(live_server, browser, future_expo, future_season):
    order = services.register(future_expo, future_season, [attendee()])
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-GB")
    page = context.new_page()
    base = f"/expos/future/my-tickets/{order.secret}/"
    for path in ("/expos/future/privacy/", "/expos/future/my-tickets/", f"{base}erase/", base):
        page.goto(live_server.url + path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 1366, f"{path} is {width}px wide"
        violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
        assert not violations, f"{path}: {[v['id'] for v in violations]}"
    context.close()
