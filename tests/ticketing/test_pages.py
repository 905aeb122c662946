import datetime as dt
import re

import pytest
from django.core import mail

from tests.ticketing.conftest import attendee
from ticketing import services
from ticketing.models import Order, Quota, SessionBooking, Ticket

REGISTER = "/expos/city-expo/register/"


def form(**fields):
    return {
        "ticket_type": "",
        "day": "2026-06-02",
        "attendee-TOTAL_FORMS": "1",
        "attendee-INITIAL_FORMS": "0",
        "attendee-MIN_NUM_FORMS": "1",
        "attendee-MAX_NUM_FORMS": "50",
        "attendee-0-name": "Åsa Öberg",
        "attendee-0-email": "asa@example.org",
        "attendee-0-organisation": "Malmö stad",
        **fields,
    }


def manage_path(order):
    return f"/expos/{order.expo.slug}/my-tickets/{order.secret}/"


def test_the_registration_page_asks_for_consent_unticked(client, day_ticket, season_ticket):
    season_ticket.price = 595
    season_ticket.save()
    page = client.get(REGISTER).content.decode()
    assert "Season — 595.00 SEK" in page
    assert 'name="attendee-0-share_contact_with_exhibitors"' in page
    checkbox = re.search(r"<input[^>]*share_contact_with_exhibitors[^>]*>", page).group(0)
    assert "checked" not in checkbox
    assert '<label for="id_attendee-0-email">' in page
    assert "Free" in page


def test_registering_sends_the_private_link_and_shows_the_tickets(
    client, day_ticket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REGISTER, form(ticket_type=day_ticket.pk))
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == manage_path(order)
    assert manage_path(order) in mail.outbox[0].body
    page = client.get(manage_path(order))
    assert page.status_code == 200
    assert "Åsa Öberg" in page.content.decode()
    assert '<svg role="img" class="qr"' in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    assert page["Referrer-Policy"] == "no-referrer"
    assert "noindex" in page["X-Robots-Tag"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"attendee-0-name": ""}, "Give the attendee"),
        ({"attendee-0-email": "not-mail"}, "valid e-mail"),
        ({"day": "2026-07-01"}, "valid choice"),
        ({"ticket_type": "999999"}, "valid choice"),
        ({"ticket_type": ""}, "Choose a ticket"),
    ],
)
def test_bad_input_shows_an_error_summary_and_writes_nothing(client, day_ticket, change, message):
    data = form(ticket_type=day_ticket.pk)
    data.update(change)
    response = client.post(REGISTER, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary" role="alert"' in page
    assert message in page
    assert not Order.objects.exists() and not Ticket.objects.exists()


def test_a_closed_day_for_a_ticket_is_explained(client, expo, day_ticket, season_ticket):
    response = client.post(REGISTER, form(ticket_type=season_ticket.pk))
    assert response.status_code == 400
    assert "Only day tickets" in response.content.decode()


def test_sold_out_is_explained(client, day_ticket):
    day_ticket.capacity = 0
    services.save_ticket_type(day_ticket)
    response = client.post(REGISTER, form(ticket_type=day_ticket.pk))
    assert response.status_code == 400
    assert "sold out" in response.content.decode()
    assert not Ticket.objects.exists()


def test_another_attendee_row_keeps_what_was_typed(client, day_ticket):
    response = client.post(REGISTER, form(ticket_type=day_ticket.pk, add_attendee="1"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="attendee-1-name"' in page
    assert 'value="Åsa Öberg"' in page
    assert "error-summary" not in page


def test_an_unknown_secret_is_404(client, expo):
    assert client.get("/expos/city-expo/my-tickets/not-the-secret/").status_code == 404


def test_the_page_shows_only_its_own_orders_tickets(client, expo, season_ticket):
    mine = services.register(expo, season_ticket, [attendee()])
    services.register(expo, season_ticket, [attendee("Søren Kjær", "s@example.dk")])
    page = client.get(manage_path(mine)).content.decode()
    assert "Åsa Öberg" in page and "Søren Kjær" not in page


def test_booking_and_cancelling_a_session_on_the_page(client, holders, workshop):
    order = holders[0].order
    base = manage_path(order)
    assert "Bygg en bikupa" in client.get(base).content.decode()
    response = client.post(f"{base}tickets/{holders[0].pk}/book/{workshop.pk}/")
    assert response.status_code == 302
    booking = SessionBooking.objects.get()
    assert booking.status == "booked"
    assert "You have a seat" in client.get(base).content.decode()
    client.post(f"{base}bookings/{booking.pk}/cancel/")
    booking.refresh_from_db()
    assert booking.status == "cancelled"


def test_a_ticket_of_another_order_cannot_be_touched(client, holders, workshop):
    mine, theirs = holders[0], holders[1]
    base = manage_path(mine.order)
    response = client.post(f"{base}tickets/{theirs.pk}/book/{workshop.pk}/")
    assert response.status_code == 404
    assert client.post(f"{base}tickets/{theirs.pk}/cancel/", {"confirm": "on"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_valid and not SessionBooking.objects.exists()


def test_cancelling_a_ticket_asks_first_and_frees_its_place(client, expo, day_ticket):
    day_ticket.capacity = 3
    services.save_ticket_type(day_ticket)
    order = services.register(expo, day_ticket, [attendee()], day=dt.date(2026, 6, 2))
    ticket = order.tickets.get()
    url = f"{manage_path(order)}tickets/{ticket.pk}/cancel/"
    assert client.get(url).status_code == 200
    refused = client.post(url, {})
    assert refused.status_code == 400 and "Tick the box" in refused.content.decode()
    assert client.post(url, {"confirm": "on"}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "cancelled"
    assert Quota.objects.get(ticket_type=day_ticket, day=None).used == 0


def test_the_page_speaks_the_visitors_language(client, expo, day_ticket):
    page = client.get(REGISTER, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert '<html lang="sv">' in page
    client.post("/i18n/setlang/", {"language": "fi", "next": REGISTER})
    assert '<html lang="fi">' in client.get(REGISTER).content.decode()
