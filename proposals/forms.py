"""The proposal form, one for both doors (the public call and the exhibitor portal), with
its speakers as a formset. The forms check what a field can check alone; the rules of the
call are the services'."""

import datetime as dt

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from events import selectors as programme
from events.models import Session, Track
from events.translations import translated
from expo import dates

from .models import (
    ABSTRACT_MAX_LENGTH,
    BIOGRAPHY_MAX_LENGTH,
    LONGEST_MINUTES,
    MOST_SPEAKERS,
    SHORTEST_MINUTES,
    TEXT_MAX_LENGTH,
    Proposal,
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


class ReviewFilterForm(forms.Form):
    """The review list's filters and order, from the address; a value that is not one of
    the choices is a field error and filters nothing."""

    state = forms.ChoiceField(label=_("State"), required=False)
    track = forms.ModelChoiceField(
        label=_("Track"), queryset=Track.objects.none(), required=False, empty_label=_("Any")
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    exhibitor = forms.ChoiceField(label=_("Partner"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    lowest_score = forms.IntegerField(
        label=_("Mean score at least (%)"), required=False, min_value=0, max_value=100
    )
    order = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
            ("score", _("Highest mean score")),
            ("score_low", _("Lowest mean score")),
            ("fewest_reviews", _("Fewest reviews")),
            ("title", _("Title")),
        ],
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        any_ = [("", _("Any"))]
        self.fields["state"].choices = [
            ("", _("Any but withdrawn")),
            *Proposal.State.choices,
        ]
        self.fields["track"].queryset = call.expo.tracks.all()
        self.fields["kind"].choices = any_ + list(Session.Kind.choices)
        self.fields["exhibitor"].choices = [
            *any_,
            ("none", _("No partner (proposed by a person)")),
            *((str(pk), name) for pk, name in call.expo.exhibitors.values_list("pk", "name")),
        ]
        names = dict(settings.LANGUAGES)
        self.fields["language"].choices = any_ + [
            (code, _(names[code])) for code in call.expo.languages if code in names
        ]

    def filters(self):
        """The valid filters as ``selectors.review_queue`` takes them."""
        if not self.is_bound:
            return {}
        self.is_valid()
        values = {name: self.cleaned_data.get(name) for name in self.fields}
        values["exhibitor"] = values.get("exhibitor") or None
        values["order"] = values.get("order") or "newest"
        return values


class ScoreForm(forms.Form):
    """A reviewer's scores, one field per criterion of the call, and their comment."""

    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For the organisers and the other reviewers; the proposer does not see it."),
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        comment = self.fields.pop("comment")
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=translated(criterion, "name"),
                min_value=0,
                max_value=criterion.highest,
                help_text=_("From 0 to %(highest)d") % {"highest": criterion.highest},
            )
        self.fields["comment"] = comment

    def scores(self):
        return {
            criterion.pk: self.cleaned_data[f"score_{criterion.pk}"] for criterion in self.criteria
        }
