import datetime as dt

from django import forms
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

from . import admission
from .models import TicketType


class TicketChoiceForm(forms.Form):
    ticket_type = forms.ModelChoiceField(
        queryset=TicketType.objects.none(),
        widget=forms.RadioSelect,
        label=_("Ticket"),
        empty_label=None,
        error_messages={"required": _("Choose a ticket.")},
    )
    day = forms.TypedChoiceField(
        label=_("Day of your visit"),
        required=False,
        coerce=dt.date.fromisoformat,
        empty_value=None,
        help_text=_("For a day ticket."),
    )

    def __init__(self, *args, expo, ticket_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ticket_type"].queryset = ticket_types
        self.fields["ticket_type"].label_from_instance = ticket_label
        open_days = admission.open_days(expo)
        day_types = [t for t in ticket_types if t.kind == TicketType.Kind.DAY]
        days = sorted({day for t in day_types for day in admission.type_days(t, open_days)})
        self.fields["day"].choices = [("", _("Choose a day"))] + [
            (day.isoformat(), date_format(day, "l j F Y")) for day in days
        ]
        if not day_types:
            del self.fields["day"]


def ticket_label(ticket_type):
    if not ticket_type.price:
        return f"{ticket_type.name} — {_('Free')}"
    price = number_format(ticket_type.price, decimal_pos=2, use_l10n=True)
    return f"{ticket_type.name} — {price} {ticket_type.expo.currency}"


class AttendeeForm(forms.Form):
    name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Give the attendee's name.")},
    )
    email = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Give an e-mail address."),
            "invalid": _("Enter a valid e-mail address."),
        },
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    share_contact_with_exhibitors = forms.BooleanField(
        label=_("Share my name, e-mail and organisation with exhibitors who scan my badge"),
        required=False,
        initial=False,
    )


AttendeeFormSet = forms.formset_factory(
    AttendeeForm, extra=0, min_num=1, validate_min=True, max_num=50, validate_max=True
)


class ConfirmCancelForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, cancel this ticket. I understand that it cannot be undone."),
        error_messages={"required": _("Tick the box to cancel the ticket.")},
    )
