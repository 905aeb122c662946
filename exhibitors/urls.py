from django.urls import path

from . import views

app_name = "exhibitors"

urlpatterns = [
    path("portal/", views.portal, name="portal"),
    path("portal/<int:pk>/", views.portal_exhibitor, name="portal-exhibitor"),
    path(
        "portal/<int:pk>/staff/<int:member_id>/remove/",
        views.remove_member,
        name="remove-member",
    ),
    path("portal/<int:pk>/scan/", views.scan, name="scan"),
    path(
        "portal/<int:pk>/leads.csv", views.export_leads, {"sheet_format": "csv"}, name="leads-csv"
    ),
    path(
        "portal/<int:pk>/leads-semicolon.csv",
        views.export_leads,
        {"sheet_format": "semicolon"},
        name="leads-csv-semicolon",
    ),
    path(
        "portal/<int:pk>/leads.xlsx",
        views.export_leads,
        {"sheet_format": "xlsx"},
        name="leads-xlsx",
    ),
    path("portal/<int:pk>/leads/<int:lead_id>/", views.edit_lead, name="edit-lead"),
    path("portal/<int:pk>/leads/<int:lead_id>/remove/", views.remove_lead, name="remove-lead"),
    path("expos/<slug:expo_slug>/exhibitors/", views.directory, name="directory"),
    path("expos/<slug:expo_slug>/exhibitors/<int:pk>/", views.exhibitor_page, name="exhibitor"),
    path("expos/<slug:expo_slug>/halls/<slug:hall_slug>/plan/", views.floor_plan, name="plan"),
]
