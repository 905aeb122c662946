"""Scan points: the gates, hall entrances and session doors where badges are scanned."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from expo.errors import InvalidInput


def save_scan_point(scan_point):
    """Create or change a scan point after its own checks (``ScanPoint.clean``): the
    place it names fits its kind and is of its expo, and its short name is free there."""
    try:
        scan_point.full_clean()
    except ValidationError as error:
        raise InvalidInput(error.message_dict) from error
    try:
        with transaction.atomic():
            scan_point.save()
    except IntegrityError:  # another writer took the short name first
        raise InvalidInput({"slug": _("This short name is already used in this expo.")}) from None
    return scan_point
