"""The portal's lead exports from a phone-sized Chromium: the links are there by name, the
page stays accessible and inside the screen, and what the browser downloads opens."""

import csv
import io

import openpyxl
import pytest
from axe_playwright_python.sync_playwright import Axe

from exhibitors import services
from exhibitors.models import Exhibitor
from tests.conftest import attendee
from tests.e2e.test_accessibility import WCAG_21_AA, describe
from ticketing import services as ticketing

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stand(future_expo, future_season):
    exhibitor = Exhibitor.objects.create(expo=future_expo, name="Acme Stad AB")
    staff = services.add_member(
        exhibitor, username="siv", email="siv@acme.se", name="Siv Åkesson"
    ).user
    staff.set_password("pw-siv-12345")
    staff.save()
    ticket = ticketing.register(
        future_expo,
        future_season,
        [attendee("Åsa Öberg", "asa@example.org", share_contact_with_exhibitors=True)],
    ).tickets.get()
    services.capture_lead(exhibitor, ticket.code, user=staff, note="=1+1")
    return exhibitor


def sign_in(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("siv")
    page.get_by_label("Password").fill("pw-siv-12345")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def download(page, name):
    with page.expect_download() as event:
        page.get_by_role("link", name=name).click()
    path = event.value.path()
    with open(path, "rb") as file:
        return event.value.suggested_filename, file.read()


def test_the_portal_downloads_the_leads_in_each_format(live_server, page, stand):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/portal/{stand.pk}/")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
    assert not violations, describe(violations)

    filename, content = download(page, "Excel workbook (.xlsx)")
    assert filename.startswith("leads-acme-stad-ab-") and filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert [cell.value for cell in sheet[2]][1:3] == ["Siv Åkesson", "Åsa Öberg"]
    assert sheet["G2"].value == "'=1+1" and sheet["G2"].data_type == "s"

    for name, delimiter in [("semicolons", ";"), ("commas", ",")]:
        filename, content = download(page, f"CSV separated by {name}")
        assert filename.endswith(".csv")
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))
        assert rows[1][1:3] == ["Siv Åkesson", "Åsa Öberg"] and rows[1][6] == "'=1+1"
