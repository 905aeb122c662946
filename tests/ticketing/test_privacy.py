import io
import json

import pytest
from django.core.management import CommandError, call_command

from events.models import Speaker
from tests.ticketing.conftest import attendee
from ticketing import services
from ticketing.models import CheckIn, Order, Quota, ScanPoint, SessionBooking, Ticket


def export(email):
    out = io.StringIO()
    call_command("export_person", email, stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


@pytest.fixture
def asa(holders, workshop, future_expo):
    """A visitor with a ticket, a booking and a check-in, and a speaker record."""
    order = services.register(
        future_expo,
        holders[0].ticket_type,
        [attendee("Åsa Öberg", "Asa@Example.org", organisation="Lund")],
    )
    ticket = order.tickets.get()
    services.book_session(ticket, workshop)
    gate = ScanPoint.objects.create(expo=future_expo, slug="g", name="Gate", kind="gate")
    services.check_in(ticket.code, gate, "in")
    Speaker.objects.create(expo=future_expo, name="Åsa Öberg", email="asa@example.org")
    return ticket


def test_the_export_holds_everything_about_the_person_and_nothing_else(asa):
    data = export("ASA@example.ORG")
    assert [t["holder_name"] for t in data["tickets"]] == ["Åsa Öberg"]
    assert data["tickets"][0]["organisation"] == "Lund"
    assert len(data["orders"]) == 1
    assert data["session_bookings"][0]["session"] == "Bygg en bikupa"
    assert data["check_ins"][0]["result"] == "entered"
    assert data["speakers"][0]["name"] == "Åsa Öberg"
    everything = json.dumps(data, ensure_ascii=False)
    assert "Holder 1" not in everything and "holder1@" not in everything


def test_the_export_can_go_to_a_file(asa, tmp_path):
    target = tmp_path / "asa.json"
    call_command("export_person", "asa@example.org", "-o", str(target), stderr=io.StringIO())
    assert "Åsa Öberg" in target.read_text(encoding="utf-8")


def test_nothing_held_is_said_and_still_valid_json(db):
    err = io.StringIO()
    out = io.StringIO()
    call_command("export_person", "nobody@example.org", stdout=out, stderr=err)
    assert json.loads(out.getvalue())["tickets"] == []
    assert "Nothing is held" in err.getvalue()


def test_erasing_anonymises_and_keeps_the_counts(asa, future_expo):
    counts = (
        Ticket.objects.count(),
        Order.objects.count(),
        SessionBooking.objects.count(),
        CheckIn.objects.count(),
        list(Quota.objects.values_list("used", flat=True)),
    )
    out = io.StringIO()
    call_command("erase_person", "asa@example.org", "--yes", stdout=out)
    assert "Anonymised 1 tickets, 1 orders and 1 speaker" in out.getvalue()
    asa.refresh_from_db()
    assert asa.holder_name == "Erased" and "asa" not in asa.holder_email.lower()
    assert asa.organisation == "" and not asa.share_contact_with_exhibitors
    assert asa.is_valid
    assert counts == (
        Ticket.objects.count(),
        Order.objects.count(),
        SessionBooking.objects.count(),
        CheckIn.objects.count(),
        list(Quota.objects.values_list("used", flat=True)),
    )
    after = export("asa@example.org")
    assert not any(after[name] for name in ("orders", "tickets", "speakers", "check_ins"))
    assert Ticket.objects.filter(holder_name="Holder 1").exists()


def test_erasing_needs_a_confirmation(asa):
    with pytest.raises(CommandError, match="--yes"):
        call_command("erase_person", "asa@example.org", stdout=io.StringIO())
    asa.refresh_from_db()
    assert asa.holder_name == "Åsa Öberg"


def test_erasing_someone_unknown_changes_nothing(db):
    out = io.StringIO()
    call_command("erase_person", "nobody@example.org", "--yes", stdout=out)
    assert "nothing to erase" in out.getvalue()


def test_registration_data_stays_out_of_logs_urls_and_codes(client, expo, day_ticket, caplog):
    caplog.set_level("DEBUG")
    body = {
        "ticket_type": "day",
        "day": "2026-06-02",
        "attendees": [{"name": "Åsa Öberg", "email": "asa@example.org", "organisation": "Lund"}],
    }
    created = client.post(
        "/api/v1/expos/city-expo/registrations/", body, content_type="application/json"
    ).json()
    refused = {**body, "attendees": [{"name": "Åsa Öberg", "email": "asa@broken"}]}
    client.post("/api/v1/expos/city-expo/registrations/", refused, content_type="application/json")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in ("Åsa", "asa@", "Lund"):
        assert secret not in logged
        assert secret not in created["manage_url"]
        assert secret not in created["tickets"][0]["code"]
