"""Leads when an expo's keeping time is over (``ticketing/retention.py``)."""

import datetime as dt

import pytest

from exhibitors import services
from exhibitors.models import Lead
from tests.conftest import attendee
from ticketing import retention
from ticketing import services as ticketing

pytestmark = pytest.mark.django_db


@pytest.fixture
def scanned(acme, future_expo, future_season, people):
    """Two visitors scanned at Acme's booth, one sharing contact details, with notes."""
    for name, email, shares in [
        ("Åsa Öberg", "asa@example.org", True),
        ("Bo Ek", "bo@example.org", False),
    ]:
        ticket = ticketing.register(
            future_expo,
            future_season,
            [attendee(name, email, share_contact_with_exhibitors=shares)],
        ).tickets.get()
        services.capture_lead(acme, ticket.code, user=people["own staff"], note="Wants a quote")


def after_keeping_time(expo):
    day_after = expo.keeps_visitor_data_until + dt.timedelta(days=1)
    return dt.datetime.combine(day_after, dt.time(0, 1), tzinfo=expo.tz)


def test_leads_stay_counted_but_name_no_one_and_lose_their_notes(acme, future_expo, scanned):
    now = after_keeping_time(future_expo)
    [survey] = retention.erase_expired_data(now=now, dry_run=True)
    assert survey.held["leads"] == 2
    assert {lead.contact for lead in acme.leads.all()} == {"shared", "not_shared"}

    [done] = retention.erase_expired_data(now=now)

    assert done.erased["leads"] == 2
    assert acme.leads.count() == 2  # the count stays
    assert {(lead.contact, lead.note, lead.rating) for lead in Lead.objects.all()} == {
        ("erased", "", None)
    }
    # The staff's own badges are tickets of the expo too, and are erased with it; their
    # accounts are not a visitor's registration and stay.
    member = acme.members.get()
    member.ticket.refresh_from_db()
    assert member.ticket.is_erased and member.user.username == "acme-staff"
