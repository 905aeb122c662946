import pytest

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
