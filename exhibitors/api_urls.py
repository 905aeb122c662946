from django.urls import path

from . import api

urlpatterns = [
    path(
        "expos/<slug:expo_slug>/exhibitors/",
        api.ExhibitorListView.as_view(),
        name="expo-exhibitors",
    ),
    path("exhibitors/<int:pk>/", api.ExhibitorDetailView.as_view(), name="exhibitor-detail"),
    path("exhibitors/<int:pk>/members/", api.MembersView.as_view(), name="exhibitor-members"),
    path(
        "exhibitors/<int:pk>/members/<int:member_id>/",
        api.MemberDetailView.as_view(),
        name="exhibitor-member",
    ),
    path("exhibitors/<int:pk>/leads/", api.LeadsView.as_view(), name="exhibitor-leads"),
    path(
        "exhibitors/<int:pk>/leads/<int:lead_id>/",
        api.LeadDetailView.as_view(),
        name="exhibitor-lead",
    ),
    path("exhibitors/<int:pk>/leads.csv", api.LeadsCsvView.as_view(), name="exhibitor-leads-csv"),
    path("expos/<slug:expo_slug>/booths/", api.BoothListView.as_view(), name="expo-booths"),
    path("booths/<int:pk>/", api.BoothDetailView.as_view(), name="booth-detail"),
]
