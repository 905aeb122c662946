"""Search in the back office's big lists that indexes answer, for rare and common words.

Django's admin search puts one ``icontains`` per search field, ORed, into one WHERE. With
a field of another table in it (an order's tickets' holders), or an exact ``=id``
(compared as text, ``UPPER(id::text)``), PostgreSQL can use no index for the OR and
reads every row of the list. Words are matched as Django matches them: every word of
the search must be found, each in any of the fields.

How a word is best found depends on how many rows have it, so each field's matches are
first read, their keys only and no more than ``few_matches`` of them, which the field's
index answers at once:

- A word that few rows have in every field (an e-mail, a full name, a number) is looked
  up field by field, each through its own index (a trigram index on the upper-cased text
  column for ``icontains``, the key for a number), and the list keeps the rows whose
  keys were found by any of them: a list of at most ``few_matches`` keys a field, read
  once, which the database looks up by the primary key for the count, the page's keys
  and its rows.
- A word that many rows have (a common surname) is one WHERE that ORs the fields, a
  field of another table as an ``EXISTS`` through the relation's key. The list's order
  index is then walked with that condition and stops after a page of matches, which come
  every few rows; collecting the hundreds of thousands of matches through the indexes
  and sorting them would take seconds. Neither is such a list counted: it is known to
  be long, and shown with the planner's estimate (``expo/admin_paging.py``). The
  planner may still take the indexes where they are cheaper; it knows how many rows a
  word is in from the statistics of the trigram indexes' expressions
  (``ticketing/migrations/0016_admin_lists_by_expo.py``).
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


class ProbedExists(Exists):
    """``EXISTS`` that PostgreSQL asks row by row. The planner would turn a plain
    ``EXISTS`` in an OR into a "hashed SubPlan": all the other table's matches (a
    common word's 137,000 tickets) collected before the first row, as it reckons the
    calls without the page's LIMIT. An ``OFFSET`` in the subquery keeps it from that
    (``simplify_EXISTS_query``); each row is then answered by the relation's index, and
    a page of a common word's rows after a few hundred rows."""

    template = "EXISTS(%(subquery)s OFFSET 0)"


class IndexedSearchMixin:
    """A model admin whose ``search_fields`` are matched as described above.

    ``"=field"`` matches exactly, as the field's own index compares (letter case
    counts, unlike Django's ``iexact``: an order's secret is found by its unique index);
    on a number field it is left out for a word that is no number. ``"^field"`` matches
    the start; a plain field contains the word, in any letter case."""

    #: More matches than this in one field make a word common (see above). The keys of
    #: a rare word's matches are passed to the database, at most this many a field.
    few_matches = 2_000

    def get_search_results(self, request, queryset, search_term):
        search_fields = self.get_search_fields(request)
        if not (search_fields and search_term):
            return queryset, False
        listed = queryset
        found = None  # The keys that have every rare word so far.
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
            keys = set()
            for match in matches.values():
                if (field_keys := self.few_keys_matching(listed, match)) is None:
                    conditions = (self.condition_on_row(*item) for item in matches.items())
                    queryset = queryset.filter(reduce(operator.or_, conditions))
                    # Known to be many: the list need not count them (admin_paging.py).
                    request.matches_more_than = self.few_matches
                    break
                keys |= field_keys
            else:
                found = keys if found is None else found & keys
        if found is not None:
            queryset = queryset.filter(pk__in=sorted(found))
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

    def few_keys_matching(self, listed, match):
        """The keys of the rows of the list ``listed`` that ``match``, as a set; ``None``
        when there are more than ``few_matches``."""
        rows = listed.filter(match).order_by().values_list("pk", flat=True)
        keys = list(rows[: self.few_matches + 1])  # A row of many tickets may come twice.
        return set(keys) if len(keys) <= self.few_matches else None

    def condition_on_row(self, field, match):
        """``match`` as a condition that each row of the list checks by itself: text of
        another table as an ``EXISTS`` correlated through the relation's key, which the
        database answers for one row by that key's index (or, where it is cheaper,
        turns into a join)."""
        [(lookup, value)] = match.children
        name, _, rest = lookup.partition(LOOKUP_SEP)
        relation = self.model._meta.get_field(name)
        if field.startswith("=") or not relation.is_relation:
            return match  # An exact key or a column of the row itself.
        related = relation.related_model._base_manager
        if relation.many_to_one or relation.one_to_one and relation.concrete:
            return Q(ProbedExists(related.filter(pk=OuterRef(relation.attname), **{rest: value})))
        if relation.one_to_many:
            return Q(
                ProbedExists(related.filter(**{relation.field.name: OuterRef("pk"), rest: value}))
            )
        return Q(ProbedExists(self.model._base_manager.filter(match, pk=OuterRef("pk"))))
