"""The demo expo's call for proposals: open from two weeks ago until the day before the
expo (at least a fortnight more), with proposals of the demo exhibitor's staff."""

import datetime as dt

from django.utils import timezone

from events.demo import Shot
from events.selectors import opening_windows
from exhibitors.demo import PORTAL_USER
from exhibitors.models import Member

from . import services
from .models import Call

PROPOSALS = [
    ("Sensors under the streets", "talk", 30, "Planners and engineers of the city."),
    ("Build a rain garden", "workshop", 90, "Anyone with a yard or a balcony."),
]


def extend(expo):
    now = timezone.now()
    day_before = dt.datetime.combine(
        expo.start_date - dt.timedelta(days=1), dt.time(23, 59), tzinfo=expo.tz
    )
    call = services.save_call(
        Call(
            expo=expo,
            opens_at=now - dt.timedelta(days=14),
            closes_at=max(day_before, now + dt.timedelta(days=14)),
            introduction="Share what makes a city good to live in: talks, workshops, tours.",
        ),
        tracks=list(expo.tracks.order_by("name")[:3]),
    )
    member = (
        Member.objects.filter(exhibitor__expo=expo, user__username=PORTAL_USER)
        .select_related("exhibitor", "user")
        .first()
    )
    if member is None:
        return
    first_day = next(iter(opening_windows(expo)), None)
    for title, kind, minutes, audience in PROPOSALS:
        services.submit_proposal(
            call,
            proposer=member.user,
            exhibitor=member.exhibitor,
            fields={
                "title": title,
                "abstract": f"{title}: what we learnt, and what a city can do next.",
                "kind": kind,
                "length_minutes": minutes,
                "language": expo.languages[0],
                "audience": audience,
                "preferred_days": [first_day] if first_day else [],
            },
            speakers=[{"name": member.user.get_full_name() or "Demo", "email": "demo@example.org"}],
            now=now,
        )


def screenshots(expo):
    """The public call and the demo exhibitor's proposals in the portal, once the expo
    has a call."""
    if not Call.objects.filter(expo=expo).exists():
        return []
    member = (
        Member.objects.filter(exhibitor__expo=expo, user__username=PORTAL_USER)
        .select_related("user")
        .first()
    )
    shots = [Shot("call-for-proposals", f"/expos/{expo.slug}/call/")]
    if member is not None:
        path = f"/portal/{member.exhibitor_id}/proposals/"
        shots.append(Shot("portal-proposals", path, ("phone",), member.user))
    return shots
