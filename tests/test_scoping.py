"""One expo per request: its scope, time zone and language reach every door."""

import datetime as dt
import io
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_scopes import ScopeError, scope, scopes_disabled
from rest_framework.test import APIClient

from events import demo
from events.models import Expo, Hall, Room, Session
from exhibitors.models import Exhibitor, Lead, Member
from tests.conftest import attendee, slot
from ticketing import services
from ticketing.models import Ticket, TicketType

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
WINTER_DAY = dt.date(2027, 2, 10)  # Helsinki is UTC+2, Stockholm UTC+1
SUMMER_DAY = dt.date(2027, 6, 10)  # Helsinki is UTC+3, Stockholm UTC+2


def an_expo(slug, **fields):
    expo = Expo.objects.create(
        slug=slug,
        name=slug.title(),
        start_date=fields.pop("start_date", WINTER_DAY),
        end_date=fields.pop("end_date", SUMMER_DAY),
        **fields,
    )
    hall = Hall.objects.create(expo=expo, slug="main", name="Main hall", capacity=500)
    Room.objects.create(expo=expo, hall=hall, slug="stage", name="Stage", capacity=100)
    return expo


def a_session(expo, day, hour, title):
    start = dt.datetime.combine(day, dt.time(hour), tzinfo=expo.tz)
    return Session.objects.create(
        expo=expo,
        title=title,
        **slot(Room.objects.get(expo=expo), start, start + dt.timedelta(hours=1)),
    )


@pytest.fixture
def two_expos(db):
    """Expo A and expo B, each with a session, an exhibitor with staff, and a ticket."""
    with scopes_disabled():
        made = {}
        for slug in ("a", "b"):
            expo = an_expo(slug)
            session = a_session(expo, WINTER_DAY, 11, f"Talk in {slug}")
            exhibitor = Exhibitor.objects.create(expo=expo, name=f"Exhibitor {slug}")
            staff = get_user_model().objects.create_user(f"staff-{slug}", password="pw-staff-1")
            member = Member.objects.create(exhibitor=exhibitor, user=staff)
            season = TicketType.objects.create(
                expo=expo, slug="season", name="Season", kind="season"
            )
            order = services.register(expo, season, [attendee(email=f"{slug}@example.org")])
            made[slug] = {
                "expo": expo,
                "session": session,
                "exhibitor": exhibitor,
                "staff": staff,
                "member": member,
                "order": order,
                "ticket": order.tickets.get(),
            }
        return made


@pytest.mark.scoped
@pytest.mark.django_db
def test_a_query_of_an_expos_rows_outside_any_scope_fails_loudly(two_expos):
    for query in (
        lambda: list(Session.objects.all()),
        lambda: Ticket.objects.filter(holder_email="a@example.org").exists(),
        lambda: Exhibitor.objects.get(pk=two_expos["a"]["exhibitor"].pk),
        lambda: Lead.objects.count(),
        lambda: list(two_expos["a"]["expo"].sessions.all()),
    ):
        with pytest.raises(ScopeError):
            query()


@pytest.mark.scoped
@pytest.mark.django_db
def test_a_scope_holds_only_its_expos_rows(two_expos):
    a, b = two_expos["a"], two_expos["b"]
    with scope(expo=a["expo"].pk):
        assert list(Session.objects.all()) == [a["session"]]
        assert not Ticket.objects.filter(pk=b["ticket"].pk).exists()
        assert list(Member.objects.all()) == [a["member"]]


@pytest.mark.scoped
@pytest.mark.django_db
def test_pages_of_expo_a_cannot_reach_expo_bs_objects(two_expos):
    a, b = two_expos["a"], two_expos["b"]
    client = Client()
    mine = client.get(f"/expos/a/sessions/{a['session'].pk}/")
    assert mine.status_code == 200 and "Talk in a" in mine.content.decode()
    assert client.get(f"/expos/a/sessions/{b['session'].pk}/").status_code == 404
    assert client.get(f"/expos/a/exhibitors/{b['exhibitor'].pk}/").status_code == 404
    secret = b["order"].secret
    assert client.get(f"/expos/a/my-tickets/{secret}/").status_code == 404


@pytest.mark.scoped
@pytest.mark.django_db
def test_the_api_of_expo_a_cannot_reach_expo_bs_objects(two_expos):
    a, b = two_expos["a"], two_expos["b"]
    staff_a = APIClient()
    staff_a.force_login(a["staff"])
    members_a = f"/api/v1/exhibitors/{a['exhibitor'].pk}/members/"
    members = staff_a.get(members_a).content.decode()
    assert "staff-a" in members and "staff-b" not in members
    assert staff_a.delete(f"{members_a}{b['member'].pk}/").status_code == 404
    with scopes_disabled():
        assert Member.objects.filter(pk=b["member"].pk).exists()
    booking = f"/api/v1/sessions/{a['session'].pk}/bookings/"
    answer = staff_a.post(booking, {"ticket": b["ticket"].pk}, format="json")
    assert answer.status_code == 404
    # The ticket reached by its id is in its own expo's scope, and found there.
    proof = {"HTTP_X_ORDER_SECRET": b["order"].secret}
    assert APIClient().get(f"/api/v1/tickets/{b['ticket'].pk}/", **proof).status_code == 200


@pytest.mark.scoped
@pytest.mark.django_db
def test_the_portal_of_expo_a_cannot_reach_expo_bs_objects(two_expos):
    a, b = two_expos["a"], two_expos["b"]
    client = Client()
    client.force_login(a["staff"])
    # The start page is about no one expo: it is scoped to the expos the user staffs.
    start = client.get("/portal/")
    assert start.status_code == 302 and start.url == f"/portal/{a['exhibitor'].pk}/"
    assert client.get(f"/portal/{a['exhibitor'].pk}/").status_code == 200
    remove = f"/portal/{a['exhibitor'].pk}/staff/{b['member'].pk}/remove/"
    assert client.post(remove).status_code == 404
    with scopes_disabled():
        assert Member.objects.filter(pk=b["member"].pk).exists()


@pytest.mark.scoped
@pytest.mark.django_db
def test_a_scanner_device_scans_in_its_own_expo(two_expos):
    from ticketing.models import ScannerDevice, ScanPoint

    a, b = two_expos["a"], two_expos["b"]
    with scopes_disabled():
        device = ScannerDevice.objects.create(expo=a["expo"], name="Gate scanner")
        ScanPoint.objects.create(expo=a["expo"], slug="gate", name="Gate", kind="gate")
        ScanPoint.objects.create(expo=b["expo"], slug="gate", name="Gate", kind="gate")
    scanner = APIClient()
    scanner.credentials(HTTP_AUTHORIZATION=f"Token {device.key}")
    scan = {"code": b["ticket"].code, "scan_point": "gate"}
    answer = scanner.post("/api/v1/checkins/", scan, format="json")
    assert answer.status_code == 200 and answer.json()["result"] == "invalid_code"


@pytest.mark.django_db
def test_a_scan_through_the_api_costs_no_more_statements_for_the_scope(future_expo, future_season):
    """Finding the device's expo costs nothing more: its key is looked up by the
    middleware and remembered for the API's own authentication."""
    from ticketing.models import ScannerDevice, ScanPoint

    device = ScannerDevice.objects.create(expo=future_expo, name="Gate scanner")
    ScanPoint.objects.create(expo=future_expo, slug="gate", name="Gate", kind="gate")
    people = [attendee(email=f"visitor{n}@example.org") for n in range(2)]
    codes = [t.code for t in services.register(future_expo, future_season, people).tickets.all()]
    scanner = Client(HTTP_AUTHORIZATION=f"Token {device.key}")
    for code in codes:  # the second scan is the typical one
        with CaptureQueriesContext(connection) as statements:
            answer = scanner.post(
                "/api/v1/checkins/",
                {"code": code, "scan_point": "gate"},
                content_type="application/json",
            )
        assert answer.json()["result"] == "entered"
    # Lock the ticket, mark its presence, insert the check-in, move the counters, and
    # the savepoint around them.
    assert len(statements) == 6


@pytest.mark.scoped
@pytest.mark.django_db
def test_commands_enter_the_scope_they_act_in(tmp_path):
    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    call_command("seed_demo", "--no-progress", **quiet)
    call_command("print_badges", "--expo", demo.SLUG, "-o", tmp_path / "badges.pdf", **quiet)
    call_command("recount_attendance", **quiet)
    call_command("export_person", "nobody@example.org", **quiet)
    listing = tmp_path / "exhibitors.csv"
    listing.write_text("name,website\nNordic Bikes,https://bikes.example.org\n", encoding="utf-8")
    call_command("import_exhibitors", str(listing), "--expo", demo.SLUG, **quiet)
    call_command("seed_demo", "--reset", "--no-progress", **quiet)
    with scopes_disabled():
        assert Session.objects.filter(expo__slug=demo.SLUG).exists()


@pytest.fixture
def helsinki(db):
    """A Helsinki expo on a site whose own zone is Stockholm's, with a session at 10:00
    local time on a winter and on a summer day, an exhibitor taking part in both, and a
    lead the exhibitor scanned at 10:00 local time."""
    with scopes_disabled():
        expo = an_expo("helsinki", time_zone="Europe/Helsinki")
        winter = a_session(expo, WINTER_DAY, 10, "Winter talk")
        summer = a_session(expo, SUMMER_DAY, 10, "Summer talk")
        exhibitor = Exhibitor.objects.create(expo=expo, name="Sauna Oy")
        exhibitor.sessions.set([winter, summer])
        staff = get_user_model().objects.create_user("staff", password="pw-staff-1")
        Member.objects.create(exhibitor=exhibitor, user=staff)
        season = TicketType.objects.create(expo=expo, slug="season", name="Season", kind="season")
        ticket = services.register(expo, season, [attendee()]).tickets.get()
        Lead.objects.create(
            exhibitor=exhibitor,
            ticket=ticket,
            scanned_by=staff,
            scanned_at=dt.datetime.combine(WINTER_DAY, dt.time(10), tzinfo=HELSINKI),
        )
    return {
        "expo": expo,
        "winter": winter,
        "summer": summer,
        "exhibitor": exhibitor,
        "staff": staff,
    }


@pytest.mark.django_db
def test_pages_show_times_on_the_expos_clock(helsinki, settings):
    assert settings.TIME_ZONE == "Europe/Stockholm"
    winter, exhibitor = helsinki["winter"], helsinki["exhibitor"]
    client = Client()
    pages = [
        f"/expos/helsinki/programme/?day={WINTER_DAY}",
        f"/expos/helsinki/programme/?day={WINTER_DAY}&view=grid",
        f"/expos/helsinki/sessions/{winter.pk}/",
        f"/expos/helsinki/exhibitors/{exhibitor.pk}/",
    ]
    for page in pages:
        text = client.get(page).content.decode()
        assert "10:00" in text, page
        assert "09:00" not in text, page
    client.force_login(helsinki["staff"])
    portal = client.get(f"/portal/{exhibitor.pk}/").content.decode()
    assert "10:00" in portal and "09:00" not in portal


@pytest.mark.django_db
def test_the_api_gives_times_with_the_expos_offset(helsinki):
    api = APIClient()
    sessions = api.get("/api/v1/expos/helsinki/sessions/").json()["results"]
    starts = {session["title"]: session["start"] for session in sessions}
    assert starts == {
        "Winter talk": "2027-02-10T10:00:00+02:00",
        "Summer talk": "2027-06-10T10:00:00+03:00",
    }
    one = api.get(f"/api/v1/sessions/{helsinki['summer'].pk}/").json()
    assert one["start"] == "2027-06-10T10:00:00+03:00"


@pytest.mark.django_db
def test_a_visitor_who_chose_no_language_gets_one_the_expo_speaks(db):
    with scopes_disabled():
        an_expo("tampere", time_zone="Europe/Helsinki", languages=["fi", "sv"])
    client = Client()
    assert client.get("/expos/tampere/programme/").headers["Content-Language"] == "fi"
    swedish = client.get("/expos/tampere/programme/", headers={"accept-language": "sv,en"})
    assert swedish.headers["Content-Language"] == "sv"
    client.cookies["django_language"] = "da"
    assert client.get("/expos/tampere/programme/").headers["Content-Language"] == "da"
