"""Exhibitors and their booths from a CSV file, all or nothing.

Columns (a header row names them; only ``name`` is required):

    name, tagline, description, website, contact_email, tier, themes, hall, booth,
    x, y, width, depth, days

``themes`` are track short names separated by ``;``. ``hall`` and ``booth`` name a
booth (made when new, with ``x``, ``y``, ``width`` and ``depth`` in metres) given to the
exhibitor on ``days``: ``YYYY-MM-DD`` separated by ``;``, ``first..last`` for a span,
or empty for every day. An exhibitor of the same name is updated. Every row is checked
first; any error is reported with its line number and nothing is written.
"""

import csv
import dataclasses
import datetime as dt
import io
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from events.models import Hall, Track
from expo.errors import Conflict, InvalidInput

from . import services
from .models import Booth, Exhibitor

COLUMNS = [
    "name",
    "tagline",
    "description",
    "website",
    "contact_email",
    "tier",
    "themes",
    "hall",
    "booth",
    "x",
    "y",
    "width",
    "depth",
    "days",
]


@dataclasses.dataclass
class Row:
    line: int
    values: dict
    themes: list
    hall: Hall | None
    days: list


@dataclasses.dataclass
class Report:
    created: int = 0
    updated: int = 0
    booths: int = 0


class ImportFailed(Exception):
    """The file has errors: ``errors`` is a list of ``(line, message)``."""

    def __init__(self, errors):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


def import_exhibitors(expo, text):
    """Import ``text`` (the CSV) into ``expo``; returns a ``Report`` or raises
    ``ImportFailed`` with every error found, having written nothing."""
    if "\x00" in text:
        raise ImportFailed([(1, _("This is not a CSV file: it holds binary data."))])
    try:
        return _import(expo, text)
    except csv.Error as error:  # not CSV at all (a NUL byte, a broken quote)
        raise ImportFailed(
            [(1, _("This is not a CSV file: %(error)s.") % {"error": error})]
        ) from None


def _import(expo, text):
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in reader.fieldnames or []]
    unknown = [name for name in header if name not in COLUMNS]
    if "name" not in header or unknown:
        raise ImportFailed(
            [
                (
                    1,
                    _("Unknown columns: %(columns)s. The columns are: %(known)s.")
                    % {"columns": ", ".join(unknown) or "–", "known": ", ".join(COLUMNS)},
                )
            ]
            if unknown
            else [(1, _("The file needs a header row with a “name” column."))]
        )
    tracks = {track.slug: track for track in Track.objects.filter(expo=expo)}
    halls = {hall.slug: hall for hall in Hall.objects.filter(expo=expo)}
    rows, errors, seen_booths = [], [], {}
    for line, raw in enumerate(reader, start=2):
        values = {key.strip(): (value or "").strip() for key, value in raw.items() if key}
        row, row_errors = _check_row(expo, line, values, tracks, halls)
        errors += [(line, message) for message in row_errors]
        if row is not None and row.hall is not None:
            for day in row.days:
                key = (row.hall.pk, values["booth"], day)
                if key in seen_booths and seen_booths[key] != values["name"]:
                    errors.append(
                        (
                            line,
                            _("Booth %(booth)s is given twice on %(day)s in this file.")
                            % {"booth": values["booth"], "day": day},
                        )
                    )
                    break
                seen_booths[key] = values["name"]
        if row is not None:
            rows.append(row)
    if errors:
        raise ImportFailed(errors)
    report = Report()
    try:
        with transaction.atomic():
            for row in rows:
                _apply(expo, row, report)
    except (InvalidInput, Conflict) as error:
        message = (
            error.message
            if isinstance(error, Conflict)
            else "; ".join(f"{field}: {text}" for field, text in error.errors.items())
        )
        raise ImportFailed([(row.line, str(message))]) from None
    return report


def _check_row(expo, line, values, tracks, halls):
    errors = []
    name = values.get("name", "")
    if not name:
        errors.append(_("The name is missing."))
    elif len(name) > 200:
        errors.append(_("The name is longer than 200 characters."))
    if values.get("website"):
        try:
            URLValidator()(values["website"])
        except ValidationError:
            errors.append(_("“%(url)s” is not a web address.") % {"url": values["website"]})
    if values.get("contact_email"):
        try:
            validate_email(values["contact_email"])
        except ValidationError:
            errors.append(
                _("“%(email)s” is not an e-mail address.") % {"email": values["contact_email"]}
            )
    if values.get("tier") and values["tier"] not in Exhibitor.Tier.values:
        errors.append(
            _("Unknown tier “%(tier)s”: use %(tiers)s.")
            % {"tier": values["tier"], "tiers": ", ".join(Exhibitor.Tier.values)}
        )
    themes = []
    for slug in filter(None, (part.strip() for part in values.get("themes", "").split(";"))):
        if slug in tracks:
            themes.append(tracks[slug])
        else:
            errors.append(_("Unknown theme “%(theme)s”.") % {"theme": slug})
    hall = None
    if values.get("hall") or values.get("booth"):
        hall = halls.get(values.get("hall", ""))
        if hall is None:
            errors.append(_("Unknown hall “%(hall)s”.") % {"hall": values.get("hall", "")})
        if not values.get("booth"):
            errors.append(_("A hall needs a booth code."))
        for field in ("x", "y", "width", "depth"):
            if values.get(field):
                try:
                    number = Decimal(values[field])
                    if number < 0 or (field in ("width", "depth") and number < Decimal("0.5")):
                        raise InvalidOperation
                except InvalidOperation:
                    errors.append(
                        _("“%(value)s” is not a valid %(field)s in metres.")
                        % {"value": values[field], "field": field}
                    )
    days = []
    try:
        days = _days(expo, values.get("days", ""))
    except ValueError as error:
        errors.append(str(error))
    if errors:
        return None, errors
    return Row(line, values, themes, hall, days), []


def _days(expo, text):
    days = []
    for part in filter(None, (part.strip() for part in text.split(";"))):
        try:
            if ".." in part:
                first, last = (dt.date.fromisoformat(end.strip()) for end in part.split(".."))
                # The ends are checked before the span is spelt out: a span of centuries
                # would otherwise cost seconds for one cell.
                days += [first, last]
                if expo.start_date <= first <= last <= expo.end_date:
                    days += [first + dt.timedelta(days=n) for n in range(1, (last - first).days)]
            else:
                days.append(dt.date.fromisoformat(part))
        except ValueError:
            raise ValueError(
                _("“%(days)s” are not days (YYYY-MM-DD; first..last).") % {"days": part}
            ) from None
    outside = [day for day in days if not expo.start_date <= day <= expo.end_date]
    if outside:
        raise ValueError(_("%(day)s is not one of the expo's days.") % {"day": outside[0]})
    return sorted(set(days)) or list(expo.days)


def _apply(expo, row, report):
    values = row.values
    exhibitor = Exhibitor.objects.filter(expo=expo, name=values["name"]).first()
    if exhibitor is None:
        exhibitor = Exhibitor(expo=expo, name=values["name"])
        report.created += 1
    else:
        report.updated += 1
    for field in ("tagline", "description", "website", "contact_email", "tier"):
        if values.get(field):
            setattr(exhibitor, field, values[field])
    services.save_exhibitor(exhibitor, themes=row.themes or None)
    if row.hall is None:
        return
    booth = Booth.objects.filter(hall=row.hall, code=values["booth"]).first()
    if booth is None:
        booth = Booth(expo=expo, hall=row.hall, code=values["booth"])
    for field in ("x", "y", "width", "depth"):
        if values.get(field):
            setattr(booth, field, Decimal(values[field]))
        elif getattr(booth, field) is None:
            setattr(booth, field, Decimal("0") if field in ("x", "y") else Decimal("3"))
    services.save_booth(booth, exhibitor=exhibitor, days=row.days)
    report.booths += 1
