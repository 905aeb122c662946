import pytest

from ticketing.models import CheckIn, ScannerDevice, ScanPoint

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def gate(future_expo):
    return ScanPoint.objects.create(expo=future_expo, slug="north", name="North gate", kind="gate")


@pytest.fixture
def device(future_expo):
    return ScannerDevice.objects.create(expo=future_expo, name="Gate phone")


def scan(page, code):
    """What a keyboard-wedge scanner does: type the code, then Enter, into whatever has
    the focus, which the page keeps on the code input."""
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'code'")
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    answer = page.locator("#answer")
    answer.wait_for(state="visible")
    return answer.get_attribute("data-result"), answer.inner_text()


def test_a_gate_scanner_lets_a_visitor_in_once(live_server, page, holders, gate, device):
    page.goto(f"{live_server.url}/scan/future/north/")
    page.fill("#device-key", device.key)
    page.press("#device-key", "Enter")
    page.locator("#code").wait_for(state="visible")

    result, text = scan(page, holders[0].code)
    assert result == "admitted"
    assert "Welcome in" in text and "Holder 0" in text

    result, text = scan(page, holders[0].code)
    assert result == "refused"
    assert "Already inside" in text

    result, text = scan(page, holders[1].code[:-3] + "AAA")
    assert result == "refused"
    assert "Not a valid ticket" in text
    assert [c.result for c in CheckIn.objects.order_by("scanned_at")] == [
        "entered",
        "already_inside",
        "invalid_code",
    ]


def test_a_scan_whose_answer_was_lost_is_retried_and_counted_once(
    live_server, page, holders, gate, device
):
    """The first request reaches the server, but its answer never reaches the page: the
    page retries with the same nonce and shows the first scan's result."""
    lost = []

    def lose_first_answer(route):
        if not lost:
            lost.append(route.fetch().json())  # the server scans the badge …
            route.abort("connectionreset")  # … and the page hears nothing back
        else:
            route.continue_()

    page.route("**/api/v1/checkins/", lose_first_answer)
    page.goto(f"{live_server.url}/scan/future/north/")
    page.fill("#device-key", device.key)
    page.press("#device-key", "Enter")
    page.locator("#code").wait_for(state="visible")

    result, text = scan(page, holders[0].code)
    assert lost[0]["result"] == "entered"
    assert (result, "Welcome in" in text) == ("admitted", True), text
    assert [c.result for c in CheckIn.objects.all()] == ["entered"]
    assert CheckIn.objects.get().nonce
    assert page.locator("#scan-status").inner_text() == ""


def test_a_wrong_key_asks_for_the_key_again(live_server, page, holders, gate):
    page.goto(f"{live_server.url}/scan/future/north/")
    page.fill("#device-key", "not-a-key")
    page.press("#device-key", "Enter")
    result, text = scan(page, holders[0].code)
    assert result == "refused"
    assert "key was refused" in text
    assert page.locator("#device-form").is_visible()
    assert not CheckIn.objects.exists()


def test_an_organiser_scans_with_their_session(
    live_server, page, holders, gate, django_user_model, future_expo
):
    organiser = django_user_model.objects.create_user("olle", password="pw-olle-123", is_staff=True)
    future_expo.organisers.add(organiser)
    page.goto(f"{live_server.url}/admin/login/?next=/scan/future/north/")
    page.fill("#id_username", "olle")
    page.fill("#id_password", "pw-olle-123")
    page.press("#id_password", "Enter")
    page.locator("#code").wait_for(state="visible")
    result, text = scan(page, holders[2].code)
    assert (result, "Holder 2" in text) == ("admitted", True), text
    assert CheckIn.objects.get().user == organiser


def test_the_scanner_speaks_swedish(live_server, browser, holders, gate, device):
    context = browser.new_context(locale="sv-SE", extra_http_headers={"Accept-Language": "sv"})
    page = context.new_page()
    page.goto(f"{live_server.url}/scan/future/north/")
    assert page.locator("html").get_attribute("lang") == "sv"
    context.close()
