"""The schedule board: ``/manage/<expo>/schedule/``, for the expo's organisers.

The page is drawn here in full (the grid of one day, the strip of all days, the tray);
``static/expo/board.js`` adds dragging, resizing and the keyboard's move form, sends
every move to the API (``POST /api/v1/sessions/{id}/plan/`` and its siblings, which call
``events.services``), and redraws by reading this page again, when it moved something or
when the board's WebSocket says another organiser did."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from events import selectors as programme
from events.permissions import is_organiser
from expo.scoping import expo_or_404

from . import selectors
from .forms import BoardForm

# Pixels per minute on the grid, and the step a drag snaps to; board.js reads both.
PIXELS_PER_MINUTE = 1.6
SNAP_MINUTES = 5


def board(request, expo_slug):
    expo = expo_or_404(request)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_organiser(request.user, expo):
        raise PermissionDenied
    windows = programme.opening_windows(expo)
    open_days = list(windows)
    form = BoardForm(request.GET or None, expo=expo, open_days=open_days)
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    day = chosen.get("day") or _default_day(expo, open_days)
    room_list = selectors.rooms(expo)
    grid = selectors.day_grid(expo, day, windows, room_list)
    strip = selectors.strip(expo, windows, room_list)
    tray = form.narrow(list(selectors.tray(expo)))
    context = {
        "expo": expo,
        "form": form,
        "active_filters": form.active_filter_count(),
        "day": day,
        "grid": grid,
        "strip": strip,
        "strip_today": next((entry for entry in strip if entry.day == day), None),
        "tray": tray,
        "rooms": room_list,
        "open_days": open_days,
        "filter_query": _filter_query(request.GET),
        "hours": [f"{hour:02d}" for hour in range(24)],
        "minutes": [f"{minute:02d}" for minute in range(0, 60, SNAP_MINUTES)],
        "kept_filters": [
            (name, request.GET[name]) for name in BoardForm.NARROWING if request.GET.get(name)
        ],
        "board_config": {
            "planPath": reverse("session-plan", args=[0]),
            "unschedulePath": reverse("session-unschedule", args=[0]),
            "cancelPath": reverse("session-cancel", args=[0]),
            "socketPath": f"/ws/expos/{expo.slug}/schedule/",
            "day": day.isoformat(),
            "top": grid.top.isoformat(),
            "pixelsPerMinute": PIXELS_PER_MINUTE,
            "snapMinutes": SNAP_MINUTES,
            "timeZone": expo.time_zone,
            "texts": {
                "saved": _("Saved: “{title}” in {room}, {when}."),
                "unscheduled": _("“{title}” is back in the tray."),
                "cancelled": _("“{title}” is cancelled in the plan."),
                "refused": _("Not moved: {reason}"),
                "stale": _(
                    "Not moved: someone changed “{title}” meanwhile. The board now shows "
                    "where it is."
                ),
                "failed": _("Not moved: the server could not be reached. Try again."),
                "dropHere": _("Drop: {room}, {time}"),
                "selected": _("Move “{title}”"),
                "confirmCancel": _("Cancel “{title}”? It leaves the plan and the tray."),
                "live": _("Live: moves by other organisers show at once."),
                "reconnecting": _("Connection lost. Reconnecting…"),
            },
        },
    }
    response = render(request, "scheduling/board.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def _default_day(expo, open_days):
    """Today while the expo runs and is open, else its first open day, else its first."""
    today = expo.local_day(timezone.now())
    if today in open_days:
        return today
    return open_days[0] if open_days else expo.start_date


def _filter_query(params):
    """The tray's filters as a query string, kept on the strip's links to other days."""
    kept = params.copy()
    kept.pop("day", None)
    return kept.urlencode()
