"""Search in the back office's big lists that indexes answer.

Django's admin search puts one ``icontains`` per search field, ORed, into one WHERE. With
a field of another table in it (an order's tickets' holders), or an exact ``=id``
(compared as text, ``UPPER(id::text)``), PostgreSQL can use no index for the OR and
reads every row of the list. Here each search field is matched on its own, by its own
index (a trigram index on the upper-cased text column for ``icontains``, the key for a
number), and the list keeps the rows found by any of them. Words are matched as Django
matches them: every word of the search must be found, each in any of the fields.
"""

from django.contrib.admin.utils import get_fields_from_path
from django.db import models
from django.utils.text import smart_split, unescape_string_literal

#: The largest number a PostgreSQL ``bigint`` holds: a longer number matches no key.
LARGEST_KEY = 2**63 - 1


class IndexedSearchMixin:
    """A model admin whose ``search_fields`` are matched field by field (see above).

    ``"=field"`` matches exactly, as the field's own index compares (letter case
    counts, unlike Django's ``iexact``: an order's secret is found by its unique index);
    on a number field it is left out for a word that is no number. ``"^field"`` matches
    the start; a plain field contains the word, in any letter case."""

    def get_search_results(self, request, queryset, search_term):
        search_fields = self.get_search_fields(request)
        if not (search_fields and search_term):
            return queryset, False
        for word in smart_split(search_term):
            if word.startswith(('"', "'")) and word[0] == word[-1]:
                word = unescape_string_literal(word)
            found = [match for field in search_fields if (match := self.rows_matching(field, word))]
            if not found:
                return queryset.none(), False
            queryset = queryset.filter(pk__in=found[0].union(*found[1:]))
        return queryset, False

    def rows_matching(self, field, word):
        """The keys of the rows whose ``field`` matches ``word``, as a subquery; ``None``
        when it cannot match (a word that is no number, for a number field)."""
        rows = self.model._base_manager.order_by().values("pk")
        if field.startswith("="):
            path = field.removeprefix("=")
            if isinstance(get_fields_from_path(self.model, path)[-1], models.IntegerField):
                if not (word.isascii() and word.isdigit() and int(word) <= LARGEST_KEY):
                    return None
                return rows.filter(**{path: int(word)})
            return rows.filter(**{path: word})
        if field.startswith("^"):
            return rows.filter(**{f"{field.removeprefix('^')}__istartswith": word})
        return rows.filter(**{f"{field}__icontains": word})
