"""Search in the back office's big lists that indexes answer, for rare and common words.

Django's admin search puts one ``icontains`` per search field, ORed, into one WHERE. With
a field of another table in it (an order's tickets' holders), or an exact ``=id``
(compared as text, ``UPPER(id::text)``), PostgreSQL can use no index for the OR and
reads every row of the list. Words are matched as Django matches them: every word of
the search must be found, each in any of the fields.

How a word is best found depends on how many rows have it, so each field's matches are
first counted, up to ``few_matches`` (a count that stops there, which the field's index
answers at once):

- A word that few rows have in every field (an e-mail, a full name, a number) is looked
  up field by field, each through its own index (a trigram index on the upper-cased text
  column for ``icontains``, the key for a number), and the list keeps the rows found by
  any of them: at most ``few_matches`` keys a field.
- A word that many rows have (a common surname) is one WHERE that ORs the fields, a
  field of another table as an ``EXISTS`` on the row's own key. The list's order index
  is then walked with that condition and stops after a page of matches, which come
  every few rows; collecting the hundreds of thousands of matches through the indexes
  and sorting them would take seconds. The planner may still take the indexes where
  they are cheaper.
"""

import operator
from functools import reduce

from django.contrib.admin.utils import get_fields_from_path
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.constants import LOOKUP_SEP
from django.utils.text import smart_split, unescape_string_literal

#: The largest number a PostgreSQL ``bigint`` holds: a longer number matches no key.
LARGEST_KEY = 2**63 - 1


class IndexedSearchMixin:
    """A model admin whose ``search_fields`` are matched as described above.

    ``"=field"`` matches exactly, as the field's own index compares (letter case
    counts, unlike Django's ``iexact``: an order's secret is found by its unique index);
    on a number field it is left out for a word that is no number. ``"^field"`` matches
    the start; a plain field contains the word, in any letter case."""

    #: More matches than this in one field make a word common (see above).
    few_matches = 10_000

    def get_search_results(self, request, queryset, search_term):
        search_fields = self.get_search_fields(request)
        if not (search_fields and search_term):
            return queryset, False
        for word in smart_split(search_term):
            if word.startswith(('"', "'")) and word[0] == word[-1]:
                word = unescape_string_literal(word)
            matches = {
                field: match
                for field in search_fields
                if (match := self.condition_matching(field, word)) is not None
            }
            if not matches:
                return queryset.none(), False
            if any(self.matches_many(queryset, field, match) for field, match in matches.items()):
                condition = reduce(operator.or_, map(self.condition_on_row, matches.values()))
                queryset = queryset.filter(condition)
            else:
                keys = [queryset.filter(q).order_by().values("pk") for q in matches.values()]
                queryset = queryset.filter(pk__in=keys[0].union(*keys[1:]))
        return queryset, False

    def condition_matching(self, field, word):
        """The condition (a ``Q``) of the rows whose ``field`` matches ``word``; ``None``
        when it cannot match (a word that is no number, for a number field)."""
        if field.startswith("="):
            path = field.removeprefix("=")
            if isinstance(get_fields_from_path(self.model, path)[-1], models.IntegerField):
                if not (word.isascii() and word.isdigit() and int(word) <= LARGEST_KEY):
                    return None
                return Q(**{path: int(word)})
            return Q(**{path: word})
        if field.startswith("^"):
            return Q(**{f"{field.removeprefix('^')}__istartswith": word})
        return Q(**{f"{field}__icontains": word})

    def matches_many(self, queryset, field, match):
        """Whether more than ``few_matches`` rows of the list match in ``field``. An
        exact match finds a key or a handful of rows: it is not counted."""
        if field.startswith("="):
            return False
        return queryset.filter(match).order_by()[: self.few_matches + 1].count() > (
            self.few_matches
        )

    def condition_on_row(self, match):
        """``match`` as a condition that each row of the list checks by itself: a field
        of another table as an ``EXISTS`` of the row's own key, which the database
        answers through the keys of the tables in between."""
        [(lookup, _value)] = match.children
        if not self.model._meta.get_field(lookup.split(LOOKUP_SEP)[0]).is_relation:
            return match
        return Q(Exists(self.model._base_manager.filter(match, pk=OuterRef("pk"))))
