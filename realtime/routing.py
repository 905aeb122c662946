from django.urls import path

from .consumers import AttendanceConsumer

websocket_urlpatterns = [
    path("ws/expos/<slug:expo_slug>/attendance/", AttendanceConsumer.as_asgi()),
]
