"""Exhibitors' staff stay inside their own stand: they invite new people only, hold a
limited number of staff badges, leave the organisers' fields alone, and their badges do
not open conferences others pay for."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient

from events.models import Conference
from exhibitors import services
from exhibitors.models import Exhibitor, Member
from expo.errors import Conflict
from tests.conftest import add_session, at_once, send_queued_mail
from ticketing import services as ticketing
from ticketing.models import CheckIn, Order, ScanPoint, Ticket

pytestmark = pytest.mark.django_db


def as_user(user):
    client = APIClient()
    client.force_login(user)
    return client


def members_url(exhibitor):
    return f"/api/v1/exhibitors/{exhibitor.pk}/members/"


def written():
    """The rows adding a member writes."""
    return (
        get_user_model().objects.count(),
        Member.objects.count(),
        Ticket.objects.count(),
        Order.objects.count(),
    )


@pytest.fixture
def boss(django_user_model):
    return django_user_model.objects.create_superuser(
        "boss", email="boss@expo.example", password="pw-boss-123"
    )


# Existing accounts


@pytest.mark.parametrize(
    "body",
    [
        {"username": "boss", "email": "", "name": "Anyone"},
        {"username": "boss", "email": "mine@acme.se", "name": "Anyone"},
        {"username": "someone-new", "email": "BOSS@expo.example", "name": "Anyone"},
    ],
)
def test_staff_cannot_attach_an_existing_account(people, acme, boss, body):
    before = written()
    response = as_user(people["own staff"]).post(members_url(acme), body, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "account_exists"
    assert "boss@expo.example" not in response.content.decode().lower()
    assert written() == before
    assert not boss.exhibitor_memberships.exists()


def test_the_portal_refuses_an_existing_account_on_the_form(client, people, acme, boss):
    client.force_login(people["own staff"])
    before = written()
    response = client.post(
        f"/portal/{acme.pk}/",
        {"add_member": "1", "name": "Big Boss", "username": "boss", "email": ""},
    )
    assert response.status_code == 400
    assert "account_exists" not in response.content.decode()
    assert response.context["member_form"].errors["username"]
    assert written() == before


def test_an_organiser_may_add_an_existing_account(people, acme, boss):
    response = as_user(people["organiser"]).post(
        members_url(acme), {"username": "boss", "name": "Big Boss"}, format="json"
    )
    assert response.status_code == 201, response.content
    member = Member.objects.get(exhibitor=acme, user=boss)
    assert member.ticket.is_valid and member.ticket.holder_email == "boss@expo.example"
    assert boss.has_usable_password()  # an existing account keeps its password


def test_staff_see_only_their_own_stands_members(people, acme, boss, globex):
    services.add_member(globex, username="boss", email="", name="Big Boss", by_organiser=True)
    listed = as_user(people["own staff"]).get(members_url(acme)).json()["results"]
    addresses = {member["email"] for member in listed}
    assert addresses == {"s@acme.se"}


# Invitations


def test_an_invited_staff_member_sets_a_password_and_signs_in(client, people, acme, mailoutbox):
    staff = as_user(people["own staff"])
    response = staff.post(
        members_url(acme),
        {"username": "nils", "email": "nils@acme.se", "name": "Nils Nilsson"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    send_queued_mail()
    assert response.status_code == 201, response.content
    nils = get_user_model().objects.get(username="nils")
    assert not nils.has_usable_password()
    assert nils.exhibitor_memberships.get().ticket.order.language == "sv"

    [invitation] = [
        mail for mail in mailoutbox if mail.to == ["nils@acme.se"] and "/reset/" in mail.body
    ]
    link = re.search(r"https?://\S+/accounts/reset/\S+/", invitation.body).group(0)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "bikupa-vid-hamnen-7", "new_password2": "bikupa-vid-hamnen-7"},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == "/accounts/reset/done/"
    signed_in = client.post(
        "/accounts/login/", {"username": "nils", "password": "bikupa-vid-hamnen-7"}
    )
    assert signed_in.status_code == 302, signed_in.content
    assert client.get(f"/portal/{acme.pk}/").status_code == 200

    # The link works once.
    client.logout()
    assert not client.get(link, follow=True).context["validlink"]


def test_an_organiser_adding_an_account_without_a_password_invites_it_again(
    people, acme, mailoutbox
):
    member = services.add_member(acme, username="nils", email="nils@acme.se", name="Nils N")
    services.remove_member(member)
    send_queued_mail()
    mailoutbox.clear()
    response = as_user(people["organiser"]).post(
        members_url(acme), {"username": "nils", "name": "Nils N"}, format="json"
    )
    send_queued_mail()
    assert response.status_code == 201
    assert [mail.to for mail in mailoutbox if "/accounts/reset/" in mail.body] == [["nils@acme.se"]]


def test_no_invitation_leaves_when_adding_is_refused(people, acme, boss, mailoutbox):
    send_queued_mail()  # what the fixtures queued
    mailoutbox.clear()
    as_user(people["own staff"]).post(
        members_url(acme), {"username": "boss", "name": "Big Boss"}, format="json"
    )
    send_queued_mail()
    assert mailoutbox == []


def test_a_user_name_django_would_refuse_is_a_field_error(people, acme):
    response = as_user(people["own staff"]).post(
        members_url(acme),
        {"username": "bad user/<>", "name": "Nils N", "email": "nils@acme.se"},
        format="json",
    )
    assert response.status_code == 400 and "username" in response.json()
    assert not get_user_model().objects.filter(email="nils@acme.se").exists()


def test_an_invitation_needs_an_address(people, acme):
    response = as_user(people["own staff"]).post(
        members_url(acme), {"username": "utan", "name": "Utan Post"}, format="json"
    )
    assert response.status_code == 400 and "email" in response.json()
    assert not get_user_model().objects.filter(username="utan").exists()


# The cap on staff badges


def test_staff_badges_stop_at_the_exhibitors_limit(people, acme):
    acme.staff_badge_limit = 2  # Siv holds one already
    acme.save()
    staff = as_user(people["own staff"])
    first = staff.post(
        members_url(acme), {"username": "a", "email": "a@acme.se", "name": "A A"}, format="json"
    )
    assert first.status_code == 201
    before = written()
    refused = staff.post(
        members_url(acme), {"username": "b", "email": "b@acme.se", "name": "B B"}, format="json"
    )
    assert refused.status_code == 409 and refused.json()["code"] == "staff_badges_used_up"
    assert written() == before
    # The organisers' door counts the same badges.
    with pytest.raises(Conflict) as again:
        services.add_member(acme, username="b", email="b@acme.se", name="B B", by_organiser=True)
    assert again.value.code == "staff_badges_used_up"

    # A badge given back makes room.
    services.remove_member(Member.objects.get(user__username="a"))
    again = staff.post(
        members_url(acme), {"username": "b", "email": "b@acme.se", "name": "B B"}, format="json"
    )
    assert again.status_code == 201


@pytest.mark.django_db(transaction=True)
def test_invitations_racing_for_the_last_staff_badge_get_it_once(future_expo):

    stand = Exhibitor.objects.create(expo=future_expo, name="Tiny AB", staff_badge_limit=1)
    outcomes = at_once(
        lambda n: services.add_member(stand, username=f"s{n}", email=f"s{n}@tiny.se", name="S S"),
        range(6),
    )
    refused = [outcome for outcome in outcomes if isinstance(outcome, Conflict)]
    assert len(refused) == 5 and {error.code for error in refused} == {"staff_badges_used_up"}
    assert stand.members.count() == 1


def test_the_portal_shows_the_badge_limit_as_a_form_error(client, people, acme):
    acme.staff_badge_limit = 1
    acme.save()
    client.force_login(people["own staff"])
    response = client.post(
        f"/portal/{acme.pk}/",
        {"add_member": "1", "name": "C C", "username": "c", "email": "c@acme.se"},
    )
    assert response.status_code == 400
    assert response.context["member_form"].non_field_errors()
    assert not get_user_model().objects.filter(username="c").exists()


# The organisers' fields


@pytest.mark.parametrize(
    "change",
    [{"tier": "main_partner"}, {"days": []}, {"staff_badge_limit": 50}],
)
def test_staff_cannot_change_the_organisers_fields(people, acme, future_expo, change):
    acme.days = [future_expo.start_date.isoformat()]
    acme.save()
    response = as_user(people["own staff"]).patch(
        f"/api/v1/exhibitors/{acme.pk}/", {**change, "tagline": "Ny"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == list(change)
    acme.refresh_from_db()
    assert (acme.tier, acme.tagline, acme.staff_badge_limit) == ("exhibitor", "", 10)
    assert acme.days == [future_expo.start_date.isoformat()]


def test_staff_may_send_the_organisers_fields_unchanged(people, acme):
    response = as_user(people["own staff"]).patch(
        f"/api/v1/exhibitors/{acme.pk}/", {"tier": "exhibitor", "tagline": "Ny"}, format="json"
    )
    assert response.status_code == 200
    acme.refresh_from_db()
    assert acme.tagline == "Ny"


def test_organisers_change_tier_days_and_badges(people, acme, future_expo):
    day = future_expo.start_date.isoformat()
    response = as_user(people["organiser"]).patch(
        f"/api/v1/exhibitors/{acme.pk}/",
        {"tier": "main_partner", "days": [day], "staff_badge_limit": 25},
        format="json",
    )
    assert response.status_code == 200, response.content
    acme.refresh_from_db()
    assert (acme.tier, acme.days, acme.staff_badge_limit) == ("main_partner", [day], 25)


# Staff badges at conferences


@pytest.fixture
def today(future_expo):
    return future_expo.local_day(timezone.now())


@pytest.fixture
def staff_badge(people, acme):
    return acme.members.get(user=people["own staff"]).ticket


@pytest.fixture
def forum(future_expo):
    return Conference.objects.create(
        expo=future_expo,
        slug="forum",
        name="Bostadsforum",
        start_date=future_expo.start_date,
        end_date=future_expo.end_date,
    )


def test_a_staff_badge_does_not_book_a_conference_session(
    staff_badge, forum, future_expo, workshop_room, future_day
):
    session = add_session(future_expo, workshop_room, future_day, 14, conference=forum)
    with pytest.raises(Conflict) as refused:
        ticketing.book_session(staff_badge, session)
    assert refused.value.code == "not_valid_here"
    assert not session.bookings.exists()

    forum.admits_exhibitor_staff = True
    forum.save()
    assert ticketing.book_session(staff_badge, session).status == "booked"


def test_a_staff_badge_does_not_open_a_conference_sessions_door(
    staff_badge, forum, future_expo, workshop_room, today
):
    session = add_session(future_expo, workshop_room, today, 20, conference=forum)
    door = ScanPoint.objects.create(
        expo=future_expo, slug="forum-door", name="Forum", kind="session", session=session
    )
    answer = ticketing.check_in(staff_badge.code, door, "in")
    assert answer.check_in.result == CheckIn.Result.NOT_VALID_HERE


def test_a_staff_badge_opens_other_sessions(staff_badge, future_expo, workshop_room, future_day):
    session = add_session(future_expo, workshop_room, future_day, 16)
    assert ticketing.book_session(staff_badge, session).status == "booked"
