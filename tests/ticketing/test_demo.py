import io

from django.core.management import call_command
from django.utils import timezone

from events.models import Expo
from tests.conftest import attendee
from ticketing import admission, services
from ticketing.models import CheckIn, ScannerDevice, ScanPoint, TicketType


def test_the_demo_expo_sells_tickets_and_scans_them(db, client):
    call_command("seed_demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    expo = Expo.objects.get(slug="oresund-city-expo")
    kinds = set(TicketType.objects.filter(expo=expo).values_list("kind", flat=True))
    assert kinds == {"day", "multi_day", "season", "conference", "press", "speaker", "exhibitor"}
    page = client.get("/expos/oresund-city-expo/register/").content.decode()
    assert "Season ticket" in page and "Press" not in page
    season = TicketType.objects.get(expo=expo, slug="season")
    ticket = services.register(expo, season, [attendee()]).tickets.get()
    gate = ScanPoint.objects.get(expo=expo, slug="north-gate")
    answer = services.check_in(ticket.code, gate, "in")
    today_is_open = expo.local_day(timezone.now()) in admission.open_days(expo)
    expected = CheckIn.Result.ENTERED if today_is_open else CheckIn.Result.NOT_VALID_TODAY
    assert answer.check_in.result == expected
    assert ScannerDevice.objects.filter(expo=expo).exists()
