from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import Session
from events.translations import translated
from exhibitors.models import Exhibitor
from expo import dates


class BoardForm(forms.Form):
    """The board's day and the tray's filters, all optional; an unknown value is a field
    error, never a crash."""

    day = forms.DateField(label=_("Day"), required=False, widget=forms.Select)
    track = forms.ChoiceField(label=_("Track"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any"))] + list(Session.Kind.choices)
    )
    partner = forms.TypedChoiceField(label=_("Partner"), required=False, coerce=int)
    preferred_day = forms.DateField(label=_("Preferred day"), required=False, widget=forms.Select)

    def __init__(self, *args, expo, open_days, **kwargs):
        super().__init__(*args, **kwargs)
        self.expo = expo
        self.open_days = open_days
        self.fields["day"].widget.choices = [
            (day.isoformat(), dates.expo_day(day)) for day in expo.days
        ]
        self.fields["preferred_day"].widget.choices = [("", _("Any"))] + [
            (day.isoformat(), dates.expo_day(day)) for day in open_days
        ]
        self.fields["track"].choices = [("", _("Any"))] + [
            (track.slug, translated(track, "name")) for track in expo.tracks.order_by("name")
        ]
        self.fields["partner"].choices = [("", _("Any"))] + [
            (exhibitor.pk, exhibitor.name)
            for exhibitor in Exhibitor.objects.filter(expo=expo).order_by("name")
        ]

    # The fields that narrow the tray; the day chooses the grid.
    NARROWING = ("track", "kind", "partner", "preferred_day")

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day is not None and day not in self.expo.days:
            raise forms.ValidationError(_("That day is not one of the expo's days."))
        return day

    def clean_preferred_day(self):
        day = self.cleaned_data["preferred_day"]
        if day is not None and day not in self.open_days:
            raise forms.ValidationError(_("The expo is not open on that day."))
        return day

    def narrow(self, sessions):
        """The tray's ``sessions`` (a list) that the valid filters let through."""
        chosen = self.cleaned_data if self.is_bound and self.is_valid() else {}
        chosen = {name: value for name, value in chosen.items() if value not in (None, "")}
        if "track" in chosen:
            sessions = [s for s in sessions if s.track and s.track.slug == chosen["track"]]
        if "kind" in chosen:
            sessions = [s for s in sessions if s.kind == chosen["kind"]]
        if "partner" in chosen:
            sessions = [
                s
                for s in sessions
                if _proposal(s) and _proposal(s).exhibitor_id == chosen["partner"]
            ]
        if "preferred_day" in chosen:
            day = chosen["preferred_day"].isoformat()
            sessions = [s for s in sessions if _proposal(s) and day in _proposal(s).preferred_days]
        return sessions

    def active_filter_count(self):
        if not self.is_bound:
            return 0
        self.is_valid()
        return sum(1 for name in self.NARROWING if self.cleaned_data.get(name) not in (None, ""))


def _proposal(session):
    """The proposal a session came from, ``None`` for one made by the organisers."""
    return getattr(session, "proposal", None)


def _partner_id(session):
    proposal = _proposal(session)
    return proposal.exhibitor_id if proposal else None


def _preferred_days(session):
    proposal = _proposal(session)
    return proposal.preferred_days if proposal else []
