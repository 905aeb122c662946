from django import template

from events import translations
from expo import dates

register = template.Library()


@register.filter
def translated(obj, field):
    """``{{ session|translated:"title" }}``: the text in the visitor's language, or the
    expo's main language where it has not been translated."""
    return translations.translated(obj, field)


@register.filter
def room_and_hall(room):
    """``{{ session.room|room_and_hall }}``: "Room 3, Hall B" in the visitor's language."""
    return translations.room_and_hall(room)


@register.filter
def day_range(first, last):
    """``{{ expo.start_date|day_range:expo.end_date }}``: "1–7 December 2026", written as
    the visitor's language writes a run of days (``expo.dates.day_range``)."""
    return dates.day_range(first, last)


@register.filter
def day_and_time(moment):
    """``{{ session.start|day_and_time }}``: "Friday 4 December, 10:00", on the clock of
    the active time zone."""
    return dates.day_and_time(moment)
