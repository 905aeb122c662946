from django import forms
from django.utils.translation import gettext_lazy as _
from django_scopes.forms import SafeModelMultipleChoiceField

from events.models import Track
from events.translations import translated, translations_form
from expo import dates

from .models import Exhibitor


class ProfileForm(translations_form(Exhibitor)):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    logo_upload = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG or WebP, at most 5 MB; it is scaled to 512 pixels."),
    )

    class Meta:
        model = Exhibitor
        fields = [
            "name",
            "tagline",
            "description",
            "website",
            "contact_email",
            "contact_phone",
            "themes",
        ]
        widgets = {"themes": forms.CheckboxSelectMultiple}
        # The expo's tracks are set per form, inside the request's scope.
        field_classes = {"themes": SafeModelMultipleChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Track.objects.filter(expo=self.instance.expo)
        main = (self.instance.expo.languages or ["en"])[0]
        for name in list(self.fields):
            if name.endswith(f"_{main}") and name.rsplit("_", 1)[0] in (
                "name",
                "tagline",
                "description",
            ):
                del self.fields[name]


class MemberForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=200)
    username = forms.CharField(label=_("User name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_(
            "A new staff member gets an invitation to choose a password at this address, "
            "and their staff badge."
        ),
    )


class LeadScanForm(forms.Form):
    code = forms.CharField(
        label=_("Badge code"),
        max_length=500,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autofocus": True, "spellcheck": "false"}
        ),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "–")] + [(n, str(n)) for n in range(1, 6)],
    )


class LeadForm(forms.Form):
    """What staff write about a lead after the scan; the rules are ``change_lead``'s."""

    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "–")] + [(n, str(n)) for n in range(1, 6)],
        help_text=_("1 is the lowest, 5 the highest."),
    )


class DirectoryFilterForm(forms.Form):
    search = forms.CharField(label=_("Search"), required=False, max_length=100)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    hall = forms.ChoiceField(label=_("Hall"), required=False)
    day = forms.DateField(label=_("Day"), required=False, widget=forms.Select)

    def __init__(self, *args, expo, days, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", _("Any"))] + [
            (track.slug, track.name) for track in expo.tracks.order_by("name")
        ]
        self.fields["hall"].choices = [("", _("Any"))] + [
            (hall.slug, translated(hall, "name")) for hall in expo.halls.order_by("name")
        ]
        self.fields["day"].widget.choices = [("", _("Any"))] + [
            (day.isoformat(), dates.expo_day(day)) for day in days
        ]
