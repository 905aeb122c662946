from django.urls import path

from . import release_views, views

app_name = "events"

expo = "expos/<slug:expo_slug>/"

urlpatterns = [
    path("", views.expo_list, name="expo-list"),
    path(expo, views.expo_home, name="expo"),
    path(f"{expo}programme/", views.programme, name="programme"),
    path(f"{expo}sessions/<int:session_id>/", views.session_detail, name="session"),
    path(f"{expo}conferences/<slug:conference_slug>/", views.conference_detail, name="conference"),
    path(f"{expo}speakers/<int:speaker_id>/", views.speaker_detail, name="speaker"),
    path(f"{expo}programme/changes/", release_views.changelog, name="changelog"),
    path("manage/<slug:expo_slug>/releases/", release_views.releases, name="releases"),
    path(f"{expo}schedule.ics", views.schedule_ics, name="schedule-ics"),
    path(f"{expo}schedule.json", views.schedule_json, name="schedule-json"),
]
