"""How the API reads request bodies."""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# No body of the contract nests deeper than a few levels (an expo's texts by language,
# a registration's attendees); this leaves room for any of them.
MAX_JSON_DEPTH = 20


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing a body nested deeper than ``MAX_JSON_DEPTH`` with a
    ``400``: deep nesting exhausts Python's recursion while decoding, or later in the
    code that walks the values."""

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
