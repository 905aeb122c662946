"""Forgotten passwords: anyone with an active account asks for a link at
/accounts/password_reset/, the e-mail leaves through the outbox, and the page answers the
same whether or not an account has the address."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from exhibitors import services as exhibitors
from exhibitors.models import Exhibitor
from expo import accounts
from outbox.models import Mail
from tests.conftest import send_queued_mail

pytestmark = pytest.mark.django_db

ASK = "/accounts/password_reset/"
NEW_PASSWORD = "bikupa-vid-hamnen-7"


@pytest.fixture
def greta(django_user_model):
    return django_user_model.objects.create_user(
        "greta", email="greta@expo.example", password="old-password-1"
    )


def without_csrf_tokens(page):
    """A page's text with its forms' CSRF tokens, which differ on every answer, left out."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page.content.decode())


def reset_mails():
    return Mail.objects.filter(composer="expo.accounts.password_reset")


def link_in(mail):
    return re.search(r"https?://\S+/accounts/reset/\S+/", mail.body).group(0)


def choose_password(client, link):
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == "/accounts/reset/done/"


def signs_in(client, username, password):
    """Through the sign-in page: django-axes needs the request."""
    client.logout()
    answer = client.post("/accounts/login/", {"username": username, "password": password})
    return answer.status_code == 302


def test_the_sign_in_page_leads_to_the_form(client):
    assert f'href="{ASK}"' in client.get("/accounts/login/").content.decode()
    page = client.get(ASK)
    assert page.status_code == 200
    assert 'type="email"' in page.content.decode()
    assert 'autocomplete="email"' in page.content.decode()


def test_a_known_address_gets_one_link_that_sets_the_password(client, greta, mailoutbox):
    answer = client.post(ASK, {"email": "greta@expo.example"})
    assert answer.status_code == 302 and answer["Location"] == "/accounts/password_reset/done/"
    assert reset_mails().count() == 1
    assert mailoutbox == []  # the request queued it; the worker sends it

    send_queued_mail()
    [mail] = mailoutbox
    assert mail.to == ["greta@expo.example"]
    assert "greta" in mail.body
    choose_password(client, link_in(mail))
    assert signs_in(client, "greta", NEW_PASSWORD)
    assert not signs_in(client, "greta", "old-password-1")
    # The link works once.
    assert not client.get(link_in(mail), follow=True).context["validlink"]


def test_the_address_is_matched_whatever_its_letter_case(client, greta, mailoutbox):
    client.post(ASK, {"email": "Greta@EXPO.example"})
    send_queued_mail()
    assert [mail.to for mail in mailoutbox] == [["greta@expo.example"]]


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, greta, mailoutbox):
    known = client.post(ASK, {"email": "greta@expo.example"}, follow=True)
    unknown = client.post(ASK, {"email": "nobody@expo.example"}, follow=True)
    assert unknown.redirect_chain == known.redirect_chain
    assert without_csrf_tokens(unknown) == without_csrf_tokens(known)
    assert reset_mails().count() == 1
    send_queued_mail()
    assert [mail.to for mail in mailoutbox] == [["greta@expo.example"]]


def test_invited_staff_without_a_password_can_ask_for_a_link(client, future_expo, mailoutbox):
    acme = Exhibitor.objects.create(expo=future_expo, name="Acme Stad AB")
    exhibitors.add_member(acme, username="nils", email="nils@acme.se", name="Nils N")
    send_queued_mail()  # the invitation, whose link may have expired by now
    mailoutbox.clear()
    nils = get_user_model().objects.get(username="nils")
    assert not nils.has_usable_password()

    client.post(ASK, {"email": "nils@acme.se"})
    send_queued_mail()
    [mail] = mailoutbox
    assert mail.to == ["nils@acme.se"]
    choose_password(client, link_in(mail))
    assert signs_in(client, "nils", NEW_PASSWORD)


def test_an_inactive_account_gets_no_link(client, greta, mailoutbox):
    greta.is_active = False
    greta.save()
    answer = client.post(ASK, {"email": "greta@expo.example"})
    assert answer.status_code == 302 and answer["Location"] == "/accounts/password_reset/done/"
    assert not reset_mails().exists()
    send_queued_mail()
    assert mailoutbox == []


def test_the_mail_is_written_in_the_language_of_the_page(client, greta):
    client.post(ASK, {"email": "greta@expo.example"}, HTTP_ACCEPT_LANGUAGE="fi")
    assert reset_mails().get().arguments == {"user_id": greta.pk, "language": "fi"}


def test_a_bad_address_is_a_field_error_and_queues_nothing(client, greta):
    answer = client.post(ASK, {"email": "not an address"})
    assert answer.status_code == 200
    page = answer.content.decode()
    assert 'class="error-summary"' in page and 'href="#id_email"' in page
    assert not Mail.objects.exists()


def test_asking_again_soon_sends_no_second_mail(client, greta):
    """Asking from many addresses must not flood one inbox: one mail an account per
    ``RESET_MAIL_INTERVAL``, with the same answer each time."""
    for _ in range(3):
        answer = client.post(ASK, {"email": "greta@expo.example"})
        assert answer["Location"] == "/accounts/password_reset/done/"
    assert reset_mails().count() == 1
    reset_mails().update(created_at=timezone.now() - accounts.RESET_MAIL_INTERVAL)
    client.post(ASK, {"email": "greta@expo.example"})
    assert reset_mails().count() == 2
