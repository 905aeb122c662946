from django.urls import path

from . import views

app_name = "proposals"

urlpatterns = [
    path("expos/<slug:expo_slug>/call/", views.call, name="call"),
    path("expos/<slug:expo_slug>/call/new/", views.new_proposal, name="new"),
    path("expos/<slug:expo_slug>/call/proposals/<int:pk>/", views.edit_proposal, name="edit"),
    path(
        "expos/<slug:expo_slug>/call/proposals/<int:pk>/withdraw/",
        views.withdraw_proposal,
        name="withdraw",
    ),
    path("portal/<int:pk>/proposals/", views.portal_proposals, name="portal-list"),
    path("portal/<int:pk>/proposals/new/", views.portal_new_proposal, name="portal-new"),
    path(
        "portal/<int:pk>/proposals/<int:proposal_id>/",
        views.portal_edit_proposal,
        name="portal-edit",
    ),
    path(
        "portal/<int:pk>/proposals/<int:proposal_id>/withdraw/",
        views.portal_withdraw_proposal,
        name="portal-withdraw",
    ),
    path("manage/<slug:expo_slug>/proposals/", views.review_list, name="review_list"),
    path("manage/<slug:expo_slug>/proposals/decide/", views.decide_many, name="decide_many"),
    path("manage/<slug:expo_slug>/proposals/<int:pk>/", views.review, name="review"),
    path("manage/<slug:expo_slug>/proposals/<int:pk>/decide/", views.decide, name="decide"),
]
