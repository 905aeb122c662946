"""Who may do what with an exhibitor: organiser, its own staff, another exhibitor's
staff, a signed-in visitor and anyone, for each action, through the API and the portal."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from exhibitors import services
from tests.conftest import attendee
from ticketing import services as ticketing

pytestmark = pytest.mark.django_db

ROLES = ["organiser", "own staff", "other staff", "visitor", "anonymous"]


def client_as(people, role):
    client = APIClient()
    if people[role] is not None:
        client.force_login(people[role])
    return client


def allowed(status):
    return status < 400


# action -> (how to do it, the roles allowed)
MATRIX = {
    "read the profile": (lambda c, e, t: c.get(f"/api/v1/exhibitors/{e.pk}/"), set(ROLES)),
    "change the profile": (
        lambda c, e, t: c.patch(f"/api/v1/exhibitors/{e.pk}/", {"tagline": "Ny"}, format="json"),
        {"organiser", "own staff"},
    ),
    "list the staff": (
        lambda c, e, t: c.get(f"/api/v1/exhibitors/{e.pk}/members/"),
        {"organiser", "own staff"},
    ),
    "add staff": (
        lambda c, e, t: c.post(
            f"/api/v1/exhibitors/{e.pk}/members/",
            {"username": "new-one", "email": "n@x.se", "name": "Ny Person"},
            format="json",
        ),
        {"organiser", "own staff"},
    ),
    "scan a lead": (
        lambda c, e, t: c.post(
            f"/api/v1/exhibitors/{e.pk}/leads/", {"code": t.code}, format="json"
        ),
        {"own staff"},
    ),
    "read the leads": (lambda c, e, t: c.get(f"/api/v1/exhibitors/{e.pk}/leads/"), {"own staff"}),
    "export the leads": (
        lambda c, e, t: c.get(f"/api/v1/exhibitors/{e.pk}/leads.csv"),
        {"own staff"},
    ),
    "open the portal page": (lambda c, e, t: c.get(f"/portal/{e.pk}/"), {"organiser", "own staff"}),
    "open the portal scanner": (lambda c, e, t: c.get(f"/portal/{e.pk}/scan/"), {"own staff"}),
    "export leads from the portal": (
        lambda c, e, t: c.get(f"/portal/{e.pk}/leads.csv"),
        {"own staff"},
    ),
    "change a lead": (
        lambda c, e, t: c.patch(
            f"/api/v1/exhibitors/{e.pk}/leads/{a_lead(e, t).pk}/", {"rating": 4}, format="json"
        ),
        {"own staff"},
    ),
    "remove a lead": (
        lambda c, e, t: c.delete(f"/api/v1/exhibitors/{e.pk}/leads/{a_lead(e, t).pk}/"),
        {"own staff"},
    ),
    "change a lead in the portal": (
        lambda c, e, t: c.post(f"/portal/{e.pk}/leads/{a_lead(e, t).pk}/", {"rating": "4"}),
        {"own staff"},
    ),
    "remove a lead in the portal": (
        lambda c, e, t: c.post(f"/portal/{e.pk}/leads/{a_lead(e, t).pk}/remove/"),
        {"own staff"},
    ),
}


def a_lead(exhibitor, ticket):
    """The exhibitor's lead of ``ticket``, as its staff would have scanned it."""
    staff = exhibitor.members.get().user
    return services.capture_lead(exhibitor, ticket.code, user=staff)[0]


@pytest.mark.parametrize("action", MATRIX)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(people, acme, holders, role, action):
    do, roles = MATRIX[action]
    response = do(client_as(people, role), acme, holders[0])
    if role in roles:
        assert allowed(response.status_code), (role, action, response.status_code)
    else:
        # An export answers those who may not have it 404, as if there were nothing.
        assert response.status_code in (302, 401, 403, 404), (role, action, response.status_code)
        if response.status_code == 302:  # the portal sends strangers to sign in
            assert "/accounts/login/" in response["Location"]


def test_staff_of_one_exhibitor_never_see_anothers_leads(people, acme, globex, holders):
    services.capture_lead(globex, holders[0].code, user=people["other staff"], note="secret")
    client = client_as(people, "own staff")
    assert client.get(f"/api/v1/exhibitors/{globex.pk}/leads/").status_code == 403
    assert client.get(f"/portal/{globex.pk}/").status_code == 403
    assert "secret" not in client.get(f"/portal/{acme.pk}/").content.decode()


def test_staff_cannot_remove_another_exhibitors_staff(people, acme, globex):
    member = globex.members.get()
    client = client_as(people, "own staff")
    assert client.delete(f"/api/v1/exhibitors/{acme.pk}/members/{member.pk}/").status_code == 404
    assert client.post(f"/portal/{globex.pk}/staff/{member.pk}/remove/").status_code == 403
    assert globex.members.count() == 1


def test_staff_holding_a_visitors_code_learn_none_of_their_contact_details(
    client, people, acme, future_expo, future_season, workshop
):
    """A badge code is what every booth scanner reads: with it (and the ticket id it
    names) an exhibitor's staff get a lead without contact details, and nothing else."""
    ticket = ticketing.register(
        future_expo,
        future_season,
        [attendee("Per Privat", "per@example.org", organisation="Hemliga AB")],
    ).tickets.get()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=people['own staff'])}")
    code = {"code": ticket.code}
    client.force_login(people["own staff"])
    answers = {
        "scan a lead": api.post(f"/api/v1/exhibitors/{acme.pk}/leads/", code, format="json"),
        "read the leads": api.get(f"/api/v1/exhibitors/{acme.pk}/leads/"),
        "export the leads": api.get(f"/api/v1/exhibitors/{acme.pk}/leads.csv"),
        "read the ticket": api.get(f"/api/v1/tickets/{ticket.pk}/", code),
        "code as the secret": api.get(
            f"/api/v1/tickets/{ticket.pk}/", HTTP_X_ORDER_SECRET=ticket.code
        ),
        "download the badge": api.get(f"/api/v1/tickets/{ticket.pk}/badge.pdf", code),
        "cancel the ticket": api.post(f"/api/v1/tickets/{ticket.pk}/cancel/", code),
        "book a session": api.post(
            f"/api/v1/sessions/{workshop.pk}/bookings/", {**code, "ticket": ticket.pk}
        ),
        "list the tickets": api.get("/api/v1/expos/future/tickets/"),
        "print the badges": api.get("/api/v1/expos/future/badges.pdf"),
        "check in": api.post("/api/v1/checkins/", {**code, "scan_point": "north"}),
        "scan in the portal": client.post(f"/portal/{acme.pk}/scan/", code),
        "the portal page": client.get(f"/portal/{acme.pk}/"),
        "export from the portal": client.get(f"/portal/{acme.pk}/leads.csv"),
    }
    assert answers["scan a lead"].status_code == 201
    for door, response in answers.items():
        for detail in ("per@example.org", "Per Privat", "Hemliga AB"):
            assert detail.encode() not in response.content, (door, detail)
    for door in ("read the ticket", "code as the secret", "download the badge"):
        assert answers[door].status_code == 404, door
    ticket.refresh_from_db()
    assert ticket.is_valid and not ticket.bookings.exists()
