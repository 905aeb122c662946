from django.urls import path

from . import views

app_name = "scheduling"

urlpatterns = [
    path("manage/<slug:expo_slug>/schedule/", views.board, name="board"),
]
