"""An exhibitor's leads as a spreadsheet table (``expo.spreadsheets`` writes it as CSV or
Excel): who scanned by their name, times on the expo's clock, headers in the reader's
language, and no internal ids."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from expo import spreadsheets

from .models import Lead

#: What the name column says when the name is not shown, by ``Lead.contact``.
_NO_NAME = {
    Lead.Contact.NOT_SHARED: gettext_lazy("(did not share)"),
    Lead.Contact.ERASED: gettext_lazy("(erased)"),
}


def _person(user):
    """A staff member by their full name, or their user name if they gave none."""
    if user is None:
        return ""
    return user.get_full_name() or user.username


def leads_table(exhibitor, leads):
    """``leads`` of ``exhibitor`` (with their tickets and scanners fetched), one row each."""
    time_zone = exhibitor.expo.tz
    rows = []
    for lead in leads:
        shown = lead.consented
        rows.append(
            [
                lead.scanned_at,
                _person(lead.scanned_by),
                lead.ticket.holder_name if shown else str(_NO_NAME[lead.contact]),
                lead.ticket.holder_email if shown else "",
                lead.ticket.organisation if shown else "",
                lead.rating,
                lead.note,
            ]
        )
    return spreadsheets.Table(
        title=_("Leads"),
        headers=[
            spreadsheets.time_header(_("Scanned"), time_zone),
            _("Scanned by"),
            _("Name"),
            _("E-mail"),
            _("Organisation"),
            _("Rating"),
            _("Note"),
        ],
        rows=rows,
        time_zone=time_zone,
    )


def leads_download(exhibitor, leads, sheet_format):
    """The leads as a file named after the exhibitor and today's date on the expo's clock."""
    today = timezone.now().astimezone(exhibitor.expo.tz).date()
    filename = f"{_('leads')}-{exhibitor.name}-{today:%Y-%m-%d}"
    return spreadsheets.download(leads_table(exhibitor, leads), sheet_format, filename)
