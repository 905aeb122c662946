"""What every API view shares: pagination and the error shapes of the contract."""

import datetime as dt

from django.db import IntegrityError
from django.db.models import ProtectedError, Q, RestrictedError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination, _reverse_ordering
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from expo.errors import Conflict, InvalidInput
from expo.validation import EARLIEST_DAY, LATEST_DAY


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class CountedCursorPagination(CursorPagination):
    """Pages of a long list by a cursor, in the contract's shape
    (``{"count", "next", "previous", "results"}``), so that the thousandth page costs what
    the first does: each page is read from an index after the cursor's position instead
    of counting past the rows before it.

    A subclass names its ``ordering``: a moment, then the primary key, in the same
    direction, with an index that matches the list's filters and that order. The cursor
    holds both, so that rows sharing a moment, and rows written while a client walks the
    list (an offline scan sent late lands among older ones), are neither repeated nor
    skipped; DRF's own cursor counts rows past a shared moment instead, which a new row
    there shifts.

    ``count`` is exact up to ``count_cap`` rows matching the filters and ``null`` above:
    it is counted with ``LIMIT count_cap + 1``, never over the whole list."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    count_cap = 1000

    def paginate_queryset(self, queryset, request, view=None):
        self.count = self.capped_count(queryset)
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        self.cursor = self.decode_cursor(request)
        reverse, position = (
            (self.cursor.reverse, self.cursor.position)
            if self.cursor
            else (
                False,
                None,
            )
        )
        queryset = queryset.order_by(
            *(_reverse_ordering(self.ordering) if reverse else self.ordering)
        )
        if position is not None:
            queryset = queryset.filter(self._beyond(position, reverse))
        rows = list(queryset[: self.page_size + 1])
        self.page = rows[: self.page_size]
        following = (
            self._get_position_from_instance(rows[-1], self.ordering)
            if len(rows) > len(self.page)
            else None
        )
        if reverse:
            self.page.reverse()
            self.has_next, self.next_position = position is not None, position
            self.has_previous, self.previous_position = following is not None, following
        else:
            self.has_next, self.next_position = following is not None, following
            self.has_previous, self.previous_position = position is not None, position
        return self.page

    def capped_count(self, queryset):
        matching = queryset.order_by()[: self.count_cap + 1].count()
        return matching if matching <= self.count_cap else None

    def _beyond(self, position, reverse):
        """The rows after ``position`` in the walk's direction. The moment's own bound
        comes first and alone, so that the database reads the index from there."""
        moment, pk = position
        field = self.ordering[0].lstrip("-")
        after = "gt" if self.ordering[0].startswith("-") == reverse else "lt"
        return Q(**{f"{field}__{after}e": moment}) & (
            Q(**{f"{field}__{after}": moment}) | Q(**{field: moment, f"pk__{after}": pk})
        )

    def _get_position_from_instance(self, instance, ordering):
        return (getattr(instance, ordering[0].lstrip("-")), instance.pk)

    def encode_cursor(self, cursor):
        if cursor.position is not None:
            moment, pk = cursor.position
            cursor = cursor._replace(position=f"{moment.isoformat()}|{pk}")
        return super().encode_cursor(cursor)

    def decode_cursor(self, request):
        """The cursor, or ``400`` on ``cursor`` when it is not one this list made."""
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            cursor = False
        if cursor is None:
            return None
        position = self._position(cursor.position) if cursor and cursor.position else None
        if position is None or cursor.offset:
            raise ValidationError(
                {self.cursor_query_param: [_("This is not a cursor of this list.")]}
            )
        return cursor._replace(position=position)

    @staticmethod
    def _position(text):
        """``(moment, pk)`` from a cursor's position, ``None`` if it is not one."""
        moment, _bar, pk = text.partition("|")
        try:
            moment = dt.datetime.fromisoformat(moment)
            pk = int(pk)
        except ValueError:
            return None
        if (
            moment.tzinfo is None
            or not 0 < pk < 2**63
            or not LATEST_DAY >= moment.date() >= EARLIEST_DAY
        ):
            return None
        return moment, pk

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        answer["properties"] = {
            "count": {
                "type": "integer",
                "nullable": True,
                "description": f"How many match, when at most {self.count_cap}; else null.",
                "example": 123,
            },
            **answer["properties"],
        }
        answer["required"] = ["count", "next", "previous", "results"]
        return answer

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters


def exception_handler(exc, context):
    """Map domain errors to the contract: ``400`` field errors, ``409`` with a code."""
    if isinstance(exc, InvalidInput):
        exc = ValidationError(exc.errors)
    elif isinstance(exc, Conflict):
        return conflict_response(str(exc.message), exc.code, **exc.extra)
    elif isinstance(exc, ProtectedError | RestrictedError):
        return conflict_response(
            _("This is still in use by other records; remove those first."), "in_use"
        )
    elif isinstance(exc, IntegrityError):
        # A uniqueness race that passed validation: the database refused the second write.
        return conflict_response(_("This conflicts with a record saved at the same time."))
    return drf_exception_handler(exc, context)


def conflict_response(detail, code="conflict", **extra):
    return Response({"detail": detail, "code": code, **extra}, status=status.HTTP_409_CONFLICT)
