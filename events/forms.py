from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from expo import dates

from .models import ScheduleRelease, Session
from .translations import translated, translations_form


class ProgrammeFilterForm(forms.Form):
    """The programme page's filters, all optional; an unknown value is a field error,
    never a crash."""

    day = forms.DateField(label=_("Day"), required=False, widget=forms.Select)
    view = forms.ChoiceField(
        label=_("Show as"),
        required=False,
        choices=[("list", _("List")), ("grid", _("Rooms and times"))],
    )
    track = forms.ChoiceField(label=_("Track"), required=False)
    conference = forms.ChoiceField(label=_("Conference"), required=False)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Any"))] + list(settings.LANGUAGES)
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any"))] + list(Session.Kind.choices)
    )
    free_seats = forms.BooleanField(label=_("Only with free seats"), required=False)

    def __init__(self, *args, expo, days, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].widget.choices = [(day.isoformat(), dates.expo_day(day)) for day in days]
        self.days = days
        self.fields["track"].choices = [("", _("Any"))] + [
            (track.slug, translated(track, "name")) for track in expo.tracks.order_by("name")
        ]
        self.fields["conference"].choices = [("", _("Any"))] + [
            (conference.slug, conference.name) for conference in expo.conferences.all()
        ]

    # The fields that narrow a day's sessions; the day and the view choose what to show.
    NARROWING = ("track", "conference", "language", "kind", "free_seats")

    def active_filter_count(self):
        """How many narrowing filters the visitor set, as the folded filters' summary
        says. A filter with an error narrows nothing and is not counted."""
        if not self.is_bound:
            return 0
        self.is_valid()  # cleans the form: cleaned_data then holds the valid fields
        return sum(1 for name in self.NARROWING if self.cleaned_data.get(name))

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day is not None and day not in self.days:
            raise forms.ValidationError(_("The expo is not open on that day."))
        return day


class ReleaseForm(translations_form(ScheduleRelease)):
    """The note of the next release, in the expo's main language and in its others."""

    class Meta:
        model = ScheduleRelease
        fields = ["note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, expo, **kwargs):
        super().__init__(*args, **kwargs)
        main, *others = expo.languages or [settings.LANGUAGE_CODE]
        names = dict(settings.LANGUAGES)
        self.fields["note"].label = _("Note (%(language)s)") % {"language": _(names[main])}
        self.fields["note"].help_text = _("What this release is about, shown on the changelog.")
        for code in names:
            if code not in others:
                del self.fields[f"note_{code}"]
