from django.contrib.auth.models import AnonymousUser
from rest_framework.authentication import TokenAuthentication

from . import lookups


class ScannerDeviceAuthentication(TokenAuthentication):
    """``Authorization: Token <key>`` of a scanner device, good for its own expo only.

    The request's ``auth`` is the device and its ``user`` anonymous; a key that is not a
    device's is left to the user token authentication that follows in the settings.
    """

    def authenticate_credentials(self, key):
        device = lookups.active_device(key)
        if device is None:
            return None
        return AnonymousUser(), device
