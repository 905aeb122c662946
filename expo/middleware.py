"""Middleware of the whole site."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .validation import has_nul

ADDRESS = object()


class RefuseNulCharacters:
    """Answers ``400`` when the address or a query parameter holds a NUL character.

    Views, filters and the admin read query parameters as they come; PostgreSQL cannot
    compare a text with a NUL in it and fails the query. Refusing them here, once, keeps
    every door safe. The API names the parameter, as the contract's ``400`` does; a page
    explains.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refused = self.refused(request)
        if refused is None:
            return self.get_response(request)
        message = _("Null characters are not allowed.")
        if request.path_info.startswith("/api/"):
            body = {"detail": message} if refused is ADDRESS else {refused: [message]}
            return JsonResponse(body, status=400)
        return render(request, "bad_request.html", {"message": message}, status=400)

    @staticmethod
    def refused(request):
        """The query parameter with a NUL in it, ``ADDRESS`` when it is in the address
        or a parameter's name, or ``None``."""
        if has_nul(request.path_info):
            return ADDRESS
        for name, values in request.GET.lists():
            if has_nul(name):
                return ADDRESS
            if any(has_nul(value) for value in values):
                return name
        return None
