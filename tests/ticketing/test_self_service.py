"""The visitor's self-service: their links by e-mail, the privacy page, and their data
(download, erasure, sharing with exhibitors) from the order's private link."""

import datetime as dt
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from events.models import Speaker
from exhibitors import services as exhibitors
from exhibitors.models import Exhibitor, Lead
from outbox.models import Mail
from tests.conftest import at_once, attendee, send_queued_mail
from ticketing import privacy, services
from ticketing.models import CheckIn, Order, Quota, ScanPoint, SessionBooking, Ticket, TicketType

pytestmark = pytest.mark.django_db

LINKS = "/expos/future/my-tickets/"


def manage_path(order):
    return f"/expos/{order.expo.slug}/my-tickets/{order.secret}/"


def without_tokens(page):
    """A page's text without what differs between any two renderings: CSRF tokens."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


@pytest.fixture
def quota(future_expo, future_season):
    return Quota.objects.create(expo=future_expo, ticket_type=future_season, size=100)


@pytest.fixture
def asa(future_expo, future_season, workshop, quota, holders):
    """Åsa bought a ticket for herself and one for Bo, booked a session, came in at the
    gate and was scanned by an exhibitor; she also speaks at the expo."""
    order = services.register(
        future_expo,
        future_season,
        [
            attendee("Åsa Öberg", "Asa@Example.org", organisation="Lund"),
            attendee("Bo Ek", "bo@example.org", organisation="Ystad"),
        ],
        language="sv",
    )
    ticket = order.tickets.get(holder_name="Åsa Öberg")
    services.book_session(ticket, workshop)
    gate = ScanPoint.objects.create(expo=future_expo, slug="g", name="Gate", kind="gate")
    services.check_in(ticket.code, gate, "in")
    acme = Exhibitor.objects.create(expo=future_expo, name="Acme Stad AB")
    Lead.objects.create(
        exhibitor=acme, ticket=ticket, scanned_at=timezone.now(), note="Wants bees", rating=5
    )
    Speaker.objects.create(expo=future_expo, name="Åsa Öberg", email="asa@example.org")
    return ticket


@pytest.fixture
def asa_again(asa, future_expo, future_season):
    """Another order Åsa made later with the same address, for herself alone."""
    return services.register(
        future_expo, future_season, [attendee("Åsa Öberg", "asa@example.org")]
    ).tickets.get()


@pytest.fixture
def asa_elsewhere(asa, other_expo):
    """Åsa's order at another expo."""
    season = TicketType.objects.create(expo=other_expo, slug="s", name="Season", kind="season")
    return services.register(other_expo, season, [attendee("Åsa Öberg", "asa@example.org")])


def sent_mails():
    Mail.objects.all().delete()
    mail.outbox.clear()


# E-mail me my tickets


def test_the_registration_page_offers_the_links_by_email_and_the_privacy_page(
    client, future_expo, future_season
):
    page = client.get("/expos/future/register/").content.decode()
    assert f'action="{LINKS}"' in page and "E-mail me my tickets" in page
    assert 'href="/expos/future/privacy/"' in page
    assert client.get(LINKS).status_code == 200


def test_a_known_address_gets_the_links_of_its_orders_at_this_expo_only(
    client, asa, asa_again, asa_elsewhere
):
    sent_mails()
    response = client.post(LINKS, {"email": " ASA@example.ORG "})
    assert response.status_code == 302 and response["Location"] == LINKS
    send_queued_mail()
    [message] = mail.outbox
    assert message.to == ["asa@example.org"]  # the latest order's address
    assert f"http://127.0.0.1:8000{manage_path(asa.order)}" in message.body
    assert f"http://127.0.0.1:8000{manage_path(asa_again.order)}" in message.body
    assert asa_elsewhere.secret not in message.body
    assert "Expo Tomorrow" in message.subject


def test_the_links_come_in_the_language_of_the_latest_order(client, asa, future_expo):
    future_expo.name_translations = {"sv": "Morgondagens mässa"}
    future_expo.save()
    sent_mails()
    client.post(LINKS, {"email": "asa@example.org"})
    send_queued_mail()
    [message] = mail.outbox
    assert "Morgondagens mässa" in message.subject


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, asa):
    sent_mails()
    known = client.post(LINKS, {"email": "asa@example.org"}, follow=True)
    unknown = client.post(LINKS, {"email": "nobody@example.org"}, follow=True)
    assert known.status_code == unknown.status_code == 200
    assert without_tokens(known.content.decode()).replace(
        "asa@example.org", "nobody@example.org"
    ) == without_tokens(unknown.content.decode())
    assert "we have e-mailed their links" in unknown.content.decode()
    assert Mail.objects.count() == 1


def test_a_holder_in_someone_elses_order_gets_nothing(client, asa):
    """Bo's ticket is in Åsa's order: its link would manage Åsa's ticket too."""
    sent_mails()
    assert client.post(LINKS, {"email": "bo@example.org"}).status_code == 302
    assert not Mail.objects.exists()


def test_a_bad_address_is_a_field_error_and_sends_nothing(client, asa):
    sent_mails()
    for value in ("", "not-an-address", "a@b@example.org"):
        response = client.post(LINKS, {"email": value})
        assert response.status_code == 400
        page = response.content.decode()
        assert 'href="#id_email"' in page and "There is a problem" in page
    assert not Mail.objects.exists()


def test_one_address_gets_its_links_once_a_quarter_hour_whoever_asks(asa):
    sent_mails()
    for address in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        response = Client(REMOTE_ADDR=address).post(LINKS, {"email": "asa@example.org"})
        assert response.status_code == 302
    assert Mail.objects.count() == 1


@pytest.fixture
def rates(settings):
    cache.clear()

    def set_rates(**scopes):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                **scopes,
            },
        }

    yield set_rates
    cache.clear()


def test_asking_for_links_from_one_client_is_limited(rates, asa):
    rates(ticket_links="2/minute")
    sent_mails()
    page = Client(REMOTE_ADDR="203.0.113.7")
    answers = [page.post(LINKS, {"email": f"x{n}@example.org"}) for n in range(2)]
    refused = page.post(LINKS, {"email": "asa@example.org"})
    assert [answer.status_code for answer in answers] == [302, 302]
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 60
    assert "Too many requests from here just now" in refused.content.decode()
    assert not Mail.objects.exists()
    other = Client(REMOTE_ADDR="198.51.100.2")
    assert other.post(LINKS, {"email": "asa@example.org"}).status_code == 302


def test_an_order_erased_before_the_mail_leaves_is_not_mailed(client, asa):
    sent_mails()
    client.post(LINKS, {"email": "asa@example.org"})
    privacy.erase_person("asa@example.org")
    send_queued_mail()
    assert not mail.outbox
    assert Mail.objects.get().status == Mail.Status.SENT


# The privacy page


def test_the_privacy_page_says_who_what_why_how_long_and_how_to_leave(client, future_expo):
    future_expo.organiser_name = "Mässbolaget i Malmö AB"
    future_expo.privacy_contact = "dataskydd@massbolaget.example"
    future_expo.keeps_visitor_data_months = 6
    future_expo.end_date = future_expo.end_date.replace(day=1)
    future_expo.save()
    response = client.get("/expos/future/privacy/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mässbolaget i Malmö AB" in page and "mailto:dataskydd@massbolaget.example" in page
    assert "6 months after the expo" in page
    assert "Stop sharing my contact details" in page
    assert "Download my data" in page and "Erase my data" in page
    assert f'href="{LINKS}"' in page


def test_the_keeping_time_ends_on_a_day_that_exists(client, future_expo):
    future_expo.start_date = future_expo.end_date = dt.date(2027, 1, 31)
    future_expo.keeps_visitor_data_months = 1
    future_expo.save()
    page = client.get("/expos/future/privacy/").content.decode()
    assert "until 28 February 2027, 1 month after" in page
    future_expo.keeps_visitor_data_months = None  # not stated by the organisers
    future_expo.save()
    page = client.get("/expos/future/privacy/").content.decode()
    assert "ask the organisers how long" in page and "until" not in page


def test_the_expos_pages_link_to_the_privacy_page_in_the_footer(client, future_expo):
    for path in ("/expos/future/", "/expos/future/programme/", "/expos/future/exhibitors/"):
        page = client.get(path).content.decode()
        footer = page[page.index('<footer class="site-footer">') :]
        assert 'href="/expos/future/privacy/"' in footer, path


def test_the_privacy_page_of_an_unknown_expo_is_a_404(client, future_expo):
    assert client.get("/expos/nowhere/privacy/").status_code == 404


# Sharing with exhibitors


def test_the_page_shows_whether_each_ticket_shares_and_stops_it(client, future_expo, asa):
    bo = Ticket.objects.get(holder_name="Bo Ek")
    Ticket.objects.filter(pk=asa.pk).update(share_contact_with_exhibitors=True)
    path = manage_path(asa.order)
    page = client.get(path).content.decode()
    assert page.count("Contact details: shared.") == 1
    assert page.count("Contact details: not shared.") == 1
    assert (
        f"tickets/{asa.pk}/stop-sharing/" in page and f"tickets/{bo.pk}/stop-sharing/" not in page
    )
    response = client.post(f"{path}tickets/{asa.pk}/stop-sharing/", follow=True)
    assert "no longer see the contact details of Åsa Öberg" in response.content.decode()
    assert response.content.decode().count("Contact details: not shared.") == 2
    asa.refresh_from_db()
    assert not asa.share_contact_with_exhibitors


# Download my data


def test_the_download_holds_the_buyers_data_in_this_order(client, asa, workshop):
    response = client.get(f"{manage_path(asa.order)}my-data.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="future-my-data.json"'
    assert response["Cache-Control"] == "private, no-store"
    assert "noindex" in response["X-Robots-Tag"]
    assert "Åsa Öberg".encode() in response.content  # UTF-8, not \\u escapes
    data = json.loads(response.content)
    sections = data["sections"]
    assert data["email"] == "Asa@Example.org"
    assert [order["id"] for order in sections["orders"]] == [asa.order_id]
    [ticket] = sections["tickets"]
    assert ticket["holder_name"] == "Åsa Öberg" and ticket["organisation"] == "Lund"
    assert [b["session"] for b in sections["session_bookings"]] == [workshop.title]
    assert [c["result"] for c in sections["check_ins"]] == ["entered"]
    assert [lead["note"] for lead in sections["leads"]] == ["Wants bees"]


def test_the_download_holds_nothing_of_other_people_or_other_orders(
    client, asa, asa_again, asa_elsewhere, holders
):
    response = client.get(f"{manage_path(asa.order)}my-data.json")
    text = response.content.decode()
    data = json.loads(text)
    for other in ("Bo Ek", "bo@example.org", "Ystad", "Holder 0", "holder0@"):
        assert other not in text
    assert str(asa_again.order_id) not in [str(o["id"]) for o in data["sections"]["orders"]]
    assert [t["id"] for t in data["sections"]["tickets"]] == [asa.pk]
    # What the secret does not prove stays out: her speaker record, her other orders.
    assert data["sections"]["speakers"] == [] and data["sections"]["accounts"] == []
    assert "other-expo" not in text


# Erase my data


def statistics():
    return {
        "tickets": Ticket.objects.count(),
        "orders": Order.objects.count(),
        "check_ins": list(CheckIn.objects.order_by("pk").values_list("pk", "result")),
        "leads": Lead.objects.count(),
    }


def test_erasing_asks_first_and_an_unticked_box_changes_nothing(client, asa):
    path = f"{manage_path(asa.order)}erase/"
    page = client.get(path)
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    text = page.content.decode()
    assert "Erase your data?" in text and "Bo Ek" in text  # Bo's badge, before it is too late
    refused = client.post(path, {})
    assert refused.status_code == 400
    assert "Tick the box to erase your data." in refused.content.decode()
    asa.refresh_from_db()
    assert asa.is_valid and asa.holder_name == "Åsa Öberg"


def test_erasing_is_complete_for_this_order_and_keeps_the_counts(
    client, asa, asa_again, quota, workshop
):
    bo = Ticket.objects.get(holder_name="Bo Ek")
    order = asa.order
    old_path = manage_path(order)
    before = statistics()
    used = Quota.objects.get(pk=quota.pk).used

    response = client.post(f"{old_path}erase/", {"confirm": "on"}, follow=True)

    assert response.redirect_chain == [("/expos/future/privacy/", 302)]
    assert "Your data is erased" in response.content.decode()
    assert statistics() == before
    asa.refresh_from_db()
    assert asa.status == "cancelled" and asa.is_erased and asa.holder_name == "Erased"
    assert asa.organisation == "" and not asa.share_contact_with_exhibitors
    assert Quota.objects.get(pk=quota.pk).used == used - 1
    assert not SessionBooking.objects.filter(ticket=asa).exclude(status="cancelled").exists()
    assert Lead.objects.get(ticket=asa).note == ""
    order.refresh_from_db()
    assert order.email.endswith("@erased.invalid") and order.secret not in old_path
    # Bo is someone else: his ticket stays valid and his.
    bo.refresh_from_db()
    assert bo.is_valid and bo.holder_name == "Bo Ek" and bo.holder_email == "bo@example.org"
    # Her other order, which this link does not prove, and her speaker record stay.
    asa_again.refresh_from_db()
    assert asa_again.is_valid and asa_again.holder_name == "Åsa Öberg"
    assert Speaker.objects.filter(email="asa@example.org").exists()
    # Nothing of the erased order is found under her address any more.
    held = json.dumps(privacy.export_person("asa@example.org"), ensure_ascii=False)
    assert f'"id": {order.pk}' not in held and "Lund" not in held


def test_after_erasing_the_old_link_opens_nothing_and_a_retry_changes_nothing(client, asa):
    old_path = manage_path(asa.order)
    client.post(f"{old_path}erase/", {"confirm": "on"})
    after = statistics()
    asa.refresh_from_db()
    erased = (asa.holder_name, asa.holder_email, asa.status)

    page = client.get(old_path)
    assert page.status_code == 410 and "This order was erased" in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    retry = client.post(f"{old_path}erase/", {"confirm": "on"})
    assert retry.status_code == 410
    for door in ("my-data.json", f"tickets/{asa.pk}/badge.pdf", f"tickets/{asa.pk}/cancel/"):
        assert client.get(f"{old_path}{door}").status_code == 404, door
    assert statistics() == after
    asa.refresh_from_db()
    assert (asa.holder_name, asa.holder_email, asa.status) == erased


def test_the_erased_orders_stand_in_secret_opens_nothing(client, asa):
    client.post(f"{manage_path(asa.order)}erase/", {"confirm": "on"})
    order = Order.objects.get(pk=asa.order_id)
    assert order.secret.startswith("erased-")
    assert client.get(manage_path(order)).status_code == 404
    assert client.get(f"{manage_path(order)}my-data.json").status_code == 404
    api = APIClient()
    answer = api.get(f"/api/v1/tickets/{asa.pk}/", HTTP_X_ORDER_SECRET=order.secret)
    assert answer.status_code == 404


def test_erasing_from_the_command_closes_the_link_too(client, asa):
    path = manage_path(asa.order)
    privacy.erase_person("asa@example.org")
    assert client.get(path).status_code == 410


def test_another_orders_data_is_a_404_like_everything_else(client, asa, holders):
    mine = holders[0].order
    guessed = manage_path(mine).replace(mine.secret, "guess")
    missing = client.get(f"{guessed}my-data.json")
    assert missing.status_code == 404
    assert client.get(f"{guessed}erase/").status_code == 404
    assert client.post(f"{guessed}erase/", {"confirm": "on"}).status_code == 404
    other_expo_path = f"/expos/city-expo/my-tickets/{mine.secret}/"
    assert client.get(f"{other_expo_path}my-data.json").status_code == 404
    assert Ticket.objects.filter(status="valid").count() == 7


def test_erasing_needs_the_csrf_token(asa):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(f"{manage_path(asa.order)}erase/", {"confirm": "on"})
    assert response.status_code == 403
    asa.refresh_from_db()
    assert asa.is_valid


def test_the_tickets_page_leads_to_the_download_and_erasure(client, asa):
    path = manage_path(asa.order)
    page = client.get(path).content.decode()
    assert f'href="{path}my-data.json"' in page
    assert f'href="{path}erase/"' in page
    assert 'href="/expos/future/privacy/"' in page


def test_a_staff_badges_order_can_be_erased_without_breaking_the_stand(client, future_expo, asa):
    acme = Exhibitor.objects.get(name="Acme Stad AB")
    member = exhibitors.add_member(
        acme, username="kim", email="kim@example.org", name="Kim Kvist", by_organiser=True
    )
    order = member.ticket.order
    response = client.post(f"{manage_path(order)}erase/", {"confirm": "on"})
    assert response.status_code == 302
    member.refresh_from_db()
    member.ticket.refresh_from_db()
    assert member.ticket.status == "cancelled"
    assert member.user.email == "kim@example.org" and member.user.is_active  # not the account


@pytest.mark.django_db(transaction=True)
def test_two_erasures_at_once_erase_once_and_both_answer(asa, quota):
    """A double click sends the erasure twice at the same moment: one erases, the other
    finds it done; both answer the visitor, and the quota gets its place back once."""
    path = f"{manage_path(asa.order)}erase/"
    used = Quota.objects.get(pk=quota.pk).used
    answers = at_once(lambda _n: Client().post(path, {"confirm": "on"}), range(2))
    assert sorted(answer.status_code for answer in answers) in ([302, 302], [302, 410])
    assert Quota.objects.get(pk=quota.pk).used == used - 1
    asa.refresh_from_db()
    assert asa.status == "cancelled" and asa.is_erased


def test_organisers_state_the_privacy_notices_facts_in_the_api_too(client, future_expo):
    organiser = get_user_model().objects.create_user("olga")
    future_expo.organisers.add(organiser)
    api = APIClient()
    api.force_authenticate(organiser)
    path = "/api/v1/expos/future/"
    for change, field in [
        ({"privacy_contact": "not an address"}, "privacy_contact"),
        ({"keeps_visitor_data_months": 500}, "keeps_visitor_data_months"),
        ({"organiser_name": "x" * 201}, "organiser_name"),
    ]:
        response = api.patch(path, change, format="json")
        assert response.status_code == 400 and field in response.json(), change
    good = {"organiser_name": "Mässbolaget AB", "privacy_contact": "dpo@massbolaget.example"}
    response = api.patch(path, {**good, "keeps_visitor_data_months": 3}, format="json")
    assert response.status_code == 200 and response.json()["keeps_visitor_data_months"] == 3
    page = client.get("/expos/future/privacy/").content.decode()
    assert "Mässbolaget AB" in page and "3 months after" in page
