"""Expo-wide day limits: at most so many visitors on one day, whatever their tickets."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from expo.errors import InvalidInput

from ..models import Quota, Ticket
from .quotas import too_low_message


def save_day_limit(quota):
    """Create or change the expo's limit on one day (a quota without a ticket type).

    A new limit starts counting the valid tickets already sold for that day; a limit is
    never set below what it counts. The row is locked while it is checked, as
    registration locks it while it takes places.
    """
    if quota.ticket_type_id is not None:
        raise InvalidInput(
            {"ticket_type": _("A ticket type's quotas follow its limits; change the ticket type.")}
        )
    try:
        quota.full_clean(exclude=["used"], validate_constraints=False)
    except ValidationError as error:
        raise InvalidInput(error.message_dict) from error
    if quota.day is None:
        raise InvalidInput({"day": _("Name the day the limit is for.")})
    with transaction.atomic():
        if quota.pk is None:
            # Counted as cancelling gives places back: by the days each ticket was sold for.
            quota.used = (
                Ticket.objects.filter(expo=quota.expo, status=Ticket.Status.VALID)
                .valid_on(quota.day)
                .count()
            )
        else:
            quota.used = Quota.objects.select_for_update().get(pk=quota.pk).used
        if quota.size < quota.used:
            raise InvalidInput({"size": too_low_message(quota.used)})
        try:
            with transaction.atomic():
                quota.save()
        except IntegrityError:
            raise InvalidInput({"day": _("The expo already has a limit on this day.")}) from None
    return quota
