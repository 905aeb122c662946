"""The API against its own OpenAPI schema.

Schemathesis reads ``/api/schema/`` and sends every operation requests generated from
it, in this process, through the site's WSGI application, as an organiser of a small
expo whose objects the paths name. Every answer must be something other than a server
error and match what the schema says of its status. The examples are few and
derandomized, so each run sends the same requests.
"""

import datetime as dt
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance

from events import services as programme
from events.models import Conference, Hall, OpeningDay, Room, Session, Speaker, Track
from exhibitors import services as exhibiting
from exhibitors.models import Booth, Exhibitor
from tests.conftest import attendee, local
from ticketing import services as ticketing
from ticketing.models import ScanPoint, TicketType

EXAMPLES_PER_OPERATION = 8


@pytest.fixture(scope="session")
def application():
    return get_wsgi_application()


@pytest.fixture(scope="session")
def api_schema(application, django_db_blocker):
    # Generated requests only, both valid and invalid ones: the schema's own examples and
    # the exhaustive boundary cases would take minutes on every run.
    config = SchemathesisConfig.from_dict(
        {
            "phases": {"examples": {"enabled": False}, "coverage": {"enabled": False}},
            "generation": {"mode": "all", "deterministic": True},
        }
    )
    with django_db_blocker.unblock():
        return schemathesis.openapi.from_wsgi(
            "/api/schema/?format=json", application, config=config
        )


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def same_connection():
    """Requests share the test's database connection and its transaction, as they do
    through Django's test client: nothing closes it between two requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def known(future_expo, organiser_of_future):
    """The paths' parameters, naming objects of a small expo."""
    expo = future_expo
    day = expo.start_date + dt.timedelta(days=1)
    hall = Hall.objects.create(expo=expo, slug="hall", name="Hallen", capacity=500)
    room = Room.objects.create(expo=expo, hall=hall, slug="room", name="Salen", capacity=40)
    track = Track.objects.create(expo=expo, slug="track", name="Spår")
    Conference.objects.create(
        expo=expo, slug="conference", name="Konferens", start_date=day, end_date=day
    )
    speaker = Speaker.objects.create(expo=expo, name="Åsa Öberg")
    session = programme.save_session(
        Session(
            expo=expo,
            planned_room=room,
            track=track,
            title="Gröna tak",
            planned_start=local(day, 10),
            planned_end=local(day, 11),
            capacity=10,
        ),
        speakers=[speaker],
    )
    programme.release_schedule(expo)
    OpeningDay.objects.create(expo=expo, date=day, opens_at=dt.time(10), closes_at=dt.time(18))
    season = TicketType.objects.create(expo=expo, slug="season", name="Season", kind="season")
    ticket = ticketing.register(expo, season, [attendee()]).tickets.get()
    booking = ticketing.book_session(ticket, session)
    ScanPoint.objects.create(expo=expo, slug="gate", name="Grind", kind="gate")
    exhibitor = Exhibitor.objects.create(expo=expo, name="Acme Stad AB")
    member = exhibiting.add_member(
        exhibitor, username="acme-staff", email="staff@acme.se", name="Siv Acme"
    )
    booth = Booth.objects.create(expo=expo, hall=hall, code="A1", x=1, y=1, width=3, depth=3)
    return {
        "expo_slug": expo.slug,
        "date": day.isoformat(),
        "booking_id": booking.pk,
        "member_id": member.pk,
        "/api/v1/expos/{slug}/": expo.slug,
        "/api/v1/expos/{expo_slug}/halls/{slug}/": hall.slug,
        "/api/v1/expos/{expo_slug}/rooms/{slug}/": room.slug,
        "/api/v1/expos/{expo_slug}/tracks/{slug}/": track.slug,
        "/api/v1/expos/{expo_slug}/conferences/{slug}/": "conference",
        "/api/v1/expos/{expo_slug}/ticket-types/{slug}/": season.slug,
        "/api/v1/expos/{expo_slug}/scan-points/{slug}/": "gate",
        "/api/v1/expos/{expo_slug}/speakers/{id}/": speaker.pk,
        "/api/v1/sessions/": session.pk,
        "/api/v1/tickets/": ticket.pk,
        "/api/v1/exhibitors/": exhibitor.pk,
        "/api/v1/booths/": booth.pk,
    }


@pytest.fixture
def organiser_of_future(django_user_model, future_expo):
    user = django_user_model.objects.create_user("organiser", password="pw-organiser-1")
    future_expo.organisers.add(user)
    return user


def name_known_objects(case, known):
    """Point the case's path parameters at the objects of ``known``."""
    path = case.operation.path
    for name in case.path_parameters or {}:
        if name in ("slug", "id"):
            value = known.get(path) or next(
                (
                    v
                    for prefix, v in known.items()
                    if prefix.endswith("/") and path.startswith(prefix)
                ),
                None,
            )
        else:
            value = known.get(name)
        if value is not None:
            case.path_parameters[name] = value


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_as_its_schema_says(case, known, organiser_of_future, same_connection):
    name_known_objects(case, known)
    token, _created = Token.objects.get_or_create(user=organiser_of_future)
    response = case.call(headers={"Authorization": f"Token {token.key}"})
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])


def test_every_operation_documents_the_contracts_errors(api_schema):
    for path, operations in api_schema.raw_schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "400" in responses, (method, path)
            if method in ("post", "patch", "put", "delete"):
                conflict = responses["409"]["content"]["application/json"]["schema"]
                assert conflict == {"$ref": "#/components/schemas/ConflictError"}, (method, path)


def test_the_schema_describes_speakers_and_times_as_they_are_sent(api_schema):
    components = api_schema.raw_schema["components"]["schemas"]
    read = components["PlannedSession"]["properties"]["speakers"]
    written = components["PatchedPlannedSessionRequest"]["properties"]["speakers"]
    assert read["items"]["type"] == "object"
    assert written["items"]["type"] == "integer"
    opens_at = components["Expo"]["properties"]["opens_at"]
    assert "format" not in opens_at
    assert re.match(opens_at["pattern"], "09:00:00") and re.match(opens_at["pattern"], "21:30")
    assert not re.match(opens_at["pattern"], "25:00")
