"""The schedule board page: who may open it, the day's grid, the strip of days and the
tray with its filters, in a fixed number of queries."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Room, Session, Track
from tests.conftest import local
from tests.scheduling.conftest import DAY, planned, unscheduled

URL = "/manage/city-expo/schedule/"


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


def test_anyone_not_signed_in_is_sent_to_sign_in(client, expo):
    answer = client.get(URL)
    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/login/")


def test_someone_who_does_not_organise_the_expo_is_refused(client, expo, other_expo):
    otto = get_user_model().objects.create_user("otto")
    other_expo.organisers.add(otto)
    client.force_login(otto)
    assert client.get(URL).status_code == 403


def test_an_unknown_expo_is_not_found(organiser_client):
    assert organiser_client.get("/manage/no-such-expo/schedule/").status_code == 404


def test_the_grid_shows_the_days_planned_sessions_with_their_warnings(
    organiser_client, expo, room, other_room
):
    planned(expo, room, 10, title="Sensorer i gatan", expected_audience=500)
    planned(expo, other_room, 12, title="Nästa dag", day=DAY + dt.timedelta(days=1))
    answer = organiser_client.get(URL, {"day": DAY.isoformat()})
    assert answer.status_code == 200
    assert answer["Cache-Control"] == "private, no-store"
    page = answer.content.decode()
    assert "Sensorer i gatan" in page
    assert "Nästa dag" not in page
    assert "500 people are expected" in page
    grid = answer.context["grid"]
    (card,) = grid.columns[0].cards
    assert card.offset == 60  # an hour below the 09:00 opening
    assert [mark[1].hour for mark in grid.hours][:2] == [9, 10]


def test_the_strip_shows_every_day_with_each_rooms_share_and_closed_days(
    organiser_client, expo, room, other_room
):
    expo.opening_days.create(date=DAY + dt.timedelta(days=2), is_closed=True)
    planned(expo, room, 9)  # 09:00–10:00: 60 of 720 open minutes
    planned(expo, room, 10, minute=0)
    answer = organiser_client.get(URL, {"day": DAY.isoformat()})
    strip = {entry.day: entry for entry in answer.context["strip"]}
    assert list(strip) == expo.days
    today = strip[DAY]
    assert [(cell.room.slug, cell.minutes, cell.share) for cell in today.cells] == [
        ("a1", 120, 17),
        ("a2", 0, 0),
    ]
    assert [cell.level for cell in today.cells] == [2, 0]
    assert today.share == round(100 * 120 / (720 * 2))
    assert strip[DAY + dt.timedelta(days=2)].closed
    page = answer.content.decode()
    assert f'href="?day={(DAY + dt.timedelta(days=3)).isoformat()}"' in page
    assert 'aria-current="date"' in page


def test_the_tray_lists_unscheduled_sessions_but_not_cancelled_ones(organiser_client, expo, room):
    unscheduled(expo, title="Att placera")
    gone = unscheduled(expo, title="Inställd")
    Session.objects.filter(pk=gone.pk).update(cancelled=True)
    planned(expo, room, 10, title="Redan planerad")
    tray = organiser_client.get(URL).context["tray"]
    assert [session.title for session in tray] == ["Att placera"]


def test_the_tray_filters_by_track_and_kind(organiser_client, expo, track):
    welfare = Track.objects.create(expo=expo, slug="welfare", name="Welfare")
    unscheduled(expo, title="A", track=track, kind="talk")
    unscheduled(expo, title="B", track=welfare, kind="workshop")
    unscheduled(expo, title="C", track=track, kind="workshop")

    def titles(**query):
        return [s.title for s in organiser_client.get(URL, query).context["tray"]]

    assert titles() == ["A", "B", "C"]
    assert titles(track="smart-city") == ["A", "C"]
    assert titles(track="smart-city", kind="workshop") == ["C"]
    answer = organiser_client.get(URL, {"track": "no-such-track", "day": "9999-01-01"})
    assert answer.status_code == 200
    assert answer.context["form"].errors.keys() == {"track", "day"}
    assert [s.title for s in answer.context["tray"]] == ["A", "B", "C"]


def test_bad_days_fall_back_to_the_first_open_day(organiser_client, expo):
    for day in ("2026-13-45", "2027-06-02", "\x00", "1" * 500):
        answer = organiser_client.get(URL, {"day": day})
        assert answer.status_code in (200, 400)
        if answer.status_code == 200:
            assert answer.context["day"] == expo.start_date


def test_the_board_reads_a_fixed_number_of_queries(organiser_client, expo, room, track):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert organiser_client.get(URL, {"day": DAY.isoformat()}).status_code == 200
        return len(queries)

    planned(expo, room, 10, track=track)
    unscheduled(expo, track=track)
    few = count()
    for hour in range(11, 20):
        planned(expo, room, hour, track=track)
    extra = Room.objects.create(expo=expo, hall=room.hall, slug="a9", name="A9", capacity=9)
    planned(expo, extra, 10, track=track, day=DAY + dt.timedelta(days=1))
    for n in range(10):
        unscheduled(expo, title=f"T{n}", track=track)
    assert count() == few


def test_the_tray_filters_by_partner_and_preferred_day(organiser_client, expo):
    from exhibitors.models import Exhibitor
    from proposals.models import Call, Proposal

    call = Call.objects.create(
        expo=expo, opens_at=local(DAY, 9) - dt.timedelta(days=60), closes_at=local(DAY, 9)
    )
    acme = Exhibitor.objects.create(expo=expo, name="Acme Stad AB")
    other = Exhibitor.objects.create(expo=expo, name="Hamnen AB")

    def accepted(title, exhibitor, days):
        session = unscheduled(expo, title=title)
        Proposal.objects.create(
            expo=expo,
            call=call,
            exhibitor=exhibitor,
            state=Proposal.State.ACCEPTED,
            title=title,
            abstract=title,
            kind="talk",
            length_minutes=60,
            language="sv",
            audience="Alla",
            preferred_days=[day.isoformat() for day in days],
            session=session,
        )

    accepted("Acme på tisdag", acme, [DAY])
    accepted("Acme på onsdag", acme, [DAY + dt.timedelta(days=1)])
    accepted("Hamnen på tisdag", other, [DAY, DAY + dt.timedelta(days=2)])
    unscheduled(expo, title="Organisatörernas")

    def titles(**query):
        return [s.title for s in organiser_client.get(URL, query).context["tray"]]

    assert titles(partner=acme.pk) == ["Acme på onsdag", "Acme på tisdag"]
    assert titles(preferred_day=DAY.isoformat()) == ["Acme på tisdag", "Hamnen på tisdag"]
    assert titles(partner=other.pk, preferred_day=DAY.isoformat()) == ["Hamnen på tisdag"]
    page = organiser_client.get(URL).content.decode()
    assert "Partner: Acme Stad AB" in page
    answer = organiser_client.get(URL, {"partner": "999999", "preferred_day": "2026-07-30"})
    assert answer.context["form"].errors.keys() == {"partner", "preferred_day"}
