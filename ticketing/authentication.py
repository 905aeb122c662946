from django.contrib.auth.models import AnonymousUser
from rest_framework.authentication import TokenAuthentication

from .models import ScannerDevice


class ScannerDeviceAuthentication(TokenAuthentication):
    """``Authorization: Token <key>`` of a scanner device, good for its own expo only.

    The request's ``auth`` is the device and its ``user`` anonymous; a key that is not a
    device's is left to the user token authentication that follows in the settings.
    """

    def authenticate_credentials(self, key):
        device = (
            ScannerDevice.objects.select_related("expo").filter(key=key, is_active=True).first()
        )
        if device is None:
            return None
        return AnonymousUser(), device
