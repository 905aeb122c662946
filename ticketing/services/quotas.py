"""Quotas: the rows that count sold places against a ticket type's limits and the expo's
day limits, locked in id order by whoever takes or gives back places."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from events.translations import translated
from expo import dates
from expo.errors import Conflict, InvalidInput

from .. import admission
from ..models import Quota, Ticket


def quota_scope(expo, ticket_type, days):
    return (
        Q(ticket_type=ticket_type, day__isnull=True)
        | Q(ticket_type=ticket_type, day__in=days)
        | Q(expo=expo, ticket_type__isnull=True, day__in=days)
    )


def take_places(expo, ticket_type, days, count):
    quotas = _locked_quotas(expo, ticket_type, days)
    present = {quota.day for quota in quotas if quota.ticket_type_id == ticket_type.pk}
    if not _wanted_quota_days(ticket_type, days) <= present:
        _ensure_quotas(ticket_type, days)
        quotas = _locked_quotas(expo, ticket_type, days)
    for quota in quotas:
        if quota.used + count > quota.size:
            raise Conflict(
                _sold_out_message(quota, ticket_type),
                code="sold_out",
                day=quota.day.isoformat() if quota.day else None,
            )
    Quota.objects.filter(pk__in=[quota.pk for quota in quotas]).update(used=F("used") + count)


def _locked_quotas(expo, ticket_type, days):
    return list(
        Quota.objects.select_for_update()
        .filter(quota_scope(expo, ticket_type, days))
        .order_by("pk")
    )


def _wanted_quota_days(ticket_type, days):
    """The quota rows a ticket type's limits call for: ``None`` for its total."""
    wanted = set()
    if ticket_type.capacity is not None:
        wanted.add(None)
    if ticket_type.day_capacity is not None:
        wanted.update(days)
    return wanted


def _sold_out_message(quota, ticket_type):
    if quota.ticket_type_id is None:
        return _("The expo is full on %(day)s.") % {"day": dates.long_date(quota.day)}
    name = translated(ticket_type, "name")
    if quota.day:
        return _("%(name)s is sold out for %(day)s.") % {
            "name": name,
            "day": dates.long_date(quota.day),
        }
    return _("%(name)s is sold out.") % {"name": name}


def _ensure_quotas(ticket_type, days):
    """Create the quota rows the ticket type's limits call for and that are missing, each
    counting the tickets already sold in its scope."""
    wanted = _wanted_quota_days(ticket_type, days)
    if not wanted:
        return
    existing = set(Quota.objects.filter(ticket_type=ticket_type).values_list("day", flat=True))
    missing = sorted(wanted - existing, key=lambda day: (day is not None, day))
    if not missing:
        return
    rows = [
        Quota(
            expo_id=ticket_type.expo_id,
            ticket_type=ticket_type,
            day=day,
            size=ticket_type.capacity if day is None else ticket_type.day_capacity,
            used=_sold(ticket_type, day),
        )
        for day in missing
    ]
    errors = {
        ("capacity" if row.day is None else "day_capacity"): too_low_message(row.used)
        for row in rows
        if row.used > row.size
    }
    if errors:
        raise InvalidInput(errors)
    Quota.objects.bulk_create(rows, ignore_conflicts=True)


def _sold(ticket_type, day):
    """Valid tickets of the type in a quota's scope: all of them, or those sold for ``day``."""
    tickets = ticket_type.tickets.filter(status=Ticket.Status.VALID)
    if day is None:
        return tickets.count()
    return tickets.valid_on(day).count()


def too_low_message(sold):
    return _("%(count)d tickets are already sold; the limit cannot be lower.") % {"count": sold}


def sync_quotas(ticket_type):
    """Bring the ticket type's quota rows in line with its ``capacity`` and
    ``day_capacity``, refusing a limit below what is already sold."""
    with transaction.atomic():
        rows = list(Quota.objects.select_for_update().filter(ticket_type=ticket_type))
        errors = {}
        for quota in rows:
            limit = ticket_type.capacity if quota.day is None else ticket_type.day_capacity
            if limit is not None and limit < quota.used:
                field = "capacity" if quota.day is None else "day_capacity"
                errors[field] = too_low_message(quota.used)
        if errors:
            raise InvalidInput(errors)
        for quota in rows:
            limit = ticket_type.capacity if quota.day is None else ticket_type.day_capacity
            if limit is None:
                # No limit any more: the row goes, and comes back counted if a limit does.
                quota.delete()
            elif quota.size != limit:
                quota.size = limit
                quota.save(update_fields=["size"])
        days = admission.type_days(ticket_type, admission.open_days(ticket_type.expo))
        _ensure_quotas(ticket_type, days)


def save_ticket_type(ticket_type, *, halls=None):
    """Check the ticket type's own rules (``TicketType.clean``) and that its halls are of
    its expo, then save it and bring its quotas in line with its limits."""
    try:
        ticket_type.full_clean()
    except ValidationError as error:
        raise InvalidInput(error.message_dict) from error
    if halls is not None and any(hall.expo_id != ticket_type.expo_id for hall in halls):
        raise InvalidInput({"halls": _("The halls must be of the ticket type's expo.")})
    with transaction.atomic():
        ticket_type.save()
        if halls is not None:
            ticket_type.halls.set(halls)
        sync_quotas(ticket_type)
    return ticket_type
