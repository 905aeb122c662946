import datetime as dt

import pytest
from rest_framework.test import APIClient

from tests.conftest import at_once, attendee
from ticketing import codes, services
from ticketing.models import Order, Quota, SessionBooking, Ticket, TicketType

REGISTER = "/api/v1/expos/city-expo/registrations/"


def registration(**fields):
    return {
        "ticket_type": "day",
        "day": "2026-06-02",
        "attendees": [{"name": "Åsa Öberg", "email": "asa@example.org", "organisation": "Lund"}],
        **fields,
    }


def test_registration_answers_with_tickets_and_the_private_link(api, day_ticket):
    response = api.post(REGISTER, registration(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    order = Order.objects.get(pk=body["id"])
    [ticket] = body["tickets"]
    assert ticket["holder_name"] == "Åsa Öberg"
    assert ticket["valid_days"] == ["2026-06-02"]
    assert codes.verify(ticket["code"]).ticket_id == ticket["id"]
    assert body["manage_url"].endswith(f"/expos/city-expo/my-tickets/{order.secret}/")
    assert ticket["badge_url"] == f"{body['manage_url']}tickets/{ticket['id']}/badge.pdf"


def test_links_point_at_the_host_the_request_came_to(api, day_ticket, settings):
    settings.EXPO_BASE_URL = ""
    body = api.post(REGISTER, registration(), format="json", HTTP_HOST="localhost:8123").json()
    assert body["manage_url"].startswith("http://localhost:8123/expos/city-expo/my-tickets/")
    assert body["tickets"][0]["badge_url"].startswith(body["manage_url"])
    secure = api.post(REGISTER, registration(), format="json", secure=True).json()
    assert secure["manage_url"].startswith("https://testserver/expos/city-expo/my-tickets/")


def test_links_use_the_public_address_when_one_is_configured(api, day_ticket, settings):
    settings.EXPO_BASE_URL = "https://expo.example.org"
    body = api.post(REGISTER, registration(), format="json", HTTP_HOST="localhost:8123").json()
    assert body["manage_url"].startswith("https://expo.example.org/expos/city-expo/my-tickets/")
    assert body["tickets"][0]["badge_url"].startswith("https://expo.example.org/")


def test_a_sold_out_registration_is_409(api, day_ticket):
    day_ticket.capacity = 1
    services.save_ticket_type(day_ticket)
    assert api.post(REGISTER, registration(), format="json").status_code == 201
    response = api.post(REGISTER, registration(), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "sold_out"
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ticket_type": "nope"}, "ticket_type"),
        ({"day": "2026-07-01"}, "day"),
        ({"day": None}, "day"),
        ({"day": "someday"}, "day"),
        ({"attendees": []}, "attendees"),
        ({"attendees": [{"name": "X", "email": "not-mail"}]}, "attendees"),
        ({"attendees": [{"email": "x@example.org"}]}, "attendees"),
        ({"attendees": [{"name": "X", "email": "x@example.org"}] * 11}, "attendees"),
        ({"attendees": "everyone"}, "attendees"),
    ],
)
def test_bad_registrations_are_400_and_write_nothing(api, day_ticket, change, field):
    response = api.post(REGISTER, registration(**change), format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Order.objects.exists() and not Ticket.objects.exists()


def test_an_organiser_manages_ticket_types_and_their_quotas(organiser_api, expo, hall):
    body = {
        "slug": "weekend",
        "name": "Weekend",
        "kind": "multi_day",
        "price": "150.00",
        "valid_days": ["2026-06-06", "2026-06-07"],
        "halls": ["hall-a"],
        "day_capacity": 500,
    }
    url = "/api/v1/expos/city-expo/ticket-types/"
    response = organiser_api.post(url, body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["halls"] == ["hall-a"]
    weekend = TicketType.objects.get(slug="weekend")
    assert sorted(Quota.objects.filter(ticket_type=weekend).values_list("size", flat=True)) == [
        500,
        500,
    ]
    response = organiser_api.patch(f"{url}weekend/", {"day_capacity": 800}, format="json")
    assert response.status_code == 200
    assert set(Quota.objects.filter(ticket_type=weekend).values_list("size", flat=True)) == {800}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "party"}, "kind"),
        ({"valid_days": ["2027-01-01"]}, "valid_days"),
        ({"kind": "conference"}, "conference"),
        ({"price": "-5"}, "price"),
        ({"halls": ["nowhere"]}, "halls"),
        ({"sale_starts": "2026-05-02T00:00Z", "sale_ends": "2026-05-01T00:00Z"}, "sale_ends"),
    ],
)
def test_bad_ticket_types_are_400(organiser_api, expo, change, field):
    body = {"slug": "t", "name": "T", "kind": "season", **change}
    response = organiser_api.post("/api/v1/expos/city-expo/ticket-types/", body, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not TicketType.objects.exists()


def test_visitors_see_ticket_types_but_cannot_add_them(api, day_ticket):
    assert api.get("/api/v1/expos/city-expo/ticket-types/").json()["count"] == 1
    body = {"slug": "t", "name": "T", "kind": "season"}
    assert api.post("/api/v1/expos/city-expo/ticket-types/", body).status_code in (401, 403)


def test_organisers_list_tickets_with_filters(organiser_api, api, expo, day_ticket, season_ticket):
    services.register(expo, day_ticket, [attendee()], day=dt.date(2026, 6, 3))
    services.register(expo, season_ticket, [attendee("Søren", "s@example.dk")])
    cancelled = services.register(expo, season_ticket, [attendee("Kai", "k@example.fi")])
    services.cancel_ticket(cancelled.tickets.get())
    url = "/api/v1/expos/city-expo/tickets/"
    assert organiser_api.get(url).json()["count"] == 3
    names = [
        t["holder_name"] for t in organiser_api.get(url, {"day": "2026-06-02"}).json()["results"]
    ]
    assert names == ["Kai", "Søren"]  # newest first
    assert organiser_api.get(url, {"status": "cancelled"}).json()["count"] == 1
    assert organiser_api.get(url, {"ticket_type": "day"}).json()["count"] == 1
    assert organiser_api.get(url, {"day": "x"}).status_code == 400
    assert api.get(url).status_code in (401, 403)


def holder_of(ticket):
    """A client that proves ``ticket``'s order with its secret."""
    client = APIClient()
    client.credentials(HTTP_X_ORDER_SECRET=ticket.order.secret)
    return client


def test_a_holder_reads_and_cancels_their_ticket_with_the_orders_secret(api, expo, season_ticket):
    ticket = services.register(expo, season_ticket, [attendee()]).tickets.get()
    url = f"/api/v1/tickets/{ticket.pk}/"
    assert api.get(url).status_code == 404
    assert api.get(url, {"code": ticket.code}).status_code == 404
    holder = holder_of(ticket)
    assert holder.get(url).json()["holder_name"] == "Åsa Öberg"
    response = holder.post(f"{url}cancel/")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    again = holder.post(f"{url}cancel/")
    assert again.status_code == 409 and again.json()["code"] == "cancelled"


def test_another_holders_secret_does_not_open_a_ticket(expo, season_ticket):
    mine = services.register(expo, season_ticket, [attendee()]).tickets.get()
    theirs = services.register(expo, season_ticket, [attendee("B", "b@example.org")]).tickets.get()
    stranger = holder_of(theirs)
    assert stranger.get(f"/api/v1/tickets/{mine.pk}/").status_code == 404
    assert stranger.post(f"/api/v1/tickets/{mine.pk}/cancel/").status_code == 404
    mine.refresh_from_db()
    assert mine.is_valid


def test_booking_through_the_api(holders, workshop):
    url = f"/api/v1/sessions/{workshop.pk}/bookings/"
    answers = [holder_of(t).post(url, {"ticket": t.pk}, format="json") for t in holders[:3]]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert [(a.json()["status"], a.json()["position"]) for a in answers] == [
        ("booked", None),
        ("booked", None),
        ("waitlisted", 1),
    ]
    first = answers[0].json()["id"]
    detail = f"{url}{first}/"
    assert APIClient().get(detail).status_code == 404
    assert holder_of(holders[0]).get(detail).json()["status"] == "booked"
    assert holder_of(holders[1]).delete(detail).status_code == 404
    assert holder_of(holders[0]).delete(detail).status_code == 204
    waiting = SessionBooking.objects.get(pk=answers[2].json()["id"])
    assert waiting.status == "booked"


@pytest.mark.parametrize("ticket", ["", "garbage", 0])
def test_booking_with_a_bad_ticket_is_400(holders, workshop, ticket):
    response = holder_of(holders[0]).post(
        f"/api/v1/sessions/{workshop.pk}/bookings/", {"ticket": ticket}, format="json"
    )
    assert response.status_code == 400
    assert "ticket" in response.json()
    assert not SessionBooking.objects.exists()


def test_a_refused_booking_is_409(holders, workshop):
    services.cancel_ticket(holders[0])
    response = holder_of(holders[0]).post(
        f"/api/v1/sessions/{workshop.pk}/bookings/", {"ticket": holders[0].pk}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "cancelled"


def test_public_keys_are_published(api, expo, season_ticket):
    ticket = services.register(expo, season_ticket, [attendee()]).tickets.get()
    keys = api.get("/api/v1/expos/city-expo/keys/").json()
    assert any(key["active"] for key in keys)
    assert codes.verify(ticket.code).key_id in {key["key_id"] for key in keys}


@pytest.mark.django_db(transaction=True)
def test_twenty_registrations_at_once_are_each_sold_or_sold_out(day_ticket):
    """On either database: on SQLite, writers queue for the write lock instead of failing
    with "database is locked"."""
    day_ticket.capacity = 15
    services.save_ticket_type(day_ticket)

    def register(index):
        client = APIClient()
        client.raise_request_exception = False
        person = {"name": f"Visitor {index}", "email": f"v{index}@example.org"}
        return client.post(REGISTER, registration(attendees=[person]), format="json")

    responses = at_once(register, range(20))
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] * 15 + [409] * 5
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"sold_out"}
    assert Ticket.objects.filter(ticket_type=day_ticket).count() == 15
