"""Limits on abuse: the API's throttles (429 with Retry-After), the registration page's
share of them, the password-reset page's own limit, and the sign-in lockout of the site's
and the admin's login pages."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from outbox.models import Mail
from ticketing.models import Order, ScannerDevice, ScanPoint

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/expos/future/registrations/"


@pytest.fixture
def rates(settings):
    """Sets the rates a test names (the others stay off), on an empty count."""
    cache.clear()

    def set_rates(**scopes):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                **scopes,
            },
        }

    yield set_rates
    cache.clear()


def registration(number):
    return {
        "ticket_type": "season",
        "attendees": [{"name": f"Visitor {number}", "email": f"v{number}@example.org"}],
    }


def test_registrations_from_one_address_are_limited_and_answered_429(
    rates, future_expo, future_season
):
    rates(registrations="3/minute")
    api = APIClient(REMOTE_ADDR="203.0.113.7")
    answers = [api.post(REGISTER, registration(n), format="json") for n in range(5)]
    assert [answer.status_code for answer in answers] == [201, 201, 201, 429, 429]
    assert 1 <= int(answers[3]["Retry-After"]) <= 60
    assert Order.objects.count() == 3  # the refused ones wrote nothing
    elsewhere = APIClient(REMOTE_ADDR="198.51.100.2")
    assert elsewhere.post(REGISTER, registration(9), format="json").status_code == 201


def test_the_registration_page_counts_with_the_api(rates, future_expo, future_season):
    rates(registrations="1/minute")
    api = APIClient(REMOTE_ADDR="203.0.113.7")
    assert api.post(REGISTER, registration(1), format="json").status_code == 201
    page = Client(REMOTE_ADDR="203.0.113.7")
    response = page.post(
        "/expos/future/register/",
        {
            "ticket_type": future_season.pk,
            "attendee-TOTAL_FORMS": "1",
            "attendee-INITIAL_FORMS": "0",
            "attendee-MIN_NUM_FORMS": "1",
            "attendee-MAX_NUM_FORMS": "50",
            "attendee-0-name": "Åsa Öberg",
            "attendee-0-email": "asa@example.org",
        },
    )
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert "Too many registrations from here just now" in response.content.decode()
    assert Order.objects.count() == 1


def test_asking_for_password_links_from_one_address_is_limited(rates, django_user_model):
    rates(password_resets="2/minute")
    for name in ("greta", "hugo", "ida"):
        django_user_model.objects.create_user(name, email=f"{name}@expo.example")
    page = Client(REMOTE_ADDR="203.0.113.7")
    answers = [
        page.post("/accounts/password_reset/", {"email": f"{name}@expo.example"})
        for name in ("greta", "hugo", "ida")
    ]
    assert [answer.status_code for answer in answers] == [302, 302, 429]
    assert 1 <= int(answers[2]["Retry-After"]) <= 60
    assert "Too many requests from here just now" in answers[2].content.decode()
    assert Mail.objects.count() == 2  # the refused one queued nothing
    elsewhere = Client(REMOTE_ADDR="198.51.100.2")
    assert (
        elsewhere.post("/accounts/password_reset/", {"email": "x@expo.example"}).status_code == 302
    )


def test_guessing_at_a_ticket_is_limited(rates, holders):
    rates(holder="5/minute")
    api = APIClient()
    ticket = holders[0]
    answers = [
        api.get(f"/api/v1/tickets/{ticket.pk}/", HTTP_X_ORDER_SECRET=f"guess-{n}").status_code
        for n in range(7)
    ]
    assert answers[:5] == [404] * 5 and answers[5:] == [429, 429]


def test_anonymous_reads_are_limited(rates, future_expo):
    rates(anon="2/minute")
    api = APIClient()
    answers = [api.get("/api/v1/expos/") for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert "Retry-After" in answers[2]


def scan(client, ticket, direction):
    return client.post(
        "/api/v1/checkins/",
        {"code": ticket.code, "scan_point": "north", "direction": direction},
        format="json",
    )


def test_scanners_have_their_own_limit_per_device(rates, future_expo, holders):
    # The general limits are tight here; a gate only meets its own.
    rates(anon="1/minute", user="1/minute", scan="4/minute")
    ScanPoint.objects.create(expo=future_expo, slug="north", name="North", kind="gate")
    gates = []
    for number in range(2):
        device = ScannerDevice.objects.create(expo=future_expo, name=f"Gate phone {number}")
        client = APIClient(REMOTE_ADDR="192.0.2.10")  # both behind the venue's one address
        client.credentials(HTTP_AUTHORIZATION=f"Token {device.key}")
        gates.append(client)
    first, second = gates
    answers = [scan(first, holders[0], direction).status_code for direction in ["in", "out"] * 2]
    assert answers == [200, 200, 200, 200]
    refused = scan(first, holders[0], "in")
    assert refused.status_code == 429 and "Retry-After" in refused
    assert scan(second, holders[1], "in").json()["result"] == "entered"


@pytest.fixture
def staff_member(django_user_model):
    return django_user_model.objects.create_user(
        "siv", password="the-right-pw-123", is_staff=True, is_superuser=True
    )


@pytest.mark.parametrize("login", ["/accounts/login/", "/admin/login/"])
def test_a_user_name_is_locked_after_failed_sign_ins_from_one_address(
    settings, staff_member, login
):
    settings.AXES_FAILURE_LIMIT = 3
    attacker = Client(REMOTE_ADDR="203.0.113.66")
    for _ in range(2):
        wrong = attacker.post(login, {"username": "siv", "password": "wrong"})
        assert wrong.status_code == 200  # the form again, with its error
    locked = attacker.post(login, {"username": "siv", "password": "wrong"})
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert "too many failed sign-ins" in locked.content.decode()
    right = attacker.post(login, {"username": "siv", "password": "the-right-pw-123"})
    assert right.status_code == 429 and "_auth_user_id" not in attacker.session
    # The same person from their own address still gets in.
    owner = Client(REMOTE_ADDR="198.51.100.5")
    signed_in = owner.post(login, {"username": "siv", "password": "the-right-pw-123"})
    assert signed_in.status_code == 302 and owner.session["_auth_user_id"] == str(staff_member.pk)


def test_a_successful_sign_in_forgets_earlier_failures(settings, staff_member):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client(REMOTE_ADDR="198.51.100.5")
    for _ in range(2):
        client.post("/accounts/login/", {"username": "siv", "password": "typo"})
    assert (
        client.post(
            "/accounts/login/", {"username": "siv", "password": "the-right-pw-123"}
        ).status_code
        == 302
    )
    client.logout()
    for _ in range(2):
        client.post("/accounts/login/", {"username": "siv", "password": "typo"})
    assert get_user_model().objects.count() == 1
    assert (
        client.post(
            "/accounts/login/", {"username": "siv", "password": "the-right-pw-123"}
        ).status_code
        == 302
    )
