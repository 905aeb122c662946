"""The organisers' lists of tickets and check-ins: pages by cursor, filters, who may read
them and what bad input answers."""

import base64
import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient

from expo.api import CountedCursorPagination
from tests.conftest import attendee
from ticketing import services
from ticketing.models import CheckIn, Order, ScannerDevice, ScanPoint, Ticket

TICKETS = "/api/v1/expos/city-expo/tickets/"
CHECKINS = "/api/v1/expos/city-expo/checkins/"
R = CheckIn.Result


def walk(client, url, params=None, between=None):
    """Every row of every page, following ``next``; ``between(page_number)`` runs after
    each page (to write meanwhile)."""
    rows, page = [], client.get(url, params or {})
    number = 0
    while True:
        assert page.status_code == 200, page.json()
        body = page.json()
        assert set(body) == {"count", "next", "previous", "results"}
        rows.extend(body["results"])
        number += 1
        if between:
            between(number)
        if body["next"] is None:
            return rows
        page = client.get(body["next"])


@pytest.fixture
def gate(expo):
    return ScanPoint.objects.create(expo=expo, slug="north", name="North gate", kind="gate")


@pytest.fixture
def door(expo):
    return ScanPoint.objects.create(expo=expo, slug="south", name="South gate", kind="gate")


@pytest.fixture
def tickets(expo, season_ticket):
    order = services.register(expo, season_ticket, [attendee(f"V{n}") for n in range(7)])
    return list(order.tickets.order_by("pk"))


def scan_at(ticket, point, moment, result=R.ENTERED, **fields):
    """A stored scan at a chosen moment (the list reads rows; the rules are tested in
    test_checkin.py)."""
    return CheckIn.objects.create(
        expo=point.expo,
        scan_point=point,
        ticket=ticket,
        direction="in",
        result=result,
        day=point.expo.local_day(moment),
        scanned_at=moment,
        **fields,
    )


@pytest.fixture
def scans(tickets, gate, door):
    """Nine scans over two days, three of them at the same moment."""
    start = dt.datetime(2026, 6, 2, 8, tzinfo=dt.UTC)
    same = start + dt.timedelta(hours=3)
    made = [
        scan_at(tickets[0], gate, start),
        scan_at(tickets[1], gate, start + dt.timedelta(hours=1), R.ALREADY_INSIDE),
        scan_at(tickets[2], door, same),
        scan_at(tickets[3], door, same, R.CANCELLED),
        scan_at(tickets[4], gate, same),
        scan_at(tickets[5], gate, start + dt.timedelta(days=1), offline=True),
        scan_at(
            tickets[6],
            gate,
            start + dt.timedelta(days=1, hours=1),
            offline=True,
            conflict=R.ALREADY_INSIDE,
        ),
        scan_at(tickets[0], door, start + dt.timedelta(days=1, hours=2)),
        scan_at(None, door, start + dt.timedelta(days=1, hours=3), R.INVALID_CODE),
    ]
    return made


def newest_first(check_ins):
    return [c.pk for c in sorted(check_ins, key=lambda c: (c.scanned_at, c.pk), reverse=True)]


def test_walking_the_check_ins_page_by_page_gives_each_once_newest_first(organiser_api, scans):
    rows = walk(organiser_api, CHECKINS, {"page_size": 2})
    assert [row["id"] for row in rows] == newest_first(scans)
    first = organiser_api.get(CHECKINS, {"page_size": 2}).json()
    assert first["count"] == 9 and first["previous"] is None


def test_a_check_in_reads_as_the_rest_of_the_api_names_things(organiser_api, scans, tickets):
    device = ScannerDevice.objects.create(expo=scans[0].expo, name="Gate phone")
    CheckIn.objects.filter(pk=scans[-1].pk).update(device=device)
    rows = organiser_api.get(CHECKINS).json()["results"]
    assert rows[0] == {
        "id": scans[-1].pk,
        "ticket": None,
        "scan_point": "south",
        "direction": "in",
        "result": "invalid_code",
        "day": "2026-06-03",
        "scanned_at": "2026-06-03T13:00:00+02:00",
        "device": "Gate phone",
        "scanned_by": None,
        "offline": False,
        "conflict": None,
    }
    conflicted = next(row for row in rows if row["id"] == scans[6].pk)
    assert (conflicted["offline"], conflicted["conflict"]) == (True, "already_inside")


def test_new_scans_during_the_walk_neither_repeat_nor_hide_the_others(
    organiser_api, scans, tickets, gate
):
    def scan_meanwhile(page_number):
        scan_at(tickets[1], gate, timezone.now())
        # one more at the moment the walk has reached, after the rows already read
        scan_at(tickets[2], gate, scans[4].scanned_at)

    rows = walk(organiser_api, CHECKINS, {"page_size": 2}, between=scan_meanwhile)
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids))
    assert set(newest_first(scans)) <= set(ids)
    assert [i for i in ids if i in {s.pk for s in scans}] == newest_first(scans)


def test_walking_back_with_previous_gives_the_same_pages(organiser_api, scans):
    pages = [organiser_api.get(CHECKINS, {"page_size": 2}).json()]
    while pages[-1]["next"]:
        pages.append(organiser_api.get(pages[-1]["next"]).json())
    back = pages[-1]
    for page in reversed(pages[:-1]):
        back = organiser_api.get(back["previous"]).json()
        assert [row["id"] for row in back["results"]] == [row["id"] for row in page["results"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"scan_point": "south"}, [2, 3, 7, 8]),
        ({"day": "2026-06-02"}, [0, 1, 2, 3, 4]),
        ({"result": "cancelled"}, [3]),
        ({"offline": "true"}, [5, 6]),
        ({"offline": "false", "day": "2026-06-03"}, [7, 8]),
        ({"conflict": "true"}, [6]),
        ({"since": "2026-06-02T11:00:00Z", "until": "2026-06-03T09:00:00Z"}, [2, 3, 4, 5]),
        ({"scan_point": "north", "result": "entered"}, [0, 4, 5, 6]),
    ],
)
def test_check_ins_filters(organiser_api, scans, params, expected):
    rows = walk(organiser_api, CHECKINS, {**params, "page_size": 1})
    assert [row["id"] for row in rows] == newest_first([scans[i] for i in expected])


def test_the_ticket_filter_names_a_ticket_of_this_expo_only(
    organiser_api, scans, tickets, other_expo
):
    rows = organiser_api.get(CHECKINS, {"ticket": tickets[0].pk}).json()["results"]
    assert [row["id"] for row in rows] == newest_first([scans[0], scans[7]])
    theirs = ScanPoint.objects.create(expo=other_expo, slug="north", name="N", kind="gate")
    order = Order.objects.create(expo=other_expo, email="x@example.org")
    foreign = Ticket.objects.create(
        expo=other_expo,
        order=order,
        ticket_type=tickets[0].ticket_type,
        holder_name="X",
        holder_email="x@example.org",
    )
    scan_at(foreign, theirs, scans[0].scanned_at)
    answer = organiser_api.get(CHECKINS, {"ticket": foreign.pk}).json()
    assert (answer["count"], answer["results"]) == (0, [])
    assert len(walk(organiser_api, CHECKINS)) == len(scans)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"scan_point": "nowhere"}, "scan_point"),
        ({"scan_point": "nor\x00th"}, "scan_point"),
        ({"day": "9999-12-31"}, "day"),
        ({"day": "2026-02-30"}, "day"),
        ({"result": "maybe"}, "result"),
        ({"ticket": "x"}, "ticket"),
        ({"ticket": "0"}, "ticket"),
        ({"ticket": str(2**70)}, "ticket"),
        ({"since": "9999-12-31T23:59:59Z"}, "since"),
        ({"since": "2026-06-02T10:00:00\x00"}, "since"),
        ({"until": "yesterday"}, "until"),
        ({"since": "2026-06-03T00:00:00Z", "until": "2026-06-02T00:00:00Z"}, "until"),
        ({"offline": "perhaps"}, "offline"),
        ({"conflict": "2"}, "conflict"),
    ],
)
def test_bad_check_in_filters_are_400_on_their_field(organiser_api, scans, params, field):
    response = organiser_api.get(CHECKINS, params)
    assert response.status_code == 400
    assert field in response.json(), response.json()


def cursor(text):
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize("url", [TICKETS, CHECKINS])
@pytest.mark.parametrize(
    "value",
    [
        "garbage",
        "!!!",
        "é",
        cursor("p=yesterday"),
        cursor("p=9999-12-31 23:59:59+00:00"),
        cursor("p=2026-06-02 10:00:00\x00"),
        cursor("p=2026-06-02 10:00:00"),
        cursor("o=-1"),
        cursor("r=x"),
    ],
)
def test_a_cursor_this_list_did_not_make_is_400(organiser_api, scans, url, value):
    response = organiser_api.get(url, {"cursor": value})
    assert response.status_code == 400
    assert "cursor" in response.json(), response.json()


@pytest.mark.parametrize("url", [TICKETS, CHECKINS])
def test_only_the_expos_organisers_read_the_lists(url, scans, expo, other_expo):
    assert APIClient().get(url).status_code in (401, 403)
    device = ScannerDevice.objects.create(expo=expo, name="Gate phone")
    scanner = APIClient()
    scanner.credentials(HTTP_AUTHORIZATION=f"Token {device.key}")
    assert scanner.get(url).status_code in (401, 403)
    stranger = get_user_model().objects.create_user("otto")
    other_expo.organisers.add(stranger)
    client = APIClient()
    client.force_authenticate(stranger)
    assert client.get(url).status_code == 403


def test_count_is_exact_up_to_the_cap_and_null_above(organiser_api, scans, monkeypatch):
    monkeypatch.setattr(CountedCursorPagination, "count_cap", 9)
    assert organiser_api.get(CHECKINS).json()["count"] == 9
    monkeypatch.setattr(CountedCursorPagination, "count_cap", 8)
    body = organiser_api.get(CHECKINS, {"page_size": 500}).json()
    assert body["count"] is None and len(body["results"]) == 9
    assert organiser_api.get(CHECKINS, {"result": "cancelled"}).json()["count"] == 1


def test_page_size_is_capped_at_500(organiser_api, scans, monkeypatch):
    monkeypatch.setattr(CountedCursorPagination, "max_page_size", 3)
    assert len(organiser_api.get(CHECKINS, {"page_size": 1000}).json()["results"]) == 3
    assert len(organiser_api.get(CHECKINS, {"page_size": 2}).json()["results"]) == 2


def test_walking_the_tickets_gives_each_once_with_sales_in_between(
    organiser_api, expo, season_ticket, day_ticket, tickets
):
    # Several tickets of one order share their sale moment: the cursor keeps them apart.
    Ticket.objects.filter(pk__in=[t.pk for t in tickets[2:6]]).update(
        created_at=tickets[2].created_at
    )

    def sell_meanwhile(page_number):
        services.register(expo, season_ticket, [attendee(f"Late {page_number}")])

    rows = walk(organiser_api, TICKETS, {"page_size": 2}, between=sell_meanwhile)
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids))
    expected = sorted(
        Ticket.objects.filter(pk__in=[t.pk for t in tickets]),
        reverse=True,
        key=lambda t: (t.created_at, t.pk),
    )
    assert ids == [t.pk for t in expected]
    services.register(expo, day_ticket, [attendee("Dag")], day=dt.date(2026, 6, 3))
    day_rows = walk(organiser_api, TICKETS, {"ticket_type": "day", "page_size": 1})
    assert [row["holder_name"] for row in day_rows] == ["Dag"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"ticket_type": "nope"}, "ticket_type"),
        ({"ticket_type": "sea\x00son"}, "ticket_type"),
        ({"day": "9999-12-31"}, "day"),
        ({"day": "2026-06-02\x00"}, "day"),
        ({"status": "lost"}, "status"),
    ],
)
def test_bad_ticket_filters_are_400_on_their_field(organiser_api, tickets, params, field):
    response = organiser_api.get(TICKETS, params)
    assert response.status_code == 400
    assert field in response.json(), response.json()
