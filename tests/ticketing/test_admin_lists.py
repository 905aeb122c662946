"""The big lists of the back office (tickets, orders, check-ins, bookings, leads): their
paging counts exactly while small and says "about" when it estimates, their search finds
by e-mail, part of a name, an order's secret and a ticket's number, their filters work,
and an organiser still sees only their expo's rows through all of it."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Session
from expo.admin_paging import EstimatedCountPaginator
from expo.admin_search import IndexedSearchMixin
from tests.conftest import add_session, attendee
from ticketing import services
from ticketing.models import CheckIn, Order, ScanPoint, SessionBooking, Ticket

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the planner's estimate is PostgreSQL's"
)


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="pw-root-1"))
    return client


@pytest.fixture
def orders(expo, season_ticket):
    """Two orders of the expo: Åsa's, with two tickets, and Mikko's."""
    return [
        services.register(
            expo,
            season_ticket,
            [attendee("Åsa Öberg", "asa@example.org"), attendee("Per Holm", "per@example.org")],
        ),
        services.register(expo, season_ticket, [attendee("Mikko Virtanen", "mikko@example.fi")]),
    ]


@pytest.fixture
def others_order(other_expo):
    from ticketing.models import TicketType

    season = TicketType.objects.create(
        expo=other_expo, slug="season", name="Other season", kind="season"
    )
    return services.register(other_expo, season, [attendee("Åsa Öberg", "asa@example.org")])


@pytest.fixture
def organiser_client(client, django_user_model, expo):
    user = django_user_model.objects.create_user("olga", password="pw-olga-123", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["ticketing", "exhibitors"])
    )
    expo.organisers.add(user)
    client.force_login(user)
    return client


@pytest.fixture(params=["few", "many"])
def matches(request, monkeypatch):
    """A search run both ways: its words in few rows (looked up field by field and the
    keys combined) and in many (one ORed condition that each row checks)."""
    if request.param == "many":
        monkeypatch.setattr(IndexedSearchMixin, "few_matches", 0)
    return request.param


def listed(client, model, **params):
    response = client.get(f"/admin/ticketing/{model}/", params)
    assert response.status_code == 200
    assert "?e=1" not in response.get("Location", "")
    return response, list(response.context["cl"].result_list)


def test_a_small_list_is_counted_exactly(orders):
    paginator = EstimatedCountPaginator(Ticket.objects.order_by("pk"), 2)
    assert paginator.count == 3
    assert not paginator.is_estimate
    assert paginator.num_pages == 2


def test_past_the_exact_limit_elsewhere_than_postgresql_the_count_stays_exact(orders, monkeypatch):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL estimates")
    monkeypatch.setattr(EstimatedCountPaginator, "exact_up_to", 1)
    paginator = EstimatedCountPaginator(Ticket.objects.order_by("pk"), 2)
    assert paginator.count == 3
    assert not paginator.is_estimate


@on_postgresql
def test_past_the_exact_limit_the_count_is_the_planners_estimate(orders, monkeypatch):
    monkeypatch.setattr(EstimatedCountPaginator, "exact_up_to", 1)
    paginator = EstimatedCountPaginator(Ticket.objects.order_by("pk"), 2)
    assert paginator.is_estimate is False  # Not counted yet.
    assert paginator.count >= 2  # Never below what was counted.
    assert paginator.is_estimate
    # A page past the estimate's end opens, empty, instead of failing.
    assert list(paginator.page(paginator.num_pages + 5).object_list) == []
    assert [t.pk for t in paginator.page(1)] == list(
        Ticket.objects.order_by("pk").values_list("pk", flat=True)[:2]
    )


@on_postgresql
def test_an_estimated_count_is_shown_as_about(admin_client, orders, monkeypatch):
    monkeypatch.setattr(EstimatedCountPaginator, "exact_up_to", 1)
    response, _rows = listed(admin_client, "ticket")
    page = response.content.decode()
    assert response.context["cl"].paginator.is_estimate
    assert "about " in page


def test_an_exact_count_is_shown_as_it_is(admin_client, orders):
    response, rows = listed(admin_client, "ticket")
    assert len(rows) == 3
    assert "3 tickets" in response.content.decode()
    assert "about " not in response.content.decode()


@pytest.mark.parametrize(
    ("model", "term", "expected"),
    [
        ("ticket", "asa@example.org", ["Åsa Öberg"]),
        ("ticket", "virtanen", ["Mikko Virtanen"]),
        ("ticket", "ÖBERG", ["Åsa Öberg"]),
        ("ticket", "example.org Holm", ["Per Holm"]),  # Every word, each in any field.
        ("ticket", "nobody", []),
    ],
)
def test_searching_tickets(admin_client, orders, model, term, expected, matches):
    _response, rows = listed(admin_client, model, q=term)
    assert sorted(ticket.holder_name for ticket in rows) == expected


def test_a_ticket_is_found_by_its_number_and_a_bad_number_finds_nothing(
    admin_client, orders, matches
):
    ticket = orders[1].tickets.get()
    assert listed(admin_client, "ticket", q=str(ticket.pk))[1] == [ticket]
    assert listed(admin_client, "ticket", q="9" * 30)[1] == []
    assert listed(admin_client, "checkin", q="9" * 30)[1] == []


def test_an_order_is_found_by_its_address_its_holders_and_its_secret(admin_client, orders, matches):
    first, second = orders
    assert listed(admin_client, "order", q="mikko@example.fi")[1] == [second]
    assert listed(admin_client, "order", q="Holm")[1] == [first]  # A holder of its tickets.
    assert listed(admin_client, "order", q=first.secret)[1] == [first]
    assert listed(admin_client, "order", q=first.secret[:10])[1] == []  # Exactly, or not.
    if first.secret.upper() != first.secret:
        assert listed(admin_client, "order", q=first.secret.upper())[1] == []
    assert sorted(listed(admin_client, "order", q="example")[1], key=lambda o: o.pk) == [
        first,
        second,
    ]


def test_check_ins_and_bookings_are_found_by_ticket(admin_client, orders, expo, room, matches):
    session = add_session(expo, room, dt.date(2026, 6, 2), 10, title="Energy of cities")
    ticket = orders[1].tickets.get()
    gate = ScanPoint.objects.create(expo=expo, slug="gate", name="Gate", kind="gate")
    check_in = CheckIn.objects.create(
        expo=expo,
        scan_point=gate,
        ticket=ticket,
        direction="in",
        result="entered",
        day=expo.start_date,
        scanned_at=timezone.now(),
    )
    booking = SessionBooking.objects.create(ticket=ticket, session=session, status="booked")
    assert listed(admin_client, "checkin", q=str(ticket.pk))[1] == [check_in]
    assert listed(admin_client, "checkin", q="Virtanen")[1] == [check_in]
    assert listed(admin_client, "sessionbooking", q="Virtanen")[1] == [booking]
    assert listed(admin_client, "sessionbooking", q="energy")[1] == [booking]
    assert listed(admin_client, "checkin", result__exact="entered")[1] == [check_in]
    assert listed(admin_client, "checkin", result__exact="hall_full")[1] == []
    assert listed(admin_client, "checkin", scan_point__id__exact=gate.pk)[1] == [check_in]


def test_the_filters_narrow_the_lists(admin_client, orders, season_ticket, others_order):
    cancelled = orders[0].tickets.order_by("pk").first()
    services.cancel_ticket(cancelled)
    assert listed(admin_client, "ticket", status__exact="cancelled")[1] == [cancelled]
    by_type = listed(admin_client, "ticket", ticket_type__id__exact=season_ticket.pk)[1]
    assert len(by_type) == 3
    by_expo = listed(admin_client, "order", expo__id__exact=season_ticket.expo_id)[1]
    assert sorted(by_expo, key=lambda o: o.pk) == orders


@pytest.mark.parametrize(
    ("model", "expo_filter"),
    [
        ("ticket", "expo__id__exact"),
        ("order", "expo__id__exact"),
        ("checkin", "expo__id__exact"),
        ("sessionbooking", "session__expo__id__exact"),
    ],
)
def test_an_organiser_sees_only_their_expo_through_search_and_filters(
    organiser_client, orders, others_order, other_expo, model, expo_filter, matches
):
    for ticket in Ticket.objects.select_related("expo"):
        gate = ScanPoint.objects.get_or_create(
            expo=ticket.expo, slug="gate", defaults={"name": "Gate", "kind": "gate"}
        )[0]
        CheckIn.objects.create(
            expo=ticket.expo,
            scan_point=gate,
            ticket=ticket,
            direction="in",
            result="entered",
            day=ticket.expo.start_date,
            scanned_at=timezone.now(),
        )
        session = Session.objects.get_or_create(expo=ticket.expo, title="Talk")[0]
        SessionBooking.objects.create(ticket=ticket, session=session, status="booked")

    def expos_of(rows):
        return {getattr(row, "expo_id", None) or row.ticket.expo_id for row in rows}

    response, rows = listed(organiser_client, model, q="Öberg")  # Holders in both expos.
    assert rows and other_expo.pk not in expos_of(rows)
    page = response.content.decode()
    assert "Other Expo" not in page and "Other season" not in page  # Nor in the filters.
    # Asking for the other expo by its id in the address shows nothing of it either.
    _response, rows = listed(organiser_client, model, **{expo_filter: other_expo.pk})
    assert other_expo.pk not in expos_of(rows)


def test_an_organiser_finds_their_own_rows_by_search(
    organiser_client, orders, others_order, matches
):
    rows = listed(organiser_client, "order", q="asa@example.org")[1]
    assert rows == [orders[0]]
    tickets = listed(organiser_client, "ticket", q="Öberg")[1]
    assert [ticket.order for ticket in tickets] == [orders[0]]
    assert Order.objects.filter(email="asa@example.org").count() == 2


def test_the_check_ins_date_drill_down_offers_the_expos_days(admin_client, orders, expo):
    gate = ScanPoint.objects.create(expo=expo, slug="gate", name="Gate", kind="gate")
    ticket = orders[1].tickets.get()
    scans = [
        CheckIn.objects.create(
            expo=expo,
            scan_point=gate,
            ticket=ticket,
            direction="in",
            result="entered",
            day=dt.date(2026, 6, day),
            scanned_at=dt.datetime(2026, 6, day, 10, tzinfo=dt.UTC),
        )
        for day in (2, 3)
    ]
    response, rows = listed(admin_client, "checkin")
    page = response.content.decode()
    # The expo runs 1–7 June 2026: the list opens on that month, a link for each day.
    assert "scanned_at__day=1&amp;scanned_at__month=6&amp;scanned_at__year=2026" in page
    assert "scanned_at__day=7&amp;scanned_at__month=6&amp;scanned_at__year=2026" in page
    assert "scanned_at__day=8&amp;" not in page
    on_the_3rd = {"scanned_at__year": 2026, "scanned_at__month": 6, "scanned_at__day": 3}
    assert listed(admin_client, "checkin", **on_the_3rd)[1] == [scans[1]]


@pytest.mark.parametrize(
    ("model", "term", "fields_read", "many"),
    [
        ("ticket", "Öberg", 3, False),  # Name, e-mail, organisation (no number).
        ("ticket", "Öberg", 1, True),  # Too many in the name already.
        ("order", "Holm", 4, False),
        ("order", "Holm", 3, True),  # E-mail, secret: none; too many holders' names.
    ],
)
def test_a_rare_word_is_looked_up_once_a_common_one_is_one_condition_of_the_page(
    admin_client, orders, monkeypatch, model, term, fields_read, many
):
    if many:
        monkeypatch.setattr(IndexedSearchMixin, "few_matches", 0)
    with CaptureQueriesContext(connection) as queries:
        response, rows = listed(admin_client, model, q=term)
    assert rows
    searched = [sql for query in queries if term in (sql := query["sql"])]
    # The page's keys and rows, in the list's order; the fields' keys, read alone.
    page = [sql for sql in searched if "ORDER BY" in sql]
    read = [
        sql for sql in searched if not ("ORDER BY" in sql or "COUNT(" in sql or "EXPLAIN" in sql)
    ]
    assert len(read) == fields_read
    if many:  # A field's matches were too many: the page has the condition.
        assert page
        if model == "order":  # The holders' table, as a condition of each order.
            assert all("EXISTS" in sql and "OFFSET 0)" in sql for sql in page)
    else:  # Each field's keys read once, and then the list's rows by their keys.
        assert not page
        assert not response.context["cl"].paginator.is_estimate


@on_postgresql
def test_a_common_word_is_not_counted(admin_client, orders, monkeypatch):
    monkeypatch.setattr(IndexedSearchMixin, "few_matches", 0)
    with CaptureQueriesContext(connection) as queries:
        response, rows = listed(admin_client, "ticket", q="Öberg")
    assert [ticket.holder_name for ticket in rows] == ["Åsa Öberg"]
    assert response.context["cl"].paginator.is_estimate
    assert response.context["cl"].result_count >= 1
    assert not [query for query in queries if "COUNT(" in query["sql"] and "Öberg" in query["sql"]]


def test_the_tickets_are_listed_newest_first(admin_client, orders):
    _response, rows = listed(admin_client, "ticket")
    assert rows == sorted(rows, key=lambda ticket: (ticket.created_at, ticket.pk), reverse=True)
    assert rows[0].order == orders[1]


def test_select_all_shows_an_exact_count_as_it_is(admin_client, orders, monkeypatch):
    from ticketing.admin import TicketAdmin

    monkeypatch.setattr(TicketAdmin, "list_per_page", 2)
    page = listed(admin_client, "ticket")[0].content.decode()
    assert "Select all 3 tickets" in page
    assert "All 3 selected" in page
    assert "of about" not in page


@on_postgresql
def test_select_all_says_about_an_estimated_count(admin_client, orders, monkeypatch):
    monkeypatch.setattr(EstimatedCountPaginator, "exact_up_to", 1)
    response, rows = listed(admin_client, "ticket")
    count = response.context["cl"].result_count
    assert len(rows) == 3 and response.context["cl"].paginator.is_estimate
    page = response.content.decode()
    assert f"Select all of about {count} tickets" in page
    assert f"All of about {count} selected" in page
