"""Leads as CSV: UTF-8 with a byte-order mark, so spreadsheets open å, ä and ö right, and no
cell a visitor or staff member typed can become a formula (``expo.spreadsheets``)."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from expo import spreadsheets

from .serializers import LeadSerializer


def leads_csv(leads):
    out = io.StringIO()
    out.write("\ufeff")
    writer = spreadsheets.writer(out)
    writer.writerow(
        [
            _("Scanned"),
            _("Scanned by"),
            _("Name"),
            _("E-mail"),
            _("Organisation"),
            _("Rating"),
            _("Note"),
            _("Ticket"),
        ]
    )
    for lead in LeadSerializer(leads, many=True).data:
        writer.writerow(
            [
                timezone.localtime(timezone.datetime.fromisoformat(lead["scanned_at"])).strftime(
                    "%Y-%m-%d %H:%M"
                ),
                lead["scanned_by"] or "",
                lead["name"] or _("(did not share)"),
                lead["email"] or "",
                lead["organisation"] or "",
                lead["rating"] or "",
                lead["note"],
                lead["ticket"],
            ]
        )
    return out.getvalue()
