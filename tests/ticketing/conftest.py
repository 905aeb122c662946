import pytest

from ticketing.models import TicketType


@pytest.fixture
def day_ticket(expo):
    return TicketType.objects.create(expo=expo, slug="day", name="Day ticket", kind="day")


@pytest.fixture
def season_ticket(expo):
    return TicketType.objects.create(expo=expo, slug="season", name="Season", kind="season")
