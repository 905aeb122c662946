from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth.views import (
    LoginView,
    LogoutView,
    PasswordResetCompleteView,
    PasswordResetConfirmView,
    PasswordResetDoneView,
)
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static as static_url
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from expo.accounts import PasswordResetView


def favicon(request):
    """Browsers ask for ``/favicon.ico`` where a page names no icon (the admin, the API's
    pages, a file): they get the site's SVG icon, which ``base.html`` links."""
    return HttpResponsePermanentRedirect(static_url("expo/favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    # Anyone with an account asks for a link to choose a new password (expo/accounts.py);
    # invited staff get theirs in the invitation (exhibitors/emails.py).
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password_reset/done/",
        PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/", PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file, as the CSP asks.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/", include("events.api_urls")),
    path("api/v1/", include("ticketing.api_urls")),
    path("api/v1/", include("exhibitors.api_urls")),
    path("", include("events.urls")),
    path("", include("ticketing.urls")),
    path("", include("realtime.urls")),
    path("", include("exhibitors.urls")),
    path("", include("proposals.urls")),
    path("", include("scheduling.urls")),
]

# Uploaded files (exhibitors' logos) in development; production serves MEDIA_ROOT from the
# reverse proxy (docs/deployment.md).
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
