"""Registration retried with an Idempotency-Key: one order, the first answer again."""

import datetime as dt

import pytest
from django.core import mail
from rest_framework.test import APIClient

from tests.conftest import at_once, send_queued_mail
from ticketing import services
from ticketing.models import IdempotencyKey, Order, Ticket

REGISTER = "/api/v1/expos/city-expo/registrations/"


def registration(name="Åsa Öberg"):
    return {
        "ticket_type": "day",
        "day": "2026-06-02",
        "attendees": [{"name": name, "email": "asa@example.org"}],
    }


def post(client, body, key):
    return client.post(REGISTER, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_the_same_key_again_answers_the_first_order(api, day_ticket):
    first = post(api, registration(), "retry-1")
    again = post(api, registration(), "retry-1")
    send_queued_mail()
    assert first.status_code == again.status_code == 201, again.json()
    assert again.json() == first.json()
    assert Order.objects.count() == Ticket.objects.count() == 1
    assert len(mail.outbox) == 1
    assert IdempotencyKey.objects.get().order_id == first.json()["id"]


def test_another_key_makes_another_order(api, day_ticket):
    assert (
        post(api, registration(), "a").json()["id"] != post(api, registration(), "b").json()["id"]
    )
    assert Order.objects.count() == 2


def test_a_key_reused_for_another_registration_is_409(api, day_ticket):
    assert post(api, registration(), "retry-1").status_code == 201
    response = post(api, registration(name="Per Persson"), "retry-1")
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert Order.objects.count() == 1


def test_a_refused_registration_does_not_keep_its_key(api, day_ticket):
    day_ticket.capacity = 0
    services.save_ticket_type(day_ticket)
    assert post(api, registration(), "retry-1").status_code == 409
    assert not IdempotencyKey.objects.exists()
    day_ticket.capacity = 5
    services.save_ticket_type(day_ticket)
    assert post(api, registration(), "retry-1").status_code == 201


def test_keys_expire_after_a_day(api, day_ticket, expo):
    first = post(api, registration(), "retry-1").json()
    stale = post(api, registration(), "stale").json()
    IdempotencyKey.objects.filter(key__in=["retry-1", "stale"]).update(
        created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    again = post(api, registration(), "retry-1").json()
    assert again["id"] not in {first["id"], stale["id"]}
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["retry-1"]


@pytest.mark.parametrize("key", ["", "   ", "k" * 201, "a\x00b"])
def test_a_bad_key_is_400_and_writes_nothing(api, day_ticket, key):
    response = post(api, registration(), key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert not Order.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_retries_arriving_together_make_one_order(day_ticket):
    answers = at_once(lambda _n: post(APIClient(), registration(), "together"), range(4))
    assert [answer.status_code for answer in answers] == [201] * 4
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert Order.objects.count() == Ticket.objects.count() == 1
