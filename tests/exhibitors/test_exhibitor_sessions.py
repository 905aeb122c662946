"""An exhibitor's public page lists its sessions of the released programme only."""

import pytest

from events import services as programme
from events.models import Session
from exhibitors.models import Exhibitor
from tests.conftest import add_session, local

pytestmark = pytest.mark.django_db


def test_the_page_lists_released_sessions_and_keeps_the_plan_to_itself(
    client, future_expo, workshop_room, future_day
):
    exhibitor = Exhibitor.objects.create(expo=future_expo, name="Acme Stad AB")
    public = add_session(future_expo, workshop_room, future_day, 10, title="Bikupor")
    draft = programme.save_session(
        Session(
            expo=future_expo,
            title="Hemligt utkast",
            planned_room=workshop_room,
            planned_start=local(future_day, 14),
            planned_end=local(future_day, 15),
        )
    )
    unscheduled = programme.save_session(Session(expo=future_expo, title="I brickan"))
    exhibitor.sessions.add(public, draft, unscheduled)

    page = client.get(f"/expos/{future_expo.slug}/exhibitors/{exhibitor.pk}/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "Bikupor" in text
    assert "Hemligt utkast" not in text and "I brickan" not in text
