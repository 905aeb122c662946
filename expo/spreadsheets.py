"""Tables for spreadsheets: CSV (comma or semicolon) and Excel workbooks, from one
description, that open cleanly wherever an organiser or an exhibitor opens them.

A ``Table`` is a title, headers and rows of plain values (text, numbers, dates and aware
datetimes) with the time zone its times are shown in. ``csv_bytes`` and ``xlsx_bytes``
write it; ``download`` answers it as a file.

- **No formulas.** A cell that starts with ``=``, ``+``, ``-``, ``@``, ``|``, ``%``, a
  tab or a carriage return is read as a formula by Excel, LibreOffice and Google Sheets,
  so a visitor who registers as ``=HYPERLINK(...)`` would put a live formula into an
  exhibitor's lead list (CSV injection,
  https://owasp.org/www-community/attacks/CSV_Injection). Such text gets a leading
  apostrophe, which spreadsheets show as text, in both formats alike; a plain number such
  as ``-12.5`` stays as it is. CSV is written through ``defusedcsv`` as well.
- **Characters.** CSV is UTF-8 with a byte-order mark, so Excel opens å, ä and ö right. The
  semicolon variant is what Excel expects where the decimal separator is a comma (the
  Nordic countries), where it splits a comma-separated file on nothing.
- **Times.** In CSV a time is ISO 8601 in the table's zone with its offset
  (``2026-12-01 10:15:00+02:00``). A workbook cannot hold an offset, so it holds the local
  time of the table's zone as a real date and time with a number format; the header then
  names the zone (see ``time_header``).
"""

import csv
import dataclasses
import datetime as dt
import io
import re
import zoneinfo
from collections.abc import Iterable, Sequence

from defusedcsv import csv as defusedcsv
from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

# Characters a spreadsheet reads a formula (or a command) after.
_FORMULA_START = ("=", "+", "-", "@", "|", "%", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9,.]+")
# What Excel does not allow in a sheet's name, which is at most 31 characters long.
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")

DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
_NARROWEST, _WIDEST = 8, 60

#: The formats a table is offered in: ``{name: (file extension, content type)}``.
FORMATS = {
    "csv": (".csv", "text/csv; charset=utf-8"),
    "semicolon": (".csv", "text/csv; charset=utf-8"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@dataclasses.dataclass
class Table:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    time_zone: zoneinfo.ZoneInfo


def time_header(label, time_zone):
    """A header for a column of times that names their zone: "Scanned (Europe/Helsinki)"."""
    return _("%(label)s (%(zone)s)") % {"label": label, "zone": time_zone.key}


def defused(value):
    """``value``, with an apostrophe in front if it is text a spreadsheet would evaluate."""
    if (
        isinstance(value, str)
        and value.startswith(_FORMULA_START)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


class _Writer:
    def __init__(self, out, **options):
        self._writer = defusedcsv.writer(out, **options)

    def writerow(self, row):
        return self._writer.writerow([defused(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(out, **options):
    """A ``csv.writer`` on ``out`` whose cells can never become formulas."""
    return _Writer(out, **options)


def _csv_value(value, time_zone):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(time_zone).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value) if not isinstance(value, int | float) else value


def csv_bytes(table, *, delimiter=","):
    """The table as CSV, UTF-8 with a byte-order mark."""
    out = io.StringIO()
    out.write("\ufeff")
    table_writer = writer(out, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL)
    table_writer.writerow([str(header) for header in table.headers])
    for row in table.rows:
        table_writer.writerow([_csv_value(value, table.time_zone) for value in row])
    return out.getvalue().encode("utf-8")


def _xlsx_value(value, time_zone):
    """The cell's value and number format."""
    if isinstance(value, dt.datetime):
        local = value.astimezone(time_zone).replace(tzinfo=None)
        return local, DATETIME_FORMAT
    if isinstance(value, dt.date):
        return value, DATE_FORMAT
    if value is None or isinstance(value, bool | int | float):
        return value, None
    # Control characters other than tab and line breaks cannot be stored in a workbook.
    return ILLEGAL_CHARACTERS_RE.sub("", defused(str(value))), None


def _shown_width(value):
    if isinstance(value, dt.datetime):
        return len(DATETIME_FORMAT)
    if isinstance(value, dt.date):
        return len(DATE_FORMAT)
    text = "" if value is None else str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def sheet_name(title):
    """``title`` as a name Excel accepts for a sheet."""
    name = _NOT_IN_SHEET_NAME.sub(" ", str(title)).strip(" '")[:31].strip(" '")
    return name or "Sheet1"


def xlsx_bytes(table):
    """The table as an Excel workbook: one sheet, a bold header row that stays in view
    while scrolling, a filter on it, and columns wide enough for what they hold."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name(table.title)
    headers = [str(header) for header in table.headers]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(header) for header in headers]
    for row_number, row in enumerate(table.rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column)
            cell.value, number_format = _xlsx_value(value, table.time_zone)
            if isinstance(cell.value, str):
                cell.data_type = "s"  # Text, never a formula, whatever it starts with.
            if number_format:
                cell.number_format = number_format
            widths[column - 1] = max(widths[column - 1], _shown_width(cell.value))
    for column, width in enumerate(widths, start=1):
        shown = min(max(width + 2, _NARROWEST), _WIDEST)
        sheet.column_dimensions[get_column_letter(column)].width = shown
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def download(table, sheet_format, filename):
    """The table as a file to download in ``sheet_format`` (a key of ``FORMATS``), named
    ``filename`` (made safe for a header) with the format's extension."""
    extension, content_type = FORMATS[sheet_format]
    if sheet_format == "xlsx":
        content = xlsx_bytes(table)
    else:
        content = csv_bytes(table, delimiter=";" if sheet_format == "semicolon" else ",")
    response = HttpResponse(content, content_type=content_type)
    name = slugify(filename) or "export"
    response["Content-Disposition"] = f'attachment; filename="{name}{extension}"'
    return response
