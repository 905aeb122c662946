"""The schedule board in a real browser, served over ASGI so that its WebSocket works:
sessions dragged from the tray to a free slot are saved, onto a taken one are refused
with the reason and snap back; the same moves by keyboard alone; a second organiser's
board shows the first one's move without a reload; axe finds nothing."""

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.test import Client

from events import services
from events.models import Hall, Room, Session
from tests.conftest import free_port, local
from tests.e2e.asgi import asgi_server
from tests.e2e.conftest import csp_violations
from tests.e2e.test_accessibility import WCAG_21_AA, describe

pytestmark = pytest.mark.django_db(transaction=True)

PIXELS_PER_MINUTE = 1.6  # scheduling.views.PIXELS_PER_MINUTE


@pytest.fixture
def board(future_expo):
    """A day with one session planned in Aula at 10:00–11:00 and one in the tray."""
    hall = Hall.objects.create(expo=future_expo, slug="h", name="Hall A", capacity=900)
    aula = Room.objects.create(expo=future_expo, hall=hall, slug="aula", name="Aula", capacity=200)
    Room.objects.create(expo=future_expo, hall=hall, slug="studio", name="Studio", capacity=40)
    day = future_expo.start_date + dt.timedelta(days=1)
    taken = services.save_session(Session(expo=future_expo, title="Morning keynote", minutes=60))
    services.plan_session(taken, room=aula, start=local(day, 10))
    waiting = services.save_session(Session(expo=future_expo, title="Rain gardens", minutes=30))
    organiser = get_user_model().objects.create_user("olle", first_name="Olle")
    future_expo.organisers.add(organiser)
    return {"day": day, "taken": taken, "waiting": waiting, "organiser": organiser}


def open_board(browser, url, board, size=(1366, 900)):
    client = Client()
    client.force_login(board["organiser"])
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="en-GB")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    refused = csp_violations(page)
    page.goto(f"{url}/manage/future/schedule/?day={board['day'].isoformat()}")
    page.wait_for_function(
        "() => document.getElementById('board-connection').dataset.state === 'live'"
    )
    return page, refused


def drag(page, session, room, minutes_after_top):
    """Drag the card of ``session`` by its title so that its top lands
    ``minutes_after_top`` below the grid's top in ``room``'s lane."""
    page.evaluate("() => document.getElementById('board-grid').scrollIntoView()")
    handle = page.locator(f"#select-{session.pk}")
    source = handle.bounding_box()
    card = page.locator(f"#card-{session.pk}").bounding_box()
    lane = page.locator(f".room-lane[data-room='{room}']").bounding_box()
    grab = (source["x"] + 10, source["y"] + 5)
    # Where the pointer must end for the card's top to sit at the target.
    to_x = lane["x"] + 20
    to_y = lane["y"] + minutes_after_top * PIXELS_PER_MINUTE + (grab[1] - card["y"])
    page.mouse.move(*grab)
    page.mouse.down()
    page.mouse.move(grab[0] + 15, grab[1] + 15, steps=5)
    page.mouse.move(to_x, to_y, steps=15)
    page.mouse.up()


def said(page, region):
    """The text of the board's ``status`` or ``alert`` region, once it says something."""
    page.wait_for_function(f"() => document.getElementById('board-{region}').textContent")
    return page.locator(f"#board-{region}").inner_text()


def in_lane(page, session, room):
    return page.locator(f".room-lane[data-room='{room}'] #card-{session.pk}")


def test_a_session_dragged_from_the_tray_to_a_free_slot_is_saved(browser, board):
    waiting = board["waiting"]
    with asgi_server(free_port()) as url:
        page, refused = open_board(browser, url, board)
        assert page.locator(f"#tray-list #card-{waiting.pk}").count() == 1

        drag(page, waiting, "studio", 60)  # 10:00, the grid starting at the 09:00 opening

        in_lane(page, waiting, "studio").wait_for()
        assert "Saved" in said(page, "status")
        waiting.refresh_from_db()
        assert waiting.planned_room.slug == "studio"
        assert waiting.planned_start == local(board["day"], 10)
        assert waiting.planned_end == local(board["day"], 10, 30)
        page.context.close()
    assert not refused, refused


def test_a_session_dragged_onto_a_taken_slot_is_refused_and_snaps_back(browser, board):
    waiting = board["waiting"]
    with asgi_server(free_port()) as url:
        page, refused = open_board(browser, url, board)

        drag(page, waiting, "aula", 75)  # 10:15, inside the keynote

        reason = said(page, "alert")
        assert "Aula is taken" in reason
        assert "Morning keynote" in reason
        assert page.locator(f"#tray-list #card-{waiting.pk}").count() == 1
        assert page.locator(".card-ghost").count() == 0
        waiting.refresh_from_db()
        assert waiting.planned_start is None
        page.context.close()
    assert not refused, refused


def choose_by_keyboard(page, session, *, room_letters, time, minutes=None):
    """Open the move form of ``session`` from its card and fill it, keys only: a closed
    select takes the option typed."""
    page.locator(f"#select-{session.pk}").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "move-day"
    hour, minute = time.split(":")
    for letters in (room_letters, hour, minute):
        page.keyboard.press("Tab")
        page.keyboard.type(letters)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "move-minutes"
    if minutes is not None:
        page.keyboard.press("Control+A")
        page.keyboard.type(str(minutes))
    page.keyboard.press("Enter")


def test_the_same_moves_by_keyboard_alone(browser, board):
    waiting, taken = board["waiting"], board["taken"]
    with asgi_server(free_port()) as url:
        page, refused = open_board(browser, url, board, size=(390, 844))

        # Onto the keynote's slot: refused, said, and the form stays to try again.
        choose_by_keyboard(page, waiting, room_letters="Aula", time="10:30")
        assert "Aula is taken" in said(page, "alert")
        assert page.locator("#move-panel").is_visible()
        waiting.refresh_from_db()
        assert waiting.planned_start is None

        # Then a free slot, 45 minutes long: saved, and the focus is back on the card.
        choose_by_keyboard(page, waiting, room_letters="Aula", time="11:00", minutes=45)
        in_lane(page, waiting, "aula").wait_for()
        page.wait_for_function(f"() => document.activeElement.id === 'select-{waiting.pk}'")
        assert "Saved" in said(page, "status")
        assert page.locator("#move-panel").is_hidden()
        waiting.refresh_from_db()
        assert (waiting.planned_start, waiting.planned_end) == (
            local(board["day"], 11),
            local(board["day"], 11, 45),
        )

        # And the keynote back to the tray.
        page.locator(f"#select-{taken.pk}").focus()
        page.keyboard.press("Enter")
        page.locator("#move-unschedule").focus()
        page.keyboard.press("Enter")
        page.locator(f"#tray-list #card-{taken.pk}").wait_for()
        taken.refresh_from_db()
        assert taken.planned_start is None
        page.context.close()
    assert not refused, refused


def test_a_second_organiser_sees_the_move_live(browser, board):
    waiting = board["waiting"]
    with asgi_server(free_port()) as url:
        first, _refused = open_board(browser, url, board)
        second, refused = open_board(browser, url, board)
        assert second.locator(f"#tray-list #card-{waiting.pk}").count() == 1

        choose_by_keyboard(first, waiting, room_letters="Studio", time="14:00")
        in_lane(first, waiting, "studio").wait_for()

        in_lane(second, waiting, "studio").wait_for()
        assert second.locator(f"#tray-list #card-{waiting.pk}").count() == 0
        first.context.close()
        second.context.close()
    assert not refused, refused


def test_a_move_from_a_stale_board_is_refused_and_the_card_refreshed(browser, board):
    waiting = board["waiting"]
    with asgi_server(free_port()) as url:
        page, refused = open_board(browser, url, board)
        # Another door moves the session meanwhile; this board has not heard of it yet.
        Session.objects.filter(pk=waiting.pk).update(version=waiting.version + 1)

        choose_by_keyboard(page, waiting, room_letters="Studio", time="12:00")
        assert "changed" in said(page, "alert")
        card = page.locator(f"#card-{waiting.pk}")
        assert card.get_attribute("data-version") == str(waiting.version + 1)
        page.context.close()
    assert not refused, refused


@pytest.mark.parametrize("size", [(390, 844), (1366, 900)])
def test_the_board_has_no_accessibility_violations_and_fits(browser, board, size):
    with asgi_server(free_port()) as url:
        page, refused = open_board(browser, url, board, size=size)
        violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
        assert not violations, describe(violations)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= size[0]
        # With the move form open too.
        page.locator(f"#select-{board['taken'].pk}").click()
        violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
        assert not violations, describe(violations)
        page.context.close()
    assert not refused, refused
