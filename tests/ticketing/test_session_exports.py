"""A session's attendee list for its organisers, read back with ``csv`` and ``openpyxl``;
and what the back office links to for an expo, a session and a scan point."""

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from events.models import Expo, Hall, Room
from tests.conftest import add_session, attendee
from tests.events.test_admin_scope import build_expo
from ticketing import services
from ticketing.models import CheckIn, ScanPoint, SessionBooking

pytestmark = pytest.mark.django_db

URLS = {"csv": "attendees.csv", "semicolon": "attendees-semicolon.csv", "xlsx": "attendees.xlsx"}
DELIMITERS = {"csv": ",", "semicolon": ";"}


@pytest.fixture
def helsinki(future_expo):
    future_expo.time_zone = "Europe/Helsinki"
    future_expo.save()
    return future_expo


@pytest.fixture
def attendees(helsinki, workshop, future_season, future_day):
    """The workshop (two seats): two booked, one of them checked in at its door, a third
    on the waiting list, a fourth who cancelled."""
    tickets = [
        services.register(
            helsinki,
            future_season,
            [attendee(name, email, organisation=org)],
        ).tickets.get()
        for name, email, org in [
            ("Åsa Öberg", "asa@example.org", "Sjö, Strand & Co"),
            ("Bo Ek", "bo@example.org", ""),
            ("Cai Lind", "cai@example.org", ""),
            ("Dan Berg", "dan@example.org", "=HYPERLINK(1)"),
        ]
    ]
    bookings = [services.book_session(ticket, workshop) for ticket in tickets[:3]]
    SessionBooking.objects.create(ticket=tickets[3], session=workshop, status="cancelled")
    door = services.save_scan_point(
        ScanPoint(
            expo=helsinki, slug="door", name="Workshop door", kind="session", session=workshop
        )
    )
    entered = dt.datetime.combine(future_day, dt.time(7, 55), tzinfo=dt.UTC)  # 09:55 there
    CheckIn.objects.create(
        expo=helsinki,
        scan_point=door,
        ticket=tickets[1],
        direction="in",
        result="entered",
        day=future_day,
        scanned_at=entered,
    )
    return {"tickets": tickets, "bookings": bookings, "door": door, "entered": entered}


@pytest.fixture
def organiser_client(helsinki, django_user_model):
    user = django_user_model.objects.create_user("olga", password="pw-olga-123")
    helsinki.organisers.add(user)
    client = Client()
    client.force_login(user)
    return client


def url(session, sheet_format):
    return f"/expos/{session.expo.slug}/sessions/{session.pk}/{URLS[sheet_format]}"


@pytest.mark.parametrize("sheet_format", DELIMITERS)
def test_the_attendee_list_as_csv(organiser_client, workshop, attendees, sheet_format):
    response = organiser_client.get(url(workshop, sheet_format))
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    disposition = response["Content-Disposition"]
    assert re.search(r'filename="attendees-[-0-9]{15}-bygg-en-bikupa\.csv"', disposition)
    text = response.content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=DELIMITERS[sheet_format]))
    assert table[0] == [
        "Name",
        "E-mail",
        "Organisation",
        "Ticket type",
        "Status",
        "Booked (Europe/Helsinki)",
        "Checked in (Europe/Helsinki)",
    ]
    assert [row[:5] for row in table[1:]] == [
        ["Åsa Öberg", "asa@example.org", "Sjö, Strand & Co", "Season", "Booked"],
        ["Bo Ek", "bo@example.org", "", "Season", "Checked in"],
        ["Cai Lind", "cai@example.org", "", "Season", "On the waiting list"],
    ]
    assert table[2][6] == attendees["entered"].strftime("%Y-%m-%d") + " 09:55:00+02:00"
    assert table[1][6] == table[3][6] == ""
    assert table[1][5].endswith("+02:00")
    assert "Dan Berg" not in text  # Cancelled.


def test_who_came_in_at_the_door_without_a_booking_is_listed_after_the_booked(
    organiser_client, helsinki, workshop, attendees, future_season, future_day
):
    """Open seating, or let in at the door: they sat in the session all the same. Dan
    cancelled his booking and came anyway; Bo, booked, is listed once however often he
    came in."""
    eve = services.register(
        helsinki, future_season, [attendee("Eve Sand", "eve@example.org")]
    ).tickets.get()
    dan, bo = attendees["tickets"][3], attendees["tickets"][1]
    for ticket, minute in [(eve, 58), (dan, 57), (bo, 59)]:
        CheckIn.objects.create(
            expo=helsinki,
            scan_point=attendees["door"],
            ticket=ticket,
            direction="in",
            result="entered",
            day=future_day,
            scanned_at=dt.datetime.combine(future_day, dt.time(7, minute), tzinfo=dt.UTC),
        )
    text = organiser_client.get(url(workshop, "csv")).content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))

    assert [row[0] for row in table[1:]] == [
        "Åsa Öberg",
        "Bo Ek",
        "Cai Lind",
        "Dan Berg",
        "Eve Sand",
    ]
    assert table[4][4] == table[5][4] == "Came in without a booking"
    assert table[4][5] == ""  # never booked this seat
    assert table[4][6].endswith("09:57:00+02:00") and table[5][6].endswith("09:58:00+02:00")
    assert table[2][6].endswith("09:55:00+02:00")  # Bo's first entry


def test_the_attendee_list_as_a_workbook(organiser_client, workshop, attendees):
    response = organiser_client.get(url(workshop, "xlsx"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Bygg en bikupa"
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(min_row=2))
    assert [row[4].value for row in rows] == ["Booked", "Checked in", "On the waiting list"]
    checked_in = rows[1][6]
    local = attendees["entered"].astimezone(workshop.expo.tz).replace(tzinfo=None)
    assert checked_in.value == local and checked_in.is_date
    booked = attendees["bookings"][0].created_at.astimezone(workshop.expo.tz)
    assert abs(rows[0][5].value - booked.replace(tzinfo=None)) < dt.timedelta(seconds=1)


def test_the_organisation_cannot_become_a_formula(
    organiser_client, workshop, attendees, future_season
):
    services.cancel_ticket(attendees["tickets"][0])  # A seat for the hostile one.
    services.book_session(attendees["tickets"][3], workshop)
    text = organiser_client.get(url(workshop, "csv")).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text
    response = organiser_client.get(url(workshop, "xlsx"))
    cells = [c for row in openpyxl.load_workbook(io.BytesIO(response.content)).active for c in row]
    assert not [cell for cell in cells if cell.data_type == "f"]
    assert "'=HYPERLINK(1)" in [cell.value for cell in cells]


@pytest.mark.parametrize("sheet_format", URLS)
def test_another_expos_session_is_not_found(
    organiser_client, workshop, attendees, other_expo, sheet_format, django_user_model
):
    # Named under the organiser's expo: no such session there.
    hall = Hall.objects.create(expo=other_expo, slug="h", name="H", capacity=9)
    room = Room.objects.create(expo=other_expo, hall=hall, slug="r", name="R", capacity=9)
    foreign = add_session(other_expo, room, other_expo.start_date, 10)
    mine = f"/expos/{workshop.expo.slug}/sessions/{foreign.pk}/{URLS[sheet_format]}"
    assert organiser_client.get(mine).status_code == 404
    # Named under its own expo, which they do not organise.
    assert organiser_client.get(url(foreign, sheet_format)).status_code == 404


@pytest.mark.parametrize("sheet_format", URLS)
def test_only_the_expos_organisers_get_the_list(
    client, workshop, attendees, django_user_model, sheet_format
):
    response = client.get(url(workshop, sheet_format))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    someone = django_user_model.objects.create_user("vera", password="pw-vera-123")
    other = Expo.objects.create(
        slug="else", name="Else", start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 1, 2)
    )
    other.organisers.add(someone)
    client.force_login(someone)
    response = client.get(url(workshop, sheet_format))
    assert response.status_code == 404
    assert b"example.org" not in response.content


# The back office's links.


@pytest.fixture
def a():
    return build_expo("expo-a", "Expo A", "alpha")


@pytest.fixture
def b():
    return build_expo("expo-b", "Expo B", "bravo")


@pytest.fixture
def back_office(client, django_user_model, a):
    user = django_user_model.objects.create_user("olga", password="pw-olga-123", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in={"events", "ticketing"})
    )
    a.expo.organisers.add(user)
    client.force_login(user)
    return client


def hrefs(response):
    return set(re.findall(r'href="([^"]+)"', response.content.decode()))


def test_the_expos_admin_page_links_what_the_organiser_runs(back_office, a, b):
    links = hrefs(back_office.get(f"/admin/events/expo/{a.expo.pk}/change/"))
    assert {
        "/expos/expo-a/",
        "/expos/expo-a/programme/",
        "/expos/expo-a/schedule.ics",
        "/expos/expo-a/schedule.json",
        "/expos/expo-a/live/",
        "/expos/expo-a/exhibitors/",
        "/expos/expo-a/register/",
        f"/admin/events/session/?expo__id__exact={a.expo.pk}",
        f"/admin/ticketing/scanpoint/?expo__id__exact={a.expo.pk}",
    } <= links
    listed = hrefs(back_office.get("/admin/events/expo/"))
    assert {"/expos/expo-a/", "/expos/expo-a/live/"} <= listed
    assert not [link for link in listed if "expo-b" in link]
    assert back_office.get(f"/admin/events/expo/{b.expo.pk}/change/").status_code == 404


def test_the_sessions_admin_page_links_its_attendee_lists_and_door(back_office, a, b):
    door = services.save_scan_point(
        ScanPoint(expo=a.expo, slug="door", name="Door", kind="session", session=a.session)
    )
    exports = {f"/expos/expo-a/sessions/{a.session.pk}/{name}" for name in URLS.values()}
    page = hrefs(back_office.get(f"/admin/events/session/{a.session.pk}/change/"))
    assert (
        exports
        | {
            f"/expos/expo-a/sessions/{a.session.pk}/",
            f"/expos/expo-a/schedule.ics?session={a.session.pk}",
            f"/scan/expo-a/{door.slug}/",
            f"/admin/ticketing/sessionbooking/?session__id__exact={a.session.pk}",
        }
        <= page
    )
    listed = hrefs(back_office.get("/admin/events/session/"))
    assert exports <= listed
    assert not [link for link in listed if "expo-b" in link or f"/{b.session.pk}/" in link]
    # Each link answers the organiser.
    for link in exports:
        assert back_office.get(link).status_code == 200


def test_a_scan_point_links_its_scanner_page(back_office, a, b):
    scanner = f"/scan/expo-a/{a.scanpoint.slug}/"
    assert scanner in hrefs(back_office.get("/admin/ticketing/scanpoint/"))
    assert scanner in hrefs(back_office.get(f"/admin/ticketing/scanpoint/{a.scanpoint.pk}/change/"))
    assert f"/scan/expo-b/{b.scanpoint.slug}/" not in hrefs(
        back_office.get("/admin/ticketing/scanpoint/")
    )
    assert back_office.get(scanner).status_code == 200


def test_bookings_filter_by_the_organisers_sessions(back_office, a, b):
    other = add_session(a.expo, a.room, dt.date(2026, 6, 2), 13, title="Session alpha")
    ticket = services.register(a.expo, a.tickettype, [attendee("Else", "else@example.org")])
    SessionBooking.objects.create(ticket=ticket.tickets.get(), session=other, status="booked")
    response = back_office.get("/admin/ticketing/sessionbooking/")
    page = response.content.decode()
    # Both of the organiser's sessions, told apart by their start on the expo's clock.
    assert "Session alpha (2026-06-02 10:00)" in page and "Session alpha (2026-06-02 13:00)" in page
    assert "bravo" not in page
    filtered = back_office.get("/admin/ticketing/sessionbooking/", {"session__id__exact": other.pk})
    assert [booking.session for booking in filtered.context["cl"].result_list] == [other]
    theirs = back_office.get(
        "/admin/ticketing/sessionbooking/", {"session__id__exact": b.session.pk}
    )
    assert list(theirs.context["cl"].result_list) == []


def test_the_attendee_list_takes_a_fixed_number_of_queries(
    organiser_client, workshop, attendees, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        assert organiser_client.get(url(workshop, "xlsx")).status_code == 200


def test_the_selected_bookings_download_with_their_sessions(back_office, a, b):
    selected = [a.sessionbooking.pk, b.sessionbooking.pk]  # Expo B's is not theirs.
    response = back_office.post(
        "/admin/ticketing/sessionbooking/",
        {"action": "download_bookings_xlsx", "_selected_action": selected},
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Session", "Starts (Europe/Stockholm)", "Name")
    assert rows[1:] == [
        (
            "Session alpha",
            dt.datetime(2026, 6, 2, 10, 0),
            "Holder alpha",
            "holder-alpha@example.org",
            None,
            "Season alpha",
            "Booked",
            rows[1][7],
            None,
        )
    ]
    response = back_office.post(
        "/admin/ticketing/sessionbooking/",
        {"action": "download_bookings_semicolon", "_selected_action": [a.sessionbooking.pk]},
    )
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert table[1][:3] == ["Session alpha", "2026-06-02 10:00:00+02:00", "Holder alpha"]


def test_bookings_of_two_expos_download_one_expo_at_a_time(client, django_user_model, a, b):
    client.force_login(django_user_model.objects.create_superuser("root", password="pw-root-1"))
    response = client.post(
        "/admin/ticketing/sessionbooking/",
        {
            "action": "download_bookings_csv",
            "_selected_action": [a.sessionbooking.pk, b.sessionbooking.pk],
        },
        follow=True,
    )
    assert "Choose the bookings of one expo at a time." in response.content.decode()
