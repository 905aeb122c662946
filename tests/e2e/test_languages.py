"""The pages in Finnish and Danish, whose dates and names run longest: they fit a phone
(390 px) and have no accessibility violations, the portal's leads included."""

import pytest
from django.test import Client

from exhibitors import services as exhibitors
from exhibitors.models import Exhibitor
from tests.conftest import attendee
from tests.e2e import test_accessibility as accessibility
from ticketing import services

pytestmark = pytest.mark.django_db(transaction=True)

PHONE_WIDTH = 390
PAGE_WIDTH = "() => document.documentElement.scrollWidth"

# The pages the accessibility tests visit, with what they show.
site = accessibility.site


def in_language(page, live_server, language):
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )


@pytest.fixture
def portal_with_a_lead(site, future_expo, future_season):
    exhibitor = Exhibitor.objects.get(expo=future_expo)
    staff = exhibitors.add_member(
        exhibitor, username="kirsi", name="Kirsi Kallio", email="kirsi@example.fi"
    ).user
    visitor = services.register(
        future_expo, future_season, [attendee(share_contact_with_exhibitors=True)]
    ).tickets.get()
    exhibitors.capture_lead(exhibitor, visitor.code, user=staff, note="Kiinnostunut")
    client = Client()
    client.force_login(staff)
    return f"/portal/{exhibitor.pk}/", client.cookies["sessionid"].value


@pytest.mark.parametrize("language", ["en", "fi", "da"])
def test_pages_in_long_languages_fit_a_phone_and_pass_axe(
    live_server, page, site, portal_with_a_lead, language
):
    portal, session = portal_with_a_lead
    in_language(page, live_server, language)
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    paths = {name: path for name, path in site.items() if not name.startswith("choose")}
    paths["portal"] = portal
    axe = accessibility.Axe()
    too_wide, failures = {}, {}
    for name, path in paths.items():
        page.goto(live_server.url + path)
        assert page.evaluate("() => document.documentElement.lang") == language, name
        width = page.evaluate(PAGE_WIDTH)
        if width > PHONE_WIDTH:
            too_wide[name] = width
        violations = axe.run(page, options=accessibility.WCAG_21_AA).response["violations"]
        if violations:
            failures[name] = accessibility.describe(violations)
    assert not too_wide, f"wider than {PHONE_WIDTH} px: {too_wide}"
    assert not failures, "\n\n".join(f"{name}:\n{text}" for name, text in failures.items())
