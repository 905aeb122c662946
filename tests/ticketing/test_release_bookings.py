"""What a release of the schedule does to bookings: a cancelled session's bookings and
waiting-list places go, and each visitor of a moved or cancelled session is told once,
in their language."""

import pytest
from django.core import mail

from events import services as programme
from expo.errors import Conflict
from outbox.models import Mail
from tests.conftest import add_session, attendee, local, send_queued_mail
from ticketing import services
from ticketing.models import SessionBooking

BOOKED, WAITLISTED, CANCELLED = (
    SessionBooking.Status.BOOKED,
    SessionBooking.Status.WAITLISTED,
    SessionBooking.Status.CANCELLED,
)


def schedule_mails():
    return Mail.objects.filter(composer="ticketing.emails.schedule_changed")


def ticket_in(expo, season, language, name, email):
    return services.register(expo, season, [attendee(name, email)], language=language).tickets.get()


@pytest.fixture
def talk(future_expo, workshop_room, future_day):
    return add_session(
        future_expo,
        workshop_room,
        future_day,
        13,
        capacity=2,
        title="Gröna tak",
        title_translations={"fi": "Viherkatot", "sv": "Gröna tak på svenska"},
    )


@pytest.fixture
def booked(holders, workshop):
    """Two seats of the workshop and a place on its waiting list, then mail sent."""
    bookings = [services.book_session(ticket, workshop) for ticket in holders[:3]]
    send_queued_mail()
    mail.outbox.clear()
    return bookings


def test_a_cancelled_sessions_bookings_are_cancelled_and_each_visitor_told(
    future_expo, workshop, booked
):
    assert [b.status for b in booked] == [BOOKED, BOOKED, WAITLISTED]
    programme.cancel_session(workshop)
    programme.release_schedule(future_expo, note="Inställt")
    assert set(SessionBooking.objects.values_list("status", flat=True)) == {CANCELLED}
    send_queued_mail()
    assert sorted(message.to[0] for message in mail.outbox) == [
        "holder0@example.org",
        "holder1@example.org",
        "holder2@example.org",
    ]
    assert all("Bygg en bikupa" in message.body for message in mail.outbox)
    assert all("Cancelled" in message.body for message in mail.outbox)
    # The session is out of the programme: it cannot be booked again.
    with pytest.raises(Conflict) as refused:
        services.book_session(booked[0].ticket, workshop)
    assert refused.value.code == "not_published"


def test_a_moved_sessions_visitors_keep_their_seats_and_are_told_where_it_is_now(
    future_expo, workshop, workshop_room, future_day, booked
):
    programme.plan_session(workshop, room=workshop_room, start=local(future_day, 15))
    programme.release_schedule(future_expo)
    assert [b.status for b in SessionBooking.objects.order_by("pk")] == [
        BOOKED,
        BOOKED,
        WAITLISTED,
    ]
    send_queued_mail()
    assert len(mail.outbox) == 3
    body = mail.outbox[0].body
    assert "Moved" in body and "15:00" in body and "Verkstad, Hall Ö" in body


def test_a_visitor_gets_one_mail_per_release_in_their_language(
    future_expo, future_season, workshop, talk, workshop_room, future_day
):
    finn = ticket_in(future_expo, future_season, "fi", "Aino Virtanen", "aino@example.org")
    swede = ticket_in(future_expo, future_season, "sv", "Åsa Öberg", "asa@example.org")
    services.book_session(finn, workshop)
    services.book_session(finn, talk)
    services.book_session(swede, talk)
    send_queued_mail()
    mail.outbox.clear()
    programme.plan_session(workshop, room=workshop_room, start=local(future_day, 16))
    programme.cancel_session(talk)
    programme.release_schedule(future_expo)
    assert schedule_mails().count() == 2
    send_queued_mail()
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"aino@example.org", "asa@example.org"}
    finnish = by_address["aino@example.org"].body
    assert "Viherkatot" in finnish and "Bygg en bikupa" in finnish
    swedish = by_address["asa@example.org"].body
    assert "Gröna tak på svenska" in swedish and "Bygg en bikupa" not in swedish
    # Running the worker again, or a release refused for having nothing new, tells no one
    # anything twice.
    send_queued_mail()
    with pytest.raises(Conflict):
        programme.release_schedule(future_expo)
    send_queued_mail()
    assert len(mail.outbox) == 2
    assert schedule_mails().count() == 2


def test_sessions_that_did_not_change_tell_no_one(
    future_expo, workshop, booked, workshop_room, future_day
):
    add_session(future_expo, workshop_room, future_day, 17, title="Ny")
    send_queued_mail()
    assert mail.outbox == []
    assert not schedule_mails().exists()
