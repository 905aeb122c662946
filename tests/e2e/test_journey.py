"""A visitor's whole journey in Swedish, in Chromium on a phone-sized screen."""

from pathlib import Path

import pypdfium2
import pytest

from ticketing.models import SessionBooking

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (Path(__file__).parents[2] / "locale/sv/LC_MESSAGES/django.mo").exists(),
        reason="the catalogues are not compiled (make test compiles them with gettext)",
    ),
]


def test_a_visitor_finds_a_session_registers_books_it_and_gets_the_badge(
    live_server, page, future_season, workshop, future_day
):
    page.goto(f"{live_server.url}/expos/future/programme/?day={future_day.isoformat()}")
    assert page.get_by_role("heading", level=1).inner_text() == "Programme"

    page.select_option("#language-choice", "sv")
    with page.expect_navigation():
        page.get_by_role("button", name="Change").click()
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.get_by_role("heading", level=1).inner_text() == "Program"

    page.locator(".filters-fold > summary").click()  # folded on a phone
    page.get_by_label("Bara med lediga platser").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Visa", exact=True).click()
    assert "free_seats=on" in page.url
    assert "2 platser kvar att boka" in page.locator("main").inner_text()

    with page.expect_navigation():
        page.get_by_role("link", name="Bygg en bikupa").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Bygg en bikupa"
    with page.expect_navigation():
        page.get_by_role("link", name="Skaffa en biljett").click()

    page.get_by_label("Season").check()
    page.get_by_label("Fullständigt namn").fill("Åsa Öberg-Næss")
    page.get_by_label("E-post").fill("asa@example.org")
    with page.expect_navigation():
        page.get_by_role("button", name="Anmäl dig", exact=True).click()
    assert "/my-tickets/" in page.url
    assert "Tack" in page.locator(".messages").inner_text()

    page.get_by_text("Boka en programpunkt").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Boka “Bygg en bikupa”").click()
    assert SessionBooking.objects.get().status == "booked"
    assert "Bokad: du har en plats" in page.locator("main").inner_text()

    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner namnbrickan (PDF)").click(
            modifiers=["Alt"]  # download rather than open the PDF in the tab
        )
    pdf = pypdfium2.PdfDocument(download.value.path())
    assert "Åsa Öberg-Næss" in pdf[0].get_textpage().get_text_range()
