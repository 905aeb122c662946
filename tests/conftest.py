import contextlib
import contextvars
import datetime as dt
import socket
import threading
import zoneinfo
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone, translation
from django_scopes import scopes_disabled
from django_tasks_db.management.commands import db_worker
from rest_framework.test import APIClient

from events import services as programme
from events.models import Expo, Hall, Room, Session, Speaker, Track
from ticketing import services
from ticketing.models import TicketType

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


def at_once(function, arguments):
    """Call ``function(argument)`` for every argument, each in its own thread on its own
    database connection, all released at the same instant: how the race tests make many
    clients arrive together. Returns what each call returned, or the exception it raised,
    in the order they finished."""
    barrier = threading.Barrier(len(arguments))
    outcomes = []

    def run(argument):
        try:
            barrier.wait()
            outcomes.append(function(argument))
        except Exception as error:  # the caller asserts on it
            outcomes.append(error)
        finally:
            connections.close_all()

    # Each thread runs in a copy of the caller's context, and so in its expo scope.
    threads = [
        threading.Thread(target=contextvars.copy_context().run, args=(run, argument))
        for argument in arguments
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def send_queued_mail():
    """Run the task worker until no task is due: how a test sends the outbox's mail.

    The worker closes its database connection between tasks, as it should in a process
    of its own; here it shares the test's connection and transaction, so that step is
    left out."""
    with mock.patch.object(db_worker, "close_old_connections"):
        call_command(
            "db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0
        )


def formset_data(prefix, rows=(), initial=0):
    """The POST data of an admin inline's formset: its management form and ``rows``."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


@contextlib.contextmanager
def hung_listener():
    """A TCP server that accepts connections and never answers: a hung Redis or mail
    server. Yields its port and an event set once something has connected."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted = []
    connected = threading.Event()

    def accept():
        with contextlib.suppress(OSError):
            while True:
                connection, _address = server.accept()
                accepted.append(connection)
                connected.set()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield server.getsockname()[1], connected
    finally:
        server.close()
        for connection in accepted:
            connection.close()


def exhibitor_admin_form(
    exhibitor, members=(), booth_days=(), initial_members=0, initial_booth_days=0, **changes
):
    """The POST data of an exhibitor's admin change page: its fields as they are, with
    ``changes``, and the rows of its staff and booth-day inlines (the first ``initial_…``
    of them existing rows)."""
    return {
        "name": exhibitor.name,
        "tagline": "",
        "description": "",
        "website": "",
        "contact_email": "",
        "contact_phone": "",
        "tier": exhibitor.tier,
        "days": "[]",
        "staff_badge_limit": str(exhibitor.staff_badge_limit),
        "_save": "Save",
        **formset_data("members", members, initial_members),
        **formset_data("booth_days", booth_days, initial_booth_days),
        **changes,
    }


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def local(day, hour, minute=0, tz=STOCKHOLM):
    """An aware moment at a local wall-clock time on ``day``."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "scoped: the test runs with the expo scopes enforced, as requests are"
    )


@pytest.fixture(autouse=True)
def unscoped(request):
    """Tests set up several expos at once, so queries run outside any expo's scope, as
    the demo and the commands do; a request still enters its own expo's scope in the
    middleware. Tests marked ``scoped`` prove the scoping itself."""
    if request.node.get_closest_marker("scoped"):
        yield
        return
    with scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def no_throttling(settings):
    """The suite registers, scans and reads far faster than any one client may: the API's
    limits are off unless a test sets a rate (tests/test_limits.py)."""
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(rates),
    }


@pytest.fixture(autouse=True)
def fresh_lookups():
    """Each test starts without the scan lookups an earlier test left in this process."""
    from ticketing import lookups, selectors

    lookups.forget()
    selectors._finished_hours.clear()


@pytest.fixture
def expo(db):
    return Expo.objects.create(
        slug="city-expo",
        name="Malmö City Expo",
        start_date=dt.date(2026, 6, 1),
        end_date=dt.date(2026, 6, 7),
        time_zone="Europe/Stockholm",
    )


@pytest.fixture
def other_expo(db):
    return Expo.objects.create(
        slug="other-expo",
        name="Other Expo",
        start_date=dt.date(2026, 6, 1),
        end_date=dt.date(2026, 6, 7),
    )


@pytest.fixture
def hall(expo):
    return Hall.objects.create(expo=expo, slug="hall-a", name="Hall A", capacity=2000)


@pytest.fixture
def room(expo, hall):
    return Room.objects.create(expo=expo, hall=hall, slug="a1", name="Room A1", capacity=120)


@pytest.fixture
def other_room(expo, hall):
    return Room.objects.create(expo=expo, hall=hall, slug="a2", name="Room A2", capacity=80)


@pytest.fixture
def track(expo):
    return Track.objects.create(expo=expo, slug="smart-city", name="Smart city")


@pytest.fixture
def speaker(expo):
    return Speaker.objects.create(expo=expo, name="Åsa Öberg", organisation="Malmö stad")


@pytest.fixture
def organiser(django_user_model, expo):
    user = django_user_model.objects.create_user("olga", password="pw-olga-123")
    expo.organisers.add(user)
    return user


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def organiser_api(organiser):
    client = APIClient()
    client.force_authenticate(organiser)
    return client


def attendee(name="Åsa Öberg", email="asa@example.org", **fields):
    return services.Attendee(name=name, email=email, **fields)


@pytest.fixture
def future_expo(db):
    """An expo running now, so that its sessions can still be booked."""
    today = timezone.localdate()
    return Expo.objects.create(
        slug="future",
        name="Expo Tomorrow",
        start_date=today,
        end_date=today + dt.timedelta(days=6),
        time_zone="Europe/Stockholm",
    )


@pytest.fixture
def future_day():
    return timezone.localdate() + dt.timedelta(days=2)


@pytest.fixture
def workshop_room(future_expo):
    hall = Hall.objects.create(expo=future_expo, slug="h", name="Hall Ö", capacity=1000)
    return Room.objects.create(expo=future_expo, hall=hall, slug="w", name="Verkstad", capacity=30)


def add_session(expo, room, day, hour, capacity=2, **fields):
    """A session planned and released in ``room`` from ``hour`` for an hour."""
    session = Session(
        expo=expo,
        planned_room=room,
        title=fields.pop("title", f"Workshop {hour}"),
        planned_start=local(day, hour),
        planned_end=local(day, hour + 1),
        capacity=capacity,
        **fields,
    )
    return released(programme.save_session(session))


def slot(room, start, end):
    """The fields of a session planned and released in ``room`` from ``start`` to ``end``,
    for sessions written straight to the database."""
    return {
        "room": room,
        "start": start,
        "end": end,
        "planned_room": room,
        "planned_start": start,
        "planned_end": end,
        "minutes": int((end - start).total_seconds() // 60),
    }


def released(session):
    """``session`` once the schedule of its expo has been released."""
    programme.release_schedule(session.expo)
    session.refresh_from_db()
    return session


@pytest.fixture
def workshop(future_expo, workshop_room, future_day):
    return add_session(future_expo, workshop_room, future_day, 10, title="Bygg en bikupa")


@pytest.fixture
def future_season(future_expo):
    return TicketType.objects.create(expo=future_expo, slug="season", name="Season", kind="season")


@pytest.fixture
def holders(future_expo, future_season):
    """Five valid season tickets of the running expo, each in its own order."""
    return [
        services.register(
            future_expo, future_season, [attendee(f"Holder {n}", f"holder{n}@example.org")]
        ).tickets.get()
        for n in range(5)
    ]


# Each test starts in the site's main language: a request through the test client leaves
# the language it chose active in the thread (a server's next request chooses again), and
# messages, dates and times are written in it.
@pytest.fixture(autouse=True)
def main_language_after_each_test():
    yield
    translation.deactivate()
