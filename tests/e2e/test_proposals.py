"""The call for proposals in a real browser on a phone: a newcomer asks for an account on
the public call, follows the mailed link, chooses a password, signs in, proposes, changes
the proposal and withdraws it; exhibitor staff propose from the portal. Every page on the
way fits the phone and has no axe violation."""

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.utils import timezone

from events.models import Track
from exhibitors.models import Exhibitor, Member
from proposals import services
from proposals.models import Call, Proposal
from tests.conftest import send_queued_mail

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PHONE = 390
PASSWORD = "bin-i-staden-2026"


def fits_and_passes_axe(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE, f"{page.url} is {width}px wide"
    violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
    assert not violations, "\n".join(
        f"{v['id']}: {v['help']} at {[node['target'] for node in v['nodes'][:3]]}"
        for v in violations
    )


@pytest.fixture
def call(future_expo):
    future_expo.languages = ["sv", "en"]
    future_expo.save()
    green = Track.objects.create(expo=future_expo, slug="green", name="Grön stad")
    now = timezone.now()
    return services.save_call(
        Call(
            expo=future_expo,
            opens_at=now - dt.timedelta(days=1),
            closes_at=now + dt.timedelta(days=5),
            kinds=["talk", "workshop", "exhibition"],
        ),
        tracks=[green],
    )


def test_a_newcomer_signs_up_proposes_changes_and_withdraws(live_server, page, settings, call):
    settings.EXPO_BASE_URL = live_server.url
    page.goto(f"{live_server.url}/expos/future/call/")
    fits_and_passes_axe(page)

    # A mistake first: the error is on the field, and the page still passes.
    page.get_by_label("Your name").fill("Pia Persson-Åkesson")
    page.get_by_label("Your e-mail address").fill("not an address")
    with page.expect_navigation():
        page.get_by_role("button", name="E-mail me a link").click()
    assert page.locator(".error-summary").is_visible()
    fits_and_passes_axe(page)

    page.get_by_label("Your e-mail address").fill("pia@example.org")
    with page.expect_navigation():
        page.get_by_role("button", name="E-mail me a link").click()
    assert "We have e-mailed pia@example.org a link" in page.locator(".messages").inner_text()

    send_queued_mail()
    [message] = mail.outbox
    [reset_link] = re.findall(rf"{re.escape(live_server.url)}/accounts/reset/\S+", message.body)
    page.goto(reset_link)
    fits_and_passes_axe(page)
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("New password confirmation").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Save the password").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your password is saved"

    page.goto(f"{live_server.url}/expos/future/call/")
    with page.expect_navigation():
        page.get_by_role("link", name="Sign in").last.click()
    page.get_by_label("Username").fill("pia@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", name="My proposals").is_visible()
    fits_and_passes_axe(page)

    with page.expect_navigation():
        page.get_by_role("link", name="Propose a session").click()
    fits_and_passes_axe(page)
    page.get_by_label("Title").fill("Bikupor på taket")
    page.get_by_label("Abstract").fill("Hur staden blir en bättre plats för bin.")
    page.get_by_label("Kind of session").select_option("workshop")
    page.get_by_label("Length in minutes").fill("90")
    page.get_by_label("Language of the session").select_option("sv")
    page.get_by_label("Track").select_option(label="Grön stad")
    page.get_by_label("Audience").fill("Alla som odlar i staden.")
    page.locator("fieldset.speaker").first.get_by_label("Name").fill("Pia Persson-Åkesson")
    page.locator("fieldset.speaker").first.get_by_label("E-mail").fill("pia@example.org")
    # A second speaker with a bad address: the error summary links to the field.
    second = page.locator("fieldset.speaker").nth(1)
    second.get_by_label("Name").fill("Bo Ek")
    second.get_by_label("E-mail").fill("bo-at-example")
    with page.expect_navigation():
        page.get_by_role("button", name="Send the proposal").click()
    assert page.locator(".error-summary").is_visible()
    assert not Proposal.objects.exists()
    fits_and_passes_axe(page)
    page.locator("fieldset.speaker").nth(1).get_by_label("E-mail").fill("bo@example.org")
    with page.expect_navigation():
        page.get_by_role("button", name="Send the proposal").click()
    assert "Your proposal is sent" in page.locator(".messages").inner_text()
    assert "Submitted" in page.locator("table").inner_text()
    fits_and_passes_axe(page)
    proposal = Proposal.objects.get()
    assert [s.name for s in proposal.speakers.all()] == ["Pia Persson-Åkesson", "Bo Ek"]

    with page.expect_navigation():
        page.get_by_role("link", name="Bikupor på taket").click()
    page.get_by_label("Title").fill("Bin och bikupor i staden")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the changes").click()
    assert "Bin och bikupor i staden" in page.locator("table").inner_text()

    with page.expect_navigation():
        page.get_by_role("link", name="Bin och bikupor i staden").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Withdraw this proposal").click()
    fits_and_passes_axe(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Withdraw the proposal").click()
    assert "Withdrawn" in page.locator("table").inner_text()
    proposal.refresh_from_db()
    assert (proposal.title, proposal.state) == ("Bin och bikupor i staden", "withdrawn")


def test_staff_propose_from_the_portal(live_server, page, client, call, django_user_model):
    exhibitor = Exhibitor.objects.create(expo=call.expo, name="Acme Stad AB")
    staff = django_user_model.objects.create_user("siv", password="pw-siv-12345")
    Member.objects.create(exhibitor=exhibitor, user=staff)
    client.force_login(staff)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/portal/{exhibitor.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Propose sessions for the programme").click()
    fits_and_passes_axe(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Propose a session").click()
    assert "On behalf of Acme Stad AB" in page.locator("main").inner_text()
    page.get_by_label("Title").fill("Smarta gator")
    page.get_by_label("Abstract").fill("Sensorer i gatorna.")
    page.get_by_label("Length in minutes").fill("30")
    page.get_by_label("Audience").fill("Planerare.")
    page.get_by_role("group", name="Preferred days").get_by_role("checkbox").first.check()
    page.locator("fieldset.speaker").first.get_by_label("Name").fill("Siv Svensson")
    page.locator("fieldset.speaker").first.get_by_label("E-mail").fill("siv@acme.example")
    with page.expect_navigation():
        page.get_by_role("button", name="Send the proposal").click()
    assert "Smarta gator" in page.locator("table").inner_text()
    fits_and_passes_axe(page)
    proposal = Proposal.objects.get()
    assert proposal.exhibitor == exhibitor and proposal.preferred_days == [
        call.expo.start_date.isoformat()
    ]
