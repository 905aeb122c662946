"""Erasing visitors' data when an expo's keeping time is over (``ticketing/retention.py``,
``manage.py erase_expired_data``)."""

import datetime as dt
import io

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_scopes import scope

from events.models import Expo, Session
from expo.errors import Conflict
from outbox.models import Mail
from tests.conftest import add_session, attendee
from ticketing import privacy, retention, services
from ticketing.models import CheckIn, Occupancy, Order, ScanPoint, SessionBooking, Ticket

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def moment(day, hour=12):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=UTC)


def counts():
    """What organisers count: rows, statuses and the attendance counters."""
    return {
        "tickets": list(Ticket.objects.order_by("pk").values_list("pk", "ticket_type")),
        "orders": Order.objects.count(),
        "bookings": SessionBooking.objects.count(),
        "check_ins": list(CheckIn.objects.order_by("pk").values_list("pk", "result", "ticket")),
        "attendance": list(Occupancy.objects.order_by("pk").values_list("inside", "entries")),
    }


def personal(expo):
    """Everything the expo's orders and tickets still say about people."""
    orders = Order.objects.filter(expo=expo).values_list("email", "secret")
    tickets = Ticket.objects.filter(expo=expo).values_list(
        "holder_name", "holder_email", "organisation"
    )
    return sorted(map(tuple, orders)), sorted(map(tuple, tickets))


@pytest.fixture
def visited(future_expo, future_season, holders, workshop, django_user_model):
    """Åsa bought a ticket for herself and one for Bo in one order, booked a session and
    came in at a gate; the admin's history names her ticket."""
    order = services.register(
        future_expo,
        future_season,
        [
            attendee("Åsa Öberg", "asa@example.org", organisation="Malmö Stad"),
            attendee("Bo Ek", "bo@example.org", organisation="Ystad"),
        ],
    )
    asa = order.tickets.get(holder_email="asa@example.org")
    services.book_session(asa, workshop)
    gate = ScanPoint.objects.create(expo=future_expo, slug="g", name="Gate", kind="gate")
    services.check_in(asa.code, gate, "in")
    LogEntry.objects.create(
        user=django_user_model.objects.create_user("olga"),
        content_type=ContentType.objects.get_for_model(Ticket),
        object_id=str(asa.pk),
        object_repr=str(asa),
        action_flag=CHANGE,
        change_message="Changed e-mail to asa@example.org",
    )
    return order


def past_keeping_time(expo):
    """The first moment after the expo's keeping time, on its own clock."""
    day_after = expo.keeps_visitor_data_until + dt.timedelta(days=1)
    return dt.datetime.combine(day_after, dt.time(0, 1), tzinfo=expo.tz)


def test_the_keeping_time_ends_with_the_day_the_privacy_page_names(future_expo):
    future_expo.start_date = future_expo.end_date = dt.date(2027, 1, 31)
    future_expo.keeps_visitor_data_months = 1
    assert future_expo.keeps_visitor_data_until == dt.date(2027, 2, 28)
    # 23:30 UTC on 28 February is already 1 March in Stockholm.
    assert not future_expo.visitor_data_expired(dt.datetime(2027, 2, 28, 22, 30, tzinfo=UTC))
    assert future_expo.visitor_data_expired(dt.datetime(2027, 2, 28, 23, 30, tzinfo=UTC))
    future_expo.keeps_visitor_data_months = None
    assert not future_expo.visitor_data_expired(dt.datetime(2099, 1, 1, tzinfo=UTC))


def test_an_expo_past_its_keeping_time_is_erased_and_keeps_its_counts(future_expo, visited):
    before = counts()

    [done] = retention.erase_expired_data(now=past_keeping_time(future_expo))

    assert done.expo == future_expo and done.failed == []
    assert done.held == {"orders": 6, "tickets": 7, "leads": 0}
    assert done.done == 6 and done.erased["tickets"] == 7 and done.erased["orders"] == 6
    assert counts() == before
    assert not Ticket.objects.filter(status=Ticket.Status.VALID).exists()
    orders, tickets = personal(future_expo)
    assert all(email.endswith("@erased.invalid") for email, _secret in orders)
    assert all(secret.startswith("erased-") for _email, secret in orders)
    assert set(tickets) == {
        ("Erased", f"ticket-{pk}@erased.invalid", "")
        for pk in Ticket.objects.values_list("pk", flat=True)
    }
    for address in ("asa@example.org", "bo@example.org", "holder1@example.org"):
        assert not privacy.holds_anything(privacy.export_person(address)), address
    assert "asa@example.org" not in LogEntry.objects.get().change_message


def test_an_expo_inside_its_keeping_time_or_without_one_is_untouched(future_expo, visited):
    before = personal(future_expo), counts()
    inside = past_keeping_time(future_expo) - dt.timedelta(minutes=2)
    assert retention.erase_expired_data(now=inside) == []
    future_expo.keeps_visitor_data_months = None
    future_expo.save()
    assert retention.erase_expired_data(now=moment(dt.date(2099, 12, 31))) == []
    assert (personal(future_expo), counts()) == before
    assert Ticket.objects.filter(holder_email="asa@example.org", status="valid").exists()


def test_another_expos_data_is_untouched_even_for_the_same_person(
    future_expo, visited, expo, season_ticket
):
    """Åsa also visits another expo, which keeps its data longer."""
    expo.keeps_visitor_data_months = 60
    expo.save()
    elsewhere = services.register(expo, season_ticket, [attendee("Åsa Öberg", "asa@example.org")])
    before = personal(expo)

    erased = retention.erase_expired_data(now=past_keeping_time(future_expo))

    assert [done.expo for done in erased] == [future_expo]
    assert personal(expo) == before
    assert elsewhere.tickets.get().holder_name == "Åsa Öberg"
    held = privacy.export_person("asa@example.org")["sections"]
    assert [ticket["expo"] for ticket in held["tickets"]] == [expo.slug]


def test_running_again_does_nothing(future_expo, visited):
    later = past_keeping_time(future_expo)
    retention.erase_expired_data(now=later)
    before = personal(future_expo), counts(), list(LogEntry.objects.values())

    [again] = retention.erase_expired_data(now=later)

    assert again.held == {"orders": 0, "tickets": 0, "leads": 0}
    assert again.done == 0 and +again.erased == {}
    assert (personal(future_expo), counts(), list(LogEntry.objects.values())) == before


def test_an_order_its_buyer_erased_loses_its_other_holders_too(future_expo, visited):
    """Åsa erased herself on her tickets page, which reaches only her own ticket; Bo's in
    the same order is erased when the keeping time is over."""
    privacy.erase_person("asa@example.org", order=visited)
    bo = visited.tickets.get(holder_email="bo@example.org")
    assert retention.survey(future_expo).held["orders"] == 6  # Bo's ticket still names him

    retention.erase_expired_data(now=past_keeping_time(future_expo))

    bo.refresh_from_db()
    assert bo.is_erased and bo.holder_name == "Erased" and bo.organisation == ""


def test_a_seat_freed_in_a_finished_session_is_announced_to_no_one(
    future_expo, future_season, workshop_room, holders
):
    """Erasing cancels the tickets, which frees their seats: in a session that is over,
    the first on the waiting list is neither booked nor e-mailed."""
    talk = add_session(future_expo, workshop_room, future_expo.end_date, 12, capacity=1)
    booked = services.book_session(holders[0], talk)
    waiting = services.book_session(holders[1], talk)
    assert (booked.status, waiting.status) == ("booked", "waitlisted")
    a_year_ago = dt.timedelta(days=365)
    Session.objects.filter(pk=talk.pk).update(
        start=talk.start - a_year_ago, end=talk.end - a_year_ago
    )
    mails = Mail.objects.count()

    services.cancel_ticket(holders[0])

    waiting.refresh_from_db()
    assert waiting.status == "waitlisted"
    assert Mail.objects.count() == mails


# The command


def erase_expired(*args):
    out = io.StringIO()
    call_command("erase_expired_data", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def long_ago(future_expo, visited):
    """The expo took place two years ago and keeps its visitors' data for a year."""
    two_years = dt.timedelta(days=730)
    Expo.objects.filter(pk=future_expo.pk).update(
        start_date=future_expo.start_date - two_years,
        end_date=future_expo.end_date - two_years,
        keeps_visitor_data_months=12,
    )
    future_expo.refresh_from_db()
    return future_expo


def test_a_dry_run_reports_per_expo_and_writes_nothing(long_ago):
    before = personal(long_ago), counts(), list(LogEntry.objects.values())

    out = erase_expired("--dry-run")

    kept_until = long_ago.keeps_visitor_data_until.isoformat()
    assert f"future (kept until {kept_until}): would erase orders: 6, tickets: 7, leads: 0" in out
    assert (personal(long_ago), counts(), list(LogEntry.objects.values())) == before


def test_the_command_erases_in_batches_and_says_how_far_it_is(long_ago):
    out = erase_expired("--batch-size", "4")

    assert "future: 4 of 6 orders erased" in out and "future: 6 of 6 orders erased" in out
    report = out.splitlines()[-1]
    assert report.startswith("future (kept until") and "erased 6 orders; anonymised " in report
    assert "tickets: 7" in report and "orders: 6" in report and "leads" not in report
    assert all(ticket.is_erased for ticket in Ticket.objects.all())
    assert "nothing left to erase" in erase_expired()


def test_the_command_with_nothing_to_erase_says_so(future_expo, visited):
    assert "No expo is past its keeping time" in erase_expired()
    assert "No expo is past its keeping time" in erase_expired("--dry-run")


def test_a_batch_size_below_one_is_refused(db):
    with pytest.raises(CommandError, match="at least 1"):
        erase_expired("--batch-size", "0")


def test_an_order_that_cannot_be_erased_is_reported_and_left_for_the_next_run(
    long_ago, monkeypatch
):
    def refuse(order):
        if order.email == "asa@example.org":
            raise Conflict("busy", code="cancelled")
        return unpatched(order)

    unpatched = retention.erase_order
    monkeypatch.setattr(retention, "erase_order", refuse)
    with pytest.raises(CommandError, match="tried again next run"):
        erase_expired()
    assert Order.objects.filter(email="asa@example.org").exists()
    assert Order.objects.exclude(email__endswith="@erased.invalid").count() == 1

    monkeypatch.setattr(retention, "erase_order", unpatched)
    erase_expired()
    assert not Order.objects.exclude(email__endswith="@erased.invalid").exists()


def test_the_command_runs_outside_any_expo_scope(long_ago):
    """The command enters each expo's scope itself, as it runs from cron."""
    with scope():
        assert "erased 6 orders" in erase_expired()


def test_now_is_the_default_moment(long_ago):
    assert retention.expired_expos() == [long_ago]
    assert retention.expired_expos(timezone.now() - dt.timedelta(days=500)) == []


def test_a_keeping_time_of_no_months_ends_with_the_last_day_on_the_expos_clock(future_expo):
    """Helsinki's day begins before UTC's: the expo is erased from its own midnight."""
    Expo.objects.filter(pk=future_expo.pk).update(
        start_date=dt.date(2027, 3, 1),
        end_date=dt.date(2027, 3, 3),
        keeps_visitor_data_months=0,
        time_zone="Europe/Helsinki",
    )
    assert retention.expired_expos(dt.datetime(2027, 3, 3, 21, 30, tzinfo=UTC)) == []
    assert [
        expo.pk for expo in retention.expired_expos(dt.datetime(2027, 3, 3, 22, 30, tzinfo=UTC))
    ] == [future_expo.pk]
