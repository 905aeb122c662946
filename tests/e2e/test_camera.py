"""Reading badges with the camera, in Chromium with a fake camera that films a real
badge: its PDF rendered, its QR code found and framed, written as a Y4M video that
Chromium plays, over and over, as the camera. The booth scanner page saves a lead from it
and lets go of the camera; the gate scanner page admits the ticket and goes on reading
badge after badge, sending a badge held in front of it once; a camera that may not be
used, or is not there, is explained; both pages fit a phone and pass axe with the camera
on."""

import os
import shutil

import pypdfium2
import pytest
import zxingcpp
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from PIL import Image

from exhibitors import services as exhibitors
from exhibitors.models import Exhibitor, Lead
from tests.conftest import attendee
from tests.e2e.conftest import ARGS, CHROMIUM, csp_violations
from tests.e2e.test_accessibility import WCAG_21_AA, describe
from ticketing import services as ticketing
from ticketing.badges import render_badge
from ticketing.models import CheckIn, ScannerDevice, ScanPoint

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
PAGE_WIDTH = "() => document.documentElement.scrollWidth"
FRAME_WIDTH, FRAME_HEIGHT = 640, 480
FRAMES_PER_SECOND = 5
# How long the gate's camera ignores the badge it has just read (REPEAT_PAUSE in
# static/expo/camera.js), in seconds.
REPEAT_PAUSE = 3
LONG_NAME = "Maria Magdalena Åkesson-Öberg-Næss-Lindqvist-Håkansson"
LONG_ORGANISATION = "Stadsbyggnadskontorets-hållbarhetsavdelning-för-framtidens-smarta-städer AB"
DENIED = "The camera may not be used here"
MISSING = "No camera was found on this device"


def badge_frame(ticket):
    """What a phone's camera sees of ``ticket``'s printed badge held up to it: the
    badge's QR code and some of the card around it, on a grey background."""
    pdf = pypdfium2.PdfDocument(render_badge(ticket))
    badge = pdf[0].render(scale=200 / 72).to_pil().convert("RGB")
    pdf.close()
    (found,) = zxingcpp.read_barcodes(badge)
    assert found.text == ticket.code  # the badge carries the ticket's real code
    corners = [found.position.top_left, found.position.top_right]
    corners += [found.position.bottom_left, found.position.bottom_right]
    left, right = min(p.x for p in corners), max(p.x for p in corners)
    top, bottom = min(p.y for p in corners), max(p.y for p in corners)
    margin = (right - left) // 3
    card = badge.crop((left - margin, top - margin, right + margin, bottom + margin))
    card = card.resize((380, 380), Image.Resampling.LANCZOS)
    frame = grey_frame()
    frame.paste(card, ((FRAME_WIDTH - card.width) // 2, (FRAME_HEIGHT - card.height) // 2))
    return frame


def grey_frame():
    """What the camera sees when no badge is held up to it."""
    return Image.new("RGB", (FRAME_WIDTH, FRAME_HEIGHT), (118, 124, 130))


def write_y4m(path, *scenes):
    """A video of ``scenes``, each a frame and how many seconds it is shown, in
    YUV4MPEG2 (4:2:0), the format Chromium's fake camera plays from a file (and plays
    again from the start when it ends): a header, then per frame the Y plane and the
    quarter-size U and V planes."""
    half = (FRAME_WIDTH // 2, FRAME_HEIGHT // 2)
    with open(path, "wb") as video:
        size = f"W{FRAME_WIDTH} H{FRAME_HEIGHT} F{FRAMES_PER_SECOND}:1"
        video.write(f"YUV4MPEG2 {size} Ip A1:1 C420jpeg\n".encode())
        for frame, seconds in scenes:
            luma, blue, red = frame.convert("YCbCr").split()
            planes = luma.tobytes() + blue.resize(half).tobytes() + red.resize(half).tobytes()
            for _ in range(round(seconds * FRAMES_PER_SECOND)):
                video.write(b"FRAME\n" + planes)
    return path


@pytest.fixture
def launch():
    """Starts Chromium with a fake camera playing ``video`` (or with no camera at all
    when ``video`` is None); every browser it starts is closed after the test."""
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        pytest.skip("Debian's chromium package is not installed")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    browsers = []

    def start(video, *, answer_prompts=True):
        args = [*ARGS]
        if answer_prompts:
            args.append("--use-fake-ui-for-media-stream")
        if video is not None:
            args += [
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ]
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        browsers.append(browser)
        return browser

    try:
        yield start
    finally:
        for browser in browsers:
            browser.close()
        playwright.stop()
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def phone_page(browser, live_server, *, user=None, camera=True):
    """A phone-sized page, signed in as ``user``; the camera allowed if ``camera``. The
    page's CSP refusals are collected in ``page.refused``."""
    context = browser.new_context(
        viewport=PHONE, locale="en-GB", permissions=["camera"] if camera else []
    )
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
    page = context.new_page()
    page.refused = csp_violations(page)
    return page


@pytest.fixture
def visitor(future_expo, future_season):
    return ticketing.register(
        future_expo,
        future_season,
        [
            attendee(
                LONG_NAME,
                "maria@example.org",
                organisation=LONG_ORGANISATION,
                share_contact_with_exhibitors=True,
            )
        ],
    ).tickets.get()


@pytest.fixture
def second_visitor(future_expo, future_season):
    return ticketing.register(
        future_expo, future_season, [attendee("Bo Ek", "bo@example.org")]
    ).tickets.get()


@pytest.fixture
def badge_video(tmp_path, visitor):
    """One badge held up to the camera all the time."""
    return write_y4m(tmp_path / "badge.y4m", (badge_frame(visitor), 2))


@pytest.fixture
def empty_video(tmp_path):
    """A camera that sees no badge: it keeps looking until it is stopped."""
    return write_y4m(
        tmp_path / "empty.y4m", (Image.new("RGB", (FRAME_WIDTH, FRAME_HEIGHT), "grey"), 2)
    )


@pytest.fixture
def acme(future_expo):
    return Exhibitor.objects.create(expo=future_expo, name="Acme Stad AB")


@pytest.fixture
def staff(acme):
    return exhibitors.add_member(acme, username="siv", email="siv@acme.se", name="Siv Acme").user


@pytest.fixture
def gate(future_expo):
    return ScanPoint.objects.create(expo=future_expo, slug="north", name="North gate", kind="gate")


@pytest.fixture
def device(future_expo):
    return ScannerDevice.objects.create(expo=future_expo, name="Gate phone")


def start_gate(page, live_server, device):
    page.goto(f"{live_server.url}/scan/future/north/")
    page.fill("#device-key", device.key)
    page.press("#device-key", "Enter")
    page.locator("#code").wait_for(state="visible")


def camera_state(page):
    """Whether the page holds a live camera track, and what the camera block says."""
    return page.evaluate(
        """() => {
            const video = document.querySelector(".camera-preview");
            const tracks = video.srcObject ? video.srcObject.getTracks() : [];
            return {
                live: tracks.some(track => track.readyState === "live"),
                state: document.querySelector("[data-camera]").dataset.state,
                preview: !video.hidden,
                status: document.querySelector(".camera-status").textContent,
                button: document.querySelector(".camera-toggle").textContent,
            };
        }"""
    )


def test_the_booth_camera_reads_a_badge_and_saves_the_lead(
    live_server, launch, badge_video, acme, staff, visitor
):
    page = phone_page(launch(badge_video), live_server, user=staff)
    # As in Firefox and desktop Chromium: the vendored jsQR reads the frames.
    page.add_init_script("delete window.BarcodeDetector;")
    page.goto(f"{live_server.url}/portal/{acme.pk}/scan/")
    assert camera_state(page)["live"] is False  # nothing starts before the button
    page.get_by_role("button", name="Use camera").click()

    page.get_by_text("Lead saved.").wait_for()
    lead = Lead.objects.get()
    assert (lead.exhibitor, lead.ticket, lead.scanned_by) == (acme, visitor, staff)
    assert LONG_NAME in page.locator(".answer-box").inner_text()
    assert camera_state(page)["live"] is False  # the new page starts without the camera
    assert not page.refused, page.refused


def scan_requests(page):
    """The check-in requests the page sends, collected as it sends them."""
    sent = []
    page.on(
        "request",
        lambda request: (
            sent.append(request)
            if request.method == "POST" and request.url.endswith("/api/v1/checkins/")
            else None
        ),
    )
    return sent


def wait_until(page, condition, seconds=15):
    """Lets the page run until ``condition()`` holds, or fails after ``seconds``."""
    for _ in range(seconds * 10):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still not so after {seconds} s")


def test_the_gate_camera_admits_a_badge_and_keeps_running(
    live_server, launch, badge_video, gate, device, visitor
):
    page = phone_page(launch(badge_video), live_server)
    scans = scan_requests(page)
    start_gate(page, live_server, device)
    page.get_by_role("button", name="Use camera").click()

    answer = page.locator("#answer")
    answer.wait_for(state="visible")
    assert answer.get_attribute("data-result") == "admitted", answer.inner_text()
    assert "Welcome in" in answer.inner_text() and LONG_NAME in answer.inner_text()
    check_in = CheckIn.objects.get()
    assert (check_in.ticket, check_in.result, check_in.device) == (visitor, "entered", device)
    # The camera goes on to the next badge without a press…
    page.wait_for_function(
        "() => document.querySelector('.camera-status').textContent.startsWith('Hold the next')"
    )
    state = camera_state(page)
    assert (state["live"], state["state"], state["preview"]) == (True, "on", True)
    assert state["button"] == "Stop the camera"
    # A focused input would open a phone's on-screen keyboard over the camera's view.
    assert page.evaluate("() => document.activeElement.id") != "code"
    # …and leaves the badge still held up to it alone, for longer than the pause.
    page.wait_for_timeout((REPEAT_PAUSE + 2) * 1000)
    assert len(scans) == 1 and CheckIn.objects.count() == 1
    assert camera_state(page)["live"] is True

    page.get_by_role("button", name="Stop the camera").click()
    state = camera_state(page)
    assert (state["live"], state["state"], state["preview"]) == (False, "off", False)
    assert (state["button"], state["status"]) == ("Use camera", "The camera is off.")
    page.wait_for_timeout(1000)
    assert len(scans) == 1
    assert not page.refused, page.refused


def test_the_gate_camera_reads_the_next_badge_without_a_press(
    live_server, launch, tmp_path, gate, device, visitor, second_visitor
):
    video = write_y4m(
        tmp_path / "two-badges.y4m",
        (badge_frame(visitor), 2),
        (badge_frame(second_visitor), 2),
    )
    page = phone_page(launch(video), live_server)
    scans = scan_requests(page)
    start_gate(page, live_server, device)
    page.get_by_role("button", name="Use camera").click()

    wait_until(page, lambda: CheckIn.objects.count() >= 2)
    first_two = [(c.ticket, c.result) for c in CheckIn.objects.order_by("pk")[:2]]
    assert sorted(first_two, key=lambda pair: pair[0].pk) == [
        (visitor, "entered"),
        (second_visitor, "entered"),
    ]
    assert camera_state(page)["live"] is True

    # A hidden page (the phone locked) lets go of the camera, and no badge is sent more.
    page.evaluate(
        """() => {
            Object.defineProperty(document, "hidden", { value: true, configurable: true });
            document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )
    state = camera_state(page)
    assert (state["live"], state["state"], state["preview"]) == (False, "off", False)
    sent = len(scans)
    page.wait_for_timeout(4500)  # the video comes round to both badges again
    assert len(scans) == sent
    assert not page.refused, page.refused


def test_a_badge_shown_again_after_the_pause_is_answered_as_a_repeat(
    live_server, launch, tmp_path, gate, device, visitor
):
    video = write_y4m(
        tmp_path / "badge-again.y4m",
        (badge_frame(visitor), 1),
        (grey_frame(), REPEAT_PAUSE + 1.5),
    )
    page = phone_page(launch(video), live_server)
    scans = scan_requests(page)
    start_gate(page, live_server, device)
    page.get_by_role("button", name="Use camera").click()

    answer = page.locator("#answer[data-result=refused]")
    answer.wait_for()
    assert "Already inside" in answer.inner_text() and LONG_NAME in answer.inner_text()
    check_ins = [(c.ticket, c.result) for c in CheckIn.objects.order_by("pk")]
    assert check_ins == [(visitor, "entered"), (visitor, "already_inside")]
    assert len(scans) == 2

    # The red answer covers the screen; a tap puts it away and the button is in reach.
    answer.click()
    answer.wait_for(state="hidden")
    page.get_by_role("button", name="Stop the camera").click()
    assert camera_state(page)["state"] == "off"
    assert not page.refused, page.refused


def test_a_camera_that_may_not_be_used_is_explained_and_typing_still_works(
    live_server, launch, badge_video, acme, staff, visitor
):
    page = phone_page(
        launch(badge_video, answer_prompts=False), live_server, user=staff, camera=False
    )
    page.goto(f"{live_server.url}/portal/{acme.pk}/scan/")
    page.get_by_role("button", name="Use camera").click()

    status = page.get_by_role("status").filter(has_text=DENIED)
    status.wait_for()
    state = camera_state(page)
    assert (state["live"], state["state"], state["button"]) == (False, "off", "Use camera")
    assert not Lead.objects.exists()

    # A keyboard-wedge scanner types the code and Enter, as before.
    page.locator("#id_code").focus()
    page.keyboard.type(visitor.code)
    page.keyboard.press("Enter")
    page.get_by_text("Lead saved.").wait_for()
    assert Lead.objects.get().ticket == visitor
    assert not page.refused, page.refused


def test_a_device_without_a_camera_is_explained(live_server, launch, gate, device):
    page = phone_page(launch(None), live_server)
    start_gate(page, live_server, device)
    page.get_by_role("button", name="Use camera").click()
    page.get_by_role("status").filter(has_text=MISSING).wait_for()
    assert camera_state(page)["state"] == "off"
    assert page.locator("#answer").is_hidden()  # no scan was sent
    assert not CheckIn.objects.exists()


def test_the_camera_stops_when_pressed_again_or_when_the_page_is_hidden(
    live_server, launch, empty_video, acme, staff
):
    page = phone_page(launch(empty_video), live_server, user=staff)
    page.goto(f"{live_server.url}/portal/{acme.pk}/scan/")
    button = page.locator(".camera-toggle")

    button.click()
    page.wait_for_function("() => document.querySelector('[data-camera]').dataset.state === 'on'")
    state = camera_state(page)
    assert state["live"] and state["preview"] and state["button"] == "Stop the camera"
    assert "Hold the badge" in state["status"]
    button.click()
    assert camera_state(page)["live"] is False and button.inner_text() == "Use camera"

    button.click()
    page.wait_for_function("() => document.querySelector('[data-camera]').dataset.state === 'on'")
    page.evaluate(
        """() => {
            Object.defineProperty(document, "hidden", { value: true, configurable: true });
            document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )
    state = camera_state(page)
    assert (state["live"], state["state"], state["preview"]) == (False, "off", False)
    assert state["status"] == "The camera is off."


def fits_and_passes_axe(page, name):
    width = page.evaluate(PAGE_WIDTH)
    assert width <= PHONE["width"], f"{name}: {width} px wide"
    violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
    assert not violations, f"{name}:\n{describe(violations)}"


def test_the_scanner_pages_fit_a_phone_and_pass_axe_with_the_camera_on(
    live_server, launch, empty_video, acme, staff, visitor, gate, device
):
    exhibitors.capture_lead(acme, visitor.code, user=staff, note="Vill ha offert", rating=4)
    browser = launch(empty_video)
    page = phone_page(browser, live_server, user=staff)
    page.goto(f"{live_server.url}/portal/{acme.pk}/scan/")
    fits_and_passes_axe(page, "booth scanner")
    page.get_by_role("button", name="Use camera").click()
    page.wait_for_function("() => document.querySelector('[data-camera]').dataset.state === 'on'")
    fits_and_passes_axe(page, "booth scanner, camera on")

    page.fill("#id_code", visitor.code)
    page.press("#id_code", "Enter")
    page.get_by_text("Already a lead").wait_for()
    fits_and_passes_axe(page, "booth scanner, a lead saved")

    page.get_by_role("link", name="Add a note or a rating").click()
    page.wait_for_url("**/leads/*/?from=scan")
    fits_and_passes_axe(page, "a lead")
    # Past the input's maxlength, as a script or an old browser could send it.
    page.locator("#id_note").evaluate("note => { note.value = 'x'.repeat(2001); }")
    page.get_by_role("button", name="Save the lead").click()
    page.locator(".error-summary").wait_for()
    fits_and_passes_axe(page, "a lead, with errors")
    page.get_by_role("link", name="Remove this lead…").click()
    page.wait_for_url("**/remove/?from=scan")
    fits_and_passes_axe(page, "remove a lead")

    gate_page = phone_page(browser, live_server)
    start_gate(gate_page, live_server, device)
    fits_and_passes_axe(gate_page, "gate scanner")
    gate_page.get_by_role("button", name="Use camera").click()
    gate_page.wait_for_function(
        "() => document.querySelector('[data-camera]').dataset.state === 'on'"
    )
    fits_and_passes_axe(gate_page, "gate scanner, camera on")
    page.goto(f"{live_server.url}/portal/{acme.pk}/scan/")
    for scanner in (gate_page, page):
        scanner.set_viewport_size(DESKTOP)
        assert scanner.evaluate(PAGE_WIDTH) <= DESKTOP["width"]
    assert not page.refused and not gate_page.refused, page.refused + gate_page.refused


def test_staff_change_and_remove_a_lead_from_the_portal(
    live_server, launch, empty_video, acme, staff, visitor
):
    lead, _created = exhibitors.capture_lead(acme, visitor.code, user=staff, rating=2)
    page = phone_page(launch(empty_video), live_server, user=staff)
    page.goto(f"{live_server.url}/portal/{acme.pk}/")
    page.get_by_role("link", name="Change or remove").click()
    page.get_by_label("Note").fill("Ring på måndag")
    page.get_by_label("Rating").select_option("5")
    page.get_by_role("button", name="Save the lead").click()
    page.get_by_text("The lead is saved.").wait_for()
    lead.refresh_from_db()
    assert (lead.note, lead.rating) == ("Ring på måndag", 5)

    page.get_by_role("link", name="Change or remove").click()
    page.get_by_role("link", name="Remove this lead…").click()
    page.get_by_role("button", name="Remove the lead").click()
    page.get_by_text("The lead is removed.").wait_for()
    assert not Lead.objects.exists()
    assert not page.refused, page.refused
