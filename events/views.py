"""The public programme: the list of expos at the site's root, the expo's home page, the
programme by day, sessions, conferences and speakers, and the schedule exports. Anyone may
read them."""

import json
from urllib.parse import urlencode, urlsplit

from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from expo.scoping import expo_or_404

from . import exports, extensions, selectors, signals
from .forms import ProgrammeFilterForm
from .models import Conference, Expo, Speaker


def _with_seats_left(sessions):
    """``sessions`` as a list, each with ``seats_left`` (``None`` when it is not booked
    in advance)."""
    sessions = list(sessions)
    left = extensions.seats_left(sessions) if extensions.seats_left else {}
    for session in sessions:
        session.seats_left = left.get(session.pk)
    return sessions


def _open_days(expo):
    return list(selectors.opening_windows(expo))


def expo_list(request):
    """The site's root address: the expos, current and upcoming first, then past ones;
    straight to the expo's home page when there is only one."""
    coming, past = selectors.expos_by_time(timezone.now())
    if len(coming) + len(past) == 1:
        (only,) = coming + past
        return redirect("events:expo", only.slug)
    return render(request, "events/expo_list.html", {"coming": coming, "past": past})


def expo_home(request, expo_slug):
    expo = expo_or_404(request)
    now = timezone.now()
    today = expo.local_day(now)
    windows = selectors.opening_windows(expo)
    upcoming = list(
        selectors.programme(expo).filter(end__gt=now).order_by("start", "room__name")[:40]
    )
    upcoming = _with_seats_left(upcoming)
    on_now = [session for session in upcoming if session.start <= now]
    next_up = [session for session in upcoming if session.start > now][:6]
    _mark_other_days(expo, next_up, today)
    crowding = extensions.hall_crowding(expo) if extensions.hall_crowding else {}
    context = {
        "expo": expo,
        "today": today,
        "today_hours": windows.get(today),
        "is_running": expo.start_date <= today <= expo.end_date,
        "on_now": on_now,
        "next_up": next_up,
        "halls": [
            {"hall": hall, "crowding": crowding.get(hall.slug)}
            for hall in expo.halls.order_by("name")
        ],
        "conferences": expo.conferences.all(),
        "more_links": [
            link
            for _receiver, links in signals.visitor_links.send(sender=Expo, obj=expo)
            for link in links or ()
        ],
    }
    return render(request, "events/expo_home.html", context)


def _mark_other_days(expo, sessions, today):
    """Give each session ``other_day``: the expo-local day it starts on when that is not
    ``today``, else ``None``, so a listing shows a date only where the time alone would
    mislead."""
    for session in sessions:
        day = expo.local_day(session.start)
        session.other_day = None if day == today else day


def programme(request, expo_slug):
    expo = expo_or_404(request)
    days = _open_days(expo)
    form = ProgrammeFilterForm(request.GET or None, expo=expo, days=days)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    today = expo.local_day(timezone.now())
    day = filters.get("day") or (today if today in days else (days[0] if days else None))
    sessions = selectors.sessions_on_day(expo, day) if day else selectors.programme(expo).none()
    if filters.get("track"):
        sessions = sessions.filter(track__slug=filters["track"])
    if filters.get("conference"):
        sessions = sessions.filter(conference__slug=filters["conference"])
    if filters.get("language"):
        sessions = sessions.filter(language=filters["language"])
    if filters.get("kind"):
        sessions = sessions.filter(kind=filters["kind"])
    sessions = _with_seats_left(sessions)
    if filters.get("free_seats"):
        sessions = [s for s in sessions if s.seats_left is None or s.seats_left > 0]
    view = filters.get("view") or "list"
    release = selectors.releases(expo).first()
    context = {
        "expo": expo,
        "form": form,
        "active_filters": form.active_filter_count(),
        "day": day,
        "days": days,
        "view": view,
        "sessions": sessions,
        "grid": _grid(sessions) if view == "grid" else None,
        "programme_back": _programme_return_url(expo, request.get_full_path()),
        "release": release,
        # Before the first release there is nothing to filter (sessions written straight
        # to their released slots, as an import may, count as released).
        "being_prepared": release is None and not selectors.programme(expo).exists(),
    }
    return render(request, "events/programme.html", context)


def _programme_return_url(expo, back):
    """The address of this expo's programme that ``back`` names, rebuilt from its known
    filters only, or ``None`` when ``back`` is anything else or names no filter (the
    session page then links to the programme of the session's day).

    The programme's links to sessions carry the filtered programme in ``?back=``, and
    the session page links back to it. The link is rebuilt here rather than repeated, so
    it can only lead to this expo's programme, never to another site."""
    if not back:
        return None
    try:
        parts = urlsplit(back)
    except ValueError:  # such as a malformed IPv6 host, "//[::1"
        return None
    path = reverse("events:programme", args=[expo.slug])
    if parts.scheme or parts.netloc or parts.path != path:
        return None
    query = QueryDict(parts.query)
    kept = [
        (name, value)
        for name in ProgrammeFilterForm.base_fields
        for value in query.getlist(name)[:1]
    ]
    return f"{path}?{urlencode(kept)}" if kept else None


def _grid(sessions):
    """Rooms as columns and start times as rows: ``{"rooms": [...], "rows": [(start,
    [sessions of each room starting then]), ...]}``."""
    rooms = sorted({s.room for s in sessions}, key=lambda room: (room.hall.name, room.name))
    starts = sorted({s.start for s in sessions})
    cells = {(s.start, s.room_id): s for s in sessions}
    rows = [(start, [cells.get((start, room.pk)) for room in rooms]) for start in starts]
    return {"rooms": rooms, "rows": rows}


def session_detail(request, expo_slug, session_id):
    expo = expo_or_404(request)
    [session] = _with_seats_left([get_object_or_404(selectors.programme(expo), pk=session_id)])
    booking = extensions.session_booking(request, session) if extensions.session_booking else None
    context = {
        "expo": expo,
        "session": session,
        "booking": booking,
        "programme_back": _programme_return_url(expo, request.GET.get("back")),
    }
    response = render(request, "events/session.html", context)
    if booking:  # the visitor's own tickets, by name: for this browser only
        patch_cache_control(response, private=True, no_store=True)
    return response


def conference_detail(request, expo_slug, conference_slug):
    expo = expo_or_404(request)
    conference = get_object_or_404(Conference, expo=expo, slug=conference_slug)
    sessions = _with_seats_left(selectors.programme(expo).filter(conference=conference))
    context = {
        "expo": expo,
        "conference": conference,
        "sessions_by_day": selectors.sessions_by_day(expo, sessions),
    }
    return render(request, "events/conference.html", context)


def speaker_detail(request, expo_slug, speaker_id):
    expo = expo_or_404(request)
    speaker = get_object_or_404(Speaker, expo=expo, pk=speaker_id)
    sessions = _with_seats_left(selectors.programme(expo).filter(speakers=speaker))
    # A speaker's sessions may fall on several days: each gets its day unless today.
    _mark_other_days(expo, sessions, expo.local_day(timezone.now()))
    context = {"expo": expo, "speaker": speaker, "sessions": sessions}
    return render(request, "events/speaker.html", context)


def _session_url(request):
    return lambda session: request.build_absolute_uri(
        reverse("events:session", args=[session.expo.slug, session.pk])
    )


def schedule_ics(request, expo_slug):
    """The whole programme as iCalendar, or one ``?day=``, ``?track=`` or ``?session=``."""
    expo = expo_or_404(request)
    sessions = selectors.programme(expo)
    name = expo.name
    if day := request.GET.get("day"):
        form = ProgrammeFilterForm({"day": day}, expo=expo, days=_open_days(expo))
        if not form.is_valid():
            raise Http404(form.errors["day"][0])
        sessions = selectors.sessions_on_day(expo, form.cleaned_data["day"])
        name = f"{expo.name} {day}"
    if track := request.GET.get("track"):
        sessions = sessions.filter(track__slug=track)
        name = f"{expo.name}: {track}"
    if session_id := request.GET.get("session"):
        if not (session_id.isascii() and session_id.isdigit()):
            raise Http404
        sessions = sessions.filter(pk=session_id)
    response = HttpResponse(
        exports.ical(expo, sessions, name=name, url_of=_session_url(request)),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="{expo.slug}.ics"'
    return response


def schedule_json(request, expo_slug):
    expo = expo_or_404(request)
    document = exports.frab_schedule(
        expo,
        selectors.programme(expo),
        base_url=request.build_absolute_uri("/"),
        url_of=_session_url(request),
        version=str(selectors.latest_release_number(expo)),
    )
    return HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
