"""QR codes for screens: a ticket code as an inline SVG.

The code holds only what ``codes.sign`` puts in it (ticket id, expo id, signature), never
a name or an e-mail address.
"""

import re

import qrcode
import qrcode.constants
import qrcode.image.svg
from django.utils.html import escape
from django.utils.safestring import mark_safe

# The library sizes the image in millimetres; the page sizes it with CSS instead, and a
# page without the stylesheet still gets a code large enough to scan from a phone.
_SIZE = re.compile(r'\s(?:width|height)="[^"]*"')


def qr_svg(code, *, label, size=240):
    """An inline SVG of ``code``, ``size`` pixels square unless CSS says otherwise;
    ``label`` is its text alternative for screen readers."""
    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=4,  # the quiet zone scanners need around the code
        image_factory=qrcode.image.svg.SvgPathImage,
    )
    qr.add_data(code)
    qr.make(fit=True)
    # The library names its path "qr-path": an id that would repeat on a page of tickets.
    svg = qr.make_image().to_string(encoding="unicode").replace(' id="qr-path"', "")
    opening_end = svg.index(">")
    attributes = _SIZE.sub("", svg[len("<svg") : opening_end])
    label = escape(label)
    opening = (
        f'<svg class="qr" role="img" aria-label="{label}" width="{size}" height="{size}"'
        f"{attributes}><title>{label}</title>"
    )
    # Everything but the label comes from the QR library, and the label is escaped.
    return mark_safe(opening + svg[opening_end + 1 :])
