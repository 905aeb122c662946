from django.urls import path

from events.api_urls import expo_collection

from . import api

urlpatterns = [
    *expo_collection("ticket-types", api.TicketTypeViewSet),
    *expo_collection("scan-points", api.ScanPointViewSet),
    path("expos/<slug:expo_slug>/tickets/", api.TicketListView.as_view(), name="expo-tickets"),
    path("expos/<slug:expo_slug>/checkins/", api.CheckInListView.as_view(), name="expo-checkins"),
    path("expos/<slug:expo_slug>/badges.pdf", api.ExpoBadgesView.as_view(), name="expo-badges"),
    path(
        "expos/<slug:expo_slug>/registrations/",
        api.RegistrationView.as_view(),
        name="expo-registrations",
    ),
    path("checkins/", api.CheckInView.as_view(), name="checkins"),
    path("checkins/offline/", api.OfflineCheckInsView.as_view(), name="checkins-offline"),
    path(
        "expos/<slug:expo_slug>/scan-points/<slug:scan_point_slug>/offline/",
        api.OfflineScanDataView.as_view(),
        name="scan-point-offline",
    ),
    path(
        "expos/<slug:expo_slug>/attendance/", api.AttendanceView.as_view(), name="expo-attendance"
    ),
    path("expos/<slug:expo_slug>/crowding/", api.CrowdingView.as_view(), name="expo-crowding"),
    path("expos/<slug:expo_slug>/keys/", api.PublicKeysView.as_view(), name="expo-keys"),
    path("tickets/<int:pk>/", api.TicketDetailView.as_view(), name="ticket-detail"),
    path("tickets/<int:pk>/cancel/", api.TicketCancelView.as_view(), name="ticket-cancel"),
    path("tickets/<int:pk>/badge.pdf", api.TicketBadgeView.as_view(), name="ticket-badge"),
    path(
        "sessions/<int:pk>/bookings/",
        api.SessionBookingsView.as_view(),
        name="session-bookings",
    ),
    path(
        "sessions/<int:pk>/bookings/<int:booking_id>/",
        api.SessionBookingView.as_view(),
        name="session-booking-detail",
    ),
]
