"""The tickets valid on one day (``TicketQuerySet.valid_on``): one rule for the
organisers' list, the badges PDF and ``print_badges --day``, on SQLite and PostgreSQL."""

import datetime as dt
import io

import pypdfium2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from events.models import OpeningDay
from tests.conftest import attendee
from tests.ticketing.test_lists import TICKETS, walk
from ticketing import selectors, services
from ticketing.models import Order, Ticket, TicketType

JUNE = {n: dt.date(2026, 6, n) for n in range(1, 8)}
BADGES = "/api/v1/expos/city-expo/badges.pdf"


@pytest.fixture
def sold(expo, other_expo, season_ticket, day_ticket):
    """Holders by the days they may come: two season tickets sold while June 4 was
    closed, one after it opened again (the only ticket for June 4), a day ticket for
    each of June 2 and June 5, a weekend ticket (June 5–6), a ticket made without
    registering (no days recorded) and another expo's season ticket."""
    closed = OpeningDay.objects.create(expo=expo, date=JUNE[4], is_closed=True)
    services.register(expo, season_ticket, [attendee("Season A"), attendee("Season B")])
    closed.delete()
    services.register(expo, season_ticket, [attendee("Season C")])
    services.register(expo, day_ticket, [attendee("Day 2")], day=JUNE[2])
    services.register(expo, day_ticket, [attendee("Day 5")], day=JUNE[5])
    weekend = TicketType.objects.create(
        expo=expo,
        slug="weekend",
        name="Weekend",
        kind="multi_day",
        valid_days=[JUNE[5].isoformat(), JUNE[6].isoformat()],
    )
    services.register(expo, weekend, [attendee("Weekend")])
    Ticket.objects.create(
        expo=expo,
        order=Order.objects.create(expo=expo, email="desk@example.org"),
        ticket_type=season_ticket,
        holder_name="Unlisted",
        holder_email="desk@example.org",
    )
    others = TicketType.objects.create(expo=other_expo, slug="season", name="S", kind="season")
    services.register(other_expo, others, [attendee("Elsewhere")])


SEASON = {"Season A", "Season B", "Season C"}
EXPECTED = {
    JUNE[1]: SEASON,
    JUNE[2]: SEASON | {"Day 2"},  # a common day
    JUNE[4]: {"Season C"},  # a rare day
    JUNE[5]: SEASON | {"Day 5", "Weekend"},
    JUNE[6]: SEASON | {"Weekend"},
    dt.date(2026, 6, 8): set(),  # after the expo
}


@pytest.mark.parametrize("day", list(EXPECTED))
def test_the_list_gives_the_tickets_sold_for_the_day(organiser_api, sold, day):
    rows = walk(organiser_api, TICKETS, {"day": day.isoformat(), "page_size": 2})
    names = [row["holder_name"] for row in rows]
    assert len(names) == len(set(names))
    assert set(names) == EXPECTED[day]


def test_the_day_combines_with_the_other_filters(organiser_api, sold):
    Ticket.objects.filter(holder_name="Season A").update(status=Ticket.Status.CANCELLED)
    params = {"day": "2026-06-05", "status": "valid", "ticket_type": "season"}
    rows = organiser_api.get(TICKETS, params).json()["results"]
    assert {row["holder_name"] for row in rows} == {"Season B", "Season C"}


@pytest.mark.parametrize(
    "day", ["2026-02-30", "9999-12-31", "June 2", "2026-06-02T10:00", "2026-06-02\x00", '"']
)
@pytest.mark.parametrize("url", [TICKETS, BADGES])
def test_a_bad_day_is_400_on_its_field(organiser_api, sold, url, day):
    response = organiser_api.get(url, {"day": day})
    assert response.status_code == 400
    assert "day" in response.json(), response.json()


def badge_holders(pdf_bytes):
    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        text = "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    return {name for names in EXPECTED.values() for name in names if name in text}


def test_the_badges_pdf_holds_the_days_valid_tickets(organiser_api, sold):
    Ticket.objects.filter(holder_name="Season A").update(status=Ticket.Status.CANCELLED)
    response = organiser_api.get(BADGES, {"day": "2026-06-05", "layout": "a6"})
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content)
    assert len(pypdfium2.PdfDocument(pdf)) == 4
    assert badge_holders(pdf) == {"Season B", "Season C", "Day 5", "Weekend"}


def test_print_badges_day_prints_the_days_tickets(sold, tmp_path):
    target = tmp_path / "june-4.pdf"
    call_command(
        "print_badges",
        "--expo",
        "city-expo",
        "--day",
        "2026-06-04",
        "--layout",
        "a6",
        "-o",
        str(target),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert badge_holders(target.read_bytes()) == {"Season C"}


def test_print_badges_refuses_a_day_that_is_not_one(sold, tmp_path):
    with pytest.raises(CommandError):
        call_command(
            "print_badges", "--expo", "city-expo", "--day", "2026-02-30", "-o", str(tmp_path)
        )


def test_the_selector_and_the_queryset_agree(expo, sold):
    for day, names in EXPECTED.items():
        tickets = selectors.expo_tickets(expo, day=day)
        assert {ticket.holder_name for ticket in tickets} == names
        everywhere = Ticket.objects.valid_on(day).values_list("holder_name", flat=True)
        assert set(everywhere) == names | ({"Elsewhere"} if names else set())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL index")
def test_postgresql_finds_a_days_tickets_by_the_gin_index(sold):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = Ticket.objects.valid_on(JUNE[4]).values("pk").explain()
    assert "ticket_valid_days" in plan, plan
