"""Leads as CSV: UTF-8 with a byte-order mark, so spreadsheets open å, ä and ö right, and no
cell a visitor or staff member typed can become a formula (``expo.spreadsheets``)."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from expo import spreadsheets

from .models import Lead
from .serializers import LeadSerializer

#: What the name column says when the name is not shown, by ``Lead.contact``.
_NO_NAME = {
    Lead.Contact.NOT_SHARED: gettext_lazy("(did not share)"),
    Lead.Contact.ERASED: gettext_lazy("(erased)"),
}


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
                lead["name"] or str(_NO_NAME.get(lead["contact"], "")),
                lead["email"] or "",
                lead["organisation"] or "",
                lead["rating"] or "",
                lead["note"],
                lead["ticket"],
            ]
        )
    return out.getvalue()
