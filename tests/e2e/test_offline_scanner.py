"""The gate scanner with the network gone: it decides on the device, keeps the scans, and
sends them once it is back; and its decisions are the server's."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from events.models import Conference, Hall, Room
from tests.conftest import add_session, attendee
from tests.e2e.conftest import csp_violations
from tests.e2e.test_scanner import scan
from ticketing import services
from ticketing.models import CheckIn, Occupancy, ScannerDevice, ScanPoint, TicketType

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def gates(future_expo):
    return [
        ScanPoint.objects.create(expo=future_expo, slug=slug, name=f"{slug} gate", kind="gate")
        for slug in ("north", "south")
    ]


@pytest.fixture
def device(future_expo):
    return ScannerDevice.objects.create(expo=future_expo, name="Gate phone")


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    yield context
    context.close()


def open_scanner(context, url, device):
    page = context.new_page()
    refused = csp_violations(page)
    page.goto(url)
    page.fill("#device-key", device.key)
    page.press("#device-key", "Enter")
    ready(page)
    return page, refused


def ready(page):
    """The page has opened its store, fetched what it decides with and sent what it kept,
    and its service worker controls it."""
    page.wait_for_function("() => document.getElementById('scan-form').dataset.ready === '1'")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def pending(page):
    return page.locator("#pending-count").inner_text()


def test_a_gate_scans_offline_and_sends_every_scan_once_when_back(
    live_server, context, holders, gates, device
):
    north, south = gates
    services.cancel_ticket(holders[3])  # before the gate goes offline: it knows
    page, refused = open_scanner(context, f"{live_server.url}/scan/future/north/", device)
    assert "Online" in page.locator("#network-state").inner_text()
    assert "updated 0 min ago" in page.locator("#data-age").inner_text()

    context.set_offline(True)
    page.wait_for_function("() => !navigator.onLine")
    assert "Offline" in page.locator("#network-state").inner_text()
    # Meanwhile, elsewhere: one visitor comes in through the south gate, one ticket is
    # cancelled after the gate went offline.
    services.check_in(holders[1].code, south, "in")
    services.cancel_ticket(holders[4])

    result, text = scan(page, holders[0].code)
    assert (result, "Welcome in" in text) == ("admitted", True), text
    assert page.locator("#answer-offline").is_visible()
    assert scan(page, holders[0].code)[1].startswith("Already inside")
    forged = holders[2].code[:-3] + ("AAA" if not holders[2].code.endswith("AAA") else "BBB")
    assert scan(page, forged) == ("refused", scan(page, forged)[1])
    assert "Not a valid ticket" in scan(page, forged)[1]
    assert "Ticket cancelled" in scan(page, holders[3].code)[1]
    assert scan(page, holders[1].code)[0] == "admitted"  # inside already, through the south
    assert scan(page, holders[4].code)[0] == "admitted"  # cancelled since: it cannot know

    # Reloaded with no network, the page opens from its service worker and goes on.
    page.reload()
    ready(page)
    assert "Offline" in page.locator("#network-state").inner_text()
    assert "Already inside" in scan(page, holders[0].code)[1]
    assert scan(page, holders[2].code)[0] == "admitted"
    assert pending(page) == "Scans waiting to be sent: 10"
    assert not CheckIn.objects.filter(offline=True).exists()

    context.set_offline(False)
    page.wait_for_function(
        "() => document.getElementById('pending-count').textContent.endsWith(': 0')"
    )
    stored = CheckIn.objects.filter(scan_point=north)
    assert stored.count() == 10 and stored.filter(offline=True).count() == 10
    assert len(set(stored.values_list("nonce", flat=True))) == 10
    assert sorted(stored.values_list("result", flat=True)) == sorted(
        ["entered", "already_inside", "already_inside"]
        + ["invalid_code"] * 3
        + ["cancelled", "entered", "entered", "entered"]
    )
    conflicts = {c.ticket_id: c.conflict for c in stored.exclude(conflict="")}
    assert conflicts == {holders[1].pk: "already_inside", holders[4].pk: "cancelled"}
    assert Occupancy.objects.get(place="expo").inside == 4  # holders 0, 1, 2 and 4
    assert services.recount_attendance() == []
    assert not refused, refused


def test_the_organisers_see_the_conflicts(client, django_user_model, holders, gates, device):
    north, south = gates
    services.check_in(holders[0].code, south, "in")
    services.check_in(
        holders[0].code,
        north,
        "in",
        device=device,
        nonce="n",
        scanned_at=timezone.now(),
        offline_result="entered",
    )
    client.force_login(django_user_model.objects.create_superuser("root", password="pw-root-1"))
    page = client.get("/admin/ticketing/checkin/?conflict__exact=already_inside")
    assert page.status_code == 200
    assert page.context["cl"].result_count == 1


# The device's decisions are the server's


@pytest.fixture
def table(future_expo):
    """Tickets of every kind, valid today or not, limited to a hall or not, cancelled or
    not, and the places they are scanned at: the expo's gate, two hall doors and the doors
    of a conference's session today and of a session tomorrow."""
    today = future_expo.local_day(timezone.now())
    tomorrow = today + dt.timedelta(days=1)
    hall_a = Hall.objects.create(expo=future_expo, slug="a", name="Hall A", capacity=1000)
    hall_b = Hall.objects.create(expo=future_expo, slug="b", name="Hall B", capacity=1000)
    room = Room.objects.create(expo=future_expo, hall=hall_a, slug="r", name="Room", capacity=500)
    forum = Conference.objects.create(
        expo=future_expo, slug="forum", name="Forum", start_date=today, end_date=today
    )
    later = Conference.objects.create(
        expo=future_expo, slug="later", name="Later", start_date=tomorrow, end_date=tomorrow
    )
    session = add_session(future_expo, room, today, 10, capacity=500, conference=forum)
    other_day = add_session(future_expo, room, tomorrow, 10, capacity=500)
    points = [
        ScanPoint.objects.create(expo=future_expo, slug="gate", name="Gate", kind="gate"),
        ScanPoint.objects.create(expo=future_expo, slug="a", name="A", kind="hall", hall=hall_a),
        ScanPoint.objects.create(expo=future_expo, slug="b", name="B", kind="hall", hall=hall_b),
        ScanPoint.objects.create(
            expo=future_expo, slug="s", name="S", kind="session", session=session
        ),
        ScanPoint.objects.create(
            expo=future_expo, slug="t", name="T", kind="session", session=other_day
        ),
    ]
    tickets = []
    kinds = ["day", "multi_day", "season", "conference", "exhibitor", "speaker", "press"]
    for kind, valid_today, hall_only, cancelled in itertools.product(
        kinds, [True, False], [False, True], [False, True]
    ):
        slug = f"{kind}-{valid_today}-{hall_only}-{cancelled}".lower().replace("_", "-")
        day = today if valid_today else tomorrow
        fields = {}
        if kind == "multi_day":
            fields["valid_days"] = [day.isoformat(), (day + dt.timedelta(days=2)).isoformat()]
        elif kind == "conference":
            fields["conference"] = forum if valid_today else later
        elif kind in {"season", "exhibitor", "speaker", "press"} and not valid_today:
            fields["valid_days"] = [tomorrow.isoformat()]
        ticket_type = TicketType.objects.create(
            expo=future_expo, slug=slug, name=slug, kind=kind, **fields
        )
        if hall_only:
            ticket_type.halls.set([hall_b])
        order = services.register(
            future_expo,
            ticket_type,
            [attendee()],
            day=day if kind == "day" else None,
            handed_out=kind in {"exhibitor", "speaker", "press"},
        )
        ticket = order.tickets.get()
        if cancelled:
            services.cancel_ticket(ticket)
        tickets.append(ticket)
    return today, points, tickets


def ticket_name(tickets, n):
    """The ticket type's slug (kind, valid today, limited to a hall, cancelled) of the
    ``n``th code, or what the code is."""
    if n < len(tickets):
        return tickets[n].ticket_type.slug
    return ["forged", "another expo's", "not a code"][n - len(tickets)]


def test_the_device_decides_as_the_server_does(
    live_server, context, future_expo, table, device, expo
):
    today, points, tickets = table
    season = TicketType.objects.create(expo=expo, slug="season", name="Season", kind="season")
    foreign = services.register(expo, season, [attendee()]).tickets.get()
    codes = [ticket.code for ticket in tickets]
    genuine = tickets[0].code
    forged = genuine[:-10] + ("A" if genuine[-10] != "A" else "B") + genuine[-9:]
    codes += [forged, foreign.code, "hello"]
    page = context.new_page()
    page.goto(f"{live_server.url}/scan/future/gate/")
    device_answers = {}
    for point in points:
        device_answers[point.slug] = page.evaluate(
            """async ([url, key, codes, day]) => {
              const response = await fetch(url, {headers: {Authorization: "Token " + key}});
              const prepared = ExpoOffline.prepare(await response.json());
              const answers = [];
              for (const code of codes) {
                const ticketId = await ExpoOffline.verify(prepared, code);
                answers.push([
                  ExpoOffline.decide(prepared, ticketId, day, false),
                  ExpoOffline.decide(prepared, ticketId, day, true),
                ]);
              }
              return answers;
            }""",
            [
                f"/api/v1/expos/future/scan-points/{point.slug}/offline/",
                device.key,
                codes,
                today.isoformat(),
            ],
        )
    server_answers = {
        point.slug: [
            [services.check_in(code, point, "in").check_in.result for _ in range(2)]
            for code in codes
        ]
        for point in points
    }
    mismatches = [
        (point.slug, ticket_name(tickets, n), device_answers[point.slug][n], answers)
        for point in points
        for n, answers in enumerate(server_answers[point.slug])
        if device_answers[point.slug][n] != answers
    ]
    assert not mismatches, f"(scan point, ticket, device, server): {mismatches}"
    # The table reaches every answer a device can give.
    seen = {answer for rows in server_answers.values() for row in rows for answer in row}
    assert seen == {
        "entered",
        "already_inside",
        "not_valid_today",
        "not_valid_here",
        "cancelled",
        "invalid_code",
    }


def test_the_page_warns_when_its_data_is_old(live_server, context, gates, device, settings):
    settings.SCANNER_OFFLINE_WARN_MINUTES = 0  # anything fetched is already too old
    page, refused = open_scanner(context, f"{live_server.url}/scan/future/north/", device)
    warning = page.locator("#data-warning")
    assert warning.is_visible()
    assert "Older than 0 minutes" in warning.inner_text()
    assert not refused, refused


# A browser whose WebCrypto has no Ed25519 (Firefox before 129, Safari before 17).
NO_ED25519 = """
const importKey = crypto.subtle.importKey.bind(crypto.subtle);
crypto.subtle.importKey = function (format, data, algorithm, ...rest) {
  if ((algorithm.name || algorithm) === "Ed25519") {
    return Promise.reject(new DOMException("Ed25519 is not supported", "NotSupportedError"));
  }
  return importKey(format, data, algorithm, ...rest);
};
"""


def test_without_webcrypto_ed25519_the_kept_library_verifies(
    live_server, context, holders, gates, device
):
    context.add_init_script(NO_ED25519)
    page, refused = open_scanner(context, f"{live_server.url}/scan/future/north/", device)
    assert (
        page.evaluate(
            """() => crypto.subtle.importKey(
              "raw", new Uint8Array(32), {name: "Ed25519"}, false, ["verify"]
            ).then(() => "imported", (error) => error.name)"""
        )
        == "NotSupportedError"
    )
    context.set_offline(True)
    page.wait_for_function("() => !navigator.onLine")
    assert scan(page, holders[0].code)[0] == "admitted"
    forged = holders[1].code[:-3] + ("AAA" if not holders[1].code.endswith("AAA") else "BBB")
    assert "Not a valid ticket" in scan(page, forged)[1]
    assert "Not a valid ticket" in scan(page, holders[2].code[:-90] + holders[3].code[-86:])[1]
    assert not refused, refused


def test_a_server_that_does_not_answer_is_met_as_no_network(
    live_server, context, holders, gates, device
):
    """The venue's network is up, but the proxy answers 502 while the application
    restarts: the device decides, and the scan reaches the server once it answers."""
    page, refused = open_scanner(context, f"{live_server.url}/scan/future/north/", device)
    page.route("**/api/v1/checkins/", lambda route: route.fulfill(status=502, body="Bad gateway"))
    result, text = scan(page, holders[0].code)
    assert (result, "Welcome in" in text) == ("admitted", True), text
    assert page.locator("#answer-offline").is_visible()
    page.wait_for_function(
        "() => document.getElementById('pending-count').textContent.endsWith(': 0')"
    )
    stored = CheckIn.objects.get()
    assert (stored.result, stored.offline, stored.ticket) == ("entered", True, holders[0])
    assert not refused, refused
