"""Texts organisers write (names, titles, descriptions), in each of the expo's languages.

A translatable field holds the text in the expo's main language, its first one; the
field ``<name>_translations`` holds the others as ``{language code: text}``. Visitors
see the text in their language where there is one, else the main text.
"""

from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import Expo, validate_single_line

# The translatable fields of each model, by model name.
FIELDS = {
    "expo": ("name", "description"),
    "hall": ("name",),
    "room": ("name",),
    "track": ("name", "description"),
    "conference": ("name", "description"),
    "speaker": ("biography",),
    "session": ("title", "abstract"),
    "schedulerelease": ("note",),
}


def translated(obj, field, language=None):
    """``obj.field`` in ``language`` (the active one by default), else in the main one."""
    language = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    texts = getattr(obj, f"{field}_translations", None) or {}
    return texts.get(language) or getattr(obj, field)


def room_and_hall(room, language=None):
    """Where a room is, for a visitor: "Room 3, Hall B", both names in their language."""
    return _("%(room)s, %(hall)s") % {
        "room": translated(room, "name", language),
        "hall": translated(room.hall, "name", language),
    }


def translations_form(model, base=forms.ModelForm):
    """A model form for ``model`` with an input for each translatable field in each
    language (``<field>_<code>``), kept in the model's ``<field>_translations``. An
    empty input shows the main text in that language."""
    declared = {}
    for field in FIELDS[model._meta.model_name]:
        model_field = model._meta.get_field(field)
        is_long = model_field.get_internal_type() == "TextField"
        for code, language in settings.LANGUAGES:
            declared[f"{field}_{code}"] = forms.CharField(
                label=format_lazy(
                    "{field} ({language})", field=model_field.verbose_name, language=_(language)
                ),
                required=False,
                max_length=model_field.max_length,
                # The main field's own checks (one line for a name that goes into an
                # e-mail subject) hold in every language.
                validators=[
                    validator
                    for validator in model_field.validators
                    if validator is validate_single_line
                ],
                widget=forms.Textarea(attrs={"rows": 3}) if is_long else forms.TextInput,
            )

    def __init__(self, *args, **kwargs):
        base.__init__(self, *args, **kwargs)
        for field in FIELDS[model._meta.model_name]:
            texts = getattr(self.instance, f"{field}_translations", None) or {}
            for code, _language in settings.LANGUAGES:
                if f"{field}_{code}" in self.fields:
                    self.fields[f"{field}_{code}"].initial = texts.get(code, "")

    def save(self, commit=True):
        for field in FIELDS[model._meta.model_name]:
            texts = dict(getattr(self.instance, f"{field}_translations", None) or {})
            for code, _language in settings.LANGUAGES:
                if f"{field}_{code}" not in self.fields:
                    continue
                text = (self.cleaned_data.get(f"{field}_{code}") or "").strip()
                if text:
                    texts[code] = text
                else:
                    texts.pop(code, None)
            setattr(self.instance, f"{field}_translations", texts)
        return base.save(self, commit)

    return type(
        f"{model.__name__}TranslationsForm",
        (base,),
        {**declared, "__init__": __init__, "save": save, "__module__": __name__},
    )


class TranslationsAdminMixin:
    """Shows a model's translation inputs in their own fieldset, one per language other
    than the expo's main one (all of them while the expo is not chosen yet)."""

    def get_fieldsets(self, request, obj=None):
        names = {
            f"{field}_{code}"
            for field in FIELDS[self.model._meta.model_name]
            for code, _language in settings.LANGUAGES
        }
        fieldsets = [
            (title, {**options, "fields": [f for f in options["fields"] if f not in names]})
            for title, options in super().get_fieldsets(request, obj)
        ]
        expo = obj if isinstance(obj, Expo) else getattr(obj, "expo", None)
        main = expo.languages[0] if expo is not None and expo.languages else None
        others = [
            f"{field}_{code}"
            for field in FIELDS[self.model._meta.model_name]
            for code, _language in settings.LANGUAGES
            if code != main
        ]
        return [*fieldsets, (_("In other languages"), {"fields": others})]
