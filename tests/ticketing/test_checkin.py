import datetime as dt
import io
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events import services as programme
from events.models import Conference, Hall, Room
from expo.errors import Conflict, InvalidInput
from tests.conftest import add_session, at_once, attendee
from ticketing import lookups, selectors, services, signals
from ticketing.models import (
    CheckIn,
    Occupancy,
    ScannerDevice,
    ScanPoint,
    SessionBooking,
    TicketType,
)

R = CheckIn.Result


@pytest.fixture
def today(future_expo):
    return future_expo.local_day(timezone.now())


@pytest.fixture
def gate(future_expo):
    return ScanPoint.objects.create(expo=future_expo, slug="north", name="North gate", kind="gate")


@pytest.fixture
def hall(future_expo):
    return Hall.objects.create(expo=future_expo, slug="b", name="Hall B", capacity=2)


@pytest.fixture
def hall_door(future_expo, hall):
    return ScanPoint.objects.create(
        expo=future_expo, slug="b-door", name="Hall B door", kind="hall", hall=hall
    )


@pytest.fixture
def ticket(holders):
    return holders[0]


def scan(ticket, point, direction="in"):
    return services.check_in(ticket.code, point, direction).check_in.result


def test_a_valid_badge_enters_and_leaves(ticket, gate):
    assert scan(ticket, gate) == R.ENTERED
    assert scan(ticket, gate) == R.ALREADY_INSIDE
    assert scan(ticket, gate, "out") == R.EXITED
    assert scan(ticket, gate, "out") == R.NOT_INSIDE
    assert CheckIn.objects.count() == 4


def test_counters_follow_the_scans(holders, gate, future_expo):
    for ticket in holders[:3]:
        scan(ticket, gate)
    scan(holders[0], gate, "out")
    answer = services.check_in(holders[0].code, gate, "in")
    assert answer.occupancy == {"place": "gate", "inside": 3, "entries_today": 4}
    assert answer.ticket == holders[0]


def test_a_tampered_code_is_invalid_and_still_recorded(ticket, gate):
    tampered = ticket.code[:-1] + ("A" if ticket.code[-1] != "A" else "B")
    assert services.check_in(tampered, gate, "in").check_in.result == R.INVALID_CODE
    assert services.check_in("hello", gate, "in").check_in.result == R.INVALID_CODE
    assert CheckIn.objects.filter(result=R.INVALID_CODE, ticket=None).count() == 2


def test_a_code_of_another_expo_is_invalid_here(expo, season_ticket, gate):
    foreign = services.register(expo, season_ticket, [attendee()]).tickets.get()
    assert scan(foreign, gate) == R.INVALID_CODE


def test_a_cancelled_ticket_is_refused(ticket, gate):
    services.cancel_ticket(ticket)
    assert scan(ticket, gate) == R.CANCELLED
    assert scan(ticket, gate, "out") == R.CANCELLED


def test_a_ticket_cancelled_inside_a_full_hall_still_scans_out(holders, hall_door, hall):
    assert [scan(t, hall_door) for t in holders[:3]] == [R.ENTERED, R.ENTERED, R.HALL_FULL]
    services.cancel_ticket(holders[0])
    assert scan(holders[0], hall_door) == R.CANCELLED
    assert scan(holders[0], hall_door, "out") == R.EXITED
    assert Occupancy.objects.get(place=f"hall:{hall.pk}").inside == 1
    assert scan(holders[2], hall_door) == R.ENTERED  # the hall is no longer full
    assert scan(holders[0], hall_door, "out") == R.CANCELLED
    assert services.recount_attendance() == []


def test_a_day_ticket_is_valid_on_its_local_day_only(future_expo, gate, today):
    day_type = TicketType.objects.create(expo=future_expo, slug="d", name="Day", kind="day")
    tomorrow = services.register(
        future_expo, day_type, [attendee()], day=today + dt.timedelta(days=1)
    ).tickets.get()
    assert scan(tomorrow, gate) == R.NOT_VALID_TODAY


def test_a_scan_at_half_past_midnight_belongs_to_that_local_day(future_expo, gate, monkeypatch):
    day = future_expo.start_date + dt.timedelta(days=3)
    day_type = TicketType.objects.create(expo=future_expo, slug="d", name="Day", kind="day")
    ticket = services.register(future_expo, day_type, [attendee()], day=day).tickets.get()
    half_past_midnight = dt.datetime.combine(day, dt.time(0, 30), tzinfo=future_expo.tz)
    # 22:30 UTC the evening before: the UTC date is the day before the ticket's day.
    assert half_past_midnight.astimezone(dt.UTC).date() == day - dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: half_past_midnight.astimezone(dt.UTC))
    assert scan(ticket, gate) == R.ENTERED
    assert CheckIn.objects.get().day == day


def test_a_hall_admits_up_to_its_safety_capacity(holders, hall_door):
    assert [scan(t, hall_door) for t in holders[:3]] == [R.ENTERED, R.ENTERED, R.HALL_FULL]
    scan(holders[0], hall_door, "out")
    assert scan(holders[2], hall_door) == R.ENTERED


def test_a_ticket_for_other_halls_is_not_valid_here(future_expo, hall_door):
    other = Hall.objects.create(expo=future_expo, slug="c", name="Hall C", capacity=10)
    limited = TicketType.objects.create(expo=future_expo, slug="c", name="C", kind="season")
    limited.halls.set([other])
    ticket = services.register(future_expo, limited, [attendee()]).tickets.get()
    assert scan(ticket, hall_door) == R.NOT_VALID_HERE


def test_a_session_door_counts_seats(holders, future_expo, workshop_room, today):
    session = add_session(future_expo, workshop_room, today, 20, capacity=1)
    door = ScanPoint.objects.create(
        expo=future_expo, slug="s", name="Door", kind="session", session=session
    )
    assert [scan(t, door) for t in holders[:2]] == [R.ENTERED, R.SESSION_FULL]


def test_a_session_door_keeps_the_seats_of_those_who_booked(
    holders, future_expo, workshop_room, today
):
    session = add_session(future_expo, workshop_room, today, 20, capacity=2)
    door = ScanPoint.objects.create(
        expo=future_expo, slug="s", name="Door", kind="session", session=session
    )
    booked, walk_in, late_walk_in = holders[:3]
    # Written straight, not booked through the service, which refuses a session that is
    # over: this one may be, late in the day.
    SessionBooking.objects.create(ticket=booked, session=session, status="booked")
    assert scan(walk_in, door) == R.ENTERED
    assert scan(late_walk_in, door) == R.SESSION_FULL  # the last seat is the booked one's
    assert scan(booked, door) == R.ENTERED
    assert scan(booked, door, "out") == R.EXITED
    assert scan(late_walk_in, door) == R.SESSION_FULL  # still held while they step out
    assert scan(booked, door) == R.ENTERED


def test_a_session_of_a_conference_needs_its_ticket(ticket, future_expo, workshop_room, today):
    conference = Conference.objects.create(
        expo=future_expo, slug="c", name="Forum", start_date=today, end_date=today
    )
    session = add_session(future_expo, workshop_room, today, 20, conference=conference)
    door = ScanPoint.objects.create(
        expo=future_expo, slug="s", name="Door", kind="session", session=session
    )
    assert scan(ticket, door) == R.NOT_VALID_HERE


def test_a_scan_point_only_scans_its_direction(ticket, future_expo):
    exit_only = ScanPoint.objects.create(
        expo=future_expo, slug="exit", name="Exit", kind="gate", direction="out"
    )
    with pytest.raises(InvalidInput):
        services.check_in(ticket.code, exit_only, "in")
    assert not CheckIn.objects.exists()


def test_attendance_changed_is_sent_after_commit(ticket, gate, django_capture_on_commit_callbacks):
    received = []

    def listener(sender, **kwargs):
        received.append(kwargs)

    signals.attendance_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            scan(ticket, gate)
    finally:
        signals.attendance_changed.disconnect(listener)
    assert received[0]["result"] == R.ENTERED
    assert received[0]["expo_id"] == gate.expo_id


def test_recount_finds_the_counters_right_and_repairs_a_broken_one(holders, gate, hall_door):
    for ticket in holders[:3]:
        scan(ticket, gate)
        scan(ticket, hall_door)
    scan(holders[0], gate, "out")
    out = io.StringIO()
    call_command("recount_attendance", stdout=out)
    assert "no differences" in out.getvalue()
    Occupancy.objects.filter(place="expo").update(inside=99)
    out = io.StringIO()
    call_command("recount_attendance", "--fix", stdout=out)
    assert "expo" in out.getvalue() and "99" in out.getvalue()
    assert Occupancy.objects.get(place="expo").inside == 2


# The API


@pytest.fixture
def device(future_expo):
    return ScannerDevice.objects.create(expo=future_expo, name="Gate phone 1")


@pytest.fixture
def scanner(device):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {device.key}")
    return client


def test_a_device_scans_through_the_api(scanner, ticket, gate):
    response = scanner.post(
        "/api/v1/checkins/",
        {"code": ticket.code, "scan_point": "north", "direction": "in"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["result"] == "entered"
    assert body["ticket"] == {
        "id": ticket.pk,
        "holder_name": "Holder 0",
        "ticket_type": "season",
        "ticket_type_name": "Season",
    }
    assert body["occupancy"]["inside"] == 1
    assert CheckIn.objects.get().device.name == "Gate phone 1"


def test_a_tampered_code_through_the_api_is_still_200(scanner, gate):
    response = scanner.post(
        "/api/v1/checkins/", {"code": "EX1NOTREAL", "scan_point": "north"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["result"] == "invalid_code"
    assert response.json()["ticket"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scan_point": "north"}, "code"),
        ({"code": "X"}, "scan_point"),
        ({"code": "X", "scan_point": "nowhere"}, "scan_point"),
        ({"code": "X", "scan_point": "north", "direction": "sideways"}, "direction"),
    ],
)
def test_malformed_scans_are_400(scanner, gate, body, field):
    response = scanner.post("/api/v1/checkins/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not CheckIn.objects.exists()


def test_scans_need_a_token(ticket, gate):
    response = APIClient().post(
        "/api/v1/checkins/", {"code": ticket.code, "scan_point": "north"}, format="json"
    )
    assert response.status_code == 401
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token not-a-key")
    assert bad.post("/api/v1/checkins/", {"code": "X", "scan_point": "north"}).status_code == 401


def test_a_device_cannot_scan_at_another_expo(expo, ticket, gate):
    foreign_device = ScannerDevice.objects.create(expo=expo, name="Elsewhere")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {foreign_device.key}")
    response = client.post(
        "/api/v1/checkins/", {"code": ticket.code, "scan_point": "north"}, format="json"
    )
    assert response.status_code == 400
    assert "scan_point" in response.json()


def test_a_revoked_device_is_refused(scanner, device, gate):
    device.is_active = False
    device.save()
    assert (
        scanner.post("/api/v1/checkins/", {"code": "X", "scan_point": "north"}).status_code == 401
    )


def test_a_device_revoked_elsewhere_stops_scanning_within_seconds(
    scanner, device, gate, ticket, monkeypatch
):
    url, body = "/api/v1/checkins/", {"code": ticket.code, "scan_point": "north"}
    assert scanner.post(url, body, format="json").status_code == 200
    # Another process revokes it: this one hears no signal and trusts what it read...
    ScannerDevice.objects.filter(pk=device.pk).update(is_active=False)
    assert scanner.post(url, body, format="json").status_code == 200
    # ...for lookups.SECONDS at most.
    later = time.monotonic() + lookups.SECONDS + 1
    monkeypatch.setattr(lookups.time, "monotonic", lambda: later)
    assert scanner.post(url, body, format="json").status_code == 401


def test_a_hall_made_smaller_applies_at_once_in_this_process(holders, hall, hall_door):
    assert scan(holders[0], hall_door) == R.ENTERED
    hall.capacity = 1
    hall.save()
    assert scan(holders[1], hall_door) == R.HALL_FULL


def test_visitors_with_a_user_token_cannot_scan(django_user_model, gate):
    visitor = django_user_model.objects.create_user("vera", password="pw-vera-123")
    client = APIClient()
    client.force_authenticate(visitor)
    response = client.post("/api/v1/checkins/", {"code": "X", "scan_point": "north"})
    assert response.status_code == 403


def test_an_organiser_scans_in_their_expo(django_user_model, future_expo, ticket, gate):
    organiser = django_user_model.objects.create_user("olle", password="pw-olle-123")
    future_expo.organisers.add(organiser)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=organiser).key}")
    response = client.post(
        "/api/v1/checkins/", {"code": ticket.code, "scan_point": "north"}, format="json"
    )
    assert response.json()["result"] == "entered"
    attendance = client.get("/api/v1/expos/future/attendance/").json()
    assert attendance["on_site"] == 1 and attendance["entries_today"] == 1


def test_attendance_is_for_organisers(scanner, gate):
    assert APIClient().get("/api/v1/expos/future/attendance/").status_code in (401, 403)
    assert scanner.get("/api/v1/expos/future/attendance/").status_code == 403


def test_organisers_define_scan_points(django_user_model, future_expo, hall):
    organiser = django_user_model.objects.create_user("olle", password="pw-olle-123")
    future_expo.organisers.add(organiser)
    client = APIClient()
    client.force_authenticate(organiser)
    url = "/api/v1/expos/future/scan-points/"
    ok = client.post(url, {"slug": "b", "name": "B", "kind": "hall", "hall": "b"}, format="json")
    assert ok.status_code == 201
    missing = client.post(url, {"slug": "c", "name": "C", "kind": "hall"}, format="json")
    assert missing.status_code == 400 and "hall" in missing.json()


@pytest.mark.django_db(transaction=True)
def test_one_badge_at_two_gates_at_once_enters_once(future_expo, future_season):
    ticket = services.register(future_expo, future_season, [attendee()]).tickets.get()
    gates = [
        ScanPoint.objects.create(expo=future_expo, slug=f"g{n}", name=f"Gate {n}", kind="gate")
        for n in range(8)
    ]
    results = at_once(
        lambda point: services.check_in(ticket.code, point, "in").check_in.result, gates
    )
    assert sorted(results) == [R.ALREADY_INSIDE] * 7 + [R.ENTERED]
    assert Occupancy.objects.get(place="expo").inside == 1


@pytest.mark.django_db(transaction=True)
def test_many_at_a_full_hall_door_at_once_never_overfill_it(future_expo, future_season, hall):
    hall.capacity = 3
    hall.save()
    door = ScanPoint.objects.create(expo=future_expo, slug="d", name="D", kind="hall", hall=hall)
    tickets = [
        services.register(
            future_expo, future_season, [attendee(f"V {n}", f"v{n}@example.org")]
        ).tickets.get()
        for n in range(10)
    ]
    results = at_once(
        lambda ticket: services.check_in(ticket.code, door, "in").check_in.result, tickets
    )
    assert sorted(results) == [R.ENTERED] * 3 + [R.HALL_FULL] * 7
    assert Occupancy.objects.get(place=f"hall:{hall.pk}").inside == 3
    assert services.recount_attendance() == []


# Retried scans


def test_a_repeated_nonce_answers_the_first_scan_and_stores_nothing(ticket, gate, device):
    first = services.check_in(ticket.code, gate, "in", device=device, nonce="scan-1")
    again = services.check_in(ticket.code, gate, "in", device=device, nonce="scan-1")
    assert first.check_in.result == again.check_in.result == R.ENTERED
    assert again.check_in.pk == first.check_in.pk
    assert again.ticket == ticket and again.occupancy["inside"] == 1
    assert CheckIn.objects.count() == 1
    assert services.recount_attendance() == []
    fresh = services.check_in(ticket.code, gate, "in", device=device, nonce="scan-2")
    assert fresh.check_in.result == R.ALREADY_INSIDE


def test_a_nonce_sent_again_with_another_badge_is_refused(holders, gate, device):
    services.check_in(holders[0].code, gate, "in", device=device, nonce="scan-1")
    with pytest.raises(Conflict) as refused:
        services.check_in(holders[1].code, gate, "in", device=device, nonce="scan-1")
    assert refused.value.code == "nonce_reused"
    with pytest.raises(Conflict):
        services.check_in(holders[0].code, gate, "out", device=device, nonce="scan-1")
    assert CheckIn.objects.count() == 1


def test_a_scan_at_the_ends_of_the_calendar_is_a_field_error(scanner, ticket, gate):
    for moment in ["0001-01-01T00:00:00", "9999-12-31T23:59:59"]:
        scan = {"code": ticket.code, "scan_point": "north", "scanned_at": moment}
        answer = scanner.post("/api/v1/checkins/", scan, format="json")
        assert answer.status_code == 400 and "scanned_at" in answer.json()
    assert not CheckIn.objects.exists()


def test_a_nonce_is_the_scanners_own(ticket, gate, device, future_expo, django_user_model):
    other = ScannerDevice.objects.create(expo=future_expo, name="Gate phone 2")
    organiser = django_user_model.objects.create_user("olle")
    results = [
        services.check_in(ticket.code, gate, direction, nonce="same", **scanner).check_in.result
        for direction, scanner in [
            ("in", {"device": device}),
            ("out", {"device": other}),
            ("in", {"user": organiser}),
            ("in", {"user": organiser}),
        ]
    ]
    assert results == [R.ENTERED, R.EXITED, R.ENTERED, R.ENTERED]
    assert CheckIn.objects.count() == 3


def test_a_scan_with_a_nonce_costs_no_more_statements(holders, gate, device):
    services.check_in(holders[2].code, gate, "in", device=device)  # lookups and counters made
    with CaptureQueriesContext(connection) as plain:
        services.check_in(holders[0].code, gate, "in", device=device)
    with CaptureQueriesContext(connection) as with_nonce:
        services.check_in(holders[1].code, gate, "in", device=device, nonce="scan-1")
    assert len(with_nonce) == len(plain)


def test_a_scanner_retries_through_the_api_with_its_nonce(scanner, ticket, gate):
    scan = {"code": ticket.code, "scan_point": "north", "nonce": "0b5e", "scanned_at": "now"}
    assert scanner.post("/api/v1/checkins/", scan, format="json").status_code == 400
    scan["scanned_at"] = "2026-06-02T10:00:00+02:00"
    answers = [scanner.post("/api/v1/checkins/", scan, format="json") for _ in range(2)]
    assert [answer.json()["result"] for answer in answers] == ["entered", "entered"]
    assert answers[1].json() == answers[0].json()
    assert CheckIn.objects.get().nonce == "0b5e"


@pytest.mark.django_db(transaction=True)
def test_retries_of_one_scan_at_once_count_it_once(future_expo, future_season, device):
    ticket = services.register(future_expo, future_season, [attendee()]).tickets.get()
    gate = ScanPoint.objects.create(expo=future_expo, slug="g", name="Gate", kind="gate")
    results = at_once(
        lambda _n: services.check_in(ticket.code, gate, "in", device=device, nonce="n").check_in,
        range(6),
    )
    assert {(result.pk, result.result) for result in results} == {
        (CheckIn.objects.get().pk, R.ENTERED)
    }
    assert Occupancy.objects.get(place="expo").inside == 1


# Leaving the expo leaves every place inside it


@pytest.fixture
def session_door(future_expo, workshop_room, today):
    session = add_session(future_expo, workshop_room, today, 20, capacity=5)
    return ScanPoint.objects.create(
        expo=future_expo, slug="s", name="Door", kind="session", session=session
    )


def inside(place):
    return Occupancy.objects.get(place=place).inside


def test_leaving_through_a_gate_leaves_the_halls_and_sessions_too(
    holders, gate, hall_door, hall, session_door
):
    visitor, stays = holders[:2]
    for ticket in (visitor, stays):
        assert [scan(ticket, gate), scan(ticket, hall_door)] == [R.ENTERED, R.ENTERED]
    assert scan(visitor, session_door) == R.ENTERED
    assert scan(visitor, gate, "out") == R.EXITED
    hall_place, session_place = f"hall:{hall.pk}", f"session:{session_door.session_id}"
    assert (inside("expo"), inside(hall_place), inside(session_place)) == (1, 1, 0)
    assert Occupancy.objects.get(place=hall_place).entries == 2  # entries stay counted
    assert scan(visitor, hall_door, "out") == R.NOT_INSIDE
    assert services.recount_attendance() == []
    # Back in the next moment: the hall lets them in again, and counts them once.
    assert [scan(visitor, gate), scan(visitor, hall_door)] == [R.ENTERED, R.ENTERED]
    assert inside(hall_place) == 2
    assert services.recount_attendance() == []


def test_a_gate_scan_out_of_someone_not_inside_the_expo_leaves_their_hall_alone(
    ticket, gate, hall_door, hall
):
    assert scan(ticket, hall_door) == R.ENTERED  # in the hall without passing a gate
    assert scan(ticket, gate, "out") == R.NOT_INSIDE
    assert inside(f"hall:{hall.pk}") == 1
    assert services.recount_attendance() == []


def test_a_cancelled_ticket_scanned_out_at_a_gate_leaves_its_hall(ticket, gate, hall_door, hall):
    scan(ticket, gate)
    scan(ticket, hall_door)
    services.cancel_ticket(ticket)
    assert scan(ticket, gate, "out") == R.EXITED
    assert (inside("expo"), inside(f"hall:{hall.pk}")) == (0, 0)
    assert services.recount_attendance() == []


def test_a_hall_left_through_a_gate_frees_its_place(holders, gate, hall_door, hall):
    for ticket in holders[:2]:
        scan(ticket, gate)
        scan(ticket, hall_door)
    scan(holders[2], gate)
    assert scan(holders[2], hall_door) == R.HALL_FULL
    scan(holders[0], gate, "out")
    assert scan(holders[2], hall_door) == R.ENTERED


def test_a_repeated_gate_exit_leaves_the_hall_once(ticket, gate, hall_door, hall, device):
    scan(ticket, gate)
    scan(ticket, hall_door)
    for _ in range(2):
        answer = services.check_in(ticket.code, gate, "out", device=device, nonce="out-1")
        assert answer.check_in.result == R.EXITED
    assert (inside("expo"), inside(f"hall:{hall.pk}")) == (0, 0)
    assert services.recount_attendance() == []


def test_leaving_the_halls_costs_a_statement_per_place_left_and_none_otherwise(
    holders, gate, hall_door
):
    for ticket in holders[:3]:
        scan(ticket, gate)
    scan(holders[2], gate, "out")  # lookups and counters made
    scan(holders[1], hall_door)
    with CaptureQueriesContext(connection) as in_no_hall:
        assert scan(holders[0], gate, "out") == R.EXITED
    with CaptureQueriesContext(connection) as in_a_hall:
        assert scan(holders[1], gate, "out") == R.EXITED
    # Begin; lock the ticket; leave (one compare-and-set for every place); insert the
    # check-in; move the gate's counters; commit: as many as before halls were left. Each
    # hall or session left moves its counters in one statement more.
    assert len(in_no_hall) == 6
    assert len(in_a_hall) == len(in_no_hall) + 1


def test_recount_counts_the_halls_left_through_a_gate(holders, gate, hall_door, hall):
    for ticket in holders[:2]:
        scan(ticket, gate)
        scan(ticket, hall_door)
    scan(holders[0], gate, "out")
    hall_place = f"hall:{hall.pk}"
    Occupancy.objects.filter(place=hall_place).update(inside=2)  # as counted before the fix
    [difference] = services.recount_attendance(fix=True)
    assert difference[1:] == (hall_place, difference[2], (2, 2), (1, 2))
    assert inside(hall_place) == 1


@pytest.mark.django_db(transaction=True)
def test_many_leaving_at_once_empty_every_hall_and_session(
    future_expo, future_season, hall, workshop_room, today
):
    """Visitors in a hall and a session leave through several gates at once, some of
    them scanning out of the hall at the same instant: no counter drifts or goes below
    zero, and the recount agrees."""
    hall.capacity = 100
    hall.save()
    session = add_session(future_expo, workshop_room, today, 20, capacity=30)
    hall_door = ScanPoint.objects.create(
        expo=future_expo, slug="hd", name="Hall door", kind="hall", hall=hall
    )
    session_door = ScanPoint.objects.create(
        expo=future_expo, slug="sd", name="Session door", kind="session", session=session
    )
    gates = [
        ScanPoint.objects.create(expo=future_expo, slug=f"g{n}", name=f"Gate {n}", kind="gate")
        for n in range(3)
    ]
    tickets = [
        services.register(
            future_expo, future_season, [attendee(f"V {n}", f"v{n}@example.org")]
        ).tickets.get()
        for n in range(12)
    ]
    for ticket in tickets:
        scan(ticket, gates[0])
        scan(ticket, hall_door)
        scan(ticket, session_door)
    scans = [(ticket, gates[n % 3]) for n, ticket in enumerate(tickets)]
    scans += [(ticket, hall_door) for ticket in tickets[::2]]
    scans += [(ticket, session_door) for ticket in tickets[1::3]]
    outcomes = at_once(lambda pair: scan(pair[0], pair[1], "out"), scans)
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert outcomes.count(R.EXITED) >= len(tickets)
    counters = dict(Occupancy.objects.values_list("place", "inside"))
    assert counters == {"expo": 0, f"hall:{hall.pk}": 0, f"session:{session.pk}": 0}
    assert services.recount_attendance() == []


def test_the_live_attendance_sees_the_hall_empty_after_a_gate_exit(
    ticket, gate, hall_door, future_expo, django_capture_on_commit_callbacks
):
    scan(ticket, gate)
    scan(ticket, hall_door)
    received = []

    def listener(sender, **kwargs):
        received.append(kwargs)

    signals.attendance_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            scan(ticket, gate, "out")
    finally:
        signals.attendance_changed.disconnect(listener)
    assert [(sent["scan_point_id"], sent["result"]) for sent in received] == [(gate.pk, R.EXITED)]
    snapshot = selectors.attendance(future_expo)
    assert snapshot["on_site"] == 0
    assert [hall["occupancy"] for hall in snapshot["halls"]] == [0]


# Leaving a hall leaves the sessions in its rooms


@pytest.fixture
def hall_session_door(future_expo, hall, today):
    """The door of a session in a room of ``hall`` (Hall B)."""
    room = Room.objects.create(expo=future_expo, hall=hall, slug="b1", name="B1", capacity=30)
    session = add_session(future_expo, room, today, 20, capacity=5)
    return ScanPoint.objects.create(
        expo=future_expo, slug="b1-door", name="B1 door", kind="session", session=session
    )


def test_leaving_a_hall_leaves_the_sessions_in_its_rooms_and_no_others(
    holders, gate, hall_door, hall, hall_session_door, session_door
):
    visitor, stays = holders[:2]
    for ticket in (visitor, stays):
        assert [scan(ticket, gate), scan(ticket, hall_door)] == [R.ENTERED, R.ENTERED]
        assert scan(ticket, hall_session_door) == R.ENTERED
    assert scan(visitor, session_door) == R.ENTERED  # a session in another hall
    assert scan(visitor, hall_door, "out") == R.EXITED
    hall_place = f"hall:{hall.pk}"
    in_hall, elsewhere = (
        f"session:{door.session_id}" for door in (hall_session_door, session_door)
    )
    assert [inside(place) for place in ("expo", hall_place, in_hall, elsewhere)] == [2, 1, 1, 1]
    assert Occupancy.objects.get(place=in_hall).entries == 2  # entries stay counted
    assert scan(visitor, hall_session_door, "out") == R.NOT_INSIDE
    assert services.recount_attendance() == []
    # Back in: the hall and the session count them once again.
    assert [scan(visitor, hall_door), scan(visitor, hall_session_door)] == [R.ENTERED] * 2
    assert (inside(hall_place), inside(in_hall)) == (2, 2)
    assert services.recount_attendance() == []


def test_a_hall_scan_out_of_someone_not_inside_the_hall_leaves_their_session_alone(
    ticket, hall_door, hall_session_door
):
    assert scan(ticket, hall_session_door) == R.ENTERED  # in without passing the hall door
    assert scan(ticket, hall_door, "out") == R.NOT_INSIDE
    assert inside(f"session:{hall_session_door.session_id}") == 1
    assert services.recount_attendance() == []


def test_a_full_hall_refuses_without_taking_its_visitor_out_of_a_session(
    holders, hall_door, hall, hall_session_door
):
    """A visitor who reached a session in the hall without passing the hall door is
    refused at the full hall: they never got in, so they leave nothing."""
    assert scan(holders[0], hall_session_door) == R.ENTERED
    for ticket in holders[1:3]:
        assert scan(ticket, hall_door) == R.ENTERED
    assert scan(holders[0], hall_door) == R.HALL_FULL
    assert inside(f"session:{hall_session_door.session_id}") == 1
    assert scan(holders[0], hall_session_door) == R.ALREADY_INSIDE
    assert services.recount_attendance() == []


def test_a_cancelled_ticket_scanned_out_of_a_hall_leaves_its_session(
    ticket, hall_door, hall, hall_session_door
):
    scan(ticket, hall_door)
    scan(ticket, hall_session_door)
    services.cancel_ticket(ticket)
    assert scan(ticket, hall_door, "out") == R.EXITED
    session_place = f"session:{hall_session_door.session_id}"
    assert (inside(f"hall:{hall.pk}"), inside(session_place)) == (0, 0)
    assert services.recount_attendance() == []


def test_a_hall_exit_costs_a_statement_per_session_left_and_none_otherwise(
    holders, hall, hall_door, hall_session_door
):
    hall.capacity = 10
    hall.save()
    for ticket in holders[:3]:
        scan(ticket, hall_door)
    scan(holders[2], hall_door, "out")  # lookups and counters made
    scan(holders[1], hall_session_door)
    with CaptureQueriesContext(connection) as in_no_session:
        assert scan(holders[0], hall_door, "out") == R.EXITED
    with CaptureQueriesContext(connection) as in_a_session:
        assert scan(holders[1], hall_door, "out") == R.EXITED
    # Begin; lock the ticket; leave (one compare-and-set for the hall and its sessions);
    # insert the check-in; move the hall's counters; commit: as many as before sessions
    # were left. The session left moves its counters in one statement more.
    assert len(in_no_session) == 6
    assert len(in_a_session) == len(in_no_session) + 1


def test_recount_counts_the_sessions_left_through_a_hall(
    holders, hall_door, hall, hall_session_door
):
    for ticket in holders[:2]:
        scan(ticket, hall_door)
        scan(ticket, hall_session_door)
    scan(holders[0], hall_door, "out")
    session_place = f"session:{hall_session_door.session_id}"
    Occupancy.objects.filter(place=session_place).update(inside=2)  # as counted before
    [difference] = services.recount_attendance(fix=True)
    assert difference[1:] == (session_place, difference[2], (2, 2), (1, 2))
    assert inside(session_place) == 1


@pytest.mark.django_db(transaction=True)
def test_many_hall_exits_at_once_never_drift_or_go_below_zero(
    future_expo, future_season, hall, today
):
    """Visitors in two sessions of a hall scan out of the hall at two doors at once, while
    some of them also leave through the gates or the session doors in the same instant:
    every exit locks its counters in the same order, so none waits for another forever,
    and no counter drifts or goes below zero."""
    hall.capacity = 100
    hall.save()
    rooms = [
        Room.objects.create(expo=future_expo, hall=hall, slug=f"r{n}", name=f"R{n}", capacity=30)
        for n in range(2)
    ]
    sessions = [add_session(future_expo, room, today, 20, capacity=30) for room in rooms]
    hall_doors = [
        ScanPoint.objects.create(
            expo=future_expo, slug=f"hd{n}", name=f"Hall door {n}", kind="hall", hall=hall
        )
        for n in range(2)
    ]
    session_doors = [
        ScanPoint.objects.create(
            expo=future_expo, slug=f"sd{n}", name=f"Door {n}", kind="session", session=session
        )
        for n, session in enumerate(sessions)
    ]
    gate = ScanPoint.objects.create(expo=future_expo, slug="g", name="Gate", kind="gate")
    tickets = [
        services.register(
            future_expo, future_season, [attendee(f"V {n}", f"v{n}@example.org")]
        ).tickets.get()
        for n in range(12)
    ]
    for n, ticket in enumerate(tickets):
        scan(ticket, gate)
        scan(ticket, hall_doors[0])
        scan(ticket, session_doors[n % 2])
    scans = [(ticket, hall_doors[n % 2]) for n, ticket in enumerate(tickets)]
    scans += [(ticket, gate) for ticket in tickets[::3]]
    scans += [(ticket, session_doors[n % 2]) for n, ticket in enumerate(tickets) if n % 4 == 1]
    outcomes = at_once(lambda pair: scan(pair[0], pair[1], "out"), scans)
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert outcomes.count(R.EXITED) >= len(tickets)
    counters = dict(Occupancy.objects.values_list("place", "inside"))
    assert counters == {
        "expo": len(tickets) - len(tickets[::3]),
        f"hall:{hall.pk}": 0,
        **{f"session:{session.pk}": 0 for session in sessions},
    }
    assert services.recount_attendance() == []


def test_attendance_keeps_a_session_a_release_took_out_of_the_programme(
    holders, future_expo, workshop_room, today
):
    session = add_session(future_expo, workshop_room, today, 20, capacity=5)
    door = ScanPoint.objects.create(
        expo=future_expo, slug="s", name="Door", kind="session", session=session
    )
    assert scan(holders[0], door) == R.ENTERED
    programme.cancel_session(session)
    programme.release_schedule(future_expo)
    [counted] = selectors.attendance(future_expo, today)["sessions"]
    assert (counted["id"], counted["present"], counted["room"]) == (session.pk, 1, "")
    assert scan(holders[1], lookups.scan_point(future_expo.pk, "s")) == R.NOT_VALID_HERE
