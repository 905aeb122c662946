"""Erasing a person who is an exhibitor's staff member, or whose badge was scanned."""

import json

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from rest_framework.test import APIClient

from exhibitors import services
from exhibitors.models import Exhibitor, Lead, Member
from tests.conftest import attendee
from ticketing import privacy
from ticketing import services as ticketing

pytestmark = pytest.mark.django_db


@pytest.fixture
def kim(acme, organiser):
    """A staff member of Acme, as the admin recorded adding them."""
    member = services.add_member(
        acme, username="kim", email="kim@example.org", name="Kim Kvist", by_organiser=True
    )
    LogEntry.objects.create(
        user=organiser,
        content_type=ContentType.objects.get_for_model(Exhibitor),
        object_id=str(acme.pk),
        object_repr=str(acme),
        action_flag=CHANGE,
        change_message=json.dumps([{"added": {"name": "staff member", "object": str(member)}}]),
    )
    LogEntry.objects.create(
        user=organiser,
        content_type=ContentType.objects.get_for_model(Member),
        object_id=str(member.pk),
        object_repr=str(member),
        action_flag=ADDITION,
        change_message="[]",
    )
    return member


@pytest.fixture
def organiser(django_user_model, future_expo):
    user = django_user_model.objects.create_user("olga", password="pw-olga-123")
    future_expo.organisers.add(user)
    return user


def test_erasing_a_staff_member_ends_their_membership_badge_and_account(kim, acme):
    badge, user = kim.ticket, kim.user
    held = privacy.export_person("kim@example.org")["sections"]
    assert held["exhibitor staff"] == [{"exhibitor": "Acme Stad AB", "username": "kim"}]

    changed = privacy.erase_person("kim@example.org")

    assert changed["exhibitor staff"] == 1 and changed["accounts"] == 1
    assert not Member.objects.filter(pk=kim.pk).exists()
    badge.refresh_from_db()
    assert not badge.is_valid and badge.holder_name == "Erased"
    user.refresh_from_db()
    assert user.username == f"erased-{user.pk}" and not user.is_active and user.email == ""
    history = " ".join(
        entry.object_repr + entry.change_message for entry in LogEntry.objects.all()
    ).lower()
    assert "kim" not in history
    assert f"erased-{user.pk} @ acme stad ab" in history
    assert not privacy.holds_anything(privacy.export_person("kim@example.org"))


def test_erasing_a_staff_member_leaves_another_with_a_similar_name(kim, acme):
    joakim = services.add_member(
        acme, username="joakim", email="joakim@example.org", name="Joakim J", by_organiser=True
    )
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Member),
        object_id=str(joakim.pk),
        object_repr=str(joakim),
        action_flag=CHANGE,
        change_message=json.dumps([{"changed": {"object": str(joakim)}}]),
        user=kim.exhibitor.expo.organisers.get(),
    )
    privacy.erase_person("kim@example.org")
    entry = LogEntry.objects.get(object_id=str(joakim.pk), content_type__model="member")
    assert "joakim @ Acme Stad AB" in entry.change_message
    assert Member.objects.filter(user__username="joakim").exists()


@pytest.fixture
def leads(acme, future_expo, future_season, people):
    """Two visitors scanned at Acme's booth: one who shares contact details, one who does
    not."""
    sharing, private = (
        ticketing.register(
            future_expo,
            future_season,
            [attendee(name, email, share_contact_with_exhibitors=shares)],
        ).tickets.get()
        for name, email, shares in [
            ("Åsa Öberg", "asa@example.org", True),
            ("Bo Ek", "bo@example.org", False),
        ]
    )
    staff = people["own staff"]
    for ticket in (sharing, private):
        services.capture_lead(acme, ticket.code, user=staff, note="Wants a quote")
    return staff


def test_a_lead_of_an_erased_visitor_reads_erased(leads, acme):
    privacy.erase_person("asa@example.org")
    assert acme.leads.count() == 2  # the count stays

    client = APIClient()
    client.force_login(leads)
    answer = client.get(f"/api/v1/exhibitors/{acme.pk}/leads/").json()
    page = answer["results"] if isinstance(answer, dict) else answer  # paginated or not
    listed = {lead["ticket"]: lead for lead in page}
    private = listed[acme.leads.get(ticket__holder_email="bo@example.org").ticket_id]
    [erased] = [lead for lead in listed.values() if lead is not private]
    assert (erased["contact"], erased["name"], erased["email"], erased["note"]) == (
        "erased",
        None,
        None,
        "",
    )
    assert (private["contact"], private["name"]) == ("not_shared", None)

    csv = client.get(f"/api/v1/exhibitors/{acme.pk}/leads.csv").content.decode("utf-8-sig")
    assert "(erased)" in csv and "(did not share)" in csv and "Åsa" not in csv

    page = client.get(f"/portal/{acme.pk}/").content.decode()
    assert "erased at their request" in page and "did not share" in page


def test_a_lead_of_a_sharing_visitor_reads_shared(leads, acme):
    lead = Lead.objects.get(exhibitor=acme, ticket__holder_email="asa@example.org")
    assert lead.contact == "shared"
