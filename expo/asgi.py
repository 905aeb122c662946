"""ASGI entry point: HTTP through Django; WebSocket routes join here as apps add them."""

import os

from channels.routing import ProtocolTypeRouter
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expo.settings")

application = ProtocolTypeRouter({"http": get_asgi_application()})
