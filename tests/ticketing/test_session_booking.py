"""Booking from the programme's session page with the tickets this browser has opened, and
the reasons a booking is refused, on both pages that book."""

import datetime as dt
import html
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled

from events.models import Conference, Expo, Hall, Room
from tests.conftest import add_session, attendee
from ticketing import services
from ticketing.models import SessionBooking, TicketType


def my_tickets(order):
    return f"/expos/{order.expo.slug}/my-tickets/{order.secret}/"


def session_page(session):
    return f"/expos/{session.expo.slug}/sessions/{session.pk}/"


def text(response):
    return html.unescape(response.content.decode())


def alerts(response):
    """The messages the page shows as an alert (refusals)."""
    found = re.search(r'<div role="alert">(.*?)</div>', text(response), re.S)
    return found.group(1) if found else ""


def statuses(response):
    found = re.search(r'<div role="status">(.*?)</div>', text(response), re.S)
    return found.group(1) if found else ""


def book_here(client, session, ticket):
    return client.post(f"{session_page(session)}book/", {"ticket": ticket.pk}, follow=True)


def cancel_here(client, session, booking):
    return client.post(
        f"{session_page(session)}cancel-booking/", {"booking": booking.pk}, follow=True
    )


@pytest.fixture
def visitor(holders):
    return holders[0]


@pytest.fixture
def browser(client, visitor):
    """A browser that has opened the visitor's private link."""
    assert client.get(my_tickets(visitor.order)).status_code == 200
    return client


def test_a_browser_that_opened_its_tickets_books_on_the_session_page(browser, visitor, workshop):
    response = browser.get(session_page(workshop))
    page = text(response)
    assert "Book with your tickets" in page and "Holder 0" in page
    assert "Book a seat (Holder 0)" in re.sub(r"<[^>]+>", "", page)
    # The visitor's own tickets by name: for this browser only.
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]

    response = book_here(browser, workshop, visitor)
    assert response.redirect_chain == [(session_page(workshop), 302)]
    assert "You have a seat in “Bygg en bikupa”." in statuses(response)
    assert SessionBooking.objects.get().ticket == visitor
    page = text(response)
    assert "Booked: you have a seat" in page and "Cancel my booking" in page

    response = cancel_here(browser, workshop, SessionBooking.objects.get())
    assert "Your booking of “Bygg en bikupa” is cancelled." in statuses(response)
    assert SessionBooking.objects.get().status == "cancelled"
    assert "Book a seat" in text(response)


def test_a_full_session_offers_the_waiting_list_and_leaving_it(browser, visitor, holders, workshop):
    for holder in holders[1:3]:
        services.book_session(holder, workshop)
    assert "Join the waiting list" in text(browser.get(session_page(workshop)))
    response = book_here(browser, workshop, visitor)
    assert "is full; you are number 1 on the waiting list." in statuses(response)
    page = text(response)
    assert "On the waiting list: number 1" in page and "Leave the waiting list" in page
    assert "Cancel my booking" not in page
    response = cancel_here(browser, workshop, visitor.bookings.get())
    assert "You have left the waiting list of “Bygg en bikupa”." in statuses(response)
    assert visitor.bookings.get().status == "cancelled"


def test_the_page_offers_every_held_ticket_valid_that_day_and_no_other(
    client, future_expo, future_day, visitor, workshop
):
    day_type = TicketType.objects.create(expo=future_expo, slug="d", name="Day", kind="day")
    family = services.register(
        future_expo,
        day_type,
        [attendee("Åsa Öberg"), attendee("Søren Kjær", "s@example.dk")],
        day=future_day,
    )
    other_day = services.register(
        future_expo, day_type, [attendee("Kalle Anka")], day=future_day + dt.timedelta(days=1)
    )
    cancelled = services.register(future_expo, day_type, [attendee("Greta")], day=future_day)
    services.cancel_ticket(cancelled.tickets.get())
    for order in (visitor.order, family, other_day, cancelled):
        client.get(my_tickets(order))
    page = text(client.get(session_page(workshop)))
    assert page.count("Book a seat") == 3
    assert all(name in page for name in ("Holder 0", "Åsa Öberg", "Søren Kjær"))
    assert "Kalle Anka" not in page and "Greta" not in page


def test_a_held_ticket_the_session_does_not_admit_says_why_without_a_button(
    browser, visitor, future_expo, workshop_room, future_day
):
    summit = Conference.objects.create(
        expo=future_expo, slug="summit", name="Summit", start_date=future_day, end_date=future_day
    )
    keynote = add_session(
        future_expo, workshop_room, future_day, 14, title="Keynote", conference=summit
    )
    page = text(browser.get(session_page(keynote)))
    assert "it needs a ticket to that conference" in page
    assert "Book a seat" not in page


def test_a_held_ticket_not_valid_that_day_is_told_so(client, future_expo, future_day, workshop):
    day_type = TicketType.objects.create(expo=future_expo, slug="d", name="Day", kind="day")
    order = services.register(
        future_expo, day_type, [attendee()], day=future_day + dt.timedelta(days=1)
    )
    client.get(my_tickets(order))
    page = text(client.get(session_page(workshop)))
    assert "None of your tickets is valid on" in page and "Get a ticket" in page


def test_a_browser_without_tickets_is_told_how_to_book(client, workshop):
    response = client.get(session_page(workshop))
    page = text(response)
    assert "Book a seat from your tickets page" in page and "Book with your tickets" not in page
    assert "no-store" not in response.get("Cache-Control", "")


def test_an_open_seating_session_shows_no_booking(browser, future_expo, workshop_room, future_day):
    talk = add_session(future_expo, workshop_room, future_day, 15, capacity=None)
    page = text(browser.get(session_page(talk)))
    assert "Book with your tickets" not in page and "Book a seat" not in page


def test_another_expos_orders_are_not_offered(client, workshop, expo, season_ticket):
    elsewhere = services.register(expo, season_ticket, [attendee()])
    client.get(my_tickets(elsewhere))
    page = text(client.get(session_page(workshop)))
    assert "Book with your tickets" not in page


# Refusals, on both pages that book


def cancelled_ticket(visitor, **_fixtures):
    services.cancel_ticket(visitor)
    return visitor, "workshop", "This ticket is cancelled."


def open_seating(visitor, future_expo, workshop_room, future_day, **_fixtures):
    talk = add_session(future_expo, workshop_room, future_day, 15, capacity=None, title="Talk")
    return visitor, talk, "This session has open seating; no booking is needed."


def session_over(visitor, future_expo, workshop_room, **_fixtures):
    past = add_session(future_expo, workshop_room, future_expo.start_date, 9, title="Earlier")
    past.start -= dt.timedelta(days=1)  # moved into the past without the programme rules
    past.end -= dt.timedelta(days=1)
    past.save()
    return visitor, past, "This session is over."


def not_valid_that_day(visitor, future_expo, future_day, **_fixtures):
    day_type = TicketType.objects.create(expo=future_expo, slug="d", name="Day", kind="day")
    ticket = services.register(
        future_expo, day_type, [attendee()], day=future_day + dt.timedelta(days=1)
    ).tickets.get()
    return ticket, "workshop", f"This ticket is not valid on {future_day:%A %-d %B %Y}."


def another_conference(visitor, future_expo, workshop_room, future_day, **_fixtures):
    summit = Conference.objects.create(
        expo=future_expo, slug="summit", name="Summit", start_date=future_day, end_date=future_day
    )
    keynote = add_session(
        future_expo, workshop_room, future_day, 14, title="Keynote", conference=summit
    )
    return visitor, keynote, "This session belongs to Summit; it needs a ticket to that conference."


def another_hall(visitor, future_expo, **_fixtures):
    elsewhere = Hall.objects.create(expo=future_expo, slug="far", name="Hall Far", capacity=10)
    hall_type = TicketType.objects.create(expo=future_expo, slug="h", name="Hall", kind="season")
    hall_type.halls.set([elsewhere])
    ticket = services.register(future_expo, hall_type, [attendee()]).tickets.get()
    return ticket, "workshop", "This ticket does not admit you to Hall Ö."


def overlapping(visitor, future_expo, workshop_room, future_day, **_fixtures):
    other_room = workshop_room.hall.rooms.create(
        expo=future_expo, slug="w2", name="Verkstad 2", capacity=10
    )
    parallel = add_session(future_expo, other_room, future_day, 10, title="Parallel")
    services.book_session(visitor, parallel)
    return visitor, "workshop", "You have booked “Parallel” at the same time."


REFUSALS = [
    cancelled_ticket,
    open_seating,
    session_over,
    not_valid_that_day,
    another_conference,
    another_hall,
    overlapping,
]


@pytest.mark.parametrize("door", ["session page", "my tickets"])
@pytest.mark.parametrize("refusal", REFUSALS, ids=lambda refusal: refusal.__name__)
def test_a_refused_booking_says_why_on_the_page(
    client, door, refusal, visitor, workshop, future_expo, workshop_room, future_day
):
    client.get(my_tickets(visitor.order))  # opened before the refusal came about
    ticket, session, reason = refusal(
        visitor=visitor,
        future_expo=future_expo,
        workshop_room=workshop_room,
        future_day=future_day,
    )
    session = workshop if session == "workshop" else session
    booked_before = SessionBooking.objects.count()
    if door == "session page":
        if ticket != visitor:
            client.get(my_tickets(ticket.order))
        response = book_here(client, session, ticket)
        assert response.redirect_chain == [(session_page(session), 302)]
    else:
        response = client.post(
            f"{my_tickets(ticket.order)}tickets/{ticket.pk}/book/{session.pk}/", follow=True
        )
        assert response.redirect_chain == [(my_tickets(ticket.order), 302)]
    assert response.status_code == 200
    title = session.title
    assert f"“{title}” is not booked: {reason}" in alerts(response)
    assert SessionBooking.objects.count() == booked_before


@pytest.mark.parametrize("door", ["session page", "my tickets"])
def test_cancelling_a_booking_twice_says_it_is_cancelled_already(browser, door, visitor, workshop):
    booking = services.book_session(visitor, workshop)
    services.cancel_booking(booking)
    if door == "session page":
        response = cancel_here(browser, workshop, booking)
    else:
        url = f"{my_tickets(visitor.order)}bookings/{booking.pk}/cancel/"
        response = browser.post(url, follow=True)
    assert "“Bygg en bikupa”: This booking is already cancelled." in alerts(response)


# What the session page's doors accept


@pytest.mark.parametrize("posted", ["", "abc", "12x", "١٢", "9" * 40, "-1"])
def test_a_ticket_id_that_is_not_one_is_explained(browser, workshop, posted):
    response = browser.post(f"{session_page(workshop)}book/", {"ticket": posted}, follow=True)
    assert response.status_code == 200
    assert "This browser no longer holds that ticket." in alerts(response)
    assert not SessionBooking.objects.exists()


def test_a_ticket_or_booking_this_browser_does_not_hold_is_refused(
    browser, visitor, holders, workshop
):
    theirs = holders[1]
    response = book_here(browser, workshop, theirs)
    assert "This browser no longer holds that ticket." in alerts(response)
    assert not SessionBooking.objects.exists()
    their_booking = services.book_session(theirs, workshop)
    response = cancel_here(browser, workshop, their_booking)
    assert "This browser no longer holds that ticket." in alerts(response)
    their_booking.refresh_from_db()
    assert their_booking.status == "booked"
    # Nor does another browser hold the visitor's ticket.
    response = book_here(Client(), workshop, visitor)
    assert "This browser no longer holds that ticket." in alerts(response)
    assert SessionBooking.objects.count() == 1


def test_a_booking_of_another_session_is_not_cancelled_here(
    browser, visitor, future_expo, workshop_room, future_day, workshop
):
    later = add_session(future_expo, workshop_room, future_day, 16, title="Later")
    booking = services.book_session(visitor, later)
    response = cancel_here(browser, workshop, booking)
    assert "This browser no longer holds that ticket." in alerts(response)
    booking.refresh_from_db()
    assert booking.status == "booked"


def test_an_unknown_or_foreign_session_is_404(browser, visitor, workshop, expo, hall, room):
    assert browser.post("/expos/future/sessions/0/book/", {"ticket": visitor.pk}).status_code == 404
    elsewhere = add_session(expo, room, dt.date(2026, 6, 2), 10)
    url = f"/expos/future/sessions/{elsewhere.pk}/book/"
    assert browser.post(url, {"ticket": visitor.pk}).status_code == 404
    assert not SessionBooking.objects.exists()


def test_the_doors_need_a_post_with_the_csrf_token(visitor, workshop):
    browser = Client(enforce_csrf_checks=True)
    browser.get(my_tickets(visitor.order))
    url = f"{session_page(workshop)}book/"
    assert browser.get(url).status_code == 405
    assert browser.post(url, {"ticket": visitor.pk}).status_code == 403
    token = browser.cookies["csrftoken"].value
    response = browser.post(url, {"ticket": visitor.pk, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert SessionBooking.objects.get().ticket == visitor


def test_forgetting_the_tickets_on_this_browser(browser, visitor, workshop):
    response = browser.post(f"{session_page(workshop)}forget-tickets/", follow=True)
    assert "This browser no longer holds your tickets." in statuses(response)
    assert "Book with your tickets" not in text(response)
    assert "This browser no longer holds that ticket." in alerts(
        book_here(browser, workshop, visitor)
    )


def test_an_order_with_no_valid_ticket_left_is_forgotten(browser, visitor, workshop):
    services.cancel_ticket(visitor)
    browser.get(my_tickets(visitor.order))
    assert "Book with your tickets" not in text(browser.get(session_page(workshop)))


def test_an_erased_order_is_forgotten(browser, visitor, workshop):
    call_command("erase_person", "holder0@example.org", "--yes", stdout=io.StringIO())
    assert "Book with your tickets" not in text(browser.get(session_page(workshop)))


# The "my tickets" page's bookings


def test_my_tickets_says_leave_the_waiting_list_for_a_waiting_place(
    client, visitor, holders, workshop
):
    for holder in holders[1:3]:
        services.book_session(holder, workshop)
    services.book_session(visitor, workshop)
    page = text(client.get(my_tickets(visitor.order)))
    assert "Leave the waiting list" in page and "Cancel booking" not in page
    assert f'href="{session_page(workshop)}"' in page
    response = client.post(
        f"{my_tickets(visitor.order)}bookings/{visitor.bookings.get().pk}/cancel/", follow=True
    )
    assert "You have left the waiting list of “Bygg en bikupa”." in statuses(response)


def test_my_tickets_links_each_bookable_session_and_its_day(client, visitor, workshop, future_day):
    page = text(client.get(my_tickets(visitor.order)))
    assert f'href="{session_page(workshop)}"' in page
    assert f'href="/expos/future/programme/?day={future_day.isoformat()}"' in page


@pytest.mark.scoped
def test_the_session_page_books_inside_the_expos_scope(client, db):
    """Requests run in their expo's scope, as in production: every query of the block
    and its doors stays inside it."""
    with scopes_disabled():
        expo = Expo.objects.create(
            slug="scoped",
            name="Scoped Expo",
            start_date=timezone.localdate(),
            end_date=timezone.localdate() + dt.timedelta(days=3),
        )
        hall = Hall.objects.create(expo=expo, slug="h", name="Hall", capacity=100)
        room = Room.objects.create(expo=expo, hall=hall, slug="r", name="Room", capacity=10)
        workshop = add_session(expo, room, expo.end_date, 10, title="Bikupa")
        season = TicketType.objects.create(expo=expo, slug="s", name="Season", kind="season")
        visitor = services.register(expo, season, [attendee()]).tickets.get()
        order = visitor.order
    client.get(my_tickets(order))
    assert "Book a seat" in text(client.get(session_page(workshop)))
    assert "You have a seat" in statuses(book_here(client, workshop, visitor))
    with scopes_disabled():
        booking = visitor.bookings.get()
    assert "is cancelled" in statuses(cancel_here(client, workshop, booking))
    with scopes_disabled():
        booking.refresh_from_db()
    assert booking.status == "cancelled"
