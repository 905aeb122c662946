"""Scanning offline: the data a scanner keeps, and the scans it sends when back online."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from events.models import Hall
from tests.conftest import at_once, attendee
from ticketing import codes, services
from ticketing.models import CheckIn, Occupancy, ScannerDevice, ScanPoint, TicketType

R = CheckIn.Result
BATCH = "/api/v1/checkins/offline/"


def made_at(minutes_ago):
    """When a scan was made ``minutes_ago``. Up to an hour ago, that is yesterday in the
    first hour of a day in the expo's zone, where the tests' expo has not begun and the
    online scans they mix in are counted on another day: there the last hour is squeezed
    into the minutes since midnight, in the same order."""
    now = timezone.now()
    local = timezone.localtime(now, zoneinfo.ZoneInfo("Europe/Stockholm"))
    since_midnight = local - local.replace(hour=0, minute=0, second=0, microsecond=0)
    if 0 <= minutes_ago <= 60 and since_midnight < dt.timedelta(minutes=61):
        return now - since_midnight * (minutes_ago / 61)
    return now - dt.timedelta(minutes=minutes_ago)


@pytest.fixture
def gate(future_expo):
    return ScanPoint.objects.create(expo=future_expo, slug="north", name="North gate", kind="gate")


@pytest.fixture
def south(future_expo):
    return ScanPoint.objects.create(expo=future_expo, slug="south", name="South gate", kind="gate")


@pytest.fixture
def device(future_expo):
    return ScannerDevice.objects.create(expo=future_expo, name="Gate phone 1")


@pytest.fixture
def scanner(device):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {device.key}")
    return client


def offline_scan(ticket_or_code, nonce, result="entered", minutes_ago=30, direction="in"):
    code = getattr(ticket_or_code, "code", ticket_or_code)
    moment = made_at(minutes_ago)
    return {
        "code": code,
        "direction": direction,
        "nonce": nonce,
        "scanned_at": moment.isoformat(),
        "offline_result": result,
    }


def send(scanner, scans, point="north"):
    response = scanner.post(BATCH, {"scan_point": point, "scans": scans}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["results"]


def counters(place="expo"):
    row = Occupancy.objects.get(place=place)
    return row.inside, row.entries


# The data a scanner keeps


def test_a_scanner_gets_what_it_decides_with(scanner, holders, gate, future_expo, future_season):
    hall = Hall.objects.create(expo=future_expo, slug="b", name="Hall B", capacity=10)
    services.cancel_ticket(holders[4])
    day_type = TicketType.objects.create(expo=future_expo, slug="day", name="Day", kind="day")
    day = future_expo.start_date + dt.timedelta(days=1)
    day_ticket = services.register(future_expo, day_type, [attendee()], day=day).tickets.get()
    hall_only = TicketType.objects.create(expo=future_expo, slug="b", name="Hall B", kind="season")
    hall_only.halls.set([hall])

    response = scanner.get("/api/v1/expos/future/scan-points/north/offline/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    data = response.json()
    assert data["expo"] == {"id": future_expo.pk, "slug": "future", "time_zone": "Europe/Stockholm"}
    assert data["scan_point"] == {"slug": "north", "kind": "gate", "direction": "both", "day": None}
    assert [key["key_id"] for key in data["keys"]] == [
        key["key_id"] for key in codes.public_keys() if not key["retired"]
    ]
    assert data["cancelled"] == [holders[4].pk]
    tickets = {row[0]: row[1:] for row in data["tickets"]}
    assert tickets[holders[0].pk] == [future_season.pk]  # the type's days
    assert tickets[day_ticket.pk] == [day_type.pk, [day.isoformat()]]
    types = {row["id"]: row for row in data["ticket_types"]}
    assert len(types[future_season.pk]["days"]) == 7
    assert types[hall_only.pk]["admits_here"] is True  # a gate admits every ticket type
    assert "holder_name" not in response.content.decode() and "Holder" not in str(data)


def test_a_hall_door_says_which_types_it_admits(scanner, future_expo, future_season):
    hall = Hall.objects.create(expo=future_expo, slug="b", name="Hall B", capacity=10)
    other = Hall.objects.create(expo=future_expo, slug="c", name="Hall C", capacity=10)
    ScanPoint.objects.create(expo=future_expo, slug="b-door", name="B", kind="hall", hall=hall)
    hall_c = TicketType.objects.create(expo=future_expo, slug="c", name="Hall C", kind="season")
    hall_c.halls.set([other])
    data = scanner.get("/api/v1/expos/future/scan-points/b-door/offline/").json()
    admits = {row["id"]: row["admits_here"] for row in data["ticket_types"]}
    assert admits == {future_season.pk: True, hall_c.pk: False}


def test_only_the_expos_scanners_get_its_data(api, expo, future_expo, gate, organiser_api):
    foreign = ScannerDevice.objects.create(expo=expo, name="Other expo's phone")
    api.credentials(HTTP_AUTHORIZATION=f"Token {foreign.key}")
    assert api.get("/api/v1/expos/future/scan-points/north/offline/").status_code == 400
    assert APIClient().get("/api/v1/expos/future/scan-points/north/offline/").status_code in {
        401,
        403,
    }
    assert organiser_api.get("/api/v1/expos/future/scan-points/north/offline/").status_code in {
        400,
        403,
    }  # an organiser of another expo
    assert api.get("/api/v1/expos/future/scan-points/nowhere/offline/").status_code == 400


# Scans sent later


def test_offline_scans_are_stored_once_on_the_day_they_were_made(scanner, holders, gate):
    scans = [offline_scan(holders[n], f"n-{n}") for n in range(3)]
    first = send(scanner, scans)
    again = send(scanner, scans)  # the answer was lost: the device sends them again
    assert (
        first
        == again
        == [{"nonce": f"n-{n}", "result": "entered", "conflict": None} for n in range(3)]
    )
    assert CheckIn.objects.filter(offline=True, result=R.ENTERED).count() == 3
    stored = CheckIn.objects.get(nonce="n-0")
    assert stored.scanned_at == dt.datetime.fromisoformat(scans[0]["scanned_at"])
    assert counters() == (3, 3)
    assert services.recount_attendance() == []


def test_a_visitor_let_in_offline_is_counted_and_the_conflict_kept(
    scanner, holders, gate, south, device
):
    # In through the south gate online, then the offline north gate lets the same badge in.
    services.check_in(holders[0].code, south, "in")
    services.cancel_ticket(holders[1])
    results = send(scanner, [offline_scan(holders[0], "a"), offline_scan(holders[1], "b")])
    assert results == [
        {"nonce": "a", "result": "entered", "conflict": "already_inside"},
        {"nonce": "b", "result": "entered", "conflict": "cancelled"},
    ]
    assert counters() == (2, 3)  # both inside; three entries made
    assert services.recount_attendance() == []
    flagged = CheckIn.objects.exclude(conflict="").order_by("nonce")
    assert [(c.ticket, c.conflict, c.offline) for c in flagged] == [
        (holders[0], "already_inside", True),
        (holders[1], "cancelled", True),
    ]


def test_a_badge_refused_offline_stays_refused(scanner, holders, gate):
    forged = holders[0].code[:-2] + "AA"
    results = send(
        scanner,
        [offline_scan(forged, "f", "invalid_code"), offline_scan(holders[1], "c", "cancelled")],
    )
    assert [r["result"] for r in results] == ["invalid_code", "cancelled"]
    assert not Occupancy.objects.filter(inside__gt=0).exists()
    assert CheckIn.objects.filter(offline=True).count() == 2


def test_an_exit_made_offline_is_decided_by_the_server(scanner, holders, gate, device):
    point = ScanPoint.objects.create(
        expo=gate.expo, slug="both", name="Both ways", kind="gate", direction="both"
    )
    services.check_in(holders[0].code, point, "in")
    results = send(
        scanner,
        [
            offline_scan(holders[0], "out-1", "exited", direction="out"),
            offline_scan(holders[1], "out-2", "exited", direction="out"),
            offline_scan("hello", "out-3", "invalid_code", direction="out"),
        ],
        point="both",
    )
    assert [r["result"] for r in results] == ["exited", "not_inside", "invalid_code"]
    assert counters() == (0, 1)
    assert services.recount_attendance() == []


def test_a_malformed_scan_is_answered_and_the_others_stored(scanner, holders, gate):
    future = offline_scan(holders[0], "late", minutes_ago=-60)
    ancient = offline_scan(holders[0], "old", minutes_ago=60 * 24 * 365)
    no_nonce = offline_scan(holders[0], "")
    mixed_up = offline_scan(holders[0], "mix", "exited")  # an exit's answer to an entry
    year_one = dict(offline_scan(holders[0], "y1"), scanned_at="0001-01-01T00:00:00Z")
    results = send(
        scanner,
        [
            future,
            ancient,
            no_nonce,
            mixed_up,
            year_one,
            offline_scan(holders[1], "ok"),
        ],
    )
    assert [sorted(r.get("errors", {})) for r in results] == [
        ["scanned_at"],
        ["scanned_at"],
        ["nonce"],
        ["offline_result"],
        ["scanned_at"],
        [],
    ]
    assert list(CheckIn.objects.values_list("nonce", flat=True)) == ["ok"]
    # A NUL byte anywhere, or a scan that is not an object, is refused with the whole
    # batch (the device never sends either).
    for wrong in [offline_scan(holders[2], "nul\x00"), "not a scan"]:
        response = scanner.post(BATCH, {"scan_point": "north", "scans": [wrong]}, format="json")
        assert response.status_code == 400
    assert CheckIn.objects.count() == 1


def test_a_batch_is_bounded_and_names_a_scan_point_of_the_scanners_expo(scanner, holders, gate):
    too_many = [offline_scan(holders[0], f"n{n}") for n in range(501)]
    response = scanner.post(BATCH, {"scan_point": "north", "scans": too_many}, format="json")
    assert response.status_code == 400 and "scans" in response.json()
    response = scanner.post(BATCH, {"scan_point": "nowhere", "scans": []}, format="json")
    assert response.status_code == 400 and "scan_point" in response.json()
    assert APIClient().post(
        BATCH, {"scan_point": "north", "scans": []}, format="json"
    ).status_code in {
        401,
        403,
    }
    assert not CheckIn.objects.exists()


def test_one_offline_scan_through_the_single_scan_endpoint(scanner, holders, gate):
    scan = dict(offline_scan(holders[0], "one"), scan_point="north")
    answer = scanner.post("/api/v1/checkins/", scan, format="json").json()
    assert (answer["result"], answer["offline"], answer["conflict"]) == ("entered", True, None)
    online = scanner.post("/api/v1/checkins/", {"code": holders[1].code, "scan_point": "north"})
    assert (online.json()["offline"], online.json()["conflict"]) == (False, None)


@pytest.mark.django_db(transaction=True)
def test_a_batch_sent_twice_at_once_is_stored_once(future_expo, future_season):
    device = ScannerDevice.objects.create(expo=future_expo, name="Gate phone")
    ScanPoint.objects.create(expo=future_expo, slug="north", name="North", kind="gate")
    tickets = [
        services.register(future_expo, future_season, [attendee()]).tickets.get() for _ in range(4)
    ]
    scans = [offline_scan(ticket, f"n{n}") for n, ticket in enumerate(tickets)]

    def post(_n):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {device.key}")
        return client.post(BATCH, {"scan_point": "north", "scans": scans}, format="json").json()

    answers = at_once(post, range(4))
    assert all(answer == answers[0] for answer in answers), answers
    assert CheckIn.objects.count() == 4
    assert counters() == (4, 4)
    assert services.recount_attendance() == []


def test_a_batch_moves_the_counters_as_its_scans_one_by_one_would(
    scanner, holders, gate, future_expo
):
    hall = Hall.objects.create(expo=future_expo, slug="b", name="Hall B", capacity=2)
    ScanPoint.objects.create(
        expo=future_expo, slug="b-door", name="Hall B door", kind="hall", hall=hall
    )
    services.check_in(holders[3].code, gate, "in")
    at_gate = [
        offline_scan(holders[0], "g0", minutes_ago=50),
        offline_scan(holders[0], "g1", "already_inside", minutes_ago=49),
        offline_scan(holders[0], "g2", "exited", minutes_ago=48, direction="out"),
        offline_scan(holders[0], "g3", minutes_ago=47),
        offline_scan(holders[3], "g4", minutes_ago=46),  # inside already, through the gate
    ]
    at_hall = [offline_scan(holders[n], f"h{n}", minutes_ago=40 - n) for n in range(3)]
    gate_results = send(scanner, at_gate)
    hall_results = send(scanner, at_hall, point="b-door")
    assert [(r["result"], r["conflict"]) for r in gate_results] == [
        ("entered", None),
        ("already_inside", None),
        ("exited", None),
        ("entered", None),
        ("entered", "already_inside"),
    ]
    assert [r["conflict"] for r in hall_results] == [None, None, "hall_full"]
    assert counters() == (2, 4)
    assert counters(f"hall:{hall.pk}") == (3, 3)  # they are inside: the hall is over
    assert services.recount_attendance() == []


def test_the_scanner_app_is_served_for_the_expos_scan_points(client, gate):
    worker = client.get("/scan/future/sw.js")
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("text/javascript")
    assert "no-cache" in worker["Cache-Control"]
    assert '"/static/expo/scanner.js"' in worker.content.decode()
    manifest = client.get("/scan/future/north/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    assert manifest.json()["scope"] == "/scan/future/"
    assert manifest.json()["start_url"] == "/scan/future/north/"
    assert client.get("/scan/nowhere/sw.js").status_code == 404
    assert client.get("/scan/future/nowhere/manifest.webmanifest").status_code == 404


def test_a_scan_twice_in_one_batch_is_stored_once(scanner, holders, gate):
    scan = offline_scan(holders[0], "twice")
    results = send(scanner, [scan, scan, offline_scan(holders[1], "other")])
    assert [r["result"] for r in results] == ["entered", "entered", "entered"]
    assert CheckIn.objects.count() == 2
    assert counters() == (2, 2)
