"""Who may read and change a ticket, its badge and its bookings through the API: an
organiser of its expo, or its holder with the order's secret in ``X-Order-Secret``. The
badge code proves nothing, and an id that is not yours answers like one that does not
exist."""

from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from tests.conftest import add_session, attendee
from ticketing import services
from ticketing.models import SessionBooking, Ticket

pytestmark = pytest.mark.django_db

MISSING = 999_999

# door -> (method, path, status when allowed)
DOORS = {
    "read the ticket": ("get", "/api/v1/tickets/{ticket}/", 200),
    "cancel the ticket": ("post", "/api/v1/tickets/{ticket}/cancel/", 200),
    "download the badge": ("get", "/api/v1/tickets/{ticket}/badge.pdf", 200),
    "book a session": ("post", "/api/v1/sessions/{free_session}/bookings/", 201),
    "read the booking": ("get", "/api/v1/sessions/{session}/bookings/{booking}/", 200),
    "cancel the booking": ("delete", "/api/v1/sessions/{session}/bookings/{booking}/", 204),
}


@pytest.fixture
def later(future_expo, workshop_room, future_day):
    return add_session(future_expo, workshop_room, future_day, 14, title="Honung")


@pytest.fixture
def booked(holders, workshop):
    """The first holder's ticket with a seat in the workshop."""
    return holders[0], services.book_session(holders[0], workshop)


@pytest.fixture
def ids(booked, later):
    """The ids the doors name: the ticket, its booking and that booking's session, and a
    session it has not booked."""
    ticket, booking = booked
    return {
        "ticket": ticket.pk,
        "booking": booking.pk,
        "session": booking.session_id,
        "free_session": later.pk,
    }


def knock(client, door, ids, *, secret=None, data=None):
    """Try ``door`` on ``ids``; ``data`` goes both in the query string and in the body."""
    method, path, _allowed = DOORS[door]
    url = path.format(**ids)
    data = dict(data or {})
    if door == "book a session":
        data["ticket"] = ids["ticket"]
    extra = {"HTTP_X_ORDER_SECRET": secret} if secret is not None else {}
    if method == "get":
        return client.get(url, data, **extra)
    if data:
        url = f"{url}?{urlencode(data)}"
    return getattr(client, method)(url, data, format="json", **extra)


def missing(client, door, ids):
    """The answer to the same request for a ticket and a booking that do not exist."""
    return knock(client, door, {**ids, "ticket": MISSING, "booking": MISSING})


def nothing_changed(ticket, booking):
    ticket.refresh_from_db()
    booking.refresh_from_db()
    assert ticket.is_valid and booking.status == "booked"
    assert SessionBooking.objects.count() == 1


def with_secret(secret):
    client = APIClient()
    client.credentials(HTTP_X_ORDER_SECRET=secret)
    return client


@pytest.mark.parametrize("door", DOORS)
def test_the_orders_secret_opens_every_door(booked, ids, door):
    ticket, _booking = booked
    response = knock(APIClient(), door, ids, secret=ticket.order.secret)
    assert response.status_code == DOORS[door][2], response.content[:200]


@pytest.mark.parametrize("door", DOORS)
def test_a_photographed_badge_code_opens_nothing(booked, ids, door):
    ticket, booking = booked
    client = APIClient()
    response = knock(client, door, ids, data={"code": ticket.code})
    assert response.status_code == 404
    assert response.content == missing(client, door, ids).content
    assert ticket.holder_email.encode() not in response.content
    nothing_changed(ticket, booking)


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("secret", ["", "guess", "other order", "nul\x00byte"])
def test_a_wrong_secret_answers_like_a_missing_id(holders, booked, ids, door, secret):
    ticket, booking = booked
    if secret == "other order":
        secret = holders[1].order.secret
    client = APIClient()
    response = knock(client, door, ids, secret=secret)
    assert response.status_code == 404
    assert response.content == missing(client, door, ids).content
    nothing_changed(ticket, booking)


@pytest.mark.parametrize("door", DOORS)
def test_the_expos_organiser_opens_every_door(future_expo, ids, door):
    user = get_user_model().objects.create_user("olga")
    future_expo.organisers.add(user)
    client = APIClient()
    client.force_authenticate(user)
    assert knock(client, door, ids).status_code == DOORS[door][2]


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("who", ["other expo's organiser", "staff token", "signed-in visitor"])
def test_anyone_else_signed_in_gets_the_same_404(other_expo, acme_staff, booked, ids, door, who):
    ticket, booking = booked
    users = get_user_model().objects
    client = APIClient()
    if who == "other expo's organiser":
        user = users.create_user("oskar")
        other_expo.organisers.add(user)
        client.force_authenticate(user)
    elif who == "staff token":
        client.credentials(HTTP_AUTHORIZATION=f"Token {acme_staff}")
    else:
        client.force_authenticate(users.create_user("vera"))
    response = knock(client, door, ids, data={"code": ticket.code})
    assert response.status_code == 404
    assert response.content == missing(client, door, ids).content
    nothing_changed(ticket, booking)


@pytest.fixture
def acme_staff(future_expo):
    """The API token of an exhibitor's staff member."""
    from rest_framework.authtoken.models import Token

    from exhibitors import services as exhibitor_services
    from exhibitors.models import Exhibitor

    acme = Exhibitor.objects.create(expo=future_expo, name="Acme Stad AB")
    member = exhibitor_services.add_member(
        acme, username="acme-staff", email="s@acme.se", name="Siv Acme"
    )
    return Token.objects.create(user=member.user).key


def test_a_booking_of_another_session_answers_like_a_missing_one(booked, later):
    ticket, booking = booked
    client = with_secret(ticket.order.secret)
    response = client.get(f"/api/v1/sessions/{later.pk}/bookings/{booking.pk}/")
    assert response.status_code == 404
    assert (
        response.content == client.get(f"/api/v1/sessions/{later.pk}/bookings/{MISSING}/").content
    )


def test_the_registration_answer_carries_the_secret_that_proves_the_holder(api, expo, day_ticket):
    created = api.post(
        "/api/v1/expos/city-expo/registrations/",
        {
            "ticket_type": "day",
            "day": "2026-06-02",
            "attendees": [{"name": "Åsa Öberg", "email": "asa@example.org"}],
        },
        format="json",
    ).json()
    ticket = created["tickets"][0]
    assert created["manage_url"].endswith(f"/my-tickets/{created['secret']}/")
    url = f"/api/v1/tickets/{ticket['id']}/"
    holder = with_secret(created["secret"])
    assert holder.get(url).json()["holder_email"] == "asa@example.org"
    assert api.get(url, {"secret": created["secret"]}).status_code == 404  # not in a URL


def test_the_holder_books_without_naming_the_only_ticket(holders, workshop):
    ticket = holders[0]
    client = with_secret(ticket.order.secret)
    response = client.post(f"/api/v1/sessions/{workshop.pk}/bookings/", {}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["ticket"] == ticket.pk and response.json()["status"] == "booked"


def test_several_tickets_of_an_order_are_named(future_expo, future_season, workshop):
    order = services.register(
        future_expo, future_season, [attendee("A", "a@example.org"), attendee("B", "b@x.org")]
    )
    client = with_secret(order.secret)
    url = f"/api/v1/sessions/{workshop.pk}/bookings/"
    unnamed = client.post(url, {}, format="json")
    assert unnamed.status_code == 400 and "ticket" in unnamed.json()
    second = order.tickets.order_by("pk").last()
    response = client.post(url, {"ticket": second.pk}, format="json")
    assert response.status_code == 201 and response.json()["ticket"] == second.pk


def test_a_holder_cannot_book_with_another_orders_ticket(holders, workshop):
    client = with_secret(holders[0].order.secret)
    url = f"/api/v1/sessions/{workshop.pk}/bookings/"
    theirs = client.post(url, {"ticket": holders[1].pk}, format="json")
    assert theirs.status_code == 404
    assert theirs.content == client.post(url, {"ticket": MISSING}, format="json").content
    assert not SessionBooking.objects.exists()


def test_a_ticket_of_another_expo_books_nothing(expo, season_ticket, workshop):
    foreign = services.register(expo, season_ticket, [attendee()]).tickets.get()
    client = with_secret(foreign.order.secret)
    url = f"/api/v1/sessions/{workshop.pk}/bookings/"
    assert client.post(url, {"ticket": foreign.pk}, format="json").status_code == 404
    assert client.post(url, {}, format="json").status_code == 404
    assert not SessionBooking.objects.exists()


def test_an_organiser_names_the_ticket_to_book(future_expo, holders, workshop):
    user = get_user_model().objects.create_user("olga")
    future_expo.organisers.add(user)
    client = APIClient()
    client.force_authenticate(user)
    url = f"/api/v1/sessions/{workshop.pk}/bookings/"
    unnamed = client.post(url, {}, format="json")
    assert unnamed.status_code == 400 and "ticket" in unnamed.json()
    assert client.post(url, {"ticket": holders[2].pk}, format="json").status_code == 201
    assert SessionBooking.objects.get().ticket_id == holders[2].pk


def test_a_cancelled_ticket_keeps_its_refusals_for_the_holder(holders, workshop):
    ticket = holders[0]
    services.cancel_ticket(ticket)
    client = with_secret(ticket.order.secret)
    booking = client.post(f"/api/v1/sessions/{workshop.pk}/bookings/", {}, format="json")
    assert booking.status_code == 409 and booking.json()["code"] == "cancelled"
    again = client.post(f"/api/v1/tickets/{ticket.pk}/cancel/")
    assert again.status_code == 409 and again.json()["code"] == "cancelled"
    assert client.get(f"/api/v1/tickets/{ticket.pk}/badge.pdf").status_code == 400
    assert Ticket.objects.get(pk=ticket.pk).status == "cancelled"


def test_the_schema_names_the_secret_header_and_the_404(api, db):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    operations = [
        paths["/api/v1/tickets/{id}/"]["get"],
        paths["/api/v1/tickets/{id}/cancel/"]["post"],
        paths["/api/v1/tickets/{id}/badge.pdf"]["get"],
        paths["/api/v1/sessions/{id}/bookings/"]["post"],
        paths["/api/v1/sessions/{id}/bookings/{booking_id}/"]["get"],
        paths["/api/v1/sessions/{id}/bookings/{booking_id}/"]["delete"],
    ]
    for operation in operations:
        parameters = {(p["in"], p["name"]) for p in operation.get("parameters", [])}
        assert ("header", "X-Order-Secret") in parameters, operation["operationId"]
        assert not {("query", "code"), ("query", "secret")} & parameters
        assert "404" in operation["responses"]
    order = schema["components"]["schemas"]["Order"]
    assert {"secret", "manage_url"} <= set(order["properties"])
