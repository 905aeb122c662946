import datetime as dt
import io
import json
import logging

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from events.models import Speaker
from tests.conftest import add_session, attendee
from ticketing import privacy, services
from ticketing.models import CheckIn, Order, Quota, ScanPoint, SessionBooking, Ticket


class Terminal(io.StringIO):
    """Standard input as typed by an operator at a terminal."""

    def isatty(self):
        return True


def export(email):
    out = io.StringIO()
    call_command("export_person", email, stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def erase(email, *args, **options):
    out = io.StringIO()
    call_command("erase_person", email, *args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def nothing_in(data):
    return not any(data["sections"].values())


def snapshot():
    """What statistics are made of: rows, statuses and quota counters."""
    return {
        "tickets": list(Ticket.objects.order_by("pk").values_list("pk", "status", "ticket_type")),
        "orders": Order.objects.count(),
        "bookings": list(SessionBooking.objects.order_by("pk").values_list("pk", "status")),
        "check_ins": list(CheckIn.objects.order_by("pk").values_list("pk", "result")),
        "quotas": list(Quota.objects.order_by("pk").values_list("pk", "used")),
    }


@pytest.fixture
def asa(holders, workshop, future_expo, future_season):
    """A visitor who bought a ticket for herself and one for Bo, booked a session and
    came in at the gate, and who also speaks at the expo."""
    Quota.objects.create(expo=future_expo, ticket_type=future_season, size=100)
    order = services.register(
        future_expo,
        future_season,
        [
            attendee("Åsa Öberg", "Asa@Example.org", organisation="Lund"),
            attendee("Bo Ek", "bo@example.org", organisation="Ystad"),
        ],
    )
    ticket = order.tickets.get(holder_name="Åsa Öberg")
    services.book_session(ticket, workshop)
    gate = ScanPoint.objects.create(expo=future_expo, slug="g", name="Gate", kind="gate")
    services.check_in(ticket.code, gate, "in")
    speaker = Speaker.objects.create(
        expo=future_expo,
        name="Åsa Öberg",
        email="asa@example.org",
        organisation="Lunds universitet",
        biography="Bygger bikupor.",
    )
    workshop.speakers.add(speaker)
    return ticket


def test_the_export_holds_everything_about_the_person(asa, future_expo, workshop):
    data = export("asa@example.org")
    sections = data["sections"]
    assert set(sections) >= {"orders", "tickets", "session_bookings", "check_ins", "speakers"}

    [order] = sections["orders"]
    assert order["id"] == asa.order_id and order["email"] == "Asa@Example.org"
    [ticket] = sections["tickets"]
    assert ticket["holder_name"] == "Åsa Öberg" and ticket["organisation"] == "Lund"
    assert ticket["ticket_type"] == "Season" and ticket["status"] == "valid"
    assert ticket["share_contact_with_exhibitors"] is False
    assert ticket["days"][0] == future_expo.start_date.isoformat() and len(ticket["days"]) == 7
    assert ticket["created_at"].startswith(str(asa.created_at.year))
    assert ticket["cancelled_at"] is None
    [booking] = sections["session_bookings"]
    assert booking["session"] == "Bygg en bikupa" and booking["status"] == "booked"
    assert dt.datetime.fromisoformat(booking["start"]) == workshop.start
    assert sections["check_ins"][0]["result"] == "entered"
    [speaker] = sections["speakers"]
    assert speaker["biography"] == "Bygger bikupor."
    assert speaker["sessions"] == ["Bygg en bikupa"]


def test_the_export_holds_nothing_of_other_people(asa):
    data = export("asa@example.org")
    everything = json.dumps(data, ensure_ascii=False)
    # Bo's ticket is in Åsa's order, but only its number is hers to see.
    for other in ("Bo Ek", "bo@example.org", "Ystad", "Holder 1", "holder1@"):
        assert other not in everything
    assert len(data["sections"]["orders"][0]["tickets"]) == 2

    bo = export("bo@example.org")["sections"]
    assert [t["holder_name"] for t in bo["tickets"]] == ["Bo Ek"]
    assert bo["orders"] == [] and bo["session_bookings"] == [] and bo["speakers"] == []
    assert "Åsa" not in json.dumps(bo, ensure_ascii=False)


def test_the_address_matches_in_any_letter_case(asa):
    data = export("  ASA@example.ORG ")
    assert len(data["sections"]["tickets"]) == 1
    assert len(data["sections"]["orders"]) == 1
    assert len(data["sections"]["speakers"]) == 1


def test_the_export_is_utf8_json_and_can_go_to_a_private_file(asa, tmp_path):
    target = tmp_path / "asa.json"
    err = io.StringIO()
    call_command("export_person", "asa@example.org", "-o", str(target), stderr=err)
    text = target.read_bytes().decode("utf-8")
    assert "Åsa Öberg" in text  # not \u00c5sa
    assert json.loads(text)["sections"]["tickets"][0]["holder_name"] == "Åsa Öberg"
    assert target.stat().st_mode & 0o077 == 0
    assert "Åsa" not in err.getvalue()


def test_a_person_with_nothing_held_gets_a_valid_empty_export(db):
    out, err = io.StringIO(), io.StringIO()
    call_command("export_person", "nobody@example.org", stdout=out, stderr=err)
    data = json.loads(out.getvalue())
    assert data["email"] == "nobody@example.org"
    assert nothing_in(data) and data["sections"]["tickets"] == []
    assert "Nothing is held" in err.getvalue()


def test_erasing_someone_unknown_changes_nothing(db):
    assert "nothing to erase" in erase("nobody@example.org", "--yes")


def test_an_address_that_is_not_one_is_refused(speaker):
    # The speaker fixture gave no address: "" must not find (and erase) them.
    for wrong in ("", "   ", "asa"):
        with pytest.raises(CommandError, match="valid e-mail"):
            export(wrong)
        with pytest.raises(CommandError, match="valid e-mail"):
            erase(wrong, "--yes")
    speaker.refresh_from_db()
    assert speaker.name == "Åsa Öberg"


def rows():
    """How many rows statistics count: erasing changes none of them."""
    return {
        "tickets": list(Ticket.objects.order_by("pk").values_list("pk", "ticket_type")),
        "orders": Order.objects.count(),
        "bookings": SessionBooking.objects.count(),
        "check_ins": list(CheckIn.objects.order_by("pk").values_list("pk", "result", "ticket")),
    }


def test_erasing_anonymises_cancels_and_keeps_the_counts(asa, future_season):
    same_name = Speaker.objects.create(expo=asa.expo, name="Åsa Öberg", email="other@example.org")
    quota = Quota.objects.get(ticket_type=future_season)
    assert quota.used == 2  # Åsa's and Bo's
    before = rows()

    out = erase("ASA@example.org", "--yes")

    assert "tickets: 1, orders: 1, speakers: 1, accounts: 0" in out
    assert "session bookings: 1" in out and "check ins: 1" in out
    assert rows() == before
    asa.refresh_from_db()
    assert asa.holder_name == "Erased" and asa.organisation == ""
    assert asa.holder_email == f"ticket-{asa.pk}@erased.invalid" and asa.is_erased
    assert not asa.share_contact_with_exhibitors
    # Her ticket admits no one any more, and her place and seat are given back.
    assert not asa.is_valid and asa.bookings.get().status == "cancelled"
    quota.refresh_from_db()
    assert quota.used == 1
    assert asa.order.email == f"order-{asa.order_id}@erased.invalid"
    speaker = Speaker.objects.get(sessions__title="Bygg en bikupa")
    assert (speaker.name, speaker.email, speaker.organisation, speaker.biography) == (
        "Erased",
        "",
        "",
        "",
    )
    # Other people stay as they were, even the one with the same name.
    bo = Ticket.objects.get(holder_email="bo@example.org")
    assert (bo.holder_name, bo.organisation) == ("Bo Ek", "Ystad")
    same_name.refresh_from_db()
    assert same_name.name == "Åsa Öberg"
    assert Ticket.objects.filter(holder_name="Holder 1").exists()


def test_after_erasure_nothing_is_found_and_erasing_again_changes_nothing(asa):
    erase("asa@example.org", "--yes")
    before = snapshot()
    assert nothing_in(export("asa@example.org"))
    assert "nothing to erase" in erase("asa@example.org", "--yes")
    assert snapshot() == before


def test_erasing_gives_the_seat_to_the_first_on_the_waiting_list(
    asa, holders, future_expo, workshop_room, future_day
):
    talk = add_session(future_expo, workshop_room, future_day, 12, capacity=1)
    services.book_session(asa, talk)
    waiting = services.book_session(holders[1], talk)
    assert waiting.status == "waitlisted"

    erase("asa@example.org", "--yes")

    waiting.refresh_from_db()
    assert waiting.status == "booked"
    assert not talk.bookings.filter(ticket=asa, status="booked").exists()


def test_erasure_closes_the_persons_account(asa, django_user_model, organiser):
    user = django_user_model.objects.create_user(
        "asa", email="ASA@example.org", first_name="Åsa", last_name="Öberg", password="pw-asa-12"
    )
    Token.objects.create(user=user)
    entry = LogEntry.objects.create(
        user=organiser,
        content_type=ContentType.objects.get_for_model(user),
        object_id=str(user.pk),
        object_repr="asa",
        action_flag=CHANGE,
        change_message="Changed e-mail to asa@example.org.",
    )
    assert export("asa@example.org")["sections"]["accounts"][0]["username"] == "asa"

    assert "accounts: 1" in erase("asa@example.org", "--yes")

    user.refresh_from_db()
    assert user.username == f"erased-{user.pk}"
    assert (user.first_name, user.last_name, user.email) == ("", "", "")
    assert not user.is_active and not user.has_usable_password()
    assert not Token.objects.filter(user=user).exists()
    entry.refresh_from_db()
    assert entry.object_repr == f"erased-{user.pk}"
    assert "asa@" not in entry.change_message.lower()
    assert nothing_in(export("asa@example.org"))


def test_erasure_renames_the_erased_in_the_admin_history(asa, organiser):
    entry = LogEntry.objects.create(
        user=organiser,
        content_type=ContentType.objects.get_for_model(Ticket),
        object_id=str(asa.pk),
        object_repr=str(asa),
        action_flag=CHANGE,
        change_message=json.dumps([{"changed": {"name": "ticket", "object": str(asa)}}]),
    )
    order_entry = LogEntry.objects.create(
        user=organiser,
        content_type=ContentType.objects.get_for_model(Order),
        object_id=str(asa.order_id),
        object_repr=str(asa.order),
        action_flag=CHANGE,
        change_message=json.dumps([{"changed": {"name": "ticket", "object": str(asa)}}]),
    )
    erase("asa@example.org", "--yes")
    for logged in (entry, order_entry):
        logged.refresh_from_db()
        assert "Åsa" not in json.loads(logged.change_message)[0]["changed"]["object"]
        assert json.loads(logged.change_message)[0]["changed"]["object"] == f"#{asa.pk} Erased"
    assert "Åsa" not in entry.object_repr
    assert entry.object_repr == f"#{asa.pk} Erased"


def test_erasure_is_all_or_nothing(asa, monkeypatch):
    def broken(email):
        raise RuntimeError("disk full")

    # Speakers are erased first and tickets last: the failure comes in between.
    monkeypatch.setitem(privacy.ERASERS, "orders", broken)
    with pytest.raises(RuntimeError):
        erase("asa@example.org", "--yes")
    asa.refresh_from_db()
    assert asa.holder_name == "Åsa Öberg"
    assert Speaker.objects.filter(email="asa@example.org", name="Åsa Öberg").exists()


def test_erasing_without_yes_and_without_a_terminal_is_refused(asa):
    with pytest.raises(CommandError, match="--yes"):
        erase("asa@example.org", stdin=io.StringIO("yes\n"))
    asa.refresh_from_db()
    assert asa.holder_name == "Åsa Öberg"


def test_an_operator_at_a_terminal_confirms_with_yes(asa):
    with pytest.raises(CommandError, match="Nothing was erased"):
        erase("asa@example.org", stdin=Terminal("no\n"))
    asa.refresh_from_db()
    assert asa.holder_name == "Åsa Öberg"

    out = erase("asa@example.org", stdin=Terminal("yes\n"))
    assert "tickets: 1" in out and "cannot be undone" in out
    asa.refresh_from_db()
    assert asa.holder_name == "Erased"


def test_no_input_is_the_same_as_yes(asa):
    erase("asa@example.org", "--no-input", stdin=io.StringIO())
    asa.refresh_from_db()
    assert asa.holder_name == "Erased"


def test_a_later_app_adds_a_section(asa, monkeypatch):
    monkeypatch.setattr(privacy, "SECTIONS", dict(privacy.SECTIONS))
    privacy.section("newsletter")(lambda email: [{"list": "Bikupan"}])
    assert export("asa@example.org")["sections"]["newsletter"] == [{"list": "Bikupan"}]
    with pytest.raises(ValueError, match="newsletter"):
        privacy.section("newsletter")(lambda email: [])


def test_the_commands_log_nothing_about_the_person(asa, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    call_command(
        "export_person",
        "asa@example.org",
        "-o",
        str(tmp_path / "out.json"),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    out = erase("asa@example.org", "--yes")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in ("Åsa", "Öberg", "asa@", "Asa@", "Lund", "bikupor"):
        assert secret not in logged
        assert secret not in out


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
