import datetime as dt

import pytest

from events.models import OpeningDay
from tests.conftest import attendee
from ticketing import services
from ticketing.models import CheckIn, Quota, ScannerDevice, ScanPoint, Ticket, TicketType


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="pw-root-1"))
    return client


@pytest.fixture
def sold(expo, season_ticket):
    return services.register(expo, season_ticket, [attendee()]).tickets.get()


@pytest.mark.parametrize(
    "model",
    [
        "tickettype",
        "quota",
        "order",
        "ticket",
        "sessionbooking",
        "scanpoint",
        "scannerdevice",
        "checkin",
    ],
)
def test_every_list_and_add_page_renders(admin_client, sold, model):
    assert admin_client.get(f"/admin/ticketing/{model}/").status_code == 200
    add = admin_client.get(f"/admin/ticketing/{model}/add/")
    assert add.status_code in (200, 403)


def test_saving_a_ticket_type_keeps_its_quotas(admin_client, expo):
    response = admin_client.post(
        "/admin/ticketing/tickettype/add/",
        {
            "expo": expo.pk,
            "slug": "day",
            "name": "Day",
            "kind": "day",
            "price": "0",
            "valid_days": "[]",
            "capacity": "100",
            "day_capacity": "",
            "max_per_order": "10",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    ticket_type = TicketType.objects.get(slug="day")
    assert Quota.objects.get(ticket_type=ticket_type, day=None).size == 100


def test_the_cancel_action_frees_the_place(admin_client, sold, season_ticket):
    season_ticket.capacity = 5
    services.save_ticket_type(season_ticket)
    response = admin_client.post(
        "/admin/ticketing/ticket/",
        {"action": "cancel_tickets", "_selected_action": [sold.pk]},
    )
    assert response.status_code == 302
    sold.refresh_from_db()
    assert sold.status == Ticket.Status.CANCELLED
    assert Quota.objects.get(ticket_type=season_ticket, day=None).used == 0


def test_the_audit_trail_cannot_be_edited(admin_client, sold, expo):
    gate = ScanPoint.objects.create(expo=expo, slug="g", name="Gate", kind="gate")
    services.check_in(sold.code, gate, "in")
    check_in = CheckIn.objects.get()
    assert admin_client.get(f"/admin/ticketing/checkin/{check_in.pk}/change/").status_code == 200
    response = admin_client.post(f"/admin/ticketing/checkin/{check_in.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert CheckIn.objects.exists()


def test_a_device_key_is_made_for_the_organiser(admin_client, expo):
    response = admin_client.post(
        "/admin/ticketing/scannerdevice/add/",
        {"expo": expo.pk, "name": "Gate phone", "is_active": "on"},
    )
    assert response.status_code == 302
    assert len(ScannerDevice.objects.get().key) == 40


def ticket_type_form(ticket_type, **changes):
    """The change form of ``ticket_type`` as posted, with ``changes``."""
    data = {
        "slug": ticket_type.slug,
        "name": ticket_type.name,
        "description": "",
        "kind": ticket_type.kind,
        "price": "0",
        "valid_days": "[]",
        "conference": "",
        "capacity": ticket_type.capacity or "",
        "day_capacity": ticket_type.day_capacity or "",
        "sale_starts_0": "",
        "sale_starts_1": "",
        "sale_ends_0": "",
        "sale_ends_1": "",
        "max_per_order": "10",
        "_save": "Save",
    }
    data.update(changes)
    return data


def form_errors(response):
    assert response.status_code == 200, "the form should come back with its errors"
    return response.context["adminform"].form.errors


@pytest.fixture
def two_sold(expo, season_ticket):
    season_ticket.capacity = 5
    season_ticket.day_capacity = 5
    services.save_ticket_type(season_ticket)
    services.register(expo, season_ticket, [attendee(), attendee("Kai", "kai@example.fi")])
    return season_ticket


@pytest.mark.parametrize("field", ["capacity", "day_capacity"])
def test_a_limit_below_what_is_sold_is_a_form_error(admin_client, two_sold, field):
    url = f"/admin/ticketing/tickettype/{two_sold.pk}/change/"
    errors = form_errors(admin_client.post(url, ticket_type_form(two_sold, **{field: "1"})))
    assert errors[field] == ["2 tickets are already sold; the limit cannot be lower."]
    two_sold.refresh_from_db()
    assert (two_sold.capacity, two_sold.day_capacity) == (5, 5)
    assert set(Quota.objects.filter(ticket_type=two_sold).values_list("size", flat=True)) == {5}


def test_a_limit_at_what_is_sold_is_saved(admin_client, two_sold):
    url = f"/admin/ticketing/tickettype/{two_sold.pk}/change/"
    response = admin_client.post(url, ticket_type_form(two_sold, capacity="2"))
    assert response.status_code == 302
    assert Quota.objects.get(ticket_type=two_sold, day=None).size == 2


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"valid_days": '["not-a-day"]'},
            "valid_days",
            "“not-a-day” is not a day written as YYYY-MM-DD.",
        ),
        ({"valid_days": '["2027-01-01"]'}, "valid_days", "Not open days of the expo: 2027-01-01."),
        ({"valid_days": '"2026-06-01"'}, "valid_days", None),
        ({"kind": "conference"}, "conference", "Name the conference."),
        (
            {
                "sale_starts_0": "2026-05-02",
                "sale_starts_1": "10:00",
                "sale_ends_0": "2026-05-01",
                "sale_ends_1": "10:00",
            },
            "sale_ends",
            "The sale must end after it starts.",
        ),
    ],
    ids=["not-a-day", "outside", "not-a-list", "conference", "sale-window"],
)
def test_a_bad_ticket_type_is_a_form_error(admin_client, expo, changes, field, message):
    data = ticket_type_form(TicketType(slug="t", name="T", kind="season"), expo=expo.pk, **changes)
    errors = form_errors(admin_client.post("/admin/ticketing/tickettype/add/", data))
    assert field in errors
    if message:
        assert errors[field] == [message]
    assert not TicketType.objects.exists()


def test_a_closed_day_is_not_a_valid_day(admin_client, expo):
    OpeningDay.objects.create(expo=expo, date=dt.date(2026, 6, 4), is_closed=True)
    data = ticket_type_form(
        TicketType(slug="t", name="T", kind="day"), expo=expo.pk, valid_days='["2026-06-04"]'
    )
    errors = form_errors(admin_client.post("/admin/ticketing/tickettype/add/", data))
    assert errors["valid_days"] == ["Not open days of the expo: 2026-06-04."]


def test_the_api_gives_the_admins_field_errors(organiser_api, expo):
    body = {"slug": "t", "name": "T", "kind": "conference"}
    response = organiser_api.post("/api/v1/expos/city-expo/ticket-types/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"conference": ["Name the conference."]}


def test_valid_days_are_kept_as_sorted_days(admin_client, expo):
    data = ticket_type_form(
        TicketType(slug="t", name="T", kind="multi_day"),
        expo=expo.pk,
        valid_days='["2026-06-03", "2026-06-02", "2026-06-03"]',
    )
    assert admin_client.post("/admin/ticketing/tickettype/add/", data).status_code == 302
    assert TicketType.objects.get().valid_days == ["2026-06-02", "2026-06-03"]


def test_a_ticket_type_with_a_bad_stored_day_does_not_break_registration(client, expo, day_ticket):
    TicketType.objects.filter(pk=day_ticket.pk).update(valid_days=["not-a-day", "2026-06-02"])
    response = client.get("/expos/city-expo/register/")
    assert response.status_code == 200
    assert "Day ticket" in response.content.decode()
    [ticket] = services.register(
        expo, day_ticket, [attendee()], day=dt.date(2026, 6, 2)
    ).tickets.all()
    assert ticket.day == dt.date(2026, 6, 2)


def test_a_day_limit_counts_what_is_sold_and_refuses_less(admin_client, expo, two_sold):
    data = {"expo": expo.pk, "day": "2026-06-02", "size": "1", "_save": "Save"}
    errors = form_errors(admin_client.post("/admin/ticketing/quota/add/", data))
    assert errors["size"] == ["2 tickets are already sold; the limit cannot be lower."]
    assert not Quota.objects.filter(ticket_type=None).exists()

    data["size"] = "3"
    assert admin_client.post("/admin/ticketing/quota/add/", data).status_code == 302
    limit = Quota.objects.get(ticket_type=None)
    assert (limit.size, limit.used) == (3, 2)

    url = f"/admin/ticketing/quota/{limit.pk}/change/"
    errors = form_errors(admin_client.post(url, {"size": "1", "_save": "Save"}))
    assert errors["size"] == ["2 tickets are already sold; the limit cannot be lower."]
    limit.refresh_from_db()
    assert limit.size == 3


def test_a_ticket_types_quota_is_only_shown(admin_client, two_sold):
    quota = Quota.objects.get(ticket_type=two_sold, day=None)
    url = f"/admin/ticketing/quota/{quota.pk}/change/"
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"size": "1", "_save": "Save"}).status_code == 403
    quota.refresh_from_db()
    assert quota.size == 5


@pytest.mark.parametrize(
    ("kind", "place", "field", "message"),
    [
        ("hall", (), "hall", "A hall entrance names its hall."),
        ("session", (), "session", "A session door names its session."),
        ("gate", ("hall",), "hall", "Only a hall entrance names a hall."),
    ],
)
def test_a_scan_point_names_the_place_its_kind_needs(
    admin_client, organiser_api, expo, hall, kind, place, field, message
):
    data = {"expo": expo.pk, "slug": "p", "name": "P", "kind": kind, "direction": "both"}
    data.update(dict.fromkeys(place, hall.pk))
    errors = form_errors(admin_client.post("/admin/ticketing/scanpoint/add/", data))
    assert errors[field] == [message]
    body = {"slug": "p", "name": "P", "kind": kind, **dict.fromkeys(place, hall.slug)}
    response = organiser_api.post("/api/v1/expos/city-expo/scan-points/", body, format="json")
    assert response.status_code == 400
    assert response.json()[field] == [message]
    assert not ScanPoint.objects.exists()


def test_a_scan_point_is_saved_through_its_service(admin_client, expo, hall, monkeypatch):
    saved = []
    monkeypatch.setattr(services, "save_scan_point", lambda point: saved.append(point.slug))
    data = {"expo": expo.pk, "slug": "p", "name": "P", "kind": "hall", "hall": hall.pk}
    admin_client.post("/admin/ticketing/scanpoint/add/", {**data, "direction": "in"})
    assert saved == ["p"]
