from django.urls import path

from . import views

app_name = "ticketing"

mine = "expos/<slug:expo_slug>/my-tickets/<str:secret>/"

urlpatterns = [
    path("scan/<slug:expo_slug>/<slug:scan_point_slug>/", views.scanner, name="scanner"),
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
]
