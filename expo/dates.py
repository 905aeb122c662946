"""Dates and times for people, in the active language, as ``expo/formats`` writes them.

Pages use the same formats through ``|date:"DATE_FORMAT"``, ``|date:"MONTH_DAY_FORMAT"``
and ``|time:"TIME_FORMAT"``, and the ``day_range`` and ``day_and_time`` filters of
``events.templatetags.programme``; badges, e-mails and messages call these functions, so
a day is written the same everywhere. Moments are shown on the clock of the active time
zone (the expo's, in a request about it) unless one is given.
"""

import datetime as dt

from django.utils import formats, timezone
from django.utils.translation import get_language

# The English forms, for a language whose format module lacks a name of its own.
_FALLBACK = {
    "DAY_MONTH_FORMAT": "j F",
    "DAY_MONTH_YEAR_FORMAT": "j F Y",
    "DAY_NUMBER_FORMAT": "j",
    "DAY_TIME_FORMAT": "l j F, H:i",
}


def _local_format(name):
    """A format of ``expo/formats`` that Django's ``get_format`` does not know by name."""
    for module in formats.get_format_modules(get_language()):
        value = getattr(module, name, None)
        if value is not None:
            return value
    return _FALLBACK[name]


def _local(moment, tz=None):
    if isinstance(moment, dt.datetime) and timezone.is_aware(moment):
        return timezone.localtime(moment, tz)
    return moment


def long_date(day):
    """A day in full: "Tuesday 1 December 2026", "tiistai 1. joulukuuta 2026"."""
    return formats.date_format(_local(day), "DATE_FORMAT")


def expo_day(day):
    """A day of an expo, without its year: "Friday 4 December", "fredag 4. december"."""
    return formats.date_format(_local(day), "MONTH_DAY_FORMAT")


def time_of_day(moment, tz=None):
    """A time on the 24-hour clock: "19:30", "19.30" in Finnish."""
    return formats.time_format(_local(moment, tz), "TIME_FORMAT")


def date_and_time(moment, tz=None):
    """A day in full and a time: "Tuesday 1 December 2026, 19:30", "tiistai 1. joulukuuta
    2026 klo 19.30"."""
    return formats.date_format(_local(moment, tz), "DATETIME_FORMAT")


def day_and_time(moment, tz=None):
    """A moment during an expo, without the year: "Friday 4 December, 10:00",
    "perjantai 4. joulukuuta klo 10.00"."""
    return formats.date_format(_local(moment, tz), _local_format("DAY_TIME_FORMAT"))


def day_month(day, *, with_year=False):
    """A day and its month, the year if asked: "1 December", "1 December 2026";
    "1. joulukuuta 2026" in Finnish."""
    name = "DAY_MONTH_YEAR_FORMAT" if with_year else "DAY_MONTH_FORMAT"
    return formats.date_format(day, _local_format(name))


def day_number(day):
    """The day of the month alone, as in a list of days before the month: "1" ("1.")."""
    return formats.date_format(day, _local_format("DAY_NUMBER_FORMAT"))


def day_range(first, last):
    """A run of days, its year said once: "3 June 2026", "1–7 June 2026", "29 June – 3 July
    2026", "30 December 2026 – 2 January 2027"; "1.–7. joulukuuta 2026" in Finnish."""
    if first == last:
        return day_month(first, with_year=True)
    if (first.year, first.month) == (last.year, last.month):
        return f"{day_number(first)}–{day_month(last, with_year=True)}"
    start = day_month(first, with_year=first.year != last.year)
    return f"{start} – {day_month(last, with_year=True)}"
