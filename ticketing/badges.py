"""Badges as PDF: one A6 badge, or sheets of four A6 badges on A4 with cut marks.

    render_badge(ticket) -> bytes                       one A6 badge
    iter_badge_pdf(tickets, layout, on_badge=...)       one PDF of many, as chunks of bytes
    write_badges(tickets, out, layout, on_badge=...)    the same, written to a file

The QR code is drawn as one vector path (sharp at any size, small in the file) from a
matrix made with a fixed mask pattern: letting the QR library try all eight patterns to
pick the best costs about six times as much and buys nothing a scanner notices. Names
are set in DejaVu Sans, shipped in ``ticketing/fonts``, so any European name prints.

Memory: ReportLab's canvas keeps every page until ``save()``. Here each finished page is
formatted, handed out and dropped at once (``_StreamingDocument``), so a PDF of any
number of badges is written in near-constant memory: what stays is a cross-reference
entry per PDF object (two a page) and the set of characters used, from which the font
subsets are written at the end.
"""

import functools
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import qrcode
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from events.translations import translated
from expo import dates

from . import admission

FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
# An A4 sheet cut in four gives 105 x 148.5 mm; a single badge is a true A6 page.
BADGE_WIDTH, BADGE_HEIGHT = A4[0] / 2, A4[1] / 2
MARGIN = 8 * mm
TEXT_WIDTH = BADGE_WIDTH - 2 * MARGIN
BAND_HEIGHT = 20 * mm
# The square of the QR code with its quiet zone; a version 6 symbol is 49 mm wide in it.
QR_SIZE = 60 * mm
QR_BOTTOM = 5 * mm
QR_QUIET_MODULES = 4
# Any fixed mask makes a valid symbol; bench/badges.py measures all eight (they cost
# the same) against letting the library choose.
QR_MASK = 2
# Version 6 at error correction level M holds 106 bytes, every code of docs/codes.md;
# naming it spares the library trying versions. Longer codes get a larger version.
QR_VERSION, QR_VERSION_BYTES = 6, 106
# The holder's name: one line from 26 pt down to 18 pt, then two lines down to 12 pt,
# and only then cut with an ellipsis.
NAME_LARGEST, NAME_ONE_LINE_SMALLEST, NAME_SMALLEST = 26, 18, 12
LAYOUTS = ("a6", "a4x4")
CHUNK_BYTES = 64 * 1024

# Each role has a colour for the band and its name printed in the band, so the role
# reads without colour too (and on a black-and-white printer). White on each colour has
# a contrast ratio of at least 7.
ROLES = {
    "visitor": (gettext_lazy("Visitor"), "#0b4f8a"),
    "exhibitor": (gettext_lazy("Exhibitor"), "#1b5e20"),
    "speaker": (gettext_lazy("Speaker"), "#6a1b9a"),
    "press": (gettext_lazy("Press"), "#a4161a"),
    "staff": (gettext_lazy("Staff"), "#212121"),
}


def role_of(ticket_type):
    """The badge role of a ticket type: a kind named like a role is that role (exhibitor,
    speaker, press, and staff should such a kind be added); every ticket sold to the
    public (day, multi-day, season, conference) is a visitor's."""
    return ticket_type.kind if ticket_type.kind in ROLES else "visitor"


@functools.cache
def register_fonts():
    """Register the shipped TrueType fonts with ReportLab, once a process."""
    pdfmetrics.registerFont(TTFont(REGULAR, FONTS / "DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont(BOLD, FONTS / "DejaVuSans-Bold.ttf"))


def qr_matrix(code):
    """The QR matrix of ``code`` (rows of booleans, no quiet zone), level M, fixed mask."""
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
    quiet zone included: one filled path in which every run of dark modules in a row is
    one rectangle."""
    matrix = qr_matrix(code)
    module = size / (len(matrix) + 2 * QR_QUIET_MODULES)
    left = x + QR_QUIET_MODULES * module
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        top = y + size - (QR_QUIET_MODULES + row_index + 1) * module
        column, width = 0, len(row)
        while column < width:
            if not row[column]:
                column += 1
                continue
            start = column
            while column < width and row[column]:
                column += 1
            path.rect(left + start * module, top, (column - start) * module, module)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)


def _break_points(text):
    """The ways to set ``text`` on two lines: at a space (dropped) or after a hyphen."""
    for index, char in enumerate(text):
        if char == " ":
            yield text[:index].rstrip(), text[index + 1 :].lstrip()
        elif char in "-‐" and 0 < index < len(text) - 1 and text[index + 1] != " ":
            yield text[: index + 1], text[index + 1 :]


def _cut(text, font, size, width):
    """The longest start of ``text`` that fits ``width`` with an ellipsis after it."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def fit_lines(text, font, width, largest, smallest, *, one_line_smallest=None, max_lines=2):
    """Set ``text`` in ``width``: on one line at the largest size from ``largest`` down
    to ``one_line_smallest`` (default ``smallest``); else on two lines, broken where the
    longer line is shortest, at the largest size down to ``smallest``; else at
    ``smallest`` with the last line cut by an ellipsis. Sizes go in half points. Returns
    ``(size, lines)``; every line fits ``width``."""
    text = " ".join(text.split())
    if not text:
        return largest, [""]

    def size_for(unit_width):
        return min(largest, int(width / unit_width * 2) / 2) if unit_width else largest

    one_line = size_for(pdfmetrics.stringWidth(text, font, 1))
    if one_line >= (one_line_smallest or smallest) or max_lines < 2:
        if one_line >= smallest:
            return one_line, [text]
        return smallest, [_cut(text, font, smallest, width)]
    options = list(_break_points(text))
    if options:
        first, rest = min(
            options,
            key=lambda lines: max(pdfmetrics.stringWidth(line, font, 1) for line in lines),
        )
        two_lines = size_for(
            max(pdfmetrics.stringWidth(first, font, 1), pdfmetrics.stringWidth(rest, font, 1))
        )
        if two_lines >= smallest and two_lines >= one_line:
            return two_lines, [first, rest]
    if one_line >= smallest:
        return one_line, [text]
    # Too long even on two lines: fill the first line, cut the second.
    fitting = [
        first for first, _rest in options if pdfmetrics.stringWidth(first, font, smallest) <= width
    ]
    if fitting:
        first = max(fitting, key=len)
    else:  # not even the first word fits: break inside it
        first = text
        while len(first) > 1 and pdfmetrics.stringWidth(first, font, smallest) > width:
            first = first[:-1]
    return smallest, [first, _cut(text[len(first) :].lstrip(), font, smallest, width)]


def days_text(days):
    """Days, compactly, as the active language writes them (``expo.dates``): a run as
    "1–7 June 2026", a few scattered days as "1, 3, 5 June 2026", many as "30 days, 1 June
    – 5 July 2026". ``days`` are sorted dates in the expo's time zone."""
    if not days:
        return ""
    first, last = days[0], days[-1]
    if (last - first).days == len(days) - 1:
        return dates.day_range(first, last)
    if len(days) > 4:
        return _("%(count)d days, %(range)s") % {
            "count": len(days),
            "range": dates.day_range(first, last),
        }
    groups = []  # the days of one month: "1, 3 June"
    for day in days:
        if groups and (groups[-1][0].year, groups[-1][0].month) == (day.year, day.month):
            groups[-1].append(day)
        else:
            groups.append([day])
    return ", ".join(
        ", ".join([dates.day_number(day) for day in group[:-1]] + [dates.day_month(group[-1])])
        + (f" {group[-1].year}" if group is groups[-1] or group[-1].year != last.year else "")
        for group in groups
    )


def _line(canvas, text, font, size, x, y):
    canvas.setFont(font, size)
    canvas.drawString(x, y, text)


def draw_badge(canvas, ticket, days, left, bottom, height=BADGE_HEIGHT):
    """One badge with its lower left corner at left, bottom. From the top: the role band,
    the expo and its dates, the holder's name and organisation; above the QR code at the
    bottom, the ticket type and the days it is valid."""
    expo, ticket_type = ticket.expo, ticket.ticket_type
    x = left + MARGIN
    top = bottom + height
    label, colour = ROLES[role_of(ticket_type)]

    canvas.setFillColor(HexColor(colour))
    canvas.rect(left, top - BAND_HEIGHT, BADGE_WIDTH, BAND_HEIGHT, stroke=0, fill=1)
    canvas.setFillColor(white)
    size, lines = fit_lines(str(label).upper(), BOLD, TEXT_WIDTH, 18, 10, max_lines=1)
    _line(canvas, lines[0], BOLD, size, x, top - BAND_HEIGHT / 2 - size * 0.36)

    canvas.setFillColorRGB(0.1, 0.1, 0.1)
    y = top - BAND_HEIGHT - 8 * mm
    size, lines = fit_lines(translated(expo, "name"), BOLD, TEXT_WIDTH, 12, 8, max_lines=1)
    _line(canvas, lines[0], BOLD, size, x, y)
    y -= 5 * mm
    _line(canvas, dates.day_range(expo.start_date, expo.end_date), REGULAR, 9, x, y)

    # The name and organisation, centred in the space between the expo's dates and
    # the ticket type.
    size, lines = fit_lines(
        ticket.holder_name,
        BOLD,
        TEXT_WIDTH,
        NAME_LARGEST,
        NAME_SMALLEST,
        one_line_smallest=NAME_ONE_LINE_SMALLEST,
    )
    block = [(line, BOLD, size, size * 1.15) for line in lines]  # (text, font, size, leading)
    if ticket.organisation:
        size, lines = fit_lines(
            ticket.organisation, REGULAR, TEXT_WIDTH, 14, 9, one_line_smallest=11
        )
        block += [
            (line, REGULAR, size, size + 3 * mm if index == 0 else size * 1.2)
            for index, line in enumerate(lines)
        ]
    space_top = y - 4 * mm
    space_bottom = bottom + QR_BOTTOM + QR_SIZE + 6 * mm + 11 + 4 * mm
    # From the first line's cap height to the last line's baseline.
    block_height = 0.73 * block[0][2] + sum(leading for *_text, leading in block[1:])
    y = space_top - max(0, (space_top - space_bottom - block_height) / 2) - 0.73 * block[0][2]
    for index, (text, font, size, leading) in enumerate(block):
        if index:
            y -= leading
        _line(canvas, text, font, size, x, y)

    qr_top = bottom + QR_BOTTOM + QR_SIZE
    size, lines = fit_lines(
        translated(ticket_type, "name"), REGULAR, TEXT_WIDTH, 11, 7, max_lines=1
    )
    _line(canvas, lines[0], REGULAR, size, x, qr_top + 6 * mm)
    size, lines = fit_lines(days_text(days), REGULAR, TEXT_WIDTH, 11, 7, max_lines=1)
    _line(canvas, lines[0], REGULAR, size, x, qr_top + 1.5 * mm)

    draw_qr(canvas, ticket.code, left + (BADGE_WIDTH - QR_SIZE) / 2, bottom + QR_BOTTOM, QR_SIZE)


def draw_cut_marks(canvas):
    """Marks at the page edges where the A4 sheet is cut into four, drawn over the
    badges so that no band hides them."""
    page_width, page_height = A4
    length = 8 * mm
    canvas.setLineWidth(0.5)
    canvas.setStrokeColorRGB(0, 0, 0)
    canvas.line(BADGE_WIDTH, 0, BADGE_WIDTH, length)
    canvas.line(BADGE_WIDTH, page_height - length, BADGE_WIDTH, page_height)
    canvas.line(0, BADGE_HEIGHT, length, BADGE_HEIGHT)
    canvas.line(page_width - length, BADGE_HEIGHT, page_width, BADGE_HEIGHT)


class _StreamingDocument:
    """Writes a ReportLab canvas's pages out as they are finished.

    ReportLab formats every object only in ``save()``. A finished page refers to its
    content stream and, through the shared font dictionary, to fonts that are complete
    only at the end; a PDF's objects may come in any order since the cross-reference
    table gives each one's offset. So each page and its content stream are formatted
    as soon as the page is shown, and forgotten; fonts, the page tree, the catalogue,
    the cross-reference table and the trailer are written by ``finish()``. This drives
    ReportLab's ``PDFDocument`` the way its ``format()`` does (reportlab 4), one page
    at a time.
    """

    def __init__(self, canvas):
        self.canvas = canvas
        self.doc = canvas._doc
        self.chunks = []
        self.offset = 0
        self.pages_written = 0
        self._add(b"".join(pdfdoc.PDFFile(self.doc._pdfVersion).strings))

    def _add(self, data):
        self.chunks.append(data)
        self.offset += len(data)

    def _write_object(self, name):
        doc = self.doc
        data = pdfdoc.PDFIndirectObject(name, doc.idToObject[name]).format(doc)
        doc.idToOffset[name] = self.offset
        self._add(data)
        doc.idToObject[name] = None  # the page tree names it; its content can go

    def write_pages(self):
        """Write the pages shown since the last call and drop them from memory."""
        pages = self.doc.Pages.pages
        for index in range(self.pages_written, len(pages)):
            page = pages[index]
            name = page.__InternalName__
            self._write_object(name)  # gives the content stream an object number
            self._write_object(page.Contents.__InternalName__)
            pages[index] = pdfdoc.PDFObjectReference(name)
        self.pages_written = len(pages)

    def take(self):
        """The bytes written since the last call."""
        data = b"".join(self.chunks)
        self.chunks = []
        return data

    @property
    def pending(self):
        return sum(map(len, self.chunks))

    def finish(self):
        """Write the fonts, page tree, catalogue, cross-references and trailer."""
        canvas, doc = self.canvas, self.doc
        self.write_pages()
        # What PDFDocument.GetPDFData and format() do before and after the objects.
        for font in doc.delayedFonts:
            font.addObjects(doc)
        doc.info.invariant = doc.invariant
        doc.info.digest(doc.signature)
        doc.Outlines.prepare(doc, canvas)
        if doc.Outlines.ready < 0:
            doc.Catalog.Outlines = None
        doc.encrypt.prepare(doc)
        catalog, info = doc.Reference(doc.Catalog), doc.Reference(doc.info)
        number = 1
        while number in doc.numberToId:  # formatting may register more objects
            name = doc.numberToId[number]
            if name not in doc.idToOffset:
                self._write_object(name)
            number += 1
        xref = pdfdoc.PDFCrossReferenceTable()
        xref.addsection(0, [doc.numberToId[n] for n in range(1, number)])
        start = self.offset
        self._add(xref.format(doc))
        trailer = pdfdoc.PDFTrailer(
            startxref=start, Size=number, Root=catalog, Info=info, ID=doc.ID()
        )
        self._add(trailer.format(doc))


def iter_badge_pdf(
    tickets: Iterable,
    layout: str = "a4x4",
    *,
    on_badge: Callable | None = None,
    chunk_bytes: int = CHUNK_BYTES,
    in_holders_language: bool = False,
) -> Iterator[bytes]:
    """The badges of ``tickets`` as one PDF, in chunks of about ``chunk_bytes``.

    ``tickets`` is any iterable of tickets with ``expo`` and ``ticket_type`` selected,
    such as ``queryset.iterator()``; it is read lazily, one ticket at a time, and
    memory stays flat however many there are. ``layout`` is ``"a6"`` (a badge a page)
    or ``"a4x4"`` (A4 sheets of four with cut marks); anything else raises
    ``ValueError`` here, before any ticket is read. ``on_badge(ticket)`` is called after
    each badge, for a progress bar. No tickets give one blank page.

    A badge is drawn in the active language, or with ``in_holders_language`` in the
    language its holder's order was made in (select ``order`` with the tickets): an
    organiser's print run serves visitors of every language at once.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout is one of {', '.join(LAYOUTS)}, not {layout!r}")
    return _badge_chunks(tickets, layout, on_badge, chunk_bytes, in_holders_language)


def _badge_chunks(tickets, layout, on_badge, chunk_bytes, in_holders_language):
    register_fonts()
    if layout == "a6":
        page_size, height = A6, A6[1]
        slots = [(0, 0)]
    else:
        page_size, height = A4, BADGE_HEIGHT
        slots = [(0, BADGE_HEIGHT), (BADGE_WIDTH, BADGE_HEIGHT), (0, 0), (BADGE_WIDTH, 0)]
    # The canvas never saves: _StreamingDocument writes what it draws.
    canvas = Canvas(None, pagesize=page_size, pageCompression=1)
    canvas.setTitle(_("Badges"))
    canvas.setCreator("Expo")
    out = _StreamingDocument(canvas)

    def end_page():
        if layout == "a4x4":
            draw_cut_marks(canvas)
        canvas.showPage()
        out.write_pages()

    open_days_by_expo = {}
    slot = 0
    for ticket in tickets:
        if ticket.expo_id not in open_days_by_expo:
            open_days_by_expo[ticket.expo_id] = admission.open_days(ticket.expo)
        days = admission.ticket_days(ticket, open_days_by_expo[ticket.expo_id])
        left, bottom = slots[slot]
        language = ticket.order.language if in_holders_language else translation.get_language()
        with translation.override(language):
            draw_badge(canvas, ticket, days, left, bottom, height)
        slot += 1
        if on_badge:
            on_badge(ticket)
        if slot == len(slots):
            end_page()
            slot = 0
            if out.pending >= chunk_bytes:
                yield out.take()
    if slot or not out.pages_written:
        end_page()
    out.finish()
    yield out.take()


def write_badges(tickets, out, *, layout="a4x4", on_badge=None, in_holders_language=False):
    """Write the badges of ``tickets`` as one PDF to the binary file ``out``, chunk by
    chunk (see ``iter_badge_pdf``)."""
    chunks = iter_badge_pdf(
        tickets, layout, on_badge=on_badge, in_holders_language=in_holders_language
    )
    for chunk in chunks:
        out.write(chunk)


def render_badge(ticket) -> bytes:
    """One A6 badge as PDF bytes."""
    return b"".join(iter_badge_pdf([ticket], "a6"))
