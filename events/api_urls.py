from django.urls import path

from . import api

collection = {"get": "list", "post": "create"}
member = {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}

nested = [
    ("halls", api.HallViewSet, "<slug:slug>"),
    ("rooms", api.RoomViewSet, "<slug:slug>"),
    ("tracks", api.TrackViewSet, "<slug:slug>"),
    ("conferences", api.ConferenceViewSet, "<slug:slug>"),
    ("speakers", api.SpeakerViewSet, "<int:pk>"),
    ("opening-days", api.OpeningDayViewSet, "<str:date>"),
]

urlpatterns = [
    path("expos/", api.ExpoViewSet.as_view(collection), name="expo-list"),
    path(
        "expos/<slug:slug>/",
        api.ExpoViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="expo-detail",
    ),
    path(
        "expos/<slug:expo_slug>/sessions/",
        api.ExpoSessionViewSet.as_view(collection),
        name="expo-session-list",
    ),
    path(
        "expos/<slug:expo_slug>/releases/",
        api.ReleaseViewSet.as_view(collection),
        name="expo-release-list",
    ),
    path("sessions/<int:pk>/", api.SessionViewSet.as_view(member), name="session-detail"),
    # The schedule board's moves (scheduling/), each through one service.
    path("sessions/<int:pk>/plan/", api.SessionPlanView.as_view(), name="session-plan"),
    path(
        "sessions/<int:pk>/unschedule/",
        api.SessionUnscheduleView.as_view(),
        name="session-unschedule",
    ),
    path("sessions/<int:pk>/cancel/", api.SessionCancelView.as_view(), name="session-cancel"),
]


def expo_collection(name, viewset, lookup="<slug:slug>"):
    """The list and the member routes of a collection inside an expo."""
    return [
        path(
            f"expos/<slug:expo_slug>/{name}/", viewset.as_view(collection), name=f"expo-{name}-list"
        ),
        path(
            f"expos/<slug:expo_slug>/{name}/{lookup}/",
            viewset.as_view(member),
            name=f"expo-{name}-detail",
        ),
    ]


for name, viewset, lookup in nested:
    urlpatterns += expo_collection(name, viewset, lookup)
