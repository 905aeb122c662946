import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.utils import timezone

from events.models import Conference, OpeningDay
from expo.errors import Conflict, InvalidInput
from tests.conftest import at_once, attendee, send_queued_mail
from ticketing import codes, services
from ticketing.models import Order, Quota, Ticket, TicketType

JUNE_2 = dt.date(2026, 6, 2)


def counts():
    return (
        Order.objects.count(),
        Ticket.objects.count(),
        sum(Quota.objects.values_list("used", flat=True)),
    )


def test_a_day_ticket_is_sold_with_a_genuine_code(expo, day_ticket):
    order = services.register(expo, day_ticket, [attendee()], day=JUNE_2, language="sv")
    send_queued_mail()
    ticket = order.tickets.get()
    assert ticket.day == JUNE_2
    assert ticket.holder_name == "Åsa Öberg"
    assert not ticket.share_contact_with_exhibitors
    verified = codes.verify(ticket.code)
    assert (verified.ticket_id, verified.expo_id) == (ticket.pk, expo.pk)
    assert "Åsa" not in ticket.code and "asa@" not in ticket.code
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["asa@example.org"]
    assert order.secret in mail.outbox[0].body


def test_the_confirmation_is_in_the_visitors_language(expo, day_ticket, settings):
    services.register(expo, day_ticket, [attendee()], day=JUNE_2, language="sv")
    send_queued_mail()
    # The subject is translatable; without a catalogue it stays English, but the
    # rendering ran inside the visitor's language.
    assert "Malmö City Expo" in mail.outbox[0].subject


def test_no_email_leaves_when_the_order_is_rolled_back(expo, day_ticket):
    day_ticket.capacity = 0
    day_ticket.save()
    with pytest.raises(Conflict):
        services.register(expo, day_ticket, [attendee()], day=JUNE_2)
    send_queued_mail()
    assert mail.outbox == []


def test_one_order_holds_a_ticket_for_each_attendee(expo, season_ticket):
    order = services.register(
        expo,
        season_ticket,
        [
            attendee(),
            attendee("Søren Kjær", "soren@example.dk", share_contact_with_exhibitors=True),
        ],
    )
    assert [t.holder_name for t in order.tickets.order_by("pk")] == ["Åsa Öberg", "Søren Kjær"]
    assert len({t.code for t in order.tickets.all()}) == 2
    assert order.tickets.get(holder_name="Søren Kjær").share_contact_with_exhibitors


def test_a_ticket_type_sells_out(expo, day_ticket):
    day_ticket.capacity = 2
    services.save_ticket_type(day_ticket)
    services.register(expo, day_ticket, [attendee(), attendee()], day=JUNE_2)
    with pytest.raises(Conflict) as refused:
        services.register(expo, day_ticket, [attendee()], day=JUNE_2)
    assert refused.value.code == "sold_out"
    assert Ticket.objects.count() == 2


def test_an_order_larger_than_what_is_left_is_refused_whole(expo, day_ticket):
    day_ticket.capacity = 3
    services.save_ticket_type(day_ticket)
    services.register(expo, day_ticket, [attendee(), attendee()], day=JUNE_2)
    before = counts()
    with pytest.raises(Conflict):
        services.register(expo, day_ticket, [attendee(), attendee()], day=JUNE_2)
    assert counts() == before


def test_a_day_quota_limits_tickets_valid_on_that_day(expo, day_ticket):
    day_ticket.day_capacity = 1
    services.save_ticket_type(day_ticket)
    services.register(expo, day_ticket, [attendee()], day=JUNE_2)
    with pytest.raises(Conflict) as refused:
        services.register(expo, day_ticket, [attendee()], day=JUNE_2)
    assert refused.value.extra["day"] == "2026-06-02"
    assert services.register(expo, day_ticket, [attendee()], day=JUNE_2 + dt.timedelta(1))


def test_the_expo_day_quota_counts_every_ticket_type(expo, day_ticket, season_ticket):
    Quota.objects.create(expo=expo, day=JUNE_2, size=2)
    services.register(expo, day_ticket, [attendee()], day=JUNE_2)
    services.register(expo, season_ticket, [attendee()])
    with pytest.raises(Conflict) as refused:
        services.register(expo, day_ticket, [attendee()], day=JUNE_2)
    assert "full" in str(refused.value.message)
    # A season ticket needs a place on every day, so it is refused too.
    with pytest.raises(Conflict):
        services.register(expo, season_ticket, [attendee()])
    assert services.register(expo, day_ticket, [attendee()], day=JUNE_2 + dt.timedelta(1))


def test_a_multi_day_ticket_uses_a_place_on_each_of_its_days(expo):
    weekend = TicketType.objects.create(
        expo=expo,
        slug="weekend",
        name="Weekend",
        kind="multi_day",
        day_capacity=1,
        valid_days=["2026-06-06", "2026-06-07"],
    )
    services.register(expo, weekend, [attendee()])
    used = dict(Quota.objects.filter(ticket_type=weekend).values_list("day", "used"))
    assert used == {dt.date(2026, 6, 6): 1, dt.date(2026, 6, 7): 1}


def test_cancelling_frees_the_place(expo, day_ticket):
    day_ticket.capacity = 1
    services.save_ticket_type(day_ticket)
    ticket = services.register(expo, day_ticket, [attendee()], day=JUNE_2).tickets.get()
    services.cancel_ticket(ticket)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CANCELLED and ticket.cancelled_at
    assert services.register(expo, day_ticket, [attendee()], day=JUNE_2)
    with pytest.raises(Conflict) as refused:
        services.cancel_ticket(ticket)
    assert refused.value.code == "cancelled"
    assert Quota.objects.get(ticket_type=day_ticket).used == 1


def test_a_tickets_days_are_fixed_when_it_is_sold(expo, season_ticket):
    """Opening days change after a sale: the tickets keep their days, so cancelling gives
    back exactly the places the sale took and the counters match a recount."""
    june_3 = JUNE_2 + dt.timedelta(days=1)
    season_ticket.day_capacity = 10
    services.save_ticket_type(season_ticket)
    Quota.objects.create(expo=expo, day=JUNE_2, size=100)
    Quota.objects.create(expo=expo, day=june_3, size=100)
    closed = OpeningDay.objects.create(expo=expo, date=june_3, is_closed=True)
    sold_while_closed = services.register(expo, season_ticket, [attendee()]).tickets.get()
    closed.delete()
    sold_while_open = services.register(expo, season_ticket, [attendee()]).tickets.get()
    OpeningDay.objects.create(expo=expo, date=JUNE_2, is_closed=True)

    assert june_3.isoformat() not in sold_while_closed.valid_days
    assert len(sold_while_open.valid_days) == 7
    assert set(Ticket.objects.valid_on(june_3)) == {sold_while_open}
    assert set(Ticket.objects.valid_on(JUNE_2)) == {sold_while_closed, sold_while_open}
    for quota in Quota.objects.all():  # a recount: both tickets on each day but June 3
        assert quota.used == (1 if quota.day == june_3 else 2), quota

    services.cancel_ticket(sold_while_closed)
    services.cancel_ticket(sold_while_open)
    assert set(Quota.objects.values_list("used", flat=True)) == {0}


def test_tickets_sold_before_days_were_kept_get_the_days_they_admitted(expo, day_ticket):
    fill = importlib.import_module("ticketing.migrations.0004_fill_ticket_valid_days")
    conference = Conference.objects.create(
        expo=expo, slug="c", name="C", start_date=JUNE_2, end_date=dt.date(2026, 6, 4)
    )
    OpeningDay.objects.create(expo=expo, date=dt.date(2026, 6, 3), is_closed=True)
    conference_type = TicketType.objects.create(
        expo=expo, slug="conf", name="Conf", kind="conference", conference=conference
    )
    order = Order.objects.create(expo=expo, email="a@example.org")
    day, whole = (
        Ticket.objects.create(expo=expo, order=order, ticket_type=ticket_type, day=on)
        for ticket_type, on in [(day_ticket, JUNE_2), (conference_type, None)]
    )
    fill.fill_valid_days(django_apps, None)
    day.refresh_from_db()
    whole.refresh_from_db()
    assert day.valid_days == ["2026-06-02"]
    assert whole.valid_days == ["2026-06-02", "2026-06-04"]


def test_a_limit_below_what_is_sold_is_refused(expo, day_ticket):
    services.register(expo, day_ticket, [attendee(), attendee()], day=JUNE_2)
    day_ticket.capacity = 1
    with pytest.raises(InvalidInput) as refused:
        services.save_ticket_type(day_ticket)
    assert "capacity" in refused.value.errors


def test_removing_a_limit_lets_everyone_in(expo, day_ticket):
    day_ticket.capacity = 1
    services.save_ticket_type(day_ticket)
    services.register(expo, day_ticket, [attendee()], day=JUNE_2)
    day_ticket.capacity = None
    services.save_ticket_type(day_ticket)
    assert services.register(expo, day_ticket, [attendee()], day=JUNE_2)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"day": None}, "day"),
        ({"day": dt.date(2026, 7, 1)}, "day"),
        ({"attendees": []}, "attendees"),
        ({"attendees": [attendee(email="not-an-address")]}, "attendees"),
        ({"attendees": [attendee(name="  ")]}, "attendees"),
        ({"attendees": [attendee()] * 11}, "attendees"),
    ],
    ids=["no-day", "day-outside", "nobody", "bad-email", "blank-name", "too-many"],
)
def test_bad_registrations_are_refused_on_their_field_and_write_nothing(
    expo, day_ticket, kwargs, field
):
    arguments = {"attendees": [attendee()], "day": JUNE_2, **kwargs}
    before = counts()
    with pytest.raises(InvalidInput) as refused:
        services.register(expo, day_ticket, arguments.pop("attendees"), **arguments)
    assert field in refused.value.errors
    assert counts() == before


def test_field_errors_point_at_the_attendee(expo, day_ticket):
    with pytest.raises(InvalidInput) as refused:
        services.register(expo, day_ticket, [attendee(), attendee(email="x")], day=JUNE_2)
    assert refused.value.errors["attendees"][0] == {}
    assert "email" in refused.value.errors["attendees"][1]


def test_a_closed_day_cannot_be_chosen(expo, day_ticket):
    OpeningDay.objects.create(expo=expo, date=JUNE_2, is_closed=True)
    with pytest.raises(InvalidInput) as refused:
        services.register(expo, day_ticket, [attendee()], day=JUNE_2)
    assert "day" in refused.value.errors


def test_only_day_tickets_take_a_day(expo, season_ticket):
    with pytest.raises(InvalidInput) as refused:
        services.register(expo, season_ticket, [attendee()], day=JUNE_2)
    assert "day" in refused.value.errors


def test_staff_and_foreign_ticket_types_are_not_sold(expo, other_expo):
    press = TicketType.objects.create(expo=expo, slug="press", name="Press", kind="press")
    foreign = TicketType.objects.create(expo=other_expo, slug="s", name="S", kind="season")
    for ticket_type in (press, foreign):
        with pytest.raises(InvalidInput) as refused:
            services.register(expo, ticket_type, [attendee()])
        assert "ticket_type" in refused.value.errors


def test_a_ticket_type_outside_its_sale_window_is_refused(expo, season_ticket):
    season_ticket.sale_starts = timezone.now() + dt.timedelta(days=1)
    season_ticket.save()
    with pytest.raises(Conflict) as refused:
        services.register(expo, season_ticket, [attendee()])
    assert refused.value.code == "not_on_sale"


@pytest.mark.django_db(transaction=True)
def test_fifty_buyers_racing_for_ten_places_get_exactly_ten_tickets(expo, day_ticket):
    day_ticket.capacity = 10
    services.save_ticket_type(day_ticket)
    buyers = 50

    def buy(index):
        services.register(
            expo, day_ticket, [attendee(f"Buyer {index}", f"b{index}@example.org")], day=JUNE_2
        )
        return "sold"

    outcomes = [
        outcome.code if isinstance(outcome, Conflict) else outcome
        for outcome in at_once(buy, range(buyers))
    ]
    assert outcomes.count("sold") == 10
    assert outcomes.count("sold_out") == 40
    assert Ticket.objects.filter(ticket_type=day_ticket).count() == 10
    assert Quota.objects.get(ticket_type=day_ticket, day__isnull=True).used == 10


def test_a_day_limit_made_after_the_days_changed_counts_what_was_sold(expo, season_ticket):
    """A new day limit counts the tickets sold for that day, as cancelling gives them
    back, not the days tickets would be sold for now."""
    june_3 = JUNE_2 + dt.timedelta(days=1)
    sold = services.register(expo, season_ticket, [attendee()]).tickets.get()
    OpeningDay.objects.create(expo=expo, date=june_3, is_closed=True)
    with pytest.raises(InvalidInput) as refused:
        services.save_day_limit(Quota(expo=expo, day=june_3, size=0))
    assert "size" in refused.value.errors
    limit = services.save_day_limit(Quota(expo=expo, day=june_3, size=5))
    assert limit.used == 1
    services.cancel_ticket(sold)
    limit.refresh_from_db()
    assert limit.used == 0
