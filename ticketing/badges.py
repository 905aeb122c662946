"""Badges as PDF: one A6 badge, or sheets of four A6 badges on A4 with cut marks.

The QR code is drawn as one vector path (sharp at any size, small in the file) from a
matrix made with a fixed mask pattern: letting the QR library try all eight patterns to
pick the best costs about ten times as much and buys nothing a scanner notices. Names
are set in DejaVu Sans, shipped in ``ticketing/fonts``, so any European name prints.
"""

import functools
import io
from pathlib import Path

import qrcode
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from . import admission
from .models import TicketType

FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
BADGE_WIDTH, BADGE_HEIGHT = 105 * mm, 148.5 * mm
MARGIN = 8 * mm
QR_SIZE = 56 * mm
QR_QUIET_MODULES = 4
QR_MASK = 4
# Version 6 at error correction level M holds 106 bytes, every code of docs/codes.md;
# naming it spares the library trying versions.
QR_VERSION, QR_VERSION_BYTES = 6, 106
LAYOUTS = ("a6", "a4x4")

ROLES = {
    "visitor": (gettext_lazy("Visitor"), "#0b4f8a"),
    "exhibitor": (gettext_lazy("Exhibitor"), "#1b5e20"),
    "speaker": (gettext_lazy("Speaker"), "#6a1b9a"),
    "press": (gettext_lazy("Press"), "#a4161a"),
}


def role_of(ticket_type):
    if ticket_type.kind in {
        TicketType.Kind.EXHIBITOR,
        TicketType.Kind.SPEAKER,
        TicketType.Kind.PRESS,
    }:
        return ticket_type.kind
    return "visitor"


@functools.cache
def _register_fonts():
    pdfmetrics.registerFont(TTFont(REGULAR, FONTS / "DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont(BOLD, FONTS / "DejaVuSans-Bold.ttf"))


def qr_matrix(code):
    version = QR_VERSION if len(code.encode()) <= QR_VERSION_BYTES else None
    qr = qrcode.QRCode(
        version=version,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=0,
        mask_pattern=QR_MASK,
    )
    qr.add_data(code, optimize=0)
    qr.make(fit=version is None)
    return qr.get_matrix()


def draw_qr(canvas, code, x, y, size):
    """The QR code of ``code`` in a ``size`` square with its lower left corner at x, y,
    quiet zone included; every run of dark modules in a row is one rectangle of one
    path."""
    matrix = qr_matrix(code)
    count = len(matrix) + 2 * QR_QUIET_MODULES
    module = size / count
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        top = y + size - (QR_QUIET_MODULES + row_index + 1) * module
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            path.rect(
                x + (QR_QUIET_MODULES + start) * module, top, (column - start) * module, module
            )
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)


def fit_lines(text, font, width, largest, smallest):
    """``text`` at the largest size from ``largest`` down to ``smallest`` that fits
    ``width`` on one line, else on two; at ``smallest`` a line that still does not fit
    is cut with an ellipsis. Returns (size, lines)."""
    for size in range(largest, smallest - 1, -1):
        if pdfmetrics.stringWidth(text, font, size) <= width:
            return size, [text]
    words = text.split()
    for size in range(largest, smallest - 1, -1):
        for split in range(len(words) - 1, 0, -1):
            lines = [" ".join(words[:split]), " ".join(words[split:])]
            if all(pdfmetrics.stringWidth(line, font, size) <= width for line in lines):
                return size, lines
    line = text
    while line and pdfmetrics.stringWidth(line + "…", font, smallest) > width:
        line = line[:-1]
    return smallest, [line + "…"]


def days_text(days):
    """Valid days, compactly: one day, a run of days, or a few dates."""
    if not days:
        return ""
    if len(days) == 1:
        return date_format(days[0], "j F Y")
    contiguous = all((b - a).days == 1 for a, b in zip(days, days[1:], strict=False))
    if contiguous or len(days) > 4:
        first, last = date_format(days[0], "j F"), date_format(days[-1], "j F Y")
        if contiguous:
            return f"{first} – {last}"
        return _("%(count)d days, %(first)s – %(last)s") % {
            "count": len(days),
            "first": first,
            "last": last,
        }
    return ", ".join(date_format(day, "j F") for day in days) + f" {days[-1].year}"


def draw_badge(canvas, ticket, days, left, bottom):
    expo, ticket_type = ticket.expo, ticket.ticket_type
    width, height = BADGE_WIDTH, BADGE_HEIGHT
    inner = width - 2 * MARGIN
    label, colour = ROLES[role_of(ticket_type)]

    band = 20 * mm
    canvas.setFillColor(HexColor(colour))
    canvas.rect(left, bottom + height - band, width, band, stroke=0, fill=1)
    canvas.setFillColor(white)
    canvas.setFont(BOLD, 16)
    canvas.drawString(left + MARGIN, bottom + height - band + 7.5 * mm, str(label).upper())

    canvas.setFillColorRGB(0.1, 0.1, 0.1)
    y = bottom + height - band - 8 * mm
    size, lines = fit_lines(expo.name, BOLD, inner, 12, 8)
    canvas.setFont(BOLD, size)
    canvas.drawString(left + MARGIN, y, lines[0])
    y -= 5 * mm
    canvas.setFont(REGULAR, 9)
    canvas.drawString(
        left + MARGIN,
        y,
        f"{date_format(expo.start_date, 'j F')} – {date_format(expo.end_date, 'j F Y')}",
    )

    y -= 13 * mm
    size, lines = fit_lines(ticket.holder_name, BOLD, inner, 26, 14)
    canvas.setFont(BOLD, size)
    for line in lines:
        canvas.drawString(left + MARGIN, y, line)
        y -= size * 1.15
    if ticket.organisation:
        size, lines = fit_lines(ticket.organisation, REGULAR, inner, 13, 9)
        canvas.setFont(REGULAR, size)
        canvas.drawString(left + MARGIN, y - 1 * mm, lines[0])
        y -= 6 * mm
    canvas.setFont(REGULAR, 10)
    y -= 4 * mm
    canvas.drawString(left + MARGIN, y, fit_lines(ticket_type.name, REGULAR, inner, 10, 7)[1][0])
    y -= 4.5 * mm
    canvas.drawString(left + MARGIN, y, fit_lines(days_text(days), REGULAR, inner, 10, 7)[1][0])

    draw_qr(canvas, ticket.code, left + (width - QR_SIZE) / 2, bottom + 6 * mm, QR_SIZE)


def draw_cut_marks(canvas):
    """Short marks at the page edges where the A4 sheet is cut into four A6 badges."""
    page_width, page_height = A4
    canvas.setLineWidth(0.3)
    canvas.setStrokeColorRGB(0.4, 0.4, 0.4)
    length = 5 * mm
    canvas.line(BADGE_WIDTH, 0, BADGE_WIDTH, length)
    canvas.line(BADGE_WIDTH, page_height - length, BADGE_WIDTH, page_height)
    canvas.line(0, BADGE_HEIGHT, length, BADGE_HEIGHT)
    canvas.line(page_width - length, BADGE_HEIGHT, page_width, BADGE_HEIGHT)


def write_badges(tickets, out, *, layout="a6", on_badge=None):
    """Write the badges of ``tickets`` (with ``expo`` and ``ticket_type`` selected) as
    one PDF to the file ``out``; ``on_badge`` is called after each badge."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout is one of {', '.join(LAYOUTS)}")
    _register_fonts()
    page_size = (BADGE_WIDTH, BADGE_HEIGHT) if layout == "a6" else A4
    canvas = Canvas(out, pagesize=page_size, pageCompression=1)
    canvas.setTitle(_("Badges"))
    slots = (
        [(0, 0)]
        if layout == "a6"
        else [(0, BADGE_HEIGHT), (BADGE_WIDTH, BADGE_HEIGHT), (0, 0), (BADGE_WIDTH, 0)]
    )
    open_days_by_expo = {}
    slot = 0
    for ticket in tickets:
        if ticket.expo_id not in open_days_by_expo:
            open_days_by_expo[ticket.expo_id] = admission.open_days(ticket.expo)
        if slot == 0 and layout == "a4x4":
            draw_cut_marks(canvas)
        days = admission.ticket_days(ticket, open_days_by_expo[ticket.expo_id])
        draw_badge(canvas, ticket, days, *slots[slot])
        slot += 1
        if slot == len(slots):
            canvas.showPage()
            slot = 0
        if on_badge:
            on_badge(ticket)
    if slot:
        canvas.showPage()
    canvas.save()


def badge_pdf(ticket):
    """One A6 badge as PDF bytes."""
    out = io.BytesIO()
    write_badges([ticket], out)
    return out.getvalue()
