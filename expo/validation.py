"""Checks that every door applies to what a request sends, before any rule or query sees it.

- Text holds no NUL character: PostgreSQL cannot store one, and no name, slug or code
  needs it. Django's and DRF's text fields refuse it already; the address and the query
  string are checked by ``expo/middleware.py``, API bodies by ``expo/parsers.py``, and
  the texts kept in JSON by the models' validators.
- Days and moments lie in a calendar wide enough for any expo and narrow enough that
  turning one into another time zone, or asking for the next day, never falls off
  Python's calendar (years 1 to 9999).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

EARLIEST_DAY = dt.date(2000, 1, 1)
LATEST_DAY = dt.date(2099, 12, 31)

validate_no_nul = ProhibitNullCharactersValidator()


def has_nul(text):
    return "\x00" in text


def validate_day(value):
    """A day, or the day of a moment, between ``EARLIEST_DAY`` and ``LATEST_DAY``."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValidationError(
            _("Give a date from %(first)s to %(last)s."),
            code="out_of_range",
            params={"first": EARLIEST_DAY.isoformat(), "last": LATEST_DAY.isoformat()},
        )


class DayField(serializers.DateField):
    """A ``YYYY-MM-DD`` day inside the calendar the expo works in."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(validate_day)


class MomentField(serializers.DateTimeField):
    """A date and time inside the calendar the expo works in.

    The bounds are checked before the time zone is applied: DRF's own conversion of a
    moment in the year 1 or 9999 would otherwise overflow.
    """

    def enforce_timezone(self, value):
        try:
            validate_day(value)
        except ValidationError as error:
            raise serializers.ValidationError(list(error.messages)) from None
        return super().enforce_timezone(value)


def query_day(params, name):
    """The day a query parameter ``name`` names, ``None`` when it is absent or empty.
    Raises DRF's ``ValidationError`` on that parameter when it is not a day in range."""
    value = params.get(name)
    if not value:
        return None
    try:
        return DayField().run_validation(value)
    except serializers.ValidationError as error:
        raise serializers.ValidationError({name: error.detail}) from None
