import datetime as dt
import io
import re
import tracemalloc

import pypdfium2
import pytest
import zxingcpp
from django.core.management import CommandError, call_command
from reportlab.lib.pagesizes import A4, A6
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from rest_framework.test import APIClient

from events.models import Conference, OpeningDay
from tests.conftest import attendee
from ticketing import badges, services
from ticketing.models import Order, Ticket, TicketType

NAMES = ["Åsa Öberg-Næss", "Łukasz Żółć", "Slavoj Žižek", "Jyväskylän Päivi", "Søren Kjær"]
LONG_NAME = "Maria-Kristiina Åkerström-Väänänen von Hohenzollern-Sigmaringen"


def pages(pdf_bytes):
    """(image at 200 dpi, text layer, image objects, page facts) for each page; the facts
    are the page's size, the boxes of its characters and how many paths it draws."""
    assert_cross_references_hold(pdf_bytes)
    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        for page in document:
            image = page.render(scale=200 / 72).to_pil()
            text = page.get_textpage().get_text_range()
            images = [
                obj for obj in page.get_objects() if obj.type == pypdfium2.raw.FPDF_PAGEOBJ_IMAGE
            ]
            textpage = page.get_textpage()
            boxes = [textpage.get_charbox(i) for i in range(textpage.count_chars())]
            paths = sum(obj.type == pypdfium2.raw.FPDF_PAGEOBJ_PATH for obj in page.get_objects())
            yield image, text, images, {"size": page.get_size(), "boxes": boxes, "paths": paths}
    finally:
        document.close()


def assert_cross_references_hold(pdf):
    """Every object the cross-reference table lists starts where it says: pdfium would
    quietly repair a broken table, so the test reads it itself."""
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    start = int(pdf.rsplit(b"startxref", 1)[1].split()[0])
    table = pdf[start:].split(b"\n")
    assert table[0] == b"xref"
    first, count = map(int, table[1].split())
    assert first == 0
    for number, entry in enumerate(table[2 : 2 + count]):
        if number:
            offset = int(entry[:10])
            assert pdf[offset:].startswith(b"%d 0 obj" % number), number
    assert re.search(rb"/Size %d\b" % count, pdf[start:])


def codes_in(image):
    return sorted(result.text for result in zxingcpp.read_barcodes(image))


def flat(text):
    """The text layer without line breaks: a name wrapped on two lines reads whole.
    (pdfium joins a line that ends in a hyphen to the next with U+FFFE.)"""
    text = text.replace("\ufffe", "-")
    return re.sub(r"-\r?\n", "-", re.sub(r"(?<!-)\r?\n", " ", text))


def make_type(expo, kind, **fields):
    if kind == TicketType.Kind.CONFERENCE:  # A conference ticket names its conference.
        fields.setdefault(
            "conference",
            Conference.objects.create(
                expo=expo,
                slug="summit",
                name="Summit",
                start_date=expo.start_date,
                end_date=expo.start_date,
            ),
        )
    return TicketType.objects.create(
        expo=expo,
        slug=fields.pop("slug", kind),
        name=fields.pop("name", kind.title()),
        kind=kind,
        **fields,
    )


def make_tickets(expo, ticket_type, names, **fields):
    order = Order.objects.create(expo=expo, email="buyer@example.org")
    return [
        Ticket.objects.select_related("expo", "ticket_type").get(
            pk=Ticket.objects.create(
                expo=expo,
                order=order,
                ticket_type=ticket_type,
                holder_name=name,
                holder_email=f"{n}@example.org",
                **fields,
            ).pk
        )
        for n, name in enumerate(names)
    ]


@pytest.fixture
def visitors(expo):
    return make_tickets(
        expo, make_type(expo, "season"), NAMES, organisation="Malmö stad, Kulturförvaltningen"
    )


def test_an_a6_badge_carries_the_exact_code_the_name_and_no_bitmap(visitors):
    ticket = visitors[0]
    [(image, text, images, page)] = list(pages(badges.render_badge(ticket)))
    assert page["size"] == pytest.approx(A6)
    assert codes_in(image) == [ticket.code]
    assert len(ticket.code) >= 90
    assert "Åsa Öberg-Næss" in text
    assert "Malmö City Expo" in text and "1–7 June 2026" in text
    assert "VISITOR" in text and "Season" in text and "Malmö stad, Kulturförvaltningen" in text
    assert images == []  # the QR code is vector paths, not a bitmap
    assert page["paths"] == 2  # the role band, and the QR code as one path


def test_the_qr_code_is_large_enough_to_scan_from_30_cm(visitors):
    modules = len(badges.qr_matrix(visitors[0].code))
    symbol = badges.QR_SIZE * modules / (modules + 2 * badges.QR_QUIET_MODULES)
    assert symbol >= 45 * badges.mm


@pytest.mark.parametrize("index", range(len(NAMES)))
def test_names_beyond_latin_1_print(visitors, index):
    [(_image, text, _images, _page)] = list(pages(badges.render_badge(visitors[index])))
    assert NAMES[index] in text


@pytest.mark.parametrize(
    "name, whole",
    [
        (LONG_NAME, True),  # two lines, smaller
        ("Leutheusser-Schnarrenberger-Wolfeschlegelsteinhausen", True),  # after a hyphen
        ("Bartholomäus " * 12, False),  # beyond two lines: cut with an ellipsis
        ("Ø" * 120, False),  # one word, broken inside, then cut
    ],
)
def test_a_long_name_stays_within_the_badge(expo, name, whole):
    [ticket] = make_tickets(expo, make_type(expo, "day"), [name], day=dt.date(2026, 6, 3))
    [(image, text, _images, page)] = list(pages(badges.render_badge(ticket)))
    width, _height = page["size"]
    for left, _bottom, right, _top in page["boxes"]:
        assert left >= badges.MARGIN - 1 and right <= width - badges.MARGIN + 1
    if whole:
        assert " ".join(name.split()) in flat(text)
    else:
        assert "…" in text
    assert codes_in(image) == [ticket.code]


def test_fit_lines_shrinks_then_wraps_then_cuts():
    width = badges.TEXT_WIDTH
    fit = {"one_line_smallest": 18}
    assert badges.fit_lines("Åsa Öberg", badges.BOLD, width, 26, 12, **fit) == (26, ["Åsa Öberg"])
    assert badges.fit_lines("Åsa Öberg-Lindqvist", badges.BOLD, width, 26, 12, **fit) == (
        22,
        ["Åsa Öberg-Lindqvist"],
    )
    # Below 18 pt on one line: two lines at a larger size.
    assert badges.fit_lines("Maria-Kristiina Åkerström", badges.BOLD, width, 26, 12, **fit) == (
        26,
        ["Maria-Kristiina", "Åkerström"],
    )
    size, lines = badges.fit_lines(LONG_NAME, badges.BOLD, width, 26, 12, **fit)
    assert 12 <= size < 18 and len(lines) == 2
    size, lines = badges.fit_lines("Bartholomäus " * 12, badges.BOLD, width, 26, 12, **fit)
    assert size == 12 and len(lines) == 2 and lines[1].endswith("…")
    for size, lines in [
        badges.fit_lines(text, badges.BOLD, width, 26, 12, **fit)
        for text in [LONG_NAME, "Bartholomäus " * 12, "Ø" * 120, "x"]
    ]:
        assert all(pdfmetrics.stringWidth(line, badges.BOLD, size) <= width for line in lines)


def test_four_badges_fit_an_a4_sheet_and_five_take_two(visitors):
    sheets = list(pages(b"".join(badges.iter_badge_pdf(visitors, "a4x4"))))
    assert len(sheets) == 2
    assert sheets[0][3]["size"] == pytest.approx(A4)
    assert codes_in(sheets[0][0]) == sorted(ticket.code for ticket in visitors[:4])
    assert codes_in(sheets[1][0]) == [visitors[4].code]
    assert all(name in flat(sheets[0][1]) for name in NAMES[:4])
    assert all(images == [] for _image, _text, images, _page in sheets)


@pytest.mark.parametrize(
    "kind, label",
    [
        ("day", "VISITOR"),
        ("multi_day", "VISITOR"),
        ("conference", "VISITOR"),
        ("exhibitor", "EXHIBITOR"),
        ("speaker", "SPEAKER"),
        ("press", "PRESS"),
    ],
)
def test_the_role_is_named_beside_its_colour(expo, kind, label):
    [ticket] = make_tickets(expo, make_type(expo, kind, name="Pass"), ["Jan Žižka"])
    assert badges.role_of(ticket.ticket_type) == label.lower()
    [(_image, text, _images, _page)] = list(pages(badges.render_badge(ticket)))
    assert label in text
    assert set(badges.ROLES) == {"visitor", "exhibitor", "speaker", "press", "staff"}


def test_a_badge_shows_the_days_its_ticket_is_valid(expo):
    OpeningDay.objects.create(expo=expo, date=dt.date(2026, 6, 4), is_closed=True)
    season, day = make_type(expo, "season"), make_type(expo, "day", name="Day pass")
    [all_days] = make_tickets(expo, season, ["Åsa"])
    [one_day] = make_tickets(expo, day, ["Łukasz"], day=dt.date(2026, 6, 5))
    [(_image, text, *_rest)] = list(pages(badges.render_badge(all_days)))
    assert "1, 2, 3, 5, 6, 7 June" not in text and "6 days, 1–7 June 2026" in text
    [(_image, text, *_rest)] = list(pages(badges.render_badge(one_day)))
    assert "5 June 2026" in text and "Day pass" in text


@pytest.mark.parametrize(
    "days, text",
    [
        ([dt.date(2026, 6, 3)], "3 June 2026"),
        ([dt.date(2026, 6, d) for d in range(1, 8)], "1–7 June 2026"),
        ([dt.date(2026, 6, 29) + dt.timedelta(days=n) for n in range(5)], "29 June – 3 July 2026"),
        ([dt.date(2026, 6, 1), dt.date(2026, 6, 3), dt.date(2026, 6, 5)], "1, 3, 5 June 2026"),
        ([dt.date(2026, 6, 30), dt.date(2026, 7, 2)], "30 June, 2 July 2026"),
        ([dt.date(2026, 12, 31), dt.date(2027, 1, 2)], "31 December 2026, 2 January 2027"),
        ([dt.date(2026, 6, d) for d in (1, 2, 4, 5, 6, 8)], "6 days, 1–8 June 2026"),
        ([], ""),
    ],
)
def test_days_read_compactly(days, text):
    assert badges.days_text(days) == text


@pytest.mark.parametrize("length", [94, 99, 180])
def test_codes_of_any_length_decode_exactly(length):
    """Codes up to 106 bytes use version 6; longer ones a larger version, same size."""
    code = ("EX1" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567-_abc" * 5)[:length]
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A6)
    badges.draw_qr(canvas, code, 10, 10, badges.QR_SIZE)
    canvas.save()
    [(image, _text, images, _page)] = list(pages(out.getvalue()))
    assert codes_in(image) == [code] and images == []


def test_the_pdf_streams_in_chunks_while_the_tickets_are_read(visitors):
    taken = []

    def lazily():
        for ticket in visitors * 8:  # 40 badges, 10 sheets
            taken.append(ticket)
            yield ticket

    chunks = []
    for chunk in badges.iter_badge_pdf(lazily(), "a4x4", chunk_bytes=1):
        chunks.append((len(taken), chunk))
    assert len(chunks) == 11  # one a sheet, then the fonts and the trailer
    assert chunks[0][0] == 4  # the first sheet left before the fifth ticket was read
    pdf = b"".join(chunk for _taken, chunk in chunks)
    sheets = list(pages(pdf))
    assert len(sheets) == 10
    assert codes_in(sheets[9][0]) == sorted(ticket.code for ticket in visitors[1:5])


def test_progress_is_reported_badge_by_badge(visitors):
    seen = []
    out = io.BytesIO()
    badges.write_badges(visitors, out, layout="a6", on_badge=seen.append)
    assert seen == visitors
    assert len(list(pages(out.getvalue()))) == 5


def test_an_unknown_layout_is_refused_before_any_ticket_is_read(visitors):
    def never():
        raise AssertionError("read a ticket")
        yield

    with pytest.raises(ValueError, match="a6"):
        badges.iter_badge_pdf(never(), "poster")


def test_no_tickets_give_a_blank_page():
    [(_image, text, images, _page)] = list(pages(b"".join(badges.iter_badge_pdf([], "a4x4"))))
    assert text.strip() == "" and images == []


def test_memory_stays_flat_however_many_badges(expo):
    """ReportLab alone holds every page until save(), about 23 KiB a badge; streamed,
    only a cross-reference entry or two a page remain."""
    season = make_type(expo, "season")
    order = Order(pk=1, expo=expo, email="x@example.org")
    tickets = [
        Ticket(pk=n, expo=expo, order=order, ticket_type=season, holder_name=f"Åsa {n}")
        for n in range(1, 401)
    ]
    badges.render_badge(tickets[0])  # fonts and key loaded outside the measure
    peaks = []
    for count in (40, 400):
        tracemalloc.start()
        for _chunk in badges.iter_badge_pdf(iter(tickets[:count]), "a4x4"):
            pass
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert (peaks[1] - peaks[0]) / 360 < 1024  # bytes a badge


# How the badges are served: the holder's page, the API, the command and the admin.


@pytest.fixture
def sold(expo, season_ticket):
    order = services.register(
        expo, season_ticket, [attendee(name, f"{i}@example.org") for i, name in enumerate(NAMES)]
    )
    return list(order.tickets.select_related("expo", "ticket_type").order_by("pk"))


def test_the_holder_downloads_the_badge_from_the_private_page(client, sold):
    ticket = sold[0]
    url = f"/expos/city-expo/my-tickets/{ticket.order.secret}/tickets/{ticket.pk}/badge.pdf"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    [(image, _text, _images, _page)] = list(pages(response.content))
    assert codes_in(image) == [ticket.code]
    assert client.get(url.replace(ticket.order.secret, "guess")).status_code == 404


def test_the_api_serves_the_badge_to_the_holder_only(sold):
    ticket = sold[0]
    url = f"/api/v1/tickets/{ticket.pk}/badge.pdf"
    assert APIClient().get(url).status_code == 404
    assert APIClient().get(url, {"code": ticket.code}).status_code == 404
    holder = APIClient()
    holder.credentials(HTTP_X_ORDER_SECRET=ticket.order.secret)
    response = holder.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    services.cancel_ticket(Ticket.objects.get(pk=ticket.pk))
    assert holder.get(url).status_code == 400


def test_print_badges_writes_one_pdf_with_a_progress_bar(sold, tmp_path):
    target = tmp_path / "badges.pdf"
    err = io.StringIO()
    call_command(
        "print_badges",
        "--expo",
        "city-expo",
        "--layout",
        "a4x4",
        "-o",
        str(target),
        stdout=io.StringIO(),
        stderr=err,
    )
    sheets = list(pages(target.read_bytes()))
    assert len(sheets) == 2
    assert "5/5" in err.getvalue()


def test_print_badges_refuses_an_unknown_expo(db, tmp_path):
    with pytest.raises(CommandError, match="nowhere"):
        call_command("print_badges", "--expo", "nowhere", "-o", str(tmp_path / "x.pdf"))


def test_organisers_fetch_many_badges_through_the_api(organiser_api, api, sold):
    url = "/api/v1/expos/city-expo/badges.pdf"
    response = organiser_api.get(url, {"layout": "a6", "ticket_type": "season"})
    assert response.status_code == 200
    assert len(list(pages(b"".join(response.streaming_content)))) == 5
    assert organiser_api.get(url, {"layout": "poster"}).status_code == 400
    assert api.get(url).status_code in (401, 403)


def test_the_admin_prints_the_selected_badges(client, django_user_model, sold):
    client.force_login(django_user_model.objects.create_superuser("root", password="pw-root-1"))
    response = client.post(
        "/admin/ticketing/ticket/",
        {"action": "print_badges", "_selected_action": [t.pk for t in sold[:3]]},
    )
    assert response["Content-Type"] == "application/pdf"
    [(image, _text, _images, _page)] = list(pages(b"".join(response.streaming_content)))
    assert codes_in(image) == sorted(t.code for t in sold[:3])
