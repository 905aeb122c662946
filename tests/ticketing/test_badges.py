import io

import pypdfium2
import pytest
import zxingcpp
from django.core.management import CommandError, call_command
from reportlab.pdfbase import pdfmetrics
from rest_framework.test import APIClient

from tests.ticketing.conftest import attendee
from ticketing import badges, services
from ticketing.models import Ticket


def pages(pdf_bytes):
    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        for page in document:
            image = page.render(scale=200 / 72).to_pil()
            text = page.get_textpage().get_text_range()
            images = [
                obj for obj in page.get_objects() if obj.type == pypdfium2.raw.FPDF_PAGEOBJ_IMAGE
            ]
            yield image, text, images
    finally:
        document.close()


def codes_in(image):
    return sorted(result.text for result in zxingcpp.read_barcodes(image))


@pytest.fixture
def sold(expo, season_ticket):
    names = ["Åsa Öberg-Næss", "Łukasz Żółć", "Slavoj Žižek", "Jyväskylän Päivi", "Søren Kjær"]
    order = services.register(
        expo, season_ticket, [attendee(name, f"{i}@example.org") for i, name in enumerate(names)]
    )
    return list(order.tickets.select_related("expo", "ticket_type").order_by("pk"))


def test_an_a6_badge_carries_the_exact_code_and_the_name(sold):
    [(image, text, images)] = list(pages(badges.badge_pdf(sold[0])))
    assert codes_in(image) == [sold[0].code]
    assert "Åsa Öberg-Næss" in text
    assert "Malmö City Expo" in text and "VISITOR" in text
    assert images == []  # the QR code is vector paths, not a bitmap


@pytest.mark.parametrize("index", [1, 2])
def test_names_beyond_latin_1_print(sold, index):
    [(_image, text, _images)] = list(pages(badges.badge_pdf(sold[index])))
    assert sold[index].holder_name in text


def test_a_long_name_shrinks_and_stays_on_the_badge():
    name = "Maria-Kristiina Åkerström-Väänänen von Hohenzollern-Sigmaringen"
    size, lines = badges.fit_lines(name, badges.BOLD, 89 * badges.mm, 26, 14)
    assert size < 26
    assert all(pdfmetrics.stringWidth(line, badges.BOLD, size) <= 89 * badges.mm for line in lines)


def test_four_badges_fit_an_a4_sheet(sold):
    out = io.BytesIO()
    badges.write_badges(sold, out, layout="a4x4")
    sheets = list(pages(out.getvalue()))
    assert len(sheets) == 2
    assert codes_in(sheets[0][0]) == sorted(ticket.code for ticket in sold[:4])
    assert codes_in(sheets[1][0]) == [sold[4].code]


def test_an_unknown_layout_is_refused(sold):
    with pytest.raises(ValueError, match="a6"):
        badges.write_badges(sold, io.BytesIO(), layout="poster")


def test_the_holder_downloads_the_badge_from_the_private_page(client, sold):
    ticket = sold[0]
    url = f"/expos/city-expo/my-tickets/{ticket.order.secret}/tickets/{ticket.pk}/badge.pdf"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    [(image, _text, _images)] = list(pages(response.content))
    assert codes_in(image) == [ticket.code]
    assert client.get(url.replace(ticket.order.secret, "guess")).status_code == 404


def test_the_api_serves_the_badge_to_the_holder_only(sold):
    ticket = sold[0]
    client = APIClient()
    url = f"/api/v1/tickets/{ticket.pk}/badge.pdf"
    assert client.get(url).status_code == 403
    response = client.get(url, {"code": ticket.code})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    services.cancel_ticket(Ticket.objects.get(pk=ticket.pk))
    assert client.get(url, {"code": ticket.code}).status_code == 400


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
    [(image, _text, _images)] = list(pages(b"".join(response.streaming_content)))
    assert codes_in(image) == sorted(t.code for t in sold[:3])
