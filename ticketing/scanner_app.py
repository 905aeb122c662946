"""The gate scanner as an installable web app that works offline: its service worker and
its web app manifest (docs/codes.md, "Scanning offline").

The worker is served from ``/scan/<expo>/sw.js`` so that its scope, the folder it is
served from, covers every scan point's page of the expo, and nothing else of the site."""

import json

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from events.models import Expo
from events.translations import translated

from .models import ScanPoint

#: What the scanner page needs besides itself; the worker keeps these.
SCANNER_FILES = [
    "expo/site.css",
    "expo/scanner.css",
    "expo/camera.css",
    "expo/favicon.svg",
    "vendor/jsqr/jsQR.js",
    "expo/camera.js",
    "expo/offline.js",
    "vendor/noble-ed25519/index.js",
    "expo/scanner.js",
]
#: Named in the caches the worker keeps: a new value makes it drop the old ones.
CACHE_VERSION = "1"


def service_worker(request, expo_slug):
    get_object_or_404(Expo, slug=expo_slug)
    script = render_to_string(
        "ticketing/scanner_worker.js",
        {
            "files": json.dumps([static(name) for name in SCANNER_FILES]),
            "version": CACHE_VERSION,
        },
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    # The browser looks for a new worker on each visit; no cache in between delays it.
    patch_cache_control(response, no_cache=True)
    return response


def manifest(request, expo_slug, scan_point_slug):
    scan_point = get_object_or_404(
        ScanPoint.objects.select_related("expo"), expo__slug=expo_slug, slug=scan_point_slug
    )
    page = reverse("ticketing:scanner", args=[expo_slug, scan_point_slug])
    return JsonResponse(
        {
            "name": f"{scan_point.name} – {translated(scan_point.expo, 'name')}",
            "short_name": scan_point.name,
            "description": _("Scans badges at %(point)s, with or without a network.")
            % {"point": scan_point.name},
            "start_url": page,
            "scope": reverse("ticketing:scanner-worker", args=[expo_slug]).removesuffix("sw.js"),
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#1b5e20",
            "icons": [{"src": static("expo/favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
        },
        content_type="application/manifest+json",
    )
