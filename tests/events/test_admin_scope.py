"""The back office keeps an organiser inside their expos: a matrix over every model admin
of the programme, tickets and exhibitors, for an organiser of expo A against expo B."""

import datetime as dt
import types
import zoneinfo

import pypdfium2
import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from events import services as programme
from events.admin_base import OrganiserScopeMixin, ScopedModelAdmin, expo_id_of, expo_path
from events.models import Conference, Expo, Hall, OpeningDay, Room, Session, Speaker, Track, Venue
from exhibitors import services as exhibiting
from exhibitors.models import Booth, BoothDay, Exhibitor, Lead, Member
from proposals import services as proposing
from proposals.models import Call
from tests.conftest import attendee, exhibitor_admin_form, formset_data
from ticketing import services as ticketing
from ticketing.models import (
    CheckIn,
    Quota,
    ScannerDevice,
    ScanPoint,
    SessionBooking,
    Ticket,
    TicketType,
)

pytestmark = pytest.mark.django_db

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
DAY = dt.date(2026, 6, 2)
APPS = {"events", "ticketing", "exhibitors", "proposals"}

#: Every model the back office registers, by its admin's URL name.
MODELS = [
    "events.expo",
    "events.venue",
    "events.hall",
    "events.room",
    "events.track",
    "events.conference",
    "events.speaker",
    "events.openingday",
    "events.session",
    "ticketing.tickettype",
    "ticketing.quota",
    "ticketing.order",
    "ticketing.ticket",
    "ticketing.sessionbooking",
    "ticketing.scanpoint",
    "ticketing.scannerdevice",
    "ticketing.checkin",
    "exhibitors.exhibitor",
    "exhibitors.booth",
    "exhibitors.lead",
    "proposals.call",
    "proposals.proposal",
]


def build_expo(slug, name, mark):
    """An expo with one of everything the back office shows, named with ``mark``."""
    expo = Expo.objects.create(
        slug=slug,
        name=name,
        start_date=dt.date(2026, 6, 1),
        end_date=dt.date(2026, 6, 3),
        time_zone="Europe/Stockholm",
    )
    venue = Venue.objects.create(expo=expo, name=f"Venue {mark}")
    hall = Hall.objects.create(expo=expo, venue=venue, slug="h", name=f"Hall {mark}", capacity=99)
    room = Room.objects.create(expo=expo, hall=hall, slug="r", name=f"Room {mark}", capacity=50)
    track = Track.objects.create(expo=expo, slug="t", name=f"Track {mark}")
    conference = Conference.objects.create(
        expo=expo, slug="c", name=f"Conference {mark}", start_date=DAY, end_date=DAY
    )
    speaker = Speaker.objects.create(expo=expo, name=f"Speaker {mark}")
    openingday = OpeningDay.objects.create(expo=expo, date=DAY, note=f"Note {mark}")
    session = programme.save_session(
        Session(
            expo=expo,
            planned_room=room,
            title=f"Session {mark}",
            planned_start=dt.datetime.combine(DAY, dt.time(10), tzinfo=STOCKHOLM),
            planned_end=dt.datetime.combine(DAY, dt.time(11), tzinfo=STOCKHOLM),
            track=track,
            conference=conference,
        ),
        speakers=[speaker],
    )
    programme.release_schedule(expo)
    session.refresh_from_db()
    tickettype = ticketing.save_ticket_type(
        TicketType(expo=expo, slug="s", name=f"Season {mark}", kind="season", capacity=10)
    )
    quota = ticketing.save_day_limit(Quota(expo=expo, day=DAY, size=100))
    order = ticketing.register(
        expo, tickettype, [attendee(f"Holder {mark}", f"holder-{mark}@example.org")]
    )
    ticket = order.tickets.get()
    sessionbooking = SessionBooking.objects.create(ticket=ticket, session=session, status="booked")
    scanpoint = ticketing.save_scan_point(
        ScanPoint(expo=expo, slug="g", name=f"Gate {mark}", kind="gate")
    )
    scannerdevice = ScannerDevice.objects.create(expo=expo, name=f"Phone {mark}")
    checkin = CheckIn.objects.create(
        expo=expo,
        scan_point=scanpoint,
        ticket=ticket,
        direction="in",
        result="entered",
        day=DAY,
        scanned_at=timezone.now(),
        device=scannerdevice,
    )
    exhibitor = exhibiting.save_exhibitor(Exhibitor(expo=expo, name=f"Exhibitor {mark}"))
    booth = exhibiting.save_booth(
        Booth(expo=expo, hall=hall, code=f"B{mark}", x=1, y=1, width=3, depth=3),
        exhibitor=exhibitor,
        days=[DAY],
    )
    member = exhibiting.add_member(
        exhibitor, username=f"staff-{mark}", email=f"staff-{mark}@example.org", name="Staff"
    )
    lead = Lead.objects.create(exhibitor=exhibitor, ticket=ticket, scanned_at=timezone.now())
    now = timezone.now()
    call = proposing.save_call(
        Call(expo=expo, opens_at=now, closes_at=now + dt.timedelta(days=1)), tracks=[track]
    )
    proposal = proposing.submit_proposal(
        call,
        proposer=member.user,
        exhibitor=exhibitor,
        fields={
            "title": f"Proposal {mark}",
            "abstract": "A",
            "kind": "talk",
            "length_minutes": 30,
            "language": "en",
            "track": track,
            "audience": "All",
        },
        speakers=[{"name": f"Speaker {mark}", "email": f"sp-{mark}@example.org"}],
    )
    return types.SimpleNamespace(
        expo=expo,
        venue=venue,
        hall=hall,
        room=room,
        track=track,
        conference=conference,
        speaker=speaker,
        openingday=openingday,
        session=session,
        tickettype=tickettype,
        quota=quota,
        order=order,
        ticket=ticket,
        sessionbooking=sessionbooking,
        scanpoint=scanpoint,
        scannerdevice=scannerdevice,
        checkin=checkin,
        exhibitor=exhibitor,
        booth=booth,
        boothday=BoothDay.objects.get(booth=booth),
        member=member,
        lead=lead,
        call=call,
        proposal=proposal,
    )


@pytest.fixture
def a():
    return build_expo("expo-a", "Expo A", "alpha")


@pytest.fixture
def b():
    return build_expo("expo-b", "Expo B", "bravo")


@pytest.fixture
def organiser(django_user_model, a):
    """A staff member who organises expo A only, with every permission of the back office."""
    user = django_user_model.objects.create_user("olga", password="pw-olga-123", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=APPS))
    a.expo.organisers.add(user)
    return user


@pytest.fixture
def client_a(client, organiser):
    client.force_login(organiser)
    return client


def url(model, view="changelist", *args):
    app, name = model.split(".")
    return reverse(f"admin:{app}_{name}_{view}", args=args)


def obj(world, model):
    return getattr(world, model.split(".")[1])


def of_b(b, objects):
    """Those of ``objects`` that belong to expo B."""
    return [item for item in objects if expo_id_of(item) == b.expo.pk]


def of_a(a, objects):
    return [item for item in objects if expo_id_of(item) == a.expo.pk]


def test_the_matrix_covers_every_registered_admin():
    registered = {
        f"{model._meta.app_label}.{model._meta.model_name}"
        for model in admin.site._registry
        if model._meta.app_label in APPS
    }
    assert registered == set(MODELS)


@pytest.mark.parametrize("model", MODELS)
def test_every_admin_and_its_inlines_stand_on_the_scoped_base(model):
    app, name = model.split(".")
    model_admin = next(
        model_admin
        for registered, model_admin in admin.site._registry.items()
        if registered._meta.label_lower == model
    )
    assert isinstance(model_admin, ScopedModelAdmin)
    assert all(issubclass(inline, OrganiserScopeMixin) for inline in model_admin.inlines)


@pytest.mark.parametrize("model", MODELS)
def test_the_list_shows_none_of_another_expos_rows(client_a, a, b, model):
    response = client_a.get(url(model))
    assert response.status_code == 200
    listed = list(response.context["cl"].result_list)
    assert obj(a, model) in listed
    assert of_b(b, listed) == []
    page = response.content.decode()
    assert "bravo" not in page and "Expo B" not in page  # Not in the filters either.


@pytest.mark.parametrize("model", MODELS)
def test_searching_finds_none_of_another_expos_rows(client_a, a, b, model):
    response = client_a.get(url(model), {"q": "bravo"})
    assert response.status_code == 200
    assert of_b(b, response.context["cl"].result_list) == []


@pytest.mark.parametrize("model", MODELS)
def test_another_expos_object_is_not_found(client_a, a, b, model):
    theirs = obj(b, model)
    for view in ("change", "delete", "history"):
        assert client_a.get(url(model, view, theirs.pk)).status_code == 404, view
        assert client_a.post(url(model, view, theirs.pk), {"post": "yes"}).status_code == 404
    assert type(theirs).objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("model", MODELS)
def test_the_organisers_own_object_opens(client_a, a, b, model):
    for view in ("change", "history"):
        assert client_a.get(url(model, view, obj(a, model).pk)).status_code == 200, view


def choice_querysets(response):
    """The querysets of every choice field on the page: the form's and its inlines'.

    An inline row's hidden primary key is left out: Django checks it against the rows of
    the inline's own (scoped) queryset, and an id from elsewhere edits nothing (see
    ``test_a_hall_inline_cannot_move_another_expos_room``).
    """
    fields = list(response.context["adminform"].form.fields.values())
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for form in [*formset.forms, formset.empty_form]:
            pk = formset.model._meta.pk.name
            fields.extend(field for name, field in form.fields.items() if name != pk)
    return [field.queryset for field in fields if getattr(field, "queryset", None) is not None]


@pytest.mark.parametrize("view", ["add", "change"])
@pytest.mark.parametrize("model", MODELS)
def test_related_choices_offer_none_of_another_expos_objects(client_a, a, b, model, view):
    args = (obj(a, model).pk,) if view == "change" else ()
    response = client_a.get(url(model, view, *args))
    if response.status_code == 403:  # Nothing to add here (orders, tickets, check-ins).
        return
    assert response.status_code == 200
    offered = [
        choice
        for queryset in choice_querysets(response)
        if expo_path(queryset.model) is not None
        for choice in queryset
    ]
    assert of_b(b, offered) == []
    if view == "add" and model != "events.expo":
        assert of_a(a, offered), "the page should offer the organiser's own objects"


def test_an_expo_field_offers_only_the_organisers_expos(client_a, a, b):
    form = client_a.get(url("events.hall", "add")).context["adminform"].form
    assert list(form.fields["expo"].queryset) == [a.expo]


@pytest.mark.parametrize(
    "model",
    [
        "events.venue",
        "events.speaker",
        "events.openingday",
        "ticketing.scannerdevice",
        "exhibitors.booth",
    ],
)
def test_deleting_by_action_deletes_none_of_another_expos_rows(client_a, a, b, model):
    mine, theirs = obj(a, model), obj(b, model)
    client_a.post(
        url(model),
        {"action": "delete_selected", "_selected_action": [mine.pk, theirs.pk], "post": "yes"},
    )
    assert not type(mine).objects.filter(pk=mine.pk).exists()  # The action itself works.
    assert type(theirs).objects.filter(pk=theirs.pk).exists()


def test_cancelling_another_expos_ticket_by_action_changes_nothing(client_a, a, b):
    client_a.post(
        url("ticketing.ticket"),
        {"action": "cancel_tickets", "_selected_action": [b.ticket.pk, a.ticket.pk]},
    )
    b.ticket.refresh_from_db()
    a.ticket.refresh_from_db()
    assert b.ticket.status == Ticket.Status.VALID
    assert a.ticket.status == Ticket.Status.CANCELLED  # The action itself works.


def test_printing_another_expos_badges_by_action_prints_nothing(client_a, a, b):
    def printed(ticket):
        response = client_a.post(
            url("ticketing.ticket"), {"action": "print_badges", "_selected_action": [ticket.pk]}
        )
        pdf = pypdfium2.PdfDocument(b"".join(response.streaming_content))
        return "".join(page.get_textpage().get_text_range() for page in pdf)

    assert "Holder alpha" in printed(a.ticket)
    assert "Holder bravo" not in printed(b.ticket)


def test_an_exhibitor_inline_cannot_take_another_expos_booth(client_a, a, b):
    data = exhibitor_admin_form(
        a.exhibitor, booth_days=[{"day": "2026-06-01", "booth": b.booth.pk}]
    )
    response = client_a.post(url("exhibitors.exhibitor", "change", a.exhibitor.pk), data)
    assert response.status_code == 200
    assert not response.context["adminform"].form.errors  # refused for the booth alone
    assert "booth" in response.context["inline_admin_formsets"][1].formset.forms[0].errors
    assert not BoothDay.objects.filter(exhibitor=a.exhibitor, booth=b.booth).exists()


def test_an_exhibitor_inline_cannot_change_another_expos_booth_day(client_a, a, b):
    rows = [{"id": b.boothday.pk, "day": "2026-06-03", "booth": a.booth.pk}]
    data = exhibitor_admin_form(a.exhibitor, booth_days=rows, initial_booth_days=1)
    response = client_a.post(url("exhibitors.exhibitor", "change", a.exhibitor.pk), data)
    assert not response.context["adminform"].form.errors  # refused for the booth day alone
    b.boothday.refresh_from_db()
    assert (b.boothday.booth, b.boothday.exhibitor, b.boothday.day) == (b.booth, b.exhibitor, DAY)


def test_a_booth_inline_cannot_give_the_booth_to_another_expos_exhibitor(client_a, a, b):
    data = {
        "hall": a.hall.pk,
        "code": a.booth.code,
        "x": "1",
        "y": "1",
        "width": "3",
        "depth": "3",
        "_save": "Save",
        **formset_data("booth_days", [{"day": "2026-06-01", "exhibitor": b.exhibitor.pk}]),
    }
    response = client_a.post(url("exhibitors.booth", "change", a.booth.pk), data)
    assert response.status_code == 200
    assert not BoothDay.objects.filter(booth=a.booth, exhibitor=b.exhibitor).exists()


def test_a_staff_inline_cannot_take_over_another_expos_member(client_a, a, b):
    rows = [{"id": b.member.pk, "user": a.member.user.pk}]
    data = exhibitor_admin_form(a.exhibitor, members=rows, initial_members=1)
    response = client_a.post(url("exhibitors.exhibitor", "change", a.exhibitor.pk), data)
    assert not response.context["adminform"].form.errors  # refused for the member alone
    b.member.refresh_from_db()
    assert b.member.exhibitor == b.exhibitor
    assert Member.objects.filter(exhibitor=b.exhibitor).count() == 1


def test_a_hall_inline_cannot_move_another_expos_room(client_a, a, b):
    data = {
        "name": a.hall.name,
        "slug": a.hall.slug,
        "venue": a.venue.pk,
        "capacity": "99",
        "_save": "Save",
        **formset_data(
            "rooms", [{"id": b.room.pk, "name": "Taken", "slug": "x", "capacity": 5}], 1
        ),
    }
    client_a.post(url("events.hall", "change", a.hall.pk), data)
    b.room.refresh_from_db()
    assert (b.room.hall, b.room.name) == (b.hall, "Room bravo")


@pytest.mark.parametrize(
    "model",
    ["events.session", "events.room", "events.conference", "exhibitors.booth", "events.track"],
)
def test_a_raw_id_lookup_lists_none_of_another_expos_objects(client_a, a, b, model):
    response = client_a.get(url(model), {"_to_field": "id", "_popup": "1"})
    assert response.status_code == 200
    listed = list(response.context["cl"].result_list)
    assert obj(a, model) in listed
    assert of_b(b, listed) == []


@pytest.mark.parametrize(
    ("source", "field", "model"),
    [
        ("events.session", "room", "events.room"),
        ("events.session", "track", "events.track"),
        ("events.session", "conference", "events.conference"),
        ("events.session", "speakers", "events.speaker"),
        ("ticketing.tickettype", "conference", "events.conference"),
        ("ticketing.scanpoint", "session", "events.session"),
    ],
)
def test_an_autocomplete_offers_none_of_another_expos_objects(client_a, a, b, source, field, model):
    app, name = source.split(".")
    response = client_a.get(
        reverse("admin:autocomplete"),
        {"app_label": app, "model_name": name, "field_name": field, "term": ""},
    )
    assert response.status_code == 200
    ids = {int(result["id"]) for result in response.json()["results"]}
    assert obj(a, model).pk in ids
    assert obj(b, model).pk not in ids


def test_a_superuser_sees_every_expo(client, django_user_model, a, b):
    client.force_login(django_user_model.objects.create_superuser("root", password="pw-root-1"))
    listed = list(client.get(url("ticketing.scannerdevice")).context["cl"].result_list)
    assert {device.expo for device in listed} == {a.expo, b.expo}
    assert client.get(url("ticketing.order", "change", b.order.pk)).status_code == 200


def test_a_staff_inline_names_only_accounts_the_organiser_knows(client_a, a, b, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw-root-123")
    change = url("exhibitors.exhibitor", "change", a.exhibitor.pk)
    for stranger in (root, b.member.user):
        data = exhibitor_admin_form(a.exhibitor, members=[{"user": stranger.pk}])
        response = client_a.post(change, data)
        assert response.status_code == 200
        assert "user" in response.context["inline_admin_formsets"][0].formset.forms[0].errors
        assert not Member.objects.filter(exhibitor=a.exhibitor, user=stranger).exists()
    # Someone who already works at the organiser's expo can be named.
    colleague = django_user_model.objects.create_user("otto", email="otto@example.org")
    a.expo.organisers.add(colleague)
    data = exhibitor_admin_form(a.exhibitor, members=[{"user": colleague.pk}])
    assert client_a.post(change, data).status_code == 302
    assert Member.objects.filter(exhibitor=a.exhibitor, user=colleague).exists()


@pytest.mark.parametrize(
    "query",
    [
        "ticketing/quota/?day__year=9999&day__month=12&day__day=31",
        "ticketing/quota/?day__year=99999999999999",
        "ticketing/checkin/?scanned_at__year=9999&scanned_at__month=12",
    ],
)
def test_a_date_drill_down_past_the_calendar_is_a_bad_lookup(client_a, query):
    response = client_a.get(f"/admin/{query}")
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


def test_a_json_field_nested_too_deep_is_a_form_error(client_a, a):
    data = {
        "expo": a.expo.pk,
        "slug": "deep",
        "name": "Deep",
        "kind": "day",
        "price": "0",
        "max_per_order": "10",
        "valid_days": "[" * 5000 + "]" * 5000,
        "_save": "Save",
    }
    response = client_a.post(url("ticketing.tickettype", "add"), data)
    assert response.status_code == 200
    assert "valid_days" in response.context["adminform"].form.errors
