"""The visitor's pages: registration and the private "my tickets" page."""

import datetime as dt
import os
import re
import shutil

import pytest
from django.core import mail
from django.test import Client

from events.models import Conference, OpeningDay
from tests.conftest import add_session, attendee, send_queued_mail
from tests.e2e import conftest as e2e
from ticketing import services
from ticketing.models import Order, Quota, SessionBooking, Ticket, TicketType
from ticketing.qr import qr_svg

REGISTER = "/expos/city-expo/register/"
TUESDAY = "2026-06-02"


def form(**fields):
    """A registration as the page posts it: one attendee, consent not given."""
    return {
        "ticket_type": "",
        "day": TUESDAY,
        "attendee-TOTAL_FORMS": "1",
        "attendee-INITIAL_FORMS": "0",
        "attendee-MIN_NUM_FORMS": "1",
        "attendee-MAX_NUM_FORMS": "50",
        "attendee-0-name": "Åsa Öberg",
        "attendee-0-email": "asa@example.org",
        "attendee-0-organisation": "Malmö stad",
        **fields,
    }


def two_attendees(**fields):
    return form(
        **{
            "attendee-TOTAL_FORMS": "2",
            "attendee-1-name": "Søren Kjær",
            "attendee-1-email": "soren@example.dk",
            "attendee-1-share_contact_with_exhibitors": "on",
            **fields,
        }
    )


def manage_path(order):
    return f"/expos/{order.expo.slug}/my-tickets/{order.secret}/"


def tag(page, pattern):
    """The first HTML start tag matching ``pattern``."""
    found = re.search(r"<[a-z]+\b[^>]*" + pattern + r"[^>]*>", page)
    assert found, pattern
    return found.group(0)


def nothing_written():
    return not Order.objects.exists() and not Ticket.objects.exists() and not mail.outbox


# Registration page


def test_the_registration_page_offers_public_tickets_and_asks_for_consent_unticked(
    client, expo, day_ticket, season_ticket
):
    season_ticket.price = 595
    season_ticket.save()
    TicketType.objects.create(expo=expo, slug="press", name="Press pass", kind="press")
    TicketType.objects.create(
        expo=expo,
        slug="late",
        name="Not yet on sale",
        kind="season",
        sale_starts=dt.datetime(2099, 1, 1, tzinfo=dt.UTC),
    )
    OpeningDay.objects.create(expo=expo, date=dt.date(2026, 6, 3), is_closed=True)
    response = client.get(REGISTER)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Day ticket — Free" in page and "Season — 595.00 SEK" in page
    assert "Press pass" not in page and "Not yet on sale" not in page
    # The days of a day ticket, with their weekday, without the closed one.
    assert '<option value="2026-06-02">Tuesday 2 June 2026</option>' in page
    assert 'value="2026-06-03"' not in page
    assert "<legend>" in page and '<label for="id_day">' in page
    consent = tag(page, 'name="attendee-0-share_contact_with_exhibitors"')
    assert 'type="checkbox"' in consent and "checked" not in consent
    assert '<label for="id_attendee-0-share_contact_with_exhibitors">' in page
    assert 'autocomplete="name"' in tag(page, 'name="attendee-0-name"')
    assert 'autocomplete="email"' in tag(page, 'name="attendee-0-email"')
    assert 'autocomplete="organization"' in tag(page, 'name="attendee-0-organisation"')
    for name in ("name", "email", "organisation"):
        assert f'<label for="id_attendee-0-{name}">' in page
    assert "error-summary" not in page
    assert '<html lang="en">' in page and '<main id="main"' in page
    assert 'action="/i18n/setlang/"' in page
    assert all(f'<option value="{code}"' in page for code in ("en", "sv", "fi", "da"))


def test_the_first_submit_button_registers_so_that_enter_does_not_add_a_row(client, day_ticket):
    page = client.get(REGISTER).content.decode()
    form_html = page[page.index('<form method="post" novalidate') :]
    first_button = tag(form_html, 'type="submit"')
    assert "name=" not in first_button


def test_registering_sends_the_private_link_and_shows_the_tickets(client, expo, day_ticket):
    response = client.post(REGISTER, two_attendees(ticket_type=day_ticket.pk))
    send_queued_mail()
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == manage_path(order)
    assert order.email == "asa@example.org" and order.language == "en"
    asa, soren = order.tickets.order_by("pk")
    assert asa.day == soren.day == dt.date(2026, 6, 2)
    assert (asa.organisation, asa.share_contact_with_exhibitors) == ("Malmö stad", False)
    assert soren.share_contact_with_exhibitors is True
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["asa@example.org"]
    assert manage_path(order) in mail.outbox[0].body

    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert "Thank you — we have e-mailed you the link to this page." in body
    assert "Åsa Öberg" in body and "Søren Kjær" in body
    assert "Tuesday 2 June 2026" in body


def test_a_ticket_for_all_days_ignores_a_day_picked_before(client, day_ticket, season_ticket):
    response = client.post(REGISTER, form(ticket_type=season_ticket.pk, day=TUESDAY))
    assert response.status_code == 302
    assert Ticket.objects.get().day is None


@pytest.mark.parametrize(
    ("change", "anchor", "message"),
    [
        ({"attendee-0-name": " "}, "id_attendee-0-name", "Give the attendee&#x27;s name."),
        ({"attendee-0-email": "not-mail"}, "id_attendee-0-email", "Enter a valid e-mail"),
        ({"day": "2026-06-03"}, "id_day", "Choose one of the days listed"),  # closed
        ({"day": "2026-07-01"}, "id_day", "Choose one of the days listed"),  # after the expo
        ({"day": ""}, "id_day", "Choose the day you will visit."),
        ({"ticket_type": "999999"}, "id_ticket_type_0", "Choose one of the tickets on sale."),
        ({"ticket_type": ""}, "id_ticket_type_0", "Choose a ticket."),
    ],
)
def test_bad_input_shows_an_error_summary_and_writes_nothing(
    client, expo, day_ticket, change, anchor, message
):
    OpeningDay.objects.create(expo=expo, date=dt.date(2026, 6, 3), is_closed=True)
    data = form(ticket_type=day_ticket.pk)
    data.update(change)
    response = client.post(REGISTER, data)
    page = response.content.decode()
    assert response.status_code == 400
    start = page.index('<div class="error-summary"')
    summary = page[start : page.index("</ul>", start)]
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert f'<a href="#{anchor}">{message}' in summary
    # The same message next to the field, tied to it for screen readers.
    assert page.count(message) == 2
    assert "<title>Error: Register" in page
    assert nothing_written()


def test_field_errors_are_tied_to_their_inputs(client, day_ticket):
    page = client.post(
        REGISTER, form(ticket_type=day_ticket.pk, **{"attendee-0-email": "nope"})
    ).content.decode()
    email = tag(page, 'name="attendee-0-email"')
    assert 'aria-invalid="true"' in email
    assert 'aria-describedby="id_attendee-0-email_error"' in email
    assert 'id="id_attendee-0-email_error"' in page
    assert 'value="nope"' in email  # what was typed stays


def test_a_staff_ticket_type_is_not_sold_on_the_page(client, expo, day_ticket):
    press = TicketType.objects.create(expo=expo, slug="press", name="Press", kind="press")
    response = client.post(REGISTER, form(ticket_type=press.pk))
    assert response.status_code == 400
    assert "Choose one of the tickets on sale." in response.content.decode()
    assert nothing_written()


def test_the_services_refusal_of_a_day_shows_at_the_day(client, expo, day_ticket):
    weekend = TicketType.objects.create(
        expo=expo,
        slug="weekend",
        name="Weekend day",
        kind="day",
        valid_days=["2026-06-06", "2026-06-07"],
    )
    response = client.post(REGISTER, form(ticket_type=weekend.pk, day=TUESDAY))
    page = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_day">The ticket is not valid on Tuesday 2 June 2026' in page
    assert nothing_written()


def test_errors_of_the_second_attendee_say_whose_they_are(client, day_ticket):
    data = two_attendees(ticket_type=day_ticket.pk, **{"attendee-1-email": ""})
    page = client.post(REGISTER, data).content.decode()
    assert '<a href="#id_attendee-1-email">Attendee 2: Give an e-mail address.</a>' in page
    assert nothing_written()


def test_sold_out_is_explained(client, day_ticket):
    day_ticket.capacity = 0
    services.save_ticket_type(day_ticket)
    response = client.post(REGISTER, form(ticket_type=day_ticket.pk))
    page = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_ticket_type_0">Day ticket is sold out.</a>' in page
    assert nothing_written()


def test_a_full_day_is_explained_at_the_day(client, day_ticket):
    day_ticket.day_capacity = 0
    services.save_ticket_type(day_ticket)
    page = client.post(REGISTER, form(ticket_type=day_ticket.pk)).content.decode()
    assert '<a href="#id_day">Day ticket is sold out for Tuesday 2 June 2026.</a>' in page
    assert nothing_written()


def test_another_attendee_row_keeps_what_was_typed(client, day_ticket):
    response = client.post(REGISTER, form(ticket_type=day_ticket.pk, add_attendee="1"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Åsa Öberg"' in tag(page, 'name="attendee-0-name"')
    new_name = tag(page, 'name="attendee-1-name"')
    assert "value=" not in new_name and "autofocus" in new_name
    assert "checked" in tag(page, f'value="{day_ticket.pk}"')
    assert "selected" in tag(page, f'value="{TUESDAY}"')
    assert "error-summary" not in page
    assert "Remove attendee 2" in page
    assert not Order.objects.exists()


def test_an_attendee_row_can_be_removed(client, day_ticket):
    data = two_attendees(ticket_type=day_ticket.pk, remove_attendee="1")
    page = client.post(REGISTER, data).content.decode()
    assert 'name="attendee-1-name"' not in page
    assert "Søren" not in page and "Åsa Öberg" in page
    assert 'name="attendee-TOTAL_FORMS" value="1"' in page


def test_rows_stop_at_the_ticket_types_most_per_order(client, day_ticket):
    day_ticket.max_per_order = 2
    day_ticket.save()
    page = client.post(
        REGISTER, two_attendees(ticket_type=day_ticket.pk, add_attendee="1")
    ).content.decode()
    assert 'name="attendee-2-name"' not in page
    assert "At most 2 tickets fit in one order." in page
    # And a page that posts more anyway is refused by the service.
    data = two_attendees(ticket_type=day_ticket.pk)
    day_ticket.max_per_order = 1
    day_ticket.save()
    response = client.post(REGISTER, data)
    assert response.status_code == 400
    assert "At most 1 tickets fit in one order." in response.content.decode()
    assert nothing_written()


def test_the_page_says_when_nothing_is_on_sale(client, expo):
    page = client.get(REGISTER).content.decode()
    assert (
        "No tickets are on sale right now." in page and '<form method="post" novalidate' not in page
    )


def test_an_unknown_expo_is_404(client, db):
    assert client.get("/expos/nowhere/register/").status_code == 404


# The "my tickets" page


def test_an_unknown_secret_is_404(client, expo, season_ticket):
    order = services.register(expo, season_ticket, [attendee()])
    assert client.get("/expos/city-expo/my-tickets/not-the-secret/").status_code == 404
    # The secret of an order of this expo, under another expo's address: no page either.
    assert client.get(f"/expos/other-expo/my-tickets/{order.secret}/").status_code == 404


def test_the_page_shows_the_qr_code_and_only_its_own_orders_tickets(client, expo, season_ticket):
    mine = services.register(expo, season_ticket, [attendee(organisation="Malmö stad")])
    services.register(expo, season_ticket, [attendee("Søren Kjær", "s@example.dk")])
    response = client.get(manage_path(mine))
    page = response.content.decode()
    assert "Åsa Öberg" in page and "Malmö stad" in page and "Season" in page
    assert "Søren Kjær" not in page and "s@example.dk" not in page
    ticket = mine.tickets.get()
    svg = tag(page, 'class="qr"')
    assert 'role="img"' in svg and 'aria-label="QR code of the ticket of Åsa Öberg"' in svg
    # The QR code holds the signed code and nothing else: no name, no e-mail.
    drawn = re.search(r'<path d="([^"]+)"', qr_svg(ticket.code, label="x")).group(1)
    assert drawn in page
    assert page.count("<svg") == 1
    assert "7 days, Monday 1 June 2026 to Sunday 7 June 2026" in page
    assert "Valid" in page


def test_the_private_pages_are_kept_out_of_caches_referrers_and_indexes(client, holders, workshop):
    ticket = holders[0]
    base = manage_path(ticket.order)
    responses = [
        client.get(base),
        client.get(f"{base}tickets/{ticket.pk}/cancel/"),
        client.post(f"{base}tickets/{ticket.pk}/book/{workshop.pk}/"),
    ]
    for response in responses:
        assert response["Cache-Control"] == "private, no-store"
        assert response["Referrer-Policy"] == "same-origin"  # see views._private
        assert "noindex" in response["X-Robots-Tag"]


def test_booking_and_cancelling_a_session_on_the_page(client, holders, workshop):
    ticket = holders[0]
    base = manage_path(ticket.order)
    page = client.get(base).content.decode()
    assert "Bygg en bikupa" in page and "2 seats left" in page
    assert "10:00–11:00" in page  # the expo's time, though stored in UTC
    response = client.post(f"{base}tickets/{ticket.pk}/book/{workshop.pk}/")
    assert response.status_code == 302 and response["Location"] == base
    booking = SessionBooking.objects.get()
    assert booking.status == "booked" and booking.ticket == ticket
    page = client.get(base).content.decode()
    assert "You have a seat in “Bygg en bikupa”." in page
    assert "Booked: you have a seat" in page
    client.post(f"{base}bookings/{booking.pk}/cancel/")
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert "Your booking of “Bygg en bikupa” is cancelled." in client.get(base).content.decode()


def test_a_full_session_puts_the_visitor_on_the_waiting_list(client, holders, workshop):
    for holder in holders[1:3]:
        services.book_session(holder, workshop)
    ticket = holders[0]
    base = manage_path(ticket.order)
    page = client.get(base).content.decode()
    assert "Full" in page and "Join the waiting list" in page
    client.post(f"{base}tickets/{ticket.pk}/book/{workshop.pk}/")
    page = client.get(base).content.decode()
    assert "you are number 1 on the waiting list" in page
    assert "On the waiting list: number 1" in page


def test_sessions_the_ticket_does_not_admit_are_not_offered(
    client, future_expo, workshop_room, future_day, holders, workshop
):
    summit = Conference.objects.create(
        expo=future_expo,
        slug="summit",
        name="Summit",
        start_date=future_day,
        end_date=future_day,
    )
    add_session(
        future_expo, workshop_room, future_day, 14, title="Summit keynote", conference=summit
    )
    page = client.get(manage_path(holders[0].order)).content.decode()
    assert "Bygg en bikupa" in page and "Summit keynote" not in page


def test_a_refused_booking_shows_why(client, future_expo, workshop_room, future_day, holders):
    first = add_session(future_expo, workshop_room, future_day, 14, title="Honung")
    ticket = holders[0]
    base = manage_path(ticket.order)
    services.cancel_ticket(ticket)
    client.post(f"{base}tickets/{ticket.pk}/book/{first.pk}/")
    assert "This ticket is cancelled." in client.get(base).content.decode()
    assert not SessionBooking.objects.exists()


def test_cancelling_a_ticket_asks_first_and_frees_its_place(client, expo, day_ticket):
    day_ticket.capacity = 3
    services.save_ticket_type(day_ticket)
    order = services.register(expo, day_ticket, [attendee()], day=dt.date(2026, 6, 2))
    ticket = order.tickets.get()
    url = f"{manage_path(order)}tickets/{ticket.pk}/cancel/"
    assert url in client.get(manage_path(order)).content.decode()
    assert client.get(url).status_code == 200
    refused = client.post(url, {})
    assert refused.status_code == 400
    assert (
        '<a href="#id_confirm">Tick the box to cancel the ticket.</a>' in refused.content.decode()
    )
    ticket.refresh_from_db()
    assert ticket.is_valid
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == manage_path(order)
    ticket.refresh_from_db()
    assert ticket.status == "cancelled"
    assert Quota.objects.get(ticket_type=day_ticket, day=None).used == 0
    page = client.get(manage_path(order)).content.decode()
    assert "The ticket of Åsa Öberg is cancelled." in page
    assert "<svg" not in page  # a cancelled ticket has no code to show
    assert url not in page


def test_nothing_of_another_order_can_be_touched(client, holders, workshop):
    mine, theirs = holders[0], holders[1]
    their_booking = services.book_session(theirs, workshop)
    base = manage_path(mine.order)
    assert client.post(f"{base}tickets/{theirs.pk}/book/{workshop.pk}/").status_code == 404
    assert client.get(f"{base}tickets/{theirs.pk}/cancel/").status_code == 404
    assert client.post(f"{base}tickets/{theirs.pk}/cancel/", {"confirm": "on"}).status_code == 404
    assert client.post(f"{base}bookings/{their_booking.pk}/cancel/").status_code == 404
    theirs.refresh_from_db()
    their_booking.refresh_from_db()
    assert theirs.is_valid and their_booking.status == "booked"
    assert SessionBooking.objects.count() == 1


def test_ids_of_another_order_answer_like_ids_that_do_not_exist(client, holders, workshop):
    """Under the private address, another order's ticket or booking is a 404 exactly like
    an id that does not exist; so is one's own ticket under a guessed address."""
    mine, theirs = holders[0], holders[1]
    their_booking = services.book_session(theirs, workshop)
    base = manage_path(mine.order)
    guessed = base.replace(mine.order.secret, "guess")
    doors = [
        ("get", "{base}tickets/{ticket}/badge.pdf"),
        ("get", "{base}tickets/{ticket}/cancel/"),
        ("post", "{base}tickets/{ticket}/book/{session}/"),
        ("post", "{base}tickets/{ticket}/stop-sharing/"),
        ("post", "{base}bookings/{booking}/cancel/"),
    ]
    for method, door in doors:
        knock = getattr(client, method)
        missing = knock(door.format(base=base, ticket=0, booking=0, session=workshop.pk))
        assert missing.status_code == 404
        for base_, ticket in ((base, theirs), (guessed, mine)):
            url = door.format(
                base=base_, ticket=ticket.pk, booking=their_booking.pk, session=workshop.pk
            )
            response = knock(url)
            assert (response.status_code, response.content) == (404, missing.content), url
    their_booking.refresh_from_db()
    assert their_booking.status == "booked"


def test_changes_need_a_post_with_the_csrf_token(holders, workshop):
    ticket = holders[0]
    base = manage_path(ticket.order)
    browser = Client(enforce_csrf_checks=True)
    assert browser.get(f"{base}tickets/{ticket.pk}/book/{workshop.pk}/").status_code == 405
    assert browser.post(f"{base}tickets/{ticket.pk}/book/{workshop.pk}/").status_code == 403
    assert browser.post(f"{base}tickets/{ticket.pk}/cancel/", {"confirm": "on"}).status_code == 403
    page = browser.get(base).content.decode()
    assert page.count('name="csrfmiddlewaretoken"') == 2  # the language and booking forms
    assert not SessionBooking.objects.exists()
    ticket.refresh_from_db()
    assert ticket.is_valid


def test_the_pages_own_forms_pass_the_csrf_check_as_a_browser_sends_them(holders, workshop):
    """A browser sends the page's origin with its posts (the referrer policy allows it)
    and the token from the form: the check passes."""
    ticket = holders[0]
    base = manage_path(ticket.order)
    browser = Client(enforce_csrf_checks=True)
    browser.get(base)
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        f"{base}tickets/{ticket.pk}/book/{workshop.pk}/",
        {"csrfmiddlewaretoken": token},
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 302
    assert SessionBooking.objects.get().ticket == ticket


# Languages


def test_the_pages_speak_the_visitors_language(client, expo, season_ticket):
    page = client.get(REGISTER, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert '<html lang="sv">' in page
    assert "juni 2026" in page  # dates in Swedish already; the strings come later
    response = client.post("/i18n/setlang/", {"language": "sv", "next": REGISTER})
    assert response.status_code == 302 and response["Location"] == REGISTER
    assert '<html lang="sv">' in client.get(REGISTER).content.decode()
    order = services.register(expo, season_ticket, [attendee()])
    assert '<html lang="sv">' in client.get(manage_path(order)).content.decode()
    client.post("/i18n/setlang/", {"language": "fi", "next": REGISTER})
    assert '<html lang="fi">' in client.get(REGISTER).content.decode()


def test_an_order_remembers_the_language_it_was_made_in(client, day_ticket):
    client.post(REGISTER, form(ticket_type=day_ticket.pk), HTTP_ACCEPT_LANGUAGE="da")
    assert Order.objects.get().language == "da"


def test_a_registration_without_attendees_is_refused(client, day_ticket):
    response = client.post(
        REGISTER, form(ticket_type=day_ticket.pk, **{"attendee-TOTAL_FORMS": "0"})
    )
    assert response.status_code == 400
    assert '<a href="#attendees">Add at least one attendee.</a>' in response.content.decode()
    assert nothing_written()


def test_each_ticket_says_which_days_it_admits(client, expo, day_ticket):
    TicketType.objects.create(
        expo=expo,
        slug="weekend",
        name="Weekend",
        kind="multi_day",
        valid_days=["2026-06-06", "2026-06-07"],
    )
    page = client.get(REGISTER).content.decode()
    assert "One day of your choice" in page
    assert "Valid on Saturday 6 June 2026, Sunday 7 June 2026" in page


# In a real browser


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium, as in tests/e2e (module scope: Playwright's event loop must be
    gone before any async test runs)."""
    if not (os.path.exists(e2e.CHROMIUM) or shutil.which("chromium")):
        pytest.skip("Debian's chromium package is not installed")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # see tests/e2e/conftest.py
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=e2e.CHROMIUM, args=e2e.ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    yield context.new_page()
    context.close()


@pytest.mark.django_db(transaction=True)
def test_a_visitor_registers_books_and_cancels_in_a_browser(
    live_server, phone, future_season, workshop
):
    """Focus, implicit submission, and posts that the browser's Origin header and the
    CSRF check let through: what the test client cannot show."""
    phone.goto(f"{live_server.url}/expos/future/register/")
    phone.get_by_role("button", name="Register", exact=True).click()
    phone.wait_for_function("() => document.activeElement.id === 'error-summary'")
    phone.get_by_label("Season").check()
    phone.get_by_label("Full name").fill("Åsa Öberg")
    phone.get_by_label("E-mail").fill("asa@example.org")
    with phone.expect_navigation():
        phone.get_by_label("E-mail").press("Enter")  # registers, not "add another attendee"
    assert "/my-tickets/" in phone.url
    assert "Thank you" in phone.locator(".messages").inner_text()
    assert phone.locator("svg.qr").get_attribute("aria-label") == (
        "QR code of the ticket of Åsa Öberg"
    )

    phone.get_by_text("Book a session").click()  # the one day with sessions is open
    with phone.expect_navigation():
        phone.get_by_role("button", name="Book “Bygg en bikupa”").click()
    assert "You have a seat in “Bygg en bikupa”." in phone.locator(".messages").inner_text()
    with phone.expect_navigation():
        phone.get_by_role("button", name="Cancel booking “Bygg en bikupa”").click()
    assert "is cancelled" in phone.locator(".messages").inner_text()
    assert SessionBooking.objects.get().status == "cancelled"

    phone.get_by_role("link", name="Cancel this ticket (Åsa Öberg)").click()
    phone.get_by_label("Yes, cancel this ticket").check()
    with phone.expect_navigation():
        phone.get_by_role("button", name="Cancel the ticket").click()
    assert "The ticket of Åsa Öberg is cancelled." in phone.locator(".messages").inner_text()
    assert Ticket.objects.get().status == "cancelled"

    phone.select_option("#language-choice", "sv")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Change").click()
    assert "/my-tickets/" in phone.url
    assert phone.locator("html").get_attribute("lang") == "sv"
