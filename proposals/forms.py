"""The proposal form, one for both doors (the public call and the exhibitor portal), with
its speakers as a formset. The forms check what a field can check alone; the rules of the
call are the services'."""

import datetime as dt

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from events import selectors as programme
from events.models import Session, Track
from expo import dates

from .models import (
    ABSTRACT_MAX_LENGTH,
    BIOGRAPHY_MAX_LENGTH,
    LONGEST_MINUTES,
    MOST_SPEAKERS,
    SHORTEST_MINUTES,
    TEXT_MAX_LENGTH,
)


class SignUpForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("We e-mail you a link to choose a password."),
    )
    name.widget.attrs["autocomplete"] = "name"
    email.widget.attrs["autocomplete"] = "email"


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=250)
    abstract = forms.CharField(
        label=_("Abstract"),
        max_length=ABSTRACT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the session is about, as the programme would show it."),
    )
    kind = forms.ChoiceField(label=_("Kind of session"))
    length_minutes = forms.IntegerField(
        label=_("Length in minutes"), min_value=SHORTEST_MINUTES, max_value=LONGEST_MINUTES
    )
    language = forms.ChoiceField(
        label=_("Language of the session"),
        help_text=_("Write the texts in any of the expo's languages."),
    )
    track = forms.ModelChoiceField(
        label=_("Track"),
        queryset=Track.objects.none(),
        required=False,
        empty_label=_("No preference"),
    )
    audience = forms.CharField(
        label=_("Audience"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who it is for, and what they should know beforehand."),
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the speakers or the session need: step-free stage, interpreting…"),
    )
    preferred_days = forms.TypedMultipleChoiceField(
        label=_("Preferred days"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None for any day."),
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        expo = call.expo
        self.fields["kind"].choices = [
            (kind, Session.Kind(kind).label) for kind in call.kinds if kind in Session.Kind.values
        ]
        names = dict(settings.LANGUAGES)
        self.fields["language"].choices = [
            (code, _(names[code])) for code in expo.languages if code in names
        ]
        # Inside the request's scope: the call's own tracks only.
        self.fields["track"].queryset = call.tracks.all()
        if not call.tracks.exists():
            del self.fields["track"]
        days = list(programme.opening_windows(expo))
        field = self.fields["preferred_days"]
        field.choices = [(day.isoformat(), dates.expo_day(day)) for day in days]
        field.coerce = _day

    def proposal_fields(self):
        """The cleaned values, as the services take them."""
        values = dict(self.cleaned_data)
        values.setdefault("track", None)
        return values


def _day(value):
    return dt.date.fromisoformat(value)


class SpeakerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"))
    biography = forms.CharField(
        label=_("Short biography"),
        max_length=BIOGRAPHY_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BaseSpeakerFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_few_forms": _("Name at least one speaker."),
        "too_many_forms": _("Name at most %(num)d speakers."),
    }

    def speakers(self):
        """The filled-in rows, in order; an untouched empty row is no speaker."""
        return [form.cleaned_data for form in self.forms if form.has_changed()]


# The speakers given and one empty row more, up to the most a proposal names.
SpeakerFormSet = forms.formset_factory(
    SpeakerForm,
    formset=BaseSpeakerFormSet,
    extra=1,
    min_num=1,
    validate_min=True,
    max_num=MOST_SPEAKERS,
    validate_max=True,
    absolute_max=MOST_SPEAKERS,
)


def speaker_formset(data=None, *, initial=()):
    return SpeakerFormSet(data, initial=list(initial) or None, prefix="speakers")
