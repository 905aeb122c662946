import datetime as dt

import pytest
from django.core import mail

from events.models import Conference
from expo.errors import Conflict
from tests.conftest import add_session, at_once, attendee, send_queued_mail
from ticketing import services
from ticketing.models import SessionBooking, TicketType

BOOKED, WAITLISTED = SessionBooking.Status.BOOKED, SessionBooking.Status.WAITLISTED


def test_a_holder_books_a_seat(holders, workshop):
    booking = services.book_session(holders[0], workshop)
    assert booking.status == BOOKED
    assert services.waitlist_position(booking) is None


def test_booking_twice_gives_the_same_booking(holders, workshop):
    first = services.book_session(holders[0], workshop)
    assert services.book_session(holders[0], workshop).pk == first.pk
    assert SessionBooking.objects.count() == 1


def test_a_full_session_puts_visitors_on_the_waiting_list_in_order(holders, workshop):
    for ticket in holders[:2]:
        services.book_session(ticket, workshop)
    third = services.book_session(holders[2], workshop)
    fourth = services.book_session(holders[3], workshop)
    assert (third.status, fourth.status) == (WAITLISTED, WAITLISTED)
    assert services.waitlist_position(third) == 1
    assert services.waitlist_position(fourth) == 2


def test_a_freed_seat_goes_to_the_first_on_the_waiting_list_who_is_told(holders, workshop):
    first = services.book_session(holders[0], workshop)
    services.book_session(holders[1], workshop)
    waiting = services.book_session(holders[2], workshop)
    later = services.book_session(holders[3], workshop)
    send_queued_mail()
    mail.outbox.clear()
    services.cancel_booking(first)
    send_queued_mail()
    waiting.refresh_from_db()
    later.refresh_from_db()
    assert waiting.status == BOOKED
    assert services.waitlist_position(later) == 1
    assert [message.to for message in mail.outbox] == [["holder2@example.org"]]
    assert "Bygg en bikupa" in mail.outbox[0].subject


def test_cancelling_a_ticket_frees_its_seat_for_the_waiting_list(holders, workshop):
    services.book_session(holders[0], workshop)
    services.book_session(holders[1], workshop)
    waiting = services.book_session(holders[2], workshop)
    services.cancel_ticket(holders[0])
    waiting.refresh_from_db()
    assert waiting.status == BOOKED
    assert not holders[0].bookings.exclude(status="cancelled").exists()


def test_a_waiting_visitor_already_booked_elsewhere_at_that_time_is_passed_over(
    holders, workshop, future_expo, workshop_room, future_day
):
    services.book_session(holders[0], workshop)
    services.book_session(holders[1], workshop)
    skipped = services.book_session(holders[2], workshop)
    next_in_line = services.book_session(holders[3], workshop)
    other_room = workshop_room.hall.rooms.create(
        expo=future_expo, slug="w2", name="Verkstad 2", capacity=10
    )
    parallel = add_session(future_expo, other_room, future_day, 10, title="Parallel")
    services.book_session(holders[2], parallel)
    services.cancel_booking(holders[0].bookings.get(session=workshop))
    skipped.refresh_from_db()
    next_in_line.refresh_from_db()
    assert (skipped.status, next_in_line.status) == (WAITLISTED, BOOKED)


def test_one_ticket_cannot_be_booked_into_overlapping_sessions(
    holders, workshop, future_expo, workshop_room, future_day
):
    services.book_session(holders[0], workshop)
    other_room = workshop_room.hall.rooms.create(
        expo=future_expo, slug="w2", name="Verkstad 2", capacity=10
    )
    parallel = add_session(future_expo, other_room, future_day, 10, title="Parallel")
    with pytest.raises(Conflict) as refused:
        services.book_session(holders[0], parallel)
    assert refused.value.code == "overlapping_booking"
    assert "Bygg en bikupa" in str(refused.value.message)
    after = add_session(future_expo, workshop_room, future_day, 11, title="After")
    assert services.book_session(holders[0], after).status == BOOKED


def test_open_seating_needs_no_booking(holders, future_expo, workshop_room, future_day):
    open_talk = add_session(future_expo, workshop_room, future_day, 12, capacity=None)
    with pytest.raises(Conflict) as refused:
        services.book_session(holders[0], open_talk)
    assert refused.value.code == "not_bookable"


def test_a_day_ticket_books_only_on_its_day(future_expo, workshop, future_day):
    day_type = TicketType.objects.create(expo=future_expo, slug="d", name="Day", kind="day")
    other_day = future_day + dt.timedelta(days=1)
    ticket = services.register(future_expo, day_type, [attendee()], day=other_day).tickets.get()
    with pytest.raises(Conflict) as refused:
        services.book_session(ticket, workshop)
    assert refused.value.code == "not_valid_today"


def test_conference_sessions_need_a_ticket_to_the_conference(
    holders, future_expo, workshop_room, future_day
):
    conference = Conference.objects.create(
        expo=future_expo,
        slug="bo",
        name="Bostadsforum",
        start_date=future_day,
        end_date=future_day,
    )
    session = add_session(future_expo, workshop_room, future_day, 14, conference=conference)
    with pytest.raises(Conflict) as refused:
        services.book_session(holders[0], session)
    assert refused.value.code == "not_valid_here"
    conference_type = TicketType.objects.create(
        expo=future_expo, slug="c", name="Forum", kind="conference", conference=conference
    )
    delegate = services.register(future_expo, conference_type, [attendee()]).tickets.get()
    assert services.book_session(delegate, session).status == BOOKED


def test_a_cancelled_ticket_books_nothing(holders, workshop):
    services.cancel_ticket(holders[0])
    with pytest.raises(Conflict) as refused:
        services.book_session(holders[0], workshop)
    assert refused.value.code == "cancelled"


def test_a_past_session_cannot_be_booked(holders, future_expo, workshop_room):
    today = future_expo.start_date
    past = add_session(future_expo, workshop_room, today, 9)
    past.start -= dt.timedelta(days=1)  # moved into the past without the programme rules
    past.end -= dt.timedelta(days=1)
    past.save()
    with pytest.raises(Conflict) as refused:
        services.book_session(holders[0], past)
    assert refused.value.code == "session_over"


@pytest.mark.django_db(transaction=True)
def test_many_visitors_racing_for_a_few_seats(future_expo, future_season, workshop):
    tickets = [
        services.register(
            future_expo, future_season, [attendee(f"V{n}", f"v{n}@example.org")]
        ).tickets.get()
        for n in range(20)
    ]
    outcomes = at_once(lambda ticket: services.book_session(ticket, workshop), tickets)
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    statuses = list(workshop.bookings.values_list("status", flat=True))
    assert statuses.count(BOOKED) == workshop.capacity
    assert statuses.count(WAITLISTED) == len(tickets) - workshop.capacity
