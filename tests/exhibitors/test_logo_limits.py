import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile

from exhibitors import services
from expo.errors import InvalidInput

pytestmark = pytest.mark.django_db


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width, height):
    """A PNG of a few dozen bytes whose header claims ``width`` × ``height`` pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def decoding(monkeypatch):
    """Records every image that is decoded."""
    decoded = []
    load = ImageFile.ImageFile.load

    def recording_load(image):
        decoded.append(image.size)
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", recording_load)
    return decoded


@pytest.mark.parametrize("side", [13_000, 6_000])
def test_a_logo_claiming_too_many_pixels_is_refused_without_decoding_it(decoding, side):
    upload = SimpleUploadedFile("logo.png", png_claiming(side, side), content_type="image/png")
    assert upload.size < 200
    with pytest.raises(InvalidInput) as refused:
        services.resized_logo(upload)
    assert "megapixels" in refused.value.errors["logo"][0]
    assert decoding == []


def test_a_logo_under_the_cap_is_still_decoded_and_scaled(decoding, settings):
    settings.LOGO_MAX_PIXELS = 2_000 * 1_000
    out = io.BytesIO()
    Image.new("RGB", (2_000, 1_000), "#0b4f8a").save(out, format="PNG")
    logo = services.resized_logo(SimpleUploadedFile("logo.png", out.getvalue()))
    assert Image.open(logo).size == (512, 256)
    assert decoding[0] == (2_000, 1_000)
    settings.LOGO_MAX_PIXELS = 2_000 * 1_000 - 1
    with pytest.raises(InvalidInput):
        services.resized_logo(SimpleUploadedFile("logo.png", out.getvalue()))


def test_the_portal_shows_a_too_large_logo_as_a_field_error(client, people, acme):
    client.force_login(people["own staff"])
    response = client.post(
        f"/portal/{acme.pk}/",
        {
            "save_profile": "1",
            "name": "Acme Stad AB",
            "logo_upload": SimpleUploadedFile("logo.png", png_claiming(13_000, 13_000)),
        },
    )
    assert response.status_code == 400
    assert "megapixels" in response.content.decode()
    acme.refresh_from_db()
    assert not acme.logo
