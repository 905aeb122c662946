"""The exhibitor admin writes through the services: staff get their badges, booth days
keep to one exhibitor a booth and day, and a refusal is a form error with nothing written."""

import pytest

from exhibitors import services
from exhibitors.models import BoothDay, Member
from tests.conftest import exhibitor_admin_form, formset_data
from ticketing.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="pw-root-1"))
    return client


@pytest.fixture
def elsa(django_user_model):
    return django_user_model.objects.create_user(
        "elsa", email="elsa@acme.se", first_name="Elsa", last_name="Ek", password="pw-elsa-123"
    )


def change(exhibitor):
    return f"/admin/exhibitors/exhibitor/{exhibitor.pk}/change/"


def test_a_staff_member_added_inline_gets_a_badge(admin_client, acme, elsa):
    data = exhibitor_admin_form(acme, members=[{"user": elsa.pk}])
    response = admin_client.post(change(acme), data)
    assert response.status_code == 302
    member = Member.objects.get(exhibitor=acme, user=elsa)
    assert member.ticket.is_valid
    assert (member.ticket.ticket_type.kind, member.ticket.holder_name) == ("exhibitor", "Elsa Ek")


def test_a_staff_member_removed_inline_loses_the_badge(admin_client, acme):
    member = services.add_member(acme, username="siv", email="siv@acme.se", name="Siv Acme")
    rows = [{"id": member.pk, "user": member.user.pk, "DELETE": "on"}]
    data = exhibitor_admin_form(acme, members=rows, initial_members=1)
    assert admin_client.post(change(acme), data).status_code == 302
    assert not Member.objects.filter(pk=member.pk).exists()
    assert Ticket.objects.get(pk=member.ticket.pk).status == Ticket.Status.CANCELLED


def test_a_staff_member_without_an_address_is_a_form_error(admin_client, acme, django_user_model):
    mute = django_user_model.objects.create_user("mute", password="pw-mute-123")
    data = exhibitor_admin_form(acme, members=[{"user": mute.pk}])
    response = admin_client.post(change(acme), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert errors == ["Give the staff member's e-mail address: their badge is sent to it."]
    assert not Member.objects.exists()
    assert not Ticket.objects.exists()


def test_a_booth_taken_that_day_is_a_form_error(admin_client, future_expo, acme, globex, booth):
    day = future_expo.start_date
    services.give_booth(booth, globex, [day])
    rows = [{"day": day.isoformat(), "booth": booth.pk}]
    data = exhibitor_admin_form(acme, booth_days=rows)
    response = admin_client.post(change(acme), data)
    assert response.status_code == 200
    [booth_days] = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "booth_days"
    ]
    assert booth_days.forms[0].errors
    assert list(BoothDay.objects.values_list("exhibitor", flat=True)) == [globex.pk]


def test_a_booth_is_given_for_a_day_from_its_own_page(admin_client, future_expo, acme, booth):
    day = future_expo.start_date
    data = {
        "hall": booth.hall.pk,
        "code": booth.code,
        "x": "1",
        "y": "1",
        "width": "3",
        "depth": "3",
        "_save": "Save",
        **formset_data("booth_days", [{"day": day.isoformat(), "exhibitor": acme.pk}]),
    }
    response = admin_client.post(f"/admin/exhibitors/booth/{booth.pk}/change/", data)
    assert response.status_code == 302
    assert list(BoothDay.objects.values_list("booth", "exhibitor", "day")) == [
        (booth.pk, acme.pk, day)
    ]


def test_a_booth_day_outside_the_expo_is_a_form_error(admin_client, future_expo, acme, booth):
    rows = [{"day": "2001-01-01", "booth": booth.pk}]
    data = exhibitor_admin_form(acme, booth_days=rows)
    response = admin_client.post(change(acme), data)
    assert response.status_code == 200
    assert not BoothDay.objects.exists()


def test_exhibitor_days_that_are_not_the_expos_are_a_form_error(admin_client, acme):
    response = admin_client.post(change(acme), exhibitor_admin_form(acme, days='["2001-01-01"]'))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["days"] == [
        "2001-01-01 is not one of the expo's days."
    ]
    acme.refresh_from_db()
    assert acme.days == []


@pytest.mark.parametrize("way", ["page", "action"])
def test_deleting_an_exhibitor_cancels_its_staff_badges(admin_client, acme, way):
    member = services.add_member(acme, username="siv", email="siv@acme.se", name="Siv Acme")
    if way == "page":
        admin_client.post(f"/admin/exhibitors/exhibitor/{acme.pk}/delete/", {"post": "yes"})
    else:
        admin_client.post(
            "/admin/exhibitors/exhibitor/",
            {"action": "delete_selected", "_selected_action": [acme.pk], "post": "yes"},
        )
    assert not Member.objects.exists()
    assert Ticket.objects.get(pk=member.ticket.pk).status == Ticket.Status.CANCELLED


def test_an_account_on_a_stand_is_not_deleted_around_its_badge(admin_client, acme):
    member = services.add_member(acme, username="siv", email="siv@acme.se", name="Siv Acme")
    response = admin_client.post(f"/admin/auth/user/{member.user.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200  # the page that names what protects the account
    assert Member.objects.filter(pk=member.pk).exists()
    assert Ticket.objects.get(pk=member.ticket.pk).is_valid
