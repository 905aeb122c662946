from django.urls import path

from . import scanner_app, views

app_name = "ticketing"

mine = "expos/<slug:expo_slug>/my-tickets/<str:secret>/"
attendees = "expos/<slug:expo_slug>/sessions/<int:session_id>/attendees"

urlpatterns = [
    path("scan/<slug:expo_slug>/<slug:scan_point_slug>/", views.scanner, name="scanner"),
    path("scan/<slug:expo_slug>/sw.js", scanner_app.service_worker, name="scanner-worker"),
    path(
        "scan/<slug:expo_slug>/<slug:scan_point_slug>/manifest.webmanifest",
        scanner_app.manifest,
        name="scanner-manifest",
    ),
    path("expos/<slug:expo_slug>/register/", views.register, name="register"),
    path(mine, views.my_tickets, name="my-tickets"),
    path("expos/<slug:expo_slug>/my-tickets/", views.email_my_tickets, name="email-my-tickets"),
    path("expos/<slug:expo_slug>/privacy/", views.privacy_notice, name="privacy"),
    path(f"{mine}my-data.json", views.my_data, name="my-data"),
    path(f"{mine}erase/", views.erase_me, name="erase-me"),
    path(f"{mine}tickets/<int:ticket_id>/book/<int:session_id>/", views.book, name="book"),
    path(f"{mine}tickets/<int:ticket_id>/cancel/", views.cancel_ticket, name="cancel-ticket"),
    path(f"{mine}tickets/<int:ticket_id>/badge.pdf", views.badge, name="badge"),
    path(f"{mine}schedule.ics", views.my_schedule, name="my-schedule"),
    path(
        f"{mine}tickets/<int:ticket_id>/stop-sharing/",
        views.stop_sharing,
        name="stop-sharing",
    ),
    path(
        f"{mine}bookings/<int:booking_id>/cancel/",
        views.cancel_booking,
        name="cancel-booking",
    ),
    # A session's attendee list for its organisers.
    path(f"{attendees}.csv", views.session_attendees, {"sheet_format": "csv"}, name="attendees"),
    path(
        f"{attendees}-semicolon.csv",
        views.session_attendees,
        {"sheet_format": "semicolon"},
        name="attendees-semicolon",
    ),
    path(
        f"{attendees}.xlsx",
        views.session_attendees,
        {"sheet_format": "xlsx"},
        name="attendees-xlsx",
    ),
    # The programme's session page books with the tickets this browser holds.
    path(
        "expos/<slug:expo_slug>/sessions/<int:session_id>/book/",
        views.book_from_session,
        name="book-from-session",
    ),
    path(
        "expos/<slug:expo_slug>/sessions/<int:session_id>/cancel-booking/",
        views.cancel_from_session,
        name="cancel-from-session",
    ),
    path(
        "expos/<slug:expo_slug>/sessions/<int:session_id>/forget-tickets/",
        views.forget_tickets,
        name="forget-tickets",
    ),
]
