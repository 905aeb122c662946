"""How the API reads request bodies: DRF's parsers, refusing what no field of the contract
can hold before any serializer or query sees it."""

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

from .validation import has_nul

# No body of the contract nests deeper than a few levels (an expo's texts by language,
# a registration's attendees); this leaves room for any of them.
MAX_JSON_DEPTH = 20


class RefuseNulMixin:
    """Refuses a body with a NUL character in any text, naming the field it is in:
    PostgreSQL cannot compare such a text, so a lookup by it would fail."""

    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        data = parsed.data if isinstance(parsed, parsers.DataAndFiles) else parsed
        field = field_with_nul(data)
        if field is not None:
            message = _("Null characters are not allowed.")
            if field:
                raise ValidationError({field: [message]})
            raise ParseError(message)
        return parsed


class JSONParser(RefuseNulMixin, parsers.JSONParser):
    """DRF's JSON parser, which also refuses a body nested deeper than
    ``MAX_JSON_DEPTH``: deep nesting exhausts Python's recursion while decoding, or
    later in the code that walks the values."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
            if nesting_depth(data) <= MAX_JSON_DEPTH:
                return data
        except RecursionError:
            pass  # deeper than the decoder itself can go
        raise ParseError(
            _("The JSON body nests deeper than %(depth)d levels.") % {"depth": MAX_JSON_DEPTH}
        )


class FormParser(RefuseNulMixin, parsers.FormParser):
    pass


class MultiPartParser(RefuseNulMixin, parsers.MultiPartParser):
    pass


def field_with_nul(data):
    """The top-level field whose value holds a NUL somewhere, ``""`` when the NUL is in
    a field's name or the body is no object, or ``None`` when there is none."""
    if isinstance(data, QueryDict):
        fields = data.lists()
    elif isinstance(data, dict):
        fields = data.items()
    else:
        return "" if _holds_nul(data) else None
    for name, value in fields:
        if has_nul(name):
            return ""
        if _holds_nul(value):
            return name
    return None


def _holds_nul(value):
    pending = [value]
    while pending:
        value = pending.pop()
        if isinstance(value, str) and has_nul(value):
            return True
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


def nesting_depth(value):
    """How deep lists and objects nest in ``value`` (0 for a plain value), without
    recursion."""
    deepest, pending = 0, [(value, 0)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            depth += 1
            deepest = max(deepest, depth)
            if depth <= MAX_JSON_DEPTH:
                pending.extend((item, depth) for item in value)
    return deepest


class JSONFormField(forms.JSONField):
    """Django's JSON form field with the API's bound on nesting (``MAX_JSON_DEPTH``), for
    the admin's JSON fields: Django's own lets the decoder exhaust Python's recursion."""

    def to_python(self, value):
        try:
            data = super().to_python(value)
        except RecursionError:
            data = None
        else:
            if nesting_depth(data) <= MAX_JSON_DEPTH:
                return data
        raise forms.ValidationError(
            _("The JSON body nests deeper than %(depth)d levels.") % {"depth": MAX_JSON_DEPTH},
            code="too_deep",
        )

    def bound_data(self, data, initial):
        try:
            return super().bound_data(data, initial)
        except RecursionError:  # shown again as the text that was sent
            return forms.fields.InvalidJSONInput(data)
