"""The outbox: an e-mail is written with the change that causes it, sent by the worker,
retried while the SMTP server is away, and sent again from the admin once it failed."""

import datetime as dt
import smtplib

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled
from django_tasks_db.models import DBTaskResult

from events.models import Expo
from outbox import services as outbox
from outbox.models import Mail
from tests.conftest import attendee, free_port, hung_listener, send_queued_mail
from ticketing import emails, services

REGISTER = "/api/v1/expos/city-expo/registrations/"
JUNE_2 = dt.date(2026, 6, 2)


def registration():
    return {
        "ticket_type": "day",
        "day": JUNE_2.isoformat(),
        "attendees": [{"name": "Åsa Öberg", "email": "asa@example.org"}],
    }


@pytest.fixture
def day_ticket(expo):
    return expo.ticket_types.create(slug="day", name="Day ticket", kind="day")


@pytest.fixture
def smtp_down(settings):
    """Django's SMTP backend, pointed at a local port where nothing listens."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_TIMEOUT = 5
    return settings


def smtp_back(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def time_passes():
    """Make every retry that waits due now, as if its time had come."""
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


@pytest.mark.django_db(transaction=True)
def test_registration_with_smtp_down_answers_201_and_the_mail_is_pending(
    api, day_ticket, smtp_down
):
    """Committed for real, so that anything left for after the commit runs too."""
    api.raise_request_exception = False
    response = api.post(REGISTER, registration(), format="json")
    assert response.status_code == 201, response.json()
    queued = Mail.objects.get()
    assert (queued.status, queued.attempts, queued.expo_id) == ("pending", 0, day_ticket.expo_id)
    assert queued.arguments == {"order_id": response.json()["id"]}


def test_the_worker_retries_while_smtp_is_down_and_sends_when_it_is_back(
    api, day_ticket, smtp_down
):
    api.post(REGISTER, registration(), format="json")
    send_queued_mail()
    queued = Mail.objects.get()
    assert (queued.status, queued.attempts) == ("pending", 1)
    assert "ConnectionRefusedError" in queued.last_error
    assert queued.next_attempt_at > timezone.now()
    send_queued_mail()  # the retry waits: nothing is due yet
    assert Mail.objects.get().attempts == 1

    time_passes()
    send_queued_mail()
    assert Mail.objects.get().attempts == 2

    smtp_back(smtp_down)
    time_passes()
    send_queued_mail()
    queued.refresh_from_db()
    assert (queued.status, queued.attempts, queued.next_attempt_at) == ("sent", 3, None)
    assert queued.sent_at is not None
    assert [message.to for message in mail.outbox] == [["asa@example.org"]]
    assert "Malmö City Expo" in mail.outbox[0].subject


def test_the_mail_row_is_written_in_the_orders_transaction(expo, day_ticket):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.register(expo, day_ticket, [attendee()], day=JUNE_2)
        assert Mail.objects.count() == DBTaskResult.objects.count() == 1
        raise RuntimeError("the change is rolled back after the mail was queued")
    assert not Mail.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_an_expo_name_with_a_line_break_written_around_the_rules_fails_no_request(
    api, expo, day_ticket
):
    """A name with a line break is refused where it is written; one already stored
    makes the mail fail in the worker, never the registration."""
    Expo.objects.filter(pk=expo.pk).update(name="Malmö\nBcc: everyone@example.org")
    response = api.post(REGISTER, registration(), format="json")
    assert response.status_code == 201
    send_queued_mail()
    queued = Mail.objects.get()
    assert (queued.status, queued.attempts) == ("pending", 1)
    assert "BadHeaderError" in queued.last_error
    assert mail.outbox == []


def test_a_mail_is_given_up_after_the_last_attempt(expo, day_ticket, smtp_down, monkeypatch):
    monkeypatch.setattr(outbox, "MAX_ATTEMPTS", 2)
    services.register(expo, day_ticket, [attendee()], day=JUNE_2)
    send_queued_mail()
    time_passes()
    send_queued_mail()
    queued = Mail.objects.get()
    assert (queued.status, queued.attempts, queued.next_attempt_at) == ("failed", 2, None)
    time_passes()
    send_queued_mail()
    assert Mail.objects.get().attempts == 2
    assert not DBTaskResult.objects.ready().exists()


def test_each_wait_is_twice_the_last_up_to_an_hour():
    waits = [outbox.retry_delay(attempts) for attempts in range(1, 10)]
    assert waits[:3] == [dt.timedelta(minutes=1), dt.timedelta(minutes=2), dt.timedelta(minutes=4)]
    assert waits[-1] == dt.timedelta(hours=1)
    assert waits == sorted(waits)


def test_the_seat_freed_mail_goes_through_the_outbox(holders, workshop):
    services.book_session(holders[0], workshop)
    services.book_session(holders[1], workshop)
    waiting = services.book_session(holders[2], workshop)
    first = holders[0].bookings.get()
    services.cancel_booking(first)
    queued = Mail.objects.get(composer="ticketing.emails.seat_freed")
    assert queued.arguments == {"booking_id": waiting.pk}
    assert queued.kind == "seat freed"


def test_only_composers_can_be_queued(expo):
    with pytest.raises(ValueError, match="not an e-mail composer"):
        outbox.enqueue(emails.manage_url, expo=expo, order_id=1)
    assert not Mail.objects.exists()


# The admin


@pytest.fixture
def failed_mails(expo, other_expo, smtp_down, monkeypatch):
    """A failed confirmation in each of two expos."""
    monkeypatch.setattr(outbox, "MAX_ATTEMPTS", 1)
    for each in (expo, other_expo):
        ticket_type = each.ticket_types.create(slug="season", name="Season", kind="season")
        services.register(each, ticket_type, [attendee()])
    send_queued_mail()
    assert set(Mail.objects.values_list("status", flat=True)) == {"failed"}
    return Mail.objects.order_by("expo__slug")


@pytest.fixture
def organiser_client(client, django_user_model, expo):
    user = django_user_model.objects.create_user("olga", password="pw-olga-123", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="outbox"))
    expo.organisers.add(user)
    client.force_login(user)
    return client


def test_a_failed_mail_is_sent_again_from_the_admin(
    client, django_user_model, failed_mails, settings
):
    client.force_login(django_user_model.objects.create_superuser("root", password="pw-root-1"))
    listed = client.get("/admin/outbox/mail/?status__exact=failed")
    assert listed.status_code == 200
    assert listed.content.decode().count("ConnectionRefusedError") == 2
    city, other = failed_mails
    change_page = client.get(f"/admin/outbox/mail/{city.pk}/change/")
    assert change_page.status_code == 200
    assert "order confirmation" in change_page.content.decode()
    response = client.post(
        "/admin/outbox/mail/",
        {"action": "send_again", "_selected_action": [city.pk]},
        follow=True,
    )
    assert "1 e-mail is queued again." in response.content.decode()
    city.refresh_from_db()
    assert (city.status, city.attempts) == ("pending", 0)

    smtp_back(settings)
    send_queued_mail()
    city.refresh_from_db()
    other.refresh_from_db()
    assert (city.status, other.status) == ("sent", "failed")
    assert len(mail.outbox) == 1


def test_organisers_see_and_send_again_only_their_own_expos_mails(organiser_client, failed_mails):
    city, other = failed_mails
    page = organiser_client.get("/admin/outbox/mail/").content.decode()
    assert f"/admin/outbox/mail/{city.pk}/change/" in page
    assert f"/admin/outbox/mail/{other.pk}/change/" not in page
    assert organiser_client.get(f"/admin/outbox/mail/{other.pk}/change/").status_code == 404
    organiser_client.post(
        "/admin/outbox/mail/", {"action": "send_again", "_selected_action": [city.pk, other.pk]}
    )
    assert set(Mail.objects.values_list("expo__slug", "status")) == {
        ("city-expo", "pending"),
        ("other-expo", "failed"),
    }


@pytest.fixture
def scoped_order(expo):
    with scopes_disabled():
        ticket_type = expo.ticket_types.create(slug="day", name="Day ticket", kind="day")
        return services.register(expo, ticket_type, [attendee()], day=JUNE_2)


@pytest.mark.scoped
def test_the_worker_composes_each_mail_in_its_expos_scope(scoped_order):
    """The worker serves no request, so no middleware gives it a scope: it enters the
    mail's expo itself, as scopes are enforced in a worker process."""
    send_queued_mail()
    queued = Mail.objects.get()
    assert (queued.status, queued.last_error) == ("sent", "")
    assert [message.to for message in mail.outbox] == [["asa@example.org"]]


def test_a_mail_server_that_never_answers_holds_no_worker(api, day_ticket, settings):
    """The attempt gives up after ``EMAIL_TIMEOUT`` and is tried again later."""
    assert 0 < settings.EMAIL_TIMEOUT <= 60  # the project's default bounds every attempt
    with hung_listener() as (port, connected):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 1
        api.post(REGISTER, registration(), format="json")
        send_queued_mail()
        assert connected.is_set()
    queued = Mail.objects.get()
    assert (queued.status, queued.attempts, queued.sending_since) == ("pending", 1, None)
    assert "timed out" in queued.last_error
    assert queued.next_attempt_at > timezone.now()


def test_an_attempt_cut_off_with_its_worker_is_queued_again(api, day_ticket):
    api.post(REGISTER, registration(), format="json")
    # A worker took the mail's task and was killed while it talked to the mail server.
    DBTaskResult.objects.update(status="RUNNING")
    cut_off = Mail.objects.get()
    Mail.objects.update(sending_since=timezone.now() - outbox.STALLED_AFTER * 2)

    api.post(
        REGISTER,
        {**registration(), "attendees": [{"name": "Bo Ek", "email": "bo@example.org"}]},
        format="json",
    )
    send_queued_mail()
    cut_off.refresh_from_db()
    assert (cut_off.status, cut_off.sending_since) == ("sent", None)
    assert sorted(message.to[0] for message in mail.outbox) == ["asa@example.org", "bo@example.org"]


def test_an_attempt_under_way_is_left_alone(expo, day_ticket):
    services.register(expo, day_ticket, [attendee()], day=JUNE_2)
    Mail.objects.update(sending_since=timezone.now() - outbox.STALLED_AFTER / 2)
    assert outbox.requeue_stalled() == 0
    assert DBTaskResult.objects.count() == 1


class RefusingBackend(BaseEmailBackend):
    """An SMTP server's refusal, as Django's SMTP backend raises it (SMTPRecipientsRefused
    carries the refused address in its message)."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused(
            {
                address: (550, f"5.1.1 <{address}>: unknown user".encode())
                for message in messages
                for address in message.to
            }
        )


def test_a_refused_address_is_not_kept_in_the_mails_error(expo, day_ticket, settings):
    """The error stays readable for the organisers after the visitor may have been
    erased: it says what failed, not to whom."""
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    services.register(expo, day_ticket, [attendee(email="asa.oberg@example.org")], day=JUNE_2)
    send_queued_mail()
    queued = Mail.objects.get()
    assert queued.status == "pending" and queued.attempts == 1
    assert "SMTPRecipientsRefused" in queued.last_error
    assert "unknown user" in queued.last_error
    assert "asa.oberg" not in queued.last_error and "example.org" not in queued.last_error
    assert "[address]" in queued.last_error
