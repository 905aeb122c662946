"""A visitor's day in their own language: ticket type, hall and room names as the
organisers wrote them for that language, and dates as that language writes them, alike
on the pages, the badge and the e-mails."""

import datetime as dt
import re
import zoneinfo

import pypdfium2
import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation
from rest_framework.test import APIClient

from events.models import Expo, Hall, Room, Session
from expo import dates
from tests.conftest import attendee, send_queued_mail, slot
from ticketing import badges, emails, services
from ticketing.models import ScannerDevice, ScanPoint, SessionBooking, TicketType

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
TUESDAY = dt.date(2026, 12, 1)
FRIDAY = dt.date(2026, 12, 4)

DAY_TICKET = {"sv": "Dagsbiljett", "fi": "Päivälippu", "da": "Dagsbillet"}

# What each language shows: the day ticket's name, the expo's first day in full, the
# day of the ticket in full, the session's start and end, where it is, and the
# expo's days on a badge.
EXPECTED = {
    "en": {
        "ticket": "Day ticket",
        "first_day": "Tuesday 1 December 2026",
        "ticket_day": "Friday 4 December 2026",
        "session_day": "Tuesday 1 December",
        "session": "Tuesday 1 December 2026, 19:30–21:00",
        "times": "19:30–21:00",
        "place": "Room 3, Hall B",
        "expo_days": "1–4 December 2026",
        "badge_day": "4 December 2026",
    },
    "sv": {
        "ticket": "Dagsbiljett",
        "first_day": "tisdag 1 december 2026",
        "ticket_day": "fredag 4 december 2026",
        "session_day": "tisdag 1 december",
        "session": "tisdag 1 december 2026 kl. 19:30–21:00",
        "times": "19:30–21:00",
        "place": "Sal 3, Hall B",
        "expo_days": "1–4 december 2026",
        "badge_day": "4 december 2026",
    },
    "fi": {
        "ticket": "Päivälippu",
        "first_day": "tiistai 1. joulukuuta 2026",
        "ticket_day": "perjantai 4. joulukuuta 2026",
        "session_day": "tiistai 1. joulukuuta",
        "session": "tiistai 1. joulukuuta 2026 klo 19.30–21.00",
        "times": "19.30–21.00",
        "place": "Sali 3, Halli B",
        "expo_days": "1.–4. joulukuuta 2026",
        "badge_day": "4. joulukuuta 2026",
    },
    "da": {
        "ticket": "Dagsbillet",
        "first_day": "tirsdag 1. december 2026",
        "ticket_day": "fredag 4. december 2026",
        "session_day": "tirsdag 1. december",
        "session": "tirsdag 1. december 2026 kl. 19:30–21:00",
        "times": "19:30–21:00",
        "place": "Sal 3, Hal B",
        "expo_days": "1.–4. december 2026",
        "badge_day": "4. december 2026",
    },
}
LANGUAGES = list(EXPECTED)


@pytest.fixture
def helsinki_expo(db):
    """An expo in Helsinki from Tuesday 1 to Friday 4 December 2026, in all languages."""
    expo = Expo.objects.create(
        slug="helsinki",
        name="Helsinki Expo",
        start_date=TUESDAY,
        end_date=FRIDAY,
        time_zone="Europe/Helsinki",
        languages=["en", "sv", "fi", "da"],
    )
    hall = Hall.objects.create(
        expo=expo,
        slug="b",
        name="Hall B",
        name_translations={"fi": "Halli B", "da": "Hal B"},
        capacity=1000,
    )
    Room.objects.create(
        expo=expo,
        hall=hall,
        slug="r3",
        name="Room 3",
        name_translations={"sv": "Sal 3", "fi": "Sali 3", "da": "Sal 3"},
        capacity=50,
    )
    TicketType.objects.create(
        expo=expo, slug="day", name="Day ticket", name_translations=DAY_TICKET, kind="day"
    )
    return expo


@pytest.fixture
def evening_session(helsinki_expo):
    return Session.objects.create(
        expo=helsinki_expo,
        title="Iltapäivän paneeli",
        language="fi",
        capacity=10,
        **slot(
            Room.objects.get(expo=helsinki_expo),
            dt.datetime.combine(TUESDAY, dt.time(19, 30), tzinfo=HELSINKI),
            dt.datetime.combine(TUESDAY, dt.time(21, 0), tzinfo=HELSINKI),
        ),
    )


def order_in(expo, language):
    day_ticket = TicketType.objects.get(expo=expo, slug="day")
    return services.register(expo, day_ticket, [attendee()], day=FRIDAY, language=language)


def visitor(client, language):
    client.cookies["django_language"] = language
    return client


def pdf_text(pdf_bytes):
    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        return " ".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def squeezed(text):
    """Text with its runs of white space as single spaces, as a reader sees it."""
    return re.sub(r"\s+", " ", text)


# Dates, one formatting for all.


@pytest.mark.parametrize("language", LANGUAGES)
def test_dates_read_as_each_language_writes_them(language):
    expected = EXPECTED[language]
    moment = dt.datetime.combine(TUESDAY, dt.time(19, 30), tzinfo=HELSINKI)
    with translation.override(language):
        assert dates.long_date(TUESDAY) == expected["first_day"]
        assert dates.expo_day(TUESDAY) == expected["session_day"]
        assert dates.day_range(TUESDAY, FRIDAY) == expected["expo_days"]
        assert dates.day_range(FRIDAY, FRIDAY) == expected["badge_day"]
        assert dates.date_and_time(moment, HELSINKI).startswith(expected["first_day"])
        assert dates.time_of_day(moment, HELSINKI) == expected["times"].split("–")[0]


def test_finnish_months_follow_a_day_in_the_partitive():
    with translation.override("fi"):
        assert dates.long_date(dt.date(2026, 6, 1)) == "maanantai 1. kesäkuuta 2026"
        assert dates.day_range(dt.date(2026, 6, 29), dt.date(2026, 7, 3)) == (
            "29. kesäkuuta – 3. heinäkuuta 2026"
        )
        assert dates.day_range(dt.date(2026, 12, 30), dt.date(2027, 1, 2)) == (
            "30. joulukuuta 2026 – 2. tammikuuta 2027"
        )


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "1, 3 December 2026, 5 January 2027"),
        ("sv", "1, 3 december 2026, 5 januari 2027"),
        ("fi", "1., 3. joulukuuta 2026, 5. tammikuuta 2027"),
        ("da", "1., 3. december 2026, 5. januar 2027"),
    ],
)
def test_a_badge_lists_scattered_days_as_the_language_does(language, text):
    days = [TUESDAY, dt.date(2026, 12, 3), dt.date(2027, 1, 5)]
    with translation.override(language):
        assert badges.days_text(days) == text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pages_show_names_and_dates_in_the_visitors_language(
    client, helsinki_expo, evening_session, language
):
    expected = EXPECTED[language]
    client = visitor(client, language)

    register = squeezed(client.get("/expos/helsinki/register/").content.decode())
    assert f"{expected['first_day']} – {EXPECTED[language]['ticket_day']}" in register
    assert f"{expected['ticket']} — " in register

    order = order_in(helsinki_expo, language)
    mine = squeezed(client.get(f"/expos/helsinki/my-tickets/{order.secret}/").content.decode())
    assert f"<dd>{expected['ticket']}</dd>" in mine
    assert expected["ticket_day"] in mine
    assert expected["expo_days"] in mine  # the footer

    session = client.get(f"/expos/helsinki/sessions/{evening_session.pk}/").content.decode()
    session = squeezed(re.sub(r"<[^>]+>", "", session))
    assert f"{expected['session_day']}, {expected['times']}" in session
    assert expected["place"] in session


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_badge_shows_names_and_dates_in_the_visitors_language(client, helsinki_expo, language):
    expected = EXPECTED[language]
    order = order_in(helsinki_expo, language)
    ticket = order.tickets.get()
    url = f"/expos/helsinki/my-tickets/{order.secret}/tickets/{ticket.pk}/badge.pdf"
    response = visitor(client, language).get(url)
    assert response.status_code == 200
    text = squeezed(pdf_text(response.content))
    assert expected["expo_days"] in text
    assert expected["ticket"] in text
    assert expected["badge_day"] in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_emails_give_names_dates_and_places_in_the_visitors_language(
    helsinki_expo, evening_session, language
):
    expected = EXPECTED[language]
    order = order_in(helsinki_expo, language)
    ticket = order.tickets.get()
    booking = SessionBooking.objects.create(
        ticket=ticket, session=evening_session, status=SessionBooking.Status.BOOKED
    )
    emails.queue_seat_freed(booking)
    send_queued_mail()

    confirmation, seat = mail.outbox
    assert f"{expected['ticket']}, {expected['ticket_day']}" in confirmation.body
    # The expo's clock (Helsinki), the language's 24-hour clock, the room with its hall.
    assert f"{expected['session']}, {expected['place']}" in seat.body
    assert "p.m." not in seat.body and "Dec." not in confirmation.body


# Ticket type names, written for each language.


def test_organisers_write_a_ticket_types_name_in_each_language_through_the_api(
    organiser_api, expo, api
):
    body = {
        "slug": "day",
        "name": "Day ticket",
        "kind": "day",
        "name_translations": DAY_TICKET,
        "description_translations": {"sv": "En dag på mässan"},
    }
    url = "/api/v1/expos/city-expo/ticket-types/"
    response = organiser_api.post(url, body, format="json")
    assert response.status_code == 201, response.json()
    assert TicketType.objects.get().name_translations == DAY_TICKET
    [listed] = api.get(url).json()["results"]
    assert listed["name_translations"] == DAY_TICKET
    assert listed["description_translations"] == {"sv": "En dag på mässan"}


@pytest.mark.parametrize(
    "translations",
    [{"xx": "Dagsbiljett"}, {"sv": 3}, ["Dagsbiljett"], {"sv": "Dags\x00biljett"}],
    ids=["unknown-language", "not-a-text", "not-an-object", "nul"],
)
def test_bad_translations_of_a_ticket_type_are_a_field_error(organiser_api, expo, translations):
    body = {"slug": "day", "name": "Day", "kind": "day", "name_translations": translations}
    response = organiser_api.post("/api/v1/expos/city-expo/ticket-types/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["name_translations"]
    assert not TicketType.objects.exists()


def test_the_admin_has_an_input_per_language_for_a_ticket_types_name(admin_client, expo):
    from tests.ticketing.test_admin import ticket_type_form

    data = ticket_type_form(
        TicketType(slug="day", name="Day ticket", kind="day"),
        expo=expo.pk,
        name_fi="Päivälippu",
        name_sv="Dagsbiljett",
        description_da="En dag på messen",
    )
    page = admin_client.get("/admin/ticketing/tickettype/add/").content.decode()
    assert 'name="name_fi"' in page and 'name="description_da"' in page
    assert admin_client.post("/admin/ticketing/tickettype/add/", data).status_code == 302
    saved = TicketType.objects.get()
    assert saved.name_translations == {"fi": "Päivälippu", "sv": "Dagsbiljett"}
    assert saved.description_translations == {"da": "En dag på messen"}


def test_a_scan_names_the_ticket_type_in_the_language_of_the_request(expo):
    ticket_type = TicketType.objects.create(
        expo=expo,
        slug="season",
        name="Season ticket",
        kind="season",
        name_translations={"fi": "Kausikortti"},
    )
    ticket = services.register(expo, ticket_type, [attendee()]).tickets.get()
    ScanPoint.objects.create(expo=expo, slug="gate", name="Gate", kind="gate")
    scanner = APIClient()
    scanner.credentials(
        HTTP_AUTHORIZATION=f"Token {ScannerDevice.objects.create(expo=expo, name='Gate').key}"
    )
    body = {"code": ticket.code, "scan_point": "gate", "direction": "in"}
    for language, name in [("fi", "Kausikortti"), ("da", "Season ticket")]:
        response = scanner.post(
            "/api/v1/checkins/", body, format="json", HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.status_code == 200, response.json()
        assert response.json()["ticket"]["ticket_type_name"] == name


def test_a_missing_translation_falls_back_to_the_main_name(client, helsinki_expo):
    TicketType.objects.filter(slug="day").update(name_translations={"sv": "Dagsbiljett"})
    page = visitor(client, "da").get("/expos/helsinki/register/").content.decode()
    assert "Day ticket — " in page


def test_a_print_run_gives_each_badge_its_holders_language(helsinki_expo, tmp_path):
    """The organiser prints every badge at once, in English; each visitor reads theirs
    in the language they registered in."""
    finnish, danish = order_in(helsinki_expo, "fi"), order_in(helsinki_expo, "da")
    output = tmp_path / "badges.pdf"

    with translation.override("en"):
        call_command("print_badges", expo="helsinki", layout="a6", output=str(output), verbosity=0)

    document = pypdfium2.PdfDocument(output.read_bytes())
    try:
        pages = [squeezed(page.get_textpage().get_text_range()) for page in document]
    finally:
        document.close()
    assert len(pages) == 2  # ordered by ticket: the Finnish order's first
    assert finnish.pk < danish.pk
    for text, language in zip(pages, ["fi", "da"], strict=True):
        assert EXPECTED[language]["ticket"] in text
        assert EXPECTED[language]["badge_day"] in text
        assert EXPECTED["en"]["ticket"] not in text
