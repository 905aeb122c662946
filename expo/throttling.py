"""Limits on how often one client may ask: the API's throttles and the pages' share of
them (docs/security.md).

Each limit is a scope with a rate in ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``, counted
in Django's cache (Redis when ``REDIS_URL`` is set, so all processes count together). A
client is a signed-in user, a scanner device, or else an IP address. Over the limit the
API answers ``429`` with ``Retry-After``; DRF sets both.
"""

from types import SimpleNamespace

from rest_framework import throttling
from rest_framework.settings import api_settings


class _CurrentRates:
    """DRF reads the rates once, when its module is imported; these read them on every
    request, so a changed setting applies at once (and tests can lower them)."""

    @property
    def THROTTLE_RATES(self):  # noqa: N802  (the name DRF looks up)
        return api_settings.DEFAULT_THROTTLE_RATES


def _device(request):
    """The scanner device a request is authenticated as: its user is anonymous, its
    ``auth`` the device (``ticketing.authentication``)."""
    user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        return getattr(request, "auth", None)
    return None


class AnonThrottle(_CurrentRates, throttling.AnonRateThrottle):
    """Anonymous clients by IP address (scope ``anon``); devices are counted as users."""

    def get_cache_key(self, request, view):
        if _device(request) is not None:
            return None
        return super().get_cache_key(request, view)


class UserThrottle(_CurrentRates, throttling.UserRateThrottle):
    """Signed-in users and scanner devices, each on its own (scope ``user``)."""

    def get_cache_key(self, request, view):
        if (device := _device(request)) is not None:
            return self.cache_format % {"scope": self.scope, "ident": f"device-{device.pk}"}
        return super().get_cache_key(request, view)


class ScopedThrottle(_CurrentRates, throttling.ScopedRateThrottle):
    """A view's own ``throttle_scope`` (``registrations``, ``holder``), per user or IP."""


class ScanThrottle(UserThrottle):
    """The check-in endpoint's own, generous limit (scope ``scan``), per device or user,
    so a busy gate never waits on the general limits."""

    scope = "scan"


def wait_before(request, scope):
    """For pages: count this request in ``scope`` (shared with the API's views of the same
    scope) and return the seconds to wait when it is over the limit, else ``None``."""
    throttle = ScopedThrottle()
    if throttle.allow_request(request, SimpleNamespace(throttle_scope=scope)):
        return None
    return max(1, round(throttle.wait() or 1))


def client_ip(request):
    """The client's address as the throttles see it (``NUM_PROXIES``); also the address
    the sign-in lockout counts failures by (``AXES_CLIENT_IP_CALLABLE``)."""
    return throttling.BaseThrottle().get_ident(request)
