"""The organiser's live dashboard page; its numbers arrive over the WebSocket."""

import datetime as dt

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from events.permissions import is_organiser
from expo import dates
from expo.scoping import expo_or_404
from ticketing import selectors


def live(request, expo_slug):
    expo = expo_or_404(request)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_organiser(request.user, expo):
        raise PermissionDenied
    config = {
        "socketPath": f"/ws/expos/{expo.slug}/attendance/",
        "texts": {
            "live": _("Live"),
            "connecting": _("Connecting…"),
            "reconnecting": _("Connection lost. Reconnecting…"),
            "quiet": _("Room to spare"),
            "nearlyFull": _("Nearly full"),
            "full": _("Full"),
            "noSessions": _("No session has anyone checked in yet."),
            "chartLabel": _("Entries per hour today"),
        },
        # The feed names hours "HH:00"; the chart labels them as the language writes a
        # time ("9.00" in Finnish).
        "hourLabels": {f"{hour:02d}:00": dates.time_of_day(dt.time(hour)) for hour in range(24)},
    }
    context = {"expo": expo, "attendance": selectors.attendance(expo), "live_config": config}
    return render(request, "realtime/live.html", context)
