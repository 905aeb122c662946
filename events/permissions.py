"""Who may change an expo: its organisers."""

from rest_framework import permissions

from .selectors import organised_expos


def is_organiser(user, expo):
    """Organisers of an expo may change it; superusers organise every expo."""
    if not user or not user.is_authenticated:
        return False
    return organised_expos(user).filter(pk=expo.pk).exists()


class IsOrganiserOrReadOnly(permissions.BasePermission):
    """Anyone reads; only the expo's organisers write. Views expose ``get_expo()``."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        if not request.user.is_authenticated:
            return False
        expo = view.get_expo()
        if expo is None:
            return request.user.has_perm("events.add_expo")
        return is_organiser(request.user, expo)
