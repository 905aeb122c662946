"""Forms of the visitor's pages. They check the shape of the input only; the rules
(quotas, sale windows, valid days) are ``services.register``'s."""

import datetime as dt

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from events.translations import translated
from expo.dates import long_date

from . import admission
from .models import TicketType

# However many tickets a type allows in one order, a page never grows past this.
MOST_ATTENDEE_ROWS = 50


def price_label(ticket_type):
    if not ticket_type.price:
        return str(_("Free"))
    price = number_format(ticket_type.price, decimal_pos=2, use_l10n=True)
    return f"{price} {ticket_type.expo.currency}"


def ticket_label(ticket_type):
    return f"{translated(ticket_type, 'name')} — {price_label(ticket_type)}"


def validity_label(ticket_type, days):
    """What a ticket type admits, in a few words, for the registration page."""
    if ticket_type.kind == TicketType.Kind.DAY:
        return _("One day of your choice")
    if not days:
        return ""
    if len(days) <= 3:
        return _("Valid on %(days)s") % {"days": ", ".join(long_date(day) for day in days)}
    return _("Valid on %(count)d days, %(first)s to %(last)s") % {
        "count": len(days),
        "first": long_date(days[0]),
        "last": long_date(days[-1]),
    }


class TicketChoiceForm(forms.Form):
    ticket_type = forms.ModelChoiceField(
        queryset=TicketType.objects.none(),
        widget=forms.RadioSelect,
        label=_("Ticket"),
        empty_label=None,
        error_messages={
            "required": _("Choose a ticket."),
            "invalid_choice": _("Choose one of the tickets on sale."),
        },
    )
    day = forms.TypedChoiceField(
        label=_("Day of your visit"),
        required=False,
        coerce=dt.date.fromisoformat,
        empty_value=None,
        help_text=_("Only for a day ticket: the expo's open days."),
        error_messages={
            "invalid_choice": _("Choose one of the days listed; the expo is closed on others.")
        },
    )

    def __init__(self, *args, expo, ticket_types, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["ticket_type"]
        field.queryset = ticket_types
        field.label_from_instance = ticket_label
        ticket_types = list(ticket_types)
        open_days = admission.open_days(expo)
        self.days_of = {t.pk: admission.type_days(t, open_days) for t in ticket_types}
        # One radio per ticket type, each with what it costs and which days it admits.
        self.options = [
            {
                "ticket_type": ticket_type,
                "label": ticket_label(ticket_type),
                "validity": validity_label(ticket_type, self.days_of[ticket_type.pk]),
            }
            for ticket_type in ticket_types
        ]
        day_types = [t for t in ticket_types if t.kind == TicketType.Kind.DAY]
        days = sorted({day for t in day_types for day in self.days_of[t.pk]})
        if day_types:
            self.fields["day"].choices = [("", _("Choose a day"))] + [
                (day.isoformat(), long_date(day)) for day in days
            ]
            # Not required by the form, as other tickets need no day; the service asks for
            # it when a day ticket is chosen, so "(optional)" would mislead.
            self.fields["day"].hide_optional = True
        else:
            del self.fields["day"]
        self.most_per_order = max((t.max_per_order for t in ticket_types), default=1)

    def clean(self):
        cleaned = super().clean()
        ticket_type = cleaned.get("ticket_type")
        if ticket_type is not None and ticket_type.kind != TicketType.Kind.DAY:
            # The day list is shared by every ticket on the page: a day picked before
            # switching to a ticket for all days is not an error, just not needed.
            cleaned["day"] = None
            self.errors.pop("day", None)
        return cleaned

    def chosen_ticket_type(self):
        """The ticket type picked so far, valid or not yet: for the attendee limit."""
        value = self.data.get(self.add_prefix("ticket_type")) if self.is_bound else None
        value = value or self.initial.get("ticket_type")
        for option in self.options:
            if str(option["ticket_type"].pk) == str(value):
                return option["ticket_type"]
        return None


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
            "invalid": _("Enter a valid e-mail address, such as name@example.org."),
        },
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    share_contact_with_exhibitors = forms.BooleanField(
        label=_("Share my contact details with exhibitors who scan my badge"),
        help_text=_(
            "Your name, e-mail and organisation go to an exhibitor only if you tick this box "
            "and they scan your badge."
        ),
        required=False,
        initial=False,
    )


class BaseAttendeeFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_many_forms": _("At most %(num)d attendees fit in one registration."),
    }


# The first row is always required; the service refuses an order without attendees, so
# the formset's own "at least one form" message would only repeat the row's errors.
AttendeeFormSet = forms.formset_factory(
    AttendeeForm,
    formset=BaseAttendeeFormSet,
    extra=0,
    min_num=1,
    validate_min=False,
    max_num=MOST_ATTENDEE_ROWS,
    validate_max=True,
)


class ConfirmCancelForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, cancel this ticket. I understand that it cannot be undone."),
        error_messages={"required": _("Tick the box to cancel the ticket.")},
    )


class OrderLinksForm(forms.Form):
    """The "E-mail me my tickets" form: the address the orders were bought with."""

    email = forms.EmailField(
        # The label avoids the words "e-mail" and "E-post", which name the attendees'
        # address fields on the same page.
        label=_("The address you registered with"),
        help_text=_("Your e-mail address. We send the links of its orders there."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Give the e-mail address you registered with."),
            "invalid": _("Enter a valid e-mail address, such as name@example.org."),
        },
    )


class ConfirmEraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, erase my data. I understand that it cannot be undone."),
        error_messages={"required": _("Tick the box to erase your data.")},
    )
