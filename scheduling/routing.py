from django.urls import path

from .consumers import BoardConsumer

websocket_urlpatterns = [
    path("ws/expos/<slug:expo_slug>/schedule/", BoardConsumer.as_asgi()),
]
