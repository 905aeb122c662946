"""What Expo holds about a person, and erasing it (GDPR articles 15 and 17).

A person is found by e-mail address, in any letter case: as the buyer of an order, as
the holder of a ticket, as a speaker and by their user account. That is the operator's
reach (``manage.py export_person``/``erase_person``). A visitor on the "my tickets" page
reaches less: only what the order's secret proves, which is the order and the buyer's own
tickets in it. Registration does not prove an address, so a secret never opens what
someone else bought with the same address, their speaker record or their account
(``Person.order``).

Erasure cancels their tickets through ``services.cancel_ticket`` (their places go back
to the quotas, their seats to the waiting lists) and anonymises every row that names
them instead of deleting it, so that tickets sold, check-ins and leads keep their counts;
the admin's history is rewritten to the new names, and an erased order's link stops
working. Afterwards an export finds nothing.

Both are built from small registered functions, so that a later app adds what it holds
without this module importing it (``exhibitors`` depends on ``ticketing``, not the other
way round)::

    from ticketing import privacy

    @privacy.section("leads")
    def _leads(person):
        return [{...} for lead in Lead.objects.filter(ticket__in=person.tickets())]

    @privacy.eraser("leads")
    def _erase_leads(person):
        ...  # anonymise in place; return how many rows changed

An export is ``{"email": …, "exported_at": …, "sections": {name: [record, …]}}``, every
value JSON-ready (times and days as ISO 8601 text). Erasers run in one transaction, in
the reverse order of registration: an app's rows are erased while the tickets they hang
on still carry the address, since ticketing registers its own erasers first.
"""

import dataclasses
import json

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from events.models import Speaker
from expo.errors import InvalidInput

from . import admission, services
from .models import ERASED_DOMAIN, ERASED_SECRET_PREFIX, CheckIn, Order, SessionBooking, Ticket

#: Section name → function listing that section's records for a ``Person``.
SECTIONS = {}
#: Name → function anonymising that kind of row for a ``Person``, returning a count.
ERASERS = {}
#: Name → function counting the rows of that kind that hang on a queryset of tickets
#: (``retention``'s dry run reports them without ticketing importing the app that holds them).
TICKET_ROWS = {}


@dataclasses.dataclass(frozen=True)
class Person:
    """Whose data, and how far it reaches.

    Without ``order``: everything held under the address, in every expo (the operator's
    commands). With ``order``: only that order and the tickets in it that the address
    holds, which is what the order's secret proves; other orders with the address, speaker
    records and accounts are out of reach, whoever holds the link.
    """

    email: str
    order: Order | None = None

    def orders(self):
        orders = Order.objects.filter(email__iexact=self.email)
        return orders.filter(pk=self.order.pk) if self.order else orders

    def tickets(self):
        tickets = Ticket.objects.filter(holder_email__iexact=self.email)
        return tickets.filter(order_id=self.order.pk) if self.order else tickets

    def speakers(self):
        return (
            Speaker.objects.none()
            if self.order
            else Speaker.objects.filter(email__iexact=self.email)
        )

    def accounts(self):
        """The user accounts with the person's address."""
        accounts = get_user_model().objects.filter(email__iexact=self.email)
        return accounts.none() if self.order else accounts

    def admin_entries(self):
        """The admin's history this person's erasure may rewrite: all of it, or for one
        order, the entries about that order and its tickets."""
        if self.order is None:
            return LogEntry.objects.all()
        ticket_ids = [
            str(pk)
            for pk in Ticket.objects.filter(order_id=self.order.pk).values_list("pk", flat=True)
        ]
        return LogEntry.objects.filter(
            Q(content_type=ContentType.objects.get_for_model(Order), object_id=str(self.order.pk))
            | Q(content_type=ContentType.objects.get_for_model(Ticket), object_id__in=ticket_ids)
        )


def _register(registry, name):
    def decorator(function):
        if name in registry:
            raise ValueError(f"A privacy function named {name!r} is registered already.")
        registry[name] = function
        return function

    return decorator


def section(name):
    """Register ``function(person) -> list of dicts`` as the export's section ``name``."""
    return _register(SECTIONS, name)


def eraser(name):
    """Register ``function(person) -> int`` to anonymise rows when a person is erased."""
    return _register(ERASERS, name)


def ticket_rows(name):
    """Register ``function(tickets) -> int``: how many rows of kind ``name`` an erasure of
    ``tickets`` (a queryset) reaches."""
    return _register(TICKET_ROWS, name)


def clean_email(email):
    """The address to look a person up by, or ``InvalidInput``: an empty address would
    match every speaker who gave none."""
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput({"email": _("Enter a valid e-mail address.")}) from None
    return email


def export_person(email, *, order=None):
    """Everything held about the person with ``email``, as JSON-ready data; with
    ``order``, only what that order's secret reaches (``Person``)."""
    person = Person(clean_email(email), order)
    return {
        "email": person.email,
        "exported_at": timezone.now().isoformat(),
        "sections": {name: records(person) for name, records in SECTIONS.items()},
    }


def holds_anything(export):
    return any(export["sections"].values())


def erase_person(email, *, order=None):
    """Anonymise the person with ``email`` in one transaction; with ``order``, only what
    that order's secret reaches (``Person``). Returns how many rows of each kind changed
    (all zero when nothing is held, as on a second run)."""
    person = Person(clean_email(email), order)
    with transaction.atomic():
        changed = {name: ERASERS[name](person) for name in reversed(ERASERS)}
    return {name: changed[name] for name in ERASERS}


def erased_secret(secret):
    """What an erased order's secret becomes: the old link opens nothing any more, yet a
    page asked with it can still say that the order was erased (``was_erased``). Keyed
    with the site's secret key, so that holding the old link does not tell the new value."""
    digest = salted_hmac("ticketing.privacy.erased_secret", secret).hexdigest()
    return ERASED_SECRET_PREFIX + digest


def was_erased(expo, secret):
    """Whether ``secret`` was the private link of one of ``expo``'s orders, since erased."""
    return Order.objects.filter(expo=expo, secret=erased_secret(secret)).exists()


def _moment(value):
    return value.isoformat() if value else None


def erased_username(user):
    return f"erased-{user.pk}"


# Sections


@section("orders")
def _orders(person):
    orders = person.orders().select_related("expo").prefetch_related("tickets").order_by("pk")
    return [
        {
            "id": order.pk,
            "expo": order.expo.slug,
            "email": order.email,
            "language": order.language,
            "created_at": _moment(order.created_at),
            # Only numbers: the other tickets of an order may be other people's.
            "tickets": [ticket.pk for ticket in order.tickets.all()],
        }
        for order in orders
    ]


@section("tickets")
def _tickets(person):
    tickets = person.tickets().select_related("expo", "ticket_type__conference").order_by("pk")
    open_days = {}
    records = []
    for ticket in tickets:
        if ticket.expo_id not in open_days:
            open_days[ticket.expo_id] = admission.open_days(ticket.expo)
        days = admission.ticket_days(ticket, open_days[ticket.expo_id])
        records.append(
            {
                "id": ticket.pk,
                "expo": ticket.expo.slug,
                "order": ticket.order_id,
                "ticket_type": ticket.ticket_type.name,
                "kind": ticket.ticket_type.kind,
                "days": [day.isoformat() for day in days],
                "holder_name": ticket.holder_name,
                "holder_email": ticket.holder_email,
                "organisation": ticket.organisation,
                "share_contact_with_exhibitors": ticket.share_contact_with_exhibitors,
                "status": ticket.status,
                "created_at": _moment(ticket.created_at),
                "cancelled_at": _moment(ticket.cancelled_at),
            }
        )
    return records


@section("session_bookings")
def _bookings(person):
    bookings = (
        SessionBooking.objects.filter(ticket__in=person.tickets())
        .select_related("session")
        .order_by("session__start", "pk")
    )
    return [
        {
            "ticket": booking.ticket_id,
            "session": booking.session.title,
            "start": _moment(booking.session.start),
            "end": _moment(booking.session.end),
            "status": booking.status,
            "created_at": _moment(booking.created_at),
            "changed_at": _moment(booking.changed_at),
        }
        for booking in bookings
    ]


@section("check_ins")
def _check_ins(person):
    check_ins = (
        CheckIn.objects.filter(ticket__in=person.tickets())
        .select_related("scan_point")
        .order_by("scanned_at", "pk")
    )
    return [
        {
            "ticket": check_in.ticket_id,
            "scan_point": check_in.scan_point.name,
            "direction": check_in.direction,
            "result": check_in.result,
            "scanned_at": _moment(check_in.scanned_at),
        }
        for check_in in check_ins
    ]


@section("speakers")
def _speakers(person):
    speakers = person.speakers().select_related("expo").prefetch_related("sessions").order_by("pk")
    return [
        {
            "id": speaker.pk,
            "expo": speaker.expo.slug,
            "name": speaker.name,
            "organisation": speaker.organisation,
            "biography": speaker.biography,
            "email": speaker.email,
            "sessions": [session.title for session in speaker.sessions.all()],
        }
        for speaker in speakers
    ]


@section("accounts")
def _accounts(person):
    return [
        {
            "username": user.get_username(),
            "name": user.get_full_name(),
            "email": user.email,
            "active": user.is_active,
            "date_joined": _moment(user.date_joined),
            "last_login": _moment(user.last_login),
        }
        for user in person.accounts().order_by("pk")
    ]


# Erasers, run last registered first: tickets go last, after anything that finds its rows
# through a ticket's address, and the admin's history after all of them.


@eraser("admin history")
def _erase_admin_history(person):
    """Whatever entries still carry the address, in what they name or in their message."""
    email = person.email
    entries = list(
        person.admin_entries().filter(
            Q(object_repr__icontains=email) | Q(change_message__icontains=email)
        )
    )
    for entry in entries:
        entry.object_repr = _replace_address(entry.object_repr, email)
        entry.change_message = _replace_address(entry.change_message, email)
    LogEntry.objects.bulk_update(entries, ["object_repr", "change_message"])
    return len(entries)


def _replace_address(text, email):
    start = text.lower().find(email.lower())
    while start != -1:
        text = text[:start] + f"erased@{ERASED_DOMAIN}" + text[start + len(email) :]
        start = text.lower().find(email.lower())
    return text


@eraser("tickets")
def _erase_tickets(person):
    """Cancels the person's tickets first, through the ticket rules: their places and
    seats go to others (the waiting lists move up), and an erased ticket admits no one."""
    for ticket in person.tickets().filter(status=Ticket.Status.VALID).order_by("pk"):
        services.cancel_ticket(ticket)
    tickets = list(person.tickets().select_for_update().order_by("pk"))
    before = {ticket.pk: str(ticket) for ticket in tickets}
    for ticket in tickets:
        ticket.holder_name = _("Erased")
        ticket.holder_email = f"ticket-{ticket.pk}@{ERASED_DOMAIN}"
        ticket.organisation = ""
        ticket.share_contact_with_exhibitors = False
    Ticket.objects.bulk_update(
        tickets, ["holder_name", "holder_email", "organisation", "share_contact_with_exhibitors"]
    )
    rename_in_admin_history(Ticket, {t.pk: (before[t.pk], str(t)) for t in tickets})
    return len(tickets)


@eraser("orders")
def _erase_orders(person):
    """The order loses its address and its private link: whoever holds the old link
    reaches nothing, the tickets of others in the order stay valid."""
    orders = list(person.orders().select_for_update().order_by("pk"))
    for order in orders:
        order.email = f"order-{order.pk}@{ERASED_DOMAIN}"
        order.secret = erased_secret(order.secret)
    Order.objects.bulk_update(orders, ["email", "secret"])
    return len(orders)


@eraser("speakers")
def _erase_speakers(person):
    speakers = list(person.speakers().select_for_update().order_by("pk"))
    before = {speaker.pk: str(speaker) for speaker in speakers}
    for speaker in speakers:
        speaker.name = _("Erased")
        speaker.email = ""
        speaker.organisation = ""
        speaker.biography = ""
    Speaker.objects.bulk_update(speakers, ["name", "email", "organisation", "biography"])
    rename_in_admin_history(Speaker, {sp.pk: (before[sp.pk], str(sp)) for sp in speakers})
    return len(speakers)


@eraser("accounts")
def _erase_accounts(person):
    """The person's accounts stay, for the rows that point at them (check-ins and leads
    they scanned, the admin's history of what they did), but nameless and closed: no
    password, no tokens, no sign-in."""
    users = list(person.accounts().select_for_update().order_by("pk"))
    before = {user.pk: str(user) for user in users}
    for user in users:
        user.username = erased_username(user)
        user.first_name = user.last_name = user.email = ""
        user.is_active = False
        user.set_unusable_password()
    get_user_model().objects.bulk_update(
        users, ["username", "first_name", "last_name", "email", "is_active", "password"]
    )
    Token.objects.filter(user__in=users).delete()
    # A user name can be as short as "kim": it is renamed in the account's own entries only.
    rename_in_admin_history(
        get_user_model(), {u.pk: (before[u.pk], str(u)) for u in users}, elsewhere=False
    )
    return len(users)


def rename_in_admin_history(model, names, *, elsewhere=True):
    """The admin's history names each object as it was then ("#12 Åsa Öberg"): give the
    erased objects their new names there too. ``names`` maps each one's pk to its
    ``(old name, new name)``. A parent's entries name its inlines as well ("added staff
    member kim @ Acme"): with ``elsewhere``, every entry whose message quotes an old name
    gets the new one."""
    if not names:
        return
    content_type = ContentType.objects.get_for_model(model)
    before = {pk: old for pk, (old, _new) in names.items()}
    after = {pk: new for pk, (_old, new) in names.items()}
    entries = {}
    for entry in LogEntry.objects.filter(
        content_type=content_type, object_id__in=[str(pk) for pk in after]
    ):
        pk = int(entry.object_id)
        entry.object_repr = after[pk][:200]
        if before[pk]:
            entry.change_message = entry.change_message.replace(before[pk], after[pk])
        entries[entry.pk] = entry
    renames = [
        (_quoted(before[pk], ascii_only), _quoted(after[pk], ascii_only))
        for pk in after
        if before[pk]
        for ascii_only in (True, False)
    ]
    if elsewhere:
        for old, _new in renames:
            for entry in LogEntry.objects.filter(change_message__contains=old):
                entries.setdefault(entry.pk, entry)
    for entry in entries.values():
        for old, new in renames:
            entry.change_message = entry.change_message.replace(old, new)
    LogEntry.objects.bulk_update(entries.values(), ["object_repr", "change_message"])


def _quoted(name, ascii_only):
    """A name as the admin's JSON change messages hold it, quotes included, so that
    "kim @ Acme" is not found inside "joakim @ Acme"."""
    return json.dumps(name, ensure_ascii=ascii_only)
