"""Changing a lead's note and rating after the scan, and removing a lead: by that
exhibitor's staff only, through the service, the portal and the API alike; never by the
organisers, in the admin or anywhere else."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from rest_framework.test import APIClient

from exhibitors import services
from exhibitors.models import Lead
from expo.errors import InvalidInput

pytestmark = pytest.mark.django_db

TOO_LONG = "x" * 2001


@pytest.fixture
def lead(people, acme, holders):
    lead, _created = services.capture_lead(
        acme, holders[0].code, user=people["own staff"], note="Vill ha offert", rating=3
    )
    return lead


@pytest.fixture
def their_lead(people, globex, holders):
    """A lead of another exhibitor, Globex."""
    lead, _created = services.capture_lead(
        globex, holders[1].code, user=people["other staff"], note="Globex only"
    )
    return lead


def signed_in(people, role):
    client = APIClient()
    client.force_login(people[role])
    return client


def unchanged(lead, note="Vill ha offert", rating=3):
    lead = Lead.objects.get(pk=lead.pk)
    return (lead.note, lead.rating) == (note, rating)


# The service


def test_staff_replace_the_note_and_clear_the_rating(people, lead):
    services.change_lead(lead, by=people["own staff"], note="Ring på måndag", rating=None)
    stored = Lead.objects.get(pk=lead.pk)
    assert (stored.note, stored.rating) == ("Ring på måndag", None)
    assert (lead.note, lead.rating) == ("Ring på måndag", None)


@pytest.mark.parametrize(
    ("note", "rating", "field"),
    [
        ("ok", 0, "rating"),
        ("ok", 6, "rating"),
        (TOO_LONG, 4, "note"),
        ("null\x00byte", 4, "note"),
    ],
)
def test_the_service_refuses_bad_input_and_writes_nothing(people, lead, note, rating, field):
    with pytest.raises(InvalidInput) as refused:
        services.change_lead(lead, by=people["own staff"], note=note, rating=rating)
    assert list(refused.value.errors) == [field]
    assert unchanged(lead)


def test_a_scan_refuses_a_nul_in_the_note_too(people, acme, holders):
    with pytest.raises(InvalidInput) as refused:
        services.capture_lead(acme, holders[2].code, user=people["own staff"], note="a\x00b")
    assert list(refused.value.errors) == ["note"]
    assert not Lead.objects.filter(ticket=holders[2]).exists()


@pytest.mark.parametrize("role", ["organiser", "other staff", "visitor"])
def test_only_the_exhibitors_staff_change_or_remove_a_lead(people, lead, role):
    with pytest.raises(PermissionDenied):
        services.change_lead(lead, by=people[role], note="x", rating=1)
    with pytest.raises(PermissionDenied):
        services.remove_lead(lead, by=people[role])
    assert unchanged(lead)


def test_staff_remove_a_lead_and_a_new_scan_makes_a_new_one(people, acme, lead, holders):
    services.remove_lead(lead, by=people["own staff"])
    assert not Lead.objects.filter(pk=lead.pk).exists()
    again, created = services.capture_lead(acme, holders[0].code, user=people["own staff"])
    assert created and again.note == ""


# The portal


def test_staff_change_a_lead_in_the_portal(people, acme, lead):
    client = signed_in(people, "own staff")
    portal = client.get(f"/portal/{acme.pk}/").content.decode()
    assert f"/portal/{acme.pk}/leads/{lead.pk}/" in portal
    page = client.get(f"/portal/{acme.pk}/leads/{lead.pk}/")
    assert page.status_code == 200 and "Vill ha offert" in page.content.decode()
    response = client.post(
        f"/portal/{acme.pk}/leads/{lead.pk}/", {"note": "Skicka broschyr", "rating": "5"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/portal/{acme.pk}/#leads-heading"
    assert unchanged(lead, "Skicka broschyr", 5)
    assert "The lead is saved." in client.get(response["Location"]).content.decode()


def test_from_the_booth_scanner_page_the_staff_go_back_to_it(people, acme, lead):
    client = signed_in(people, "own staff")
    scan_page = client.get(f"/portal/{acme.pk}/scan/").content.decode()
    edit = f"/portal/{acme.pk}/leads/{lead.pk}/?from=scan"
    assert edit.replace("&", "&amp;") in scan_page
    response = client.post(edit, {"note": "", "rating": ""})
    assert response["Location"] == f"/portal/{acme.pk}/scan/"
    assert unchanged(lead, "", None)


def test_a_scan_in_the_portal_offers_to_add_a_note(people, acme, holders):
    client = signed_in(people, "own staff")
    response = client.post(f"/portal/{acme.pk}/scan/", {"code": holders[3].code})
    lead = Lead.objects.get(ticket=holders[3])
    assert response.status_code == 200
    assert f"/portal/{acme.pk}/leads/{lead.pk}/?from=scan" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"note": "ok", "rating": "7"}, "rating", "Select a valid choice"),
        ({"note": TOO_LONG, "rating": "2"}, "note", "at most 2000 characters"),
        ({"note": "null\x00byte", "rating": "2"}, "note", "Null characters are not allowed"),
    ],
)
def test_bad_input_in_the_portal_is_a_field_error(people, acme, lead, data, field, message):
    response = signed_in(people, "own staff").post(f"/portal/{acme.pk}/leads/{lead.pk}/", data)
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert f'href="#id_{field}"' in response.content.decode()  # the error summary links it
    assert unchanged(lead)


def test_staff_remove_a_lead_in_the_portal_after_confirming(people, acme, lead):
    client = signed_in(people, "own staff")
    url = f"/portal/{acme.pk}/leads/{lead.pk}/remove/"
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Remove the lead?" in confirm.content.decode()
    assert Lead.objects.filter(pk=lead.pk).exists()  # asking removes nothing
    response = client.post(url)
    assert response.status_code == 302
    assert not Lead.objects.filter(pk=lead.pk).exists()


def test_another_exhibitors_lead_is_not_found_in_the_portal(people, acme, globex, their_lead):
    client = signed_in(people, "own staff")
    for url in (
        f"/portal/{acme.pk}/leads/{their_lead.pk}/",
        f"/portal/{acme.pk}/leads/{their_lead.pk}/remove/",
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"note": "mine now", "rating": "1"}).status_code == 404
    assert client.get(f"/portal/{globex.pk}/leads/{their_lead.pk}/").status_code == 403
    assert client.post(f"/portal/{globex.pk}/leads/{their_lead.pk}/remove/").status_code == 403
    assert unchanged(their_lead, "Globex only", None)


def test_organisers_neither_change_nor_remove_leads_in_the_portal(people, acme, lead):
    client = signed_in(people, "organiser")
    assert client.post(f"/portal/{acme.pk}/leads/{lead.pk}/", {"note": "x"}).status_code == 403
    assert client.post(f"/portal/{acme.pk}/leads/{lead.pk}/remove/").status_code == 403
    assert unchanged(lead)


# The API


def test_staff_patch_a_lead_and_what_is_left_out_keeps_its_value(people, acme, lead):
    api = signed_in(people, "own staff")
    url = f"/api/v1/exhibitors/{acme.pk}/leads/{lead.pk}/"
    response = api.patch(url, {"note": "Skicka offert"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["note"] == "Skicka offert" and response.json()["rating"] == 3
    response = api.patch(url, {"rating": None}, format="json")
    assert response.json()["rating"] is None and response.json()["note"] == "Skicka offert"
    assert unchanged(lead, "Skicka offert", None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rating": 0}, "rating"),
        ({"rating": 6}, "rating"),
        ({"rating": "many"}, "rating"),
        ({"note": TOO_LONG}, "note"),
        ({"note": "null\x00byte"}, "note"),
        ({"note": ["a list"]}, "note"),
    ],
)
def test_bad_input_in_the_api_is_a_400_on_the_field(people, acme, lead, body, field):
    response = signed_in(people, "own staff").patch(
        f"/api/v1/exhibitors/{acme.pk}/leads/{lead.pk}/", body, format="json"
    )
    assert response.status_code == 400 and list(response.json()) == [field], response.json()
    assert unchanged(lead)


def test_staff_delete_a_lead_through_the_api(people, acme, lead):
    response = signed_in(people, "own staff").delete(
        f"/api/v1/exhibitors/{acme.pk}/leads/{lead.pk}/"
    )
    assert response.status_code == 204
    assert not Lead.objects.filter(pk=lead.pk).exists()


def test_another_exhibitors_lead_is_not_found_in_the_api(people, acme, their_lead):
    api = signed_in(people, "own staff")
    url = f"/api/v1/exhibitors/{acme.pk}/leads/{their_lead.pk}/"
    assert api.patch(url, {"note": "mine now"}, format="json").status_code == 404
    assert api.delete(url).status_code == 404
    assert unchanged(their_lead, "Globex only", None)


def test_lead_ids_that_do_not_exist_are_not_found(people, acme):
    api = signed_in(people, "own staff")
    assert api.delete(f"/api/v1/exhibitors/{acme.pk}/leads/999999/").status_code == 404
    assert signed_in(people, "own staff").get(f"/portal/{acme.pk}/leads/999999/").status_code == 404


@pytest.mark.parametrize("role", ["organiser", "other staff", "visitor"])
def test_no_one_else_changes_or_deletes_a_lead_through_the_api(people, acme, lead, role):
    api = signed_in(people, role)
    url = f"/api/v1/exhibitors/{acme.pk}/leads/{lead.pk}/"
    assert api.patch(url, {"note": "x"}, format="json").status_code == 403
    assert api.delete(url).status_code == 403
    assert APIClient().delete(url).status_code in (401, 403)
    assert unchanged(lead)


# The admin


def test_the_admin_neither_changes_nor_deletes_leads(client, people, future_expo, lead):
    """Leads are read only in the back office: the organisers see that they exist."""
    organiser = people["organiser"]
    organiser.is_staff = True
    organiser.save()
    for action in ("view", "change", "delete"):
        organiser.user_permissions.add(Permission.objects.get(codename=f"{action}_lead"))
    client.force_login(organiser)
    listing = client.get("/admin/exhibitors/lead/")
    assert listing.status_code == 200
    assert "delete_selected" not in listing.content.decode()
    assert client.get(f"/admin/exhibitors/lead/{lead.pk}/delete/").status_code == 403
    assert (
        client.post(f"/admin/exhibitors/lead/{lead.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    client.post(
        f"/admin/exhibitors/lead/{lead.pk}/change/", {"rating": "1", "exhibitor": lead.exhibitor_id}
    )
    client.post(
        "/admin/exhibitors/lead/",
        {"action": "delete_selected", "_selected_action": [lead.pk], "post": "yes"},
    )
    assert unchanged(lead)
