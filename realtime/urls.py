from django.urls import path

from . import views

app_name = "realtime"

urlpatterns = [
    path("expos/<slug:expo_slug>/live/", views.live, name="live"),
]
