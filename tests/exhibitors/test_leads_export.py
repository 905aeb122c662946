"""The portal's lead exports as a spreadsheet opens them: CSV with commas or semicolons,
and an Excel workbook, read back with ``csv`` and ``openpyxl``."""

import csv
import datetime as dt
import io
import zoneinfo

import openpyxl
import pytest
from django.test import Client
from django.utils import translation

from exhibitors import services
from exhibitors.models import Lead
from tests.conftest import attendee
from ticketing import services as ticketing

pytestmark = pytest.mark.django_db

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
SCANNED = dt.datetime(2026, 12, 1, 8, 15, tzinfo=dt.UTC)  # 10:15 in Helsinki
FORMATS = {"csv": ",", "semicolon": ";"}
URLS = {"csv": "leads.csv", "semicolon": "leads-semicolon.csv", "xlsx": "leads.xlsx"}
FORMULAS = ['=HYPERLINK("https://evil.example/","Click")', "@SUM(1+1)", "+1", "-2+3", "|calc"]


@pytest.fixture
def leads(people, acme, future_expo, future_season, django_user_model):
    """Two leads of Acme's stand in an expo in Helsinki: one by staff with a full name, of
    a visitor who shares their details; one by staff with only a user name, of a visitor
    who does not."""
    future_expo.time_zone = "Europe/Helsinki"
    future_expo.save()
    nameless = django_user_model.objects.create_user("kim-booth")
    acme.members.create(user=nameless)
    sharing, private = (
        ticketing.register(future_expo, future_season, [person]).tickets.get()
        for person in (
            attendee(
                "Åsa Öberg; Jr",
                "asa@example.org",
                organisation="Sjö, Strand & Co",
                share_contact_with_exhibitors=True,
            ),
            attendee("Per Privat", "per@example.org"),
        )
    )
    services.capture_lead(
        acme, sharing.code, user=people["own staff"], note="Wants a quote", rating=4
    )
    services.capture_lead(acme, private.code, user=nameless, note="Line one\nline two")
    Lead.objects.update(scanned_at=SCANNED)
    return {"sharing": sharing, "private": private}


def download(user, exhibitor, sheet_format, language="en"):
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(f"/portal/{exhibitor.pk}/{URLS[sheet_format]}")


def csv_table(response, delimiter):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def xlsx_sheet(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def by_name(table):
    return {row[2]: row for row in table[1:]}


@pytest.mark.parametrize("sheet_format", FORMATS)
def test_the_csv_names_the_scanner_and_gives_the_time_with_its_offset(
    people, acme, leads, sheet_format
):
    response = download(people["own staff"], acme, sheet_format)
    assert response.status_code == 200
    assert 'filename="leads-acme-stad-ab-' in response["Content-Disposition"]
    table = csv_table(response, FORMATS[sheet_format])
    assert table[0] == [
        "Scanned (Europe/Helsinki)",
        "Scanned by",
        "Name",
        "E-mail",
        "Organisation",
        "Rating",
        "Note",
    ]
    assert all(len(row) == 7 for row in table)  # A comma or semicolon in a value is quoted.
    rows = by_name(table)
    assert rows["Åsa Öberg; Jr"] == [
        "2026-12-01 10:15:00+02:00",
        "Siv Acme",
        "Åsa Öberg; Jr",
        "asa@example.org",
        "Sjö, Strand & Co",
        "4",
        "Wants a quote",
    ]
    private = rows["(did not share)"]
    assert private[1] == "kim-booth"  # No name given: the user name.
    assert private[3:6] == ["", "", ""]
    assert private[6] == "Line one\nline two"
    assert "Per Privat" not in response.content.decode("utf-8-sig")


def test_the_workbook_holds_real_local_times_under_a_frozen_header(people, acme, leads):
    response = download(people["own staff"], acme, "xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = xlsx_sheet(response)
    header = [cell.value for cell in sheet[1]]
    assert header[0] == "Scanned (Europe/Helsinki)" and header[1:3] == ["Scanned by", "Name"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    rows = {row[2].value: row for row in sheet.iter_rows(min_row=2)}
    scanned = rows["Åsa Öberg; Jr"][0]
    assert scanned.value == dt.datetime(2026, 12, 1, 10, 15)
    assert scanned.is_date and "yyyy-mm-dd hh:mm" in scanned.number_format
    assert [cell.value for cell in rows["Åsa Öberg; Jr"][1:]] == [
        "Siv Acme",
        "Åsa Öberg; Jr",
        "asa@example.org",
        "Sjö, Strand & Co",
        4,
        "Wants a quote",
    ]
    assert rows["(did not share)"][1].value == "kim-booth"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFG"}
    assert widths["A"] >= len("Scanned (Europe/Helsinki)")
    assert widths["B"] < widths["A"]  # Each column as wide as what it holds.


@pytest.mark.parametrize("sheet_format", URLS)
def test_no_internal_id_is_in_an_export(people, acme, leads, sheet_format):
    response = download(people["own staff"], acme, sheet_format)
    if sheet_format == "xlsx":
        table = list(xlsx_sheet(response).iter_rows(values_only=True))
    else:
        table = csv_table(response, FORMATS[sheet_format])
    assert not {"Ticket", "ID", "Id"} & set(table[0])
    # The rating (a small number itself) aside, no cell is a number the database gave.
    cells = [cell for row in table for column, cell in enumerate(row) if column != 5]
    ids = {
        str(number)
        for ticket in leads.values()
        for number in (ticket.pk, ticket.order_id, *ticket.leads.values_list("pk", flat=True))
    } | {str(acme.pk), str(people["own staff"].pk)}
    assert not ids & {str(cell) for cell in cells}
    assert all(ticket.code not in map(str, cells) for ticket in leads.values())


def test_the_header_is_in_the_readers_language(people, acme, leads):
    with translation.override("sv"):
        expected = [translation.gettext(label) for label in ("Scanned by", "Name", "Note")]
    assert expected != ["Scanned by", "Name", "Note"]
    for sheet_format, delimiter in FORMATS.items():
        response = download(people["own staff"], acme, sheet_format, "sv")
        header = csv_table(response, delimiter)[0]
        assert [header[1], header[2], header[6]] == expected
    sheet = xlsx_sheet(download(people["own staff"], acme, "xlsx", "sv"))
    assert [sheet["B1"].value, sheet["C1"].value, sheet["G1"].value] == expected


@pytest.fixture
def hostile_leads(people, acme, future_expo, future_season):
    """Leads whose visitor name, organisation and staff note are formulas."""
    for number, formula in enumerate(FORMULAS):
        ticket = ticketing.register(
            future_expo,
            future_season,
            [
                attendee(
                    formula,
                    f"v{number}@example.org",
                    organisation="=1+1",
                    share_contact_with_exhibitors=True,
                )
            ],
        ).tickets.get()
        services.capture_lead(acme, ticket.code, user=people["own staff"], note=formula)
    ticket = ticketing.register(
        future_expo, future_season, [attendee("Bell", "bell@example.org")]
    ).tickets.get()
    services.capture_lead(acme, ticket.code, user=people["own staff"], note="ding\x07 -12.5")


def test_the_workbook_holds_no_formula(people, acme, hostile_leads):
    response = download(people["own staff"], acme, "xlsx")
    assert response.status_code == 200  # A control character is dropped, not a failure.
    cells = [cell for row in xlsx_sheet(response).iter_rows(min_row=2) for cell in row]
    assert not [cell for cell in cells if cell.data_type == "f"]
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert not [text for text in texts if text[:1] in {"=", "+", "-", "@", "|"}]
    notes = {row[6] for row in xlsx_sheet(response).iter_rows(min_row=2, values_only=True)}
    assert notes == {"'" + formula for formula in FORMULAS} | {"ding -12.5"}


@pytest.mark.parametrize("sheet_format", FORMATS)
def test_the_csv_holds_no_formula(people, acme, hostile_leads, sheet_format):
    table = csv_table(download(people["own staff"], acme, sheet_format), FORMATS[sheet_format])
    cells = [cell for row in table[1:] for cell in row]
    assert not [cell for cell in cells if cell[:1] in {"=", "+", "-", "@", "|", "\t", "\r"}]
    assert {row[6] for row in table[1:]} >= {"'" + formula for formula in FORMULAS}


@pytest.mark.parametrize("sheet_format", URLS)
@pytest.mark.parametrize("role", ["other staff", "organiser", "visitor"])
def test_another_stands_export_is_not_found(people, acme, leads, role, sheet_format):
    response = download(people[role], acme, sheet_format)
    assert response.status_code == 404
    assert b"Wants a quote" not in response.content


def test_signing_in_comes_before_an_export(acme, leads):
    response = download(None, acme, "xlsx")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_portal_offers_each_format(people, acme, leads):
    client = Client()
    client.force_login(people["own staff"])
    page = client.get(f"/portal/{acme.pk}/").content.decode()
    for name in URLS.values():
        assert f'href="/portal/{acme.pk}/{name}"' in page
    assert "Excel workbook (.xlsx)" in page and "semicolons" in page
