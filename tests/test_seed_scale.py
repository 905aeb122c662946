"""``manage.py seed_scale``: a season of visitors written with COPY that the product can
use as if the services had written it."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.db.models.functions import Lower
from django.utils import timezone
from django_scopes import scopes_disabled

from events import demo
from events.models import Expo
from exhibitors.models import Lead
from ticketing import codes, services
from ticketing.models import (
    CheckIn,
    Order,
    Presence,
    Quota,
    ScanPoint,
    SessionBooking,
    Ticket,
    TicketType,
)

VISITORS = 2000

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="seed_scale writes with PostgreSQL's COPY"
)


@pytest.mark.django_db
def test_refused_on_sqlite():
    if connection.vendor == "postgresql":
        pytest.skip("the refusal is for other databases")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("seed_scale", visitors=10, no_progress=True, stdout=io.StringIO())


def _seed(visitors=VISITORS, **options):
    out = io.StringIO()
    call_command("seed_scale", visitors=visitors, no_progress=True, stdout=out, **options)
    return out.getvalue()


def _one(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


@pytest.fixture
def season():
    with scopes_disabled():
        report = _seed()
        yield Expo.objects.get(slug=demo.SLUG), report


@on_postgresql
@pytest.mark.django_db
def test_a_season_has_its_tickets_orders_scans_bookings_and_leads(season):
    expo, report = season
    assert f"Seeded {VISITORS:,} visitors" in report
    assert "bytes a visitor" in report
    assert expo.end_date == timezone.localdate()  # built for the seeding: the season is over
    tickets = Ticket.objects.filter(expo=expo)
    assert tickets.count() == VISITORS
    sizes = (
        Order.objects.filter(expo=expo)
        .annotate(size=Count("tickets"))
        .values_list("size", flat=True)
    )
    assert set(sizes) == {1, 2, 3, 4}
    scans = CheckIn.objects.filter(expo=expo)
    assert 3.5 * VISITORS < scans.count() < 6.5 * VISITORS
    results = set(scans.values_list("result", flat=True))
    assert {"entered", "exited", "already_inside", "invalid_code"} <= results
    point_kinds = set(scans.values_list("scan_point__kind", flat=True))
    assert point_kinds == {"gate", "hall", "session"}
    assert SessionBooking.objects.filter(ticket__expo=expo, status="booked").exists()
    assert Lead.objects.filter(exhibitor__expo=expo).count() > VISITORS / 10
    kinds = set(tickets.values_list("ticket_type__kind", flat=True))
    assert {"day", "multi_day", "season", "conference"} <= kinds


@on_postgresql
@pytest.mark.django_db
def test_holders_are_varied_people(season):
    expo, _report = season
    tickets = Ticket.objects.filter(expo=expo)
    assert tickets.values("holder_name").distinct().count() > VISITORS / 2
    assert tickets.filter(holder_name__regex="[åäöøæ]").exists()
    assert tickets.exclude(holder_email=Lower("holder_email")).exists()  # typed with capitals
    # Some people hold tickets in several orders, under the same address in any case.
    repeated = (
        tickets.annotate(address=Lower("holder_email"))
        .values("address")
        .annotate(orders=Count("order", distinct=True))
        .filter(orders__gt=1)
    )
    assert repeated.exists()
    languages = set(Order.objects.filter(expo=expo).values_list("language", flat=True))
    assert languages == {"sv", "fi", "da", "en"}


@on_postgresql
@pytest.mark.django_db
def test_scans_follow_the_rules_the_services_keep(season):
    expo, _report = season
    # Every ticket was scanned on a day it admits, a day from when it was bought, and
    # the day is the expo's local day of the moment.
    assert not _one(
        "SELECT COUNT(*) FROM ticketing_checkin c JOIN ticketing_ticket t ON t.id = c.ticket_id "
        "WHERE NOT t.valid_days ? c.day::text OR c.day < (t.created_at AT TIME ZONE %s)::date "
        "OR (c.scanned_at AT TIME ZONE %s)::date <> c.day",
        [expo.time_zone, expo.time_zone],
    )
    assert CheckIn.objects.filter(expo=expo, scanned_at__gt=timezone.now()).count() == 0
    # A cancelled ticket got in nowhere; every entry left a presence behind.
    assert not CheckIn.objects.filter(
        ticket__status="cancelled", result__in=["entered", "exited"]
    ).exists()
    assert not _one(
        "SELECT COUNT(*) FROM ticketing_checkin c JOIN ticketing_scanpoint p "
        "ON p.id = c.scan_point_id WHERE c.result = 'entered' AND NOT EXISTS (SELECT 1 FROM "
        "ticketing_presence r WHERE r.ticket_id = c.ticket_id AND r.day = c.day AND r.place = "
        "CASE p.kind WHEN 'gate' THEN 'expo' WHEN 'hall' THEN 'hall:' || p.hall_id "
        "ELSE 'session:' || p.session_id END)"
    )
    # No session door let in more than its seats, nor booked more.
    for session_id, entries in (
        CheckIn.objects.filter(result="entered", scan_point__kind="session")
        .values_list("scan_point__session")
        .annotate(entries=Count("id"))
    ):
        session = expo.sessions.get(pk=session_id)
        assert entries <= session.seats
        booked = session.bookings.filter(status="booked").count()
        assert booked <= (session.capacity or 0)


@on_postgresql
@pytest.mark.django_db
def test_the_counters_match_what_they_count(season):
    expo, _report = season
    with scopes_disabled():
        assert services.recount_attendance() == []
    inside_today = Presence.objects.filter(day=timezone.localdate(), place="expo", inside=True)
    assert inside_today.count() == _one(
        "SELECT COALESCE(SUM(inside), 0) FROM ticketing_occupancy "
        "WHERE place = 'expo' AND day = %s",
        [timezone.localdate()],
    )
    for quota in Quota.objects.filter(expo=expo):
        sold = Ticket.objects.filter(expo=expo, status="valid")
        if quota.ticket_type_id:
            sold = sold.filter(ticket_type=quota.ticket_type_id)
        if quota.day:
            sold = sold.valid_on(quota.day)
        assert quota.used == sold.count() <= quota.size
        if quota.ticket_type_id:
            ticket_type = quota.ticket_type
            limit = ticket_type.day_capacity if quota.day else ticket_type.capacity
            assert quota.size == limit  # as ``sync_quotas`` keeps them


@on_postgresql
@pytest.mark.django_db
def test_the_product_works_on_the_seeded_season(season):
    expo, _report = season
    today = timezone.localdate()
    outside_today = Presence.objects.filter(day=today, place="expo", inside=True).values("ticket")
    ticket = (
        Ticket.objects.filter(expo=expo, status="valid", ticket_type__kind="season")
        .exclude(pk__in=outside_today)
        .first()
    )
    assert codes.verify(ticket.code).ticket_id == ticket.pk
    gate = ScanPoint.objects.filter(expo=expo, kind="gate").first()
    answer = services.check_in(ticket.code, gate, "in")
    assert answer.check_in.result == "entered"
    assert services.check_in(ticket.code, gate, "in").check_in.result == "already_inside"
    # Registration still finds room under the limits the season raised.
    day_ticket = TicketType.objects.get(expo=expo, kind="day")
    order = services.register(
        expo, day_ticket, [services.Attendee("Åsa Öberg", "asa@example.org")], day=today
    )
    assert order.tickets.count() == 1
    with scopes_disabled():
        assert services.recount_attendance() == []


@on_postgresql
@pytest.mark.django_db
def test_a_second_season_is_refused_unless_appended(season):
    expo, _report = season
    with pytest.raises(CommandError, match="--append"):
        _seed(visitors=10)
    last = Ticket.objects.filter(expo=expo).order_by("pk").last().pk
    with scopes_disabled():
        _seed(visitors=300, append=True, seed=7)
        assert Ticket.objects.filter(expo=expo).count() == VISITORS + 300
        assert services.recount_attendance() == []
    # The appended people are new people: no address of theirs was there before.
    before = Ticket.objects.filter(pk__lte=last).annotate(address=Lower("holder_email"))
    after = Ticket.objects.filter(pk__gt=last).annotate(address=Lower("holder_email"))
    assert not after.filter(address__in=before.values("address")).exists()
