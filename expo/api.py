"""What every API view shares: pagination and the error shapes of the contract."""

from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from expo.errors import Conflict, InvalidInput


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


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
