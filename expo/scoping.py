"""One expo per request: which expo a request is about, found once, for every door.

``ExpoMiddleware`` resolves the expo from the URL (``expo_slug``, or an object the view
names with ``expo_of``), keeps it as ``request.expo``, and for the whole request
activates the expo's time zone, its language (unless the visitor chose one) and the
``django-scopes`` scope of the expo-owned models (``ScopedManager(expo=...)``), so that
a query cannot reach another expo's rows. A request about no one expo (the admin, the
portal's start page, a scan by an organiser's token) is scoped to the expos its user
organises or staffs; a superuser's to all of them.

Code that runs outside a request (commands, consumers, receivers, the demo) enters
``django_scopes.scope(expo=...)`` itself, or ``scopes_disabled()`` where it genuinely
acts across expos.
"""

from contextlib import contextmanager
from functools import partial

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.translation.trans_real import parse_accept_lang_header
from django_scopes import scope
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.settings import api_settings

from events.models import Expo

EVERY_EXPO = None  # django-scopes filters nothing on a ``None`` value.


def expo_of(model, url_kwarg):
    """Declares that a view's expo is the one of the ``model`` row that the URL names with
    ``url_kwarg`` (a field of the model too), for views whose URL has no ``expo_slug``.

    On a function view, use it as a decorator; a class view sets the same pair as its
    ``expo_of`` attribute: ``expo_of = (Ticket, "pk")``.
    """

    def declare(view):
        view.expo_of = (model, url_kwarg)
        return view

    return declare


def expo_or_404(request):
    """The request's expo, for a view that is about one."""
    if getattr(request, "expo", None) is None:
        raise Http404
    return request.expo


def resolve_expo(match):
    """The expo a resolved URL is about, or ``None``."""
    if "expo_slug" in match.kwargs:
        return Expo.objects.filter(slug=match.kwargs["expo_slug"]).first()
    view = match.func
    view = getattr(view, "view_class", None) or getattr(view, "cls", None) or view
    declared = getattr(view, "expo_of", None)
    if declared is None or declared[1] not in match.kwargs:
        return None
    model, url_kwarg = declared
    value = match.kwargs[url_kwarg]
    if model is Expo:
        return Expo.objects.filter(**{url_kwarg: value}).first()
    # The base manager: finding the expo comes before any scope exists.
    expo_ids = model._base_manager.filter(**{url_kwarg: value}).values("expo_id")
    return Expo.objects.filter(pk__in=expo_ids).first()


def user_expos(user, *, admin=False):
    """The ids of the expos ``user`` acts in: those they organise and, outside the admin,
    those whose exhibitors they staff. ``EVERY_EXPO`` for a superuser."""
    if user is None or not user.is_authenticated:
        return []
    if user.is_superuser:
        return EVERY_EXPO
    mine = Q(organisers=user) if admin else Q(organisers=user) | Q(exhibitors__members__user=user)
    return list(Expo.objects.filter(mine).values_list("pk", flat=True).distinct())


def _api_credentials(request):
    """``(user, auth)`` from an ``Authorization: Token`` header, before the API view
    authenticates the request itself, or ``(None, None)``."""
    if "HTTP_AUTHORIZATION" not in request.META:
        return None, None
    for authentication in api_settings.DEFAULT_AUTHENTICATION_CLASSES:
        if not issubclass(authentication, TokenAuthentication):
            continue
        try:
            credentials = authentication().authenticate(request)
        except AuthenticationFailed:
            return None, None  # The view answers 401 itself.
        if credentials is not None:
            return credentials
    return None, None


def scope_of_request(request, match):
    """The value of the ``expo`` scope for a request about no one expo."""
    user = request.user
    if match.route.startswith("api/"):
        # In the order the API authenticates: a scanner device's key, the session, a
        # user's key.
        token_user, auth = _api_credentials(request)
        if getattr(auth, "expo_id", None) is not None:
            return [auth.expo_id]  # A scanner device scans in its own expo.
        if not user.is_authenticated:
            user = token_user
    return user_expos(user, admin=match.app_name == "admin")


def expo_language(request, expo):
    """The language to speak: the visitor's choice if they made one (the language
    cookie), else the first of their browser's languages the expo speaks, else the
    expo's main language."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen and translation.check_for_language(chosen):
        return chosen
    spoken = expo.languages or [settings.LANGUAGE_CODE]
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        code = code.split("-")[0].lower()
        if code in spoken:
            return code
    return spoken[0]


class ExpoMiddleware:
    """Resolves the request's expo and activates its scope, time zone and language.

    Comes after the session, locale and authentication middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            match = resolve(request.path_info)
        except Resolver404:
            request.expo = None
            return self.get_response(request)
        request.expo = expo = resolve_expo(match)
        if expo is None:
            activate = partial(_activated, scope_of_request(request, match), None)
        else:
            request.LANGUAGE_CODE = expo_language(request, expo)
            translation.activate(request.LANGUAGE_CODE)
            activate = partial(_activated, expo.pk, expo.tz)
        with activate():
            response = self.get_response(request)
        if response.streaming and not response.is_async:
            # A streamed answer is drawn after this method has returned.
            response.streaming_content = _each_chunk_within(activate, response.streaming_content)
        return response


@contextmanager
def _activated(expos, time_zone):
    """The scope of ``expos`` and, when given, the expo's time zone."""
    with scope(expo=expos):
        if time_zone is None:
            yield
            return
        with timezone.override(time_zone):
            yield


def _each_chunk_within(activate, chunks):
    chunks = iter(chunks)
    while True:
        with activate():
            try:
                chunk = next(chunks)
            except StopIteration:
                return
        yield chunk
