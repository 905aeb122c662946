"""The check-ins' date drill-down in the back office.

Django's ``date_hierarchy`` asks the list which years, months and days it has, with a
``DISTINCT`` over every row of the level shown: over a season's five million check-ins,
seconds on each page. Scans happen on the days of an expo, so the drill-down here offers
the days of the user's expos, read from the expos; the links and the filtering are
Django's own.
"""

import datetime as dt

from django import template
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from events.selectors import organised_expos

register = template.Library()


@register.inclusion_tag("admin/date_hierarchy.html", takes_context=True)
def expo_days_hierarchy(context, cl):
    field = cl.date_hierarchy
    asked = [cl.params.get(f"{field}__{part}") for part in ("year", "month", "day")]
    try:
        year, month, day = (int(value) if value else None for value in asked)
    except (TypeError, ValueError):
        return {"show": False}
    days = expo_days(context["request"].user)
    if year is None and days and days[0].year == days[-1].year:
        year = days[0].year  # As Django does: one year (and month) is opened at once.
        if days[0].month == days[-1].month:
            month = days[0].month

    def link(filters):
        return cl.get_query_string(filters, [f"{field}__"])

    year_field, month_field, day_field = (f"{field}__{part}" for part in ("year", "month", "day"))
    if year and month and day:
        shown = dt.date(year, month, day)
        return {
            "show": True,
            "back": {
                "link": link({year_field: year, month_field: month}),
                "title": capfirst(formats.date_format(shown, "YEAR_MONTH_FORMAT")),
            },
            "choices": [{"title": capfirst(formats.date_format(shown, "MONTH_DAY_FORMAT"))}],
        }
    if year and month:
        return {
            "show": True,
            "back": {"link": link({year_field: year}), "title": str(year)},
            "choices": [
                {
                    "link": link({year_field: year, month_field: month, day_field: shown.day}),
                    "title": capfirst(formats.date_format(shown, "MONTH_DAY_FORMAT")),
                }
                for shown in days
                if (shown.year, shown.month) == (year, month)
            ],
        }
    if year:
        months = sorted({shown.replace(day=1) for shown in days if shown.year == year})
        return {
            "show": True,
            "back": {"link": link({}), "title": _("All dates")},
            "choices": [
                {
                    "link": link({year_field: year, month_field: shown.month}),
                    "title": capfirst(formats.date_format(shown, "YEAR_MONTH_FORMAT")),
                }
                for shown in months
            ],
        }
    return {
        "show": True,
        "choices": [
            {"link": link({year_field: str(shown)}), "title": str(shown)}
            for shown in sorted({shown.year for shown in days})
        ],
    }


def expo_days(user):
    """Every day of the expos ``user`` organises, in order."""
    days = set()
    for start, end in organised_expos(user).values_list("start_date", "end_date"):
        days.update(start + dt.timedelta(days=n) for n in range((end - start).days + 1))
    return sorted(days)
