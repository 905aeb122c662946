from rest_framework import permissions

from events.permissions import is_organiser

from .models import Member


def is_staff_of(user, exhibitor):
    return bool(
        user
        and user.is_authenticated
        and Member.objects.filter(exhibitor=exhibitor, user=user).exists()
    )


def may_manage(user, exhibitor):
    """The expo's organisers and the exhibitor's own staff change an exhibitor."""
    return is_organiser(user, exhibitor.expo) or is_staff_of(user, exhibitor)


class MayManageOrReadOnly(permissions.BasePermission):
    """Anyone reads an exhibitor; organisers and its own staff change it."""

    def has_object_permission(self, request, view, obj):
        return request.method in permissions.SAFE_METHODS or may_manage(request.user, obj)
