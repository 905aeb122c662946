"""QR codes for screens: an inline SVG of a ticket code."""

import qrcode
import qrcode.image.svg
from django.utils.html import format_html
from django.utils.safestring import mark_safe


def qr_svg(code, *, label):
    """An accessible inline SVG of ``code``; ``label`` names it for screen readers."""
    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=4,
        image_factory=qrcode.image.svg.SvgPathImage,
    )
    qr.add_data(code)
    qr.make(fit=True)
    svg = qr.make_image().to_string(encoding="unicode")
    svg = svg.replace("<svg ", '<svg role="img" class="qr" ', 1)
    title = format_html("<title>{}</title>", label)
    # The SVG comes from the QR library and the title is escaped by format_html.
    return mark_safe(svg.replace(">", ">" + title, 1))
