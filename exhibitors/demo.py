"""Fifty exhibitors with booths for the demo expo (see events/demo.py), and a staff
account for the exhibitor portal: ``exhibitor`` with the demo password."""

import datetime as dt
import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model

from events.demo import Shot
from events.models import Session

from .models import Booth, BoothDay, Exhibitor, Member

PORTAL_USER = "exhibitor"
PORTAL_PASSWORD = "expo-demo-2026"

KINDS = [
    ("Stadsbyggnadskontoret", "City planning for everyone"),
    ("Öresundståg", "Trains across the strait"),
    ("Lunds universitet", "Research you can touch"),
    ("Malmö Stad Miljö", "A greener city, together"),
    ("Københavns Kommune", "Across the bridge"),
    ("Cykelfrämjandet", "More people on bikes"),
    ("Sydvatten", "Clean water for the region"),
    ("Region Skåne", "Health and mobility"),
]
WORDS = [
    "Energi",
    "Bygg",
    "Grön",
    "Data",
    "Mat",
    "Kultur",
    "Hamn",
    "Sol",
    "Vind",
    "Skola",
    "Teknik",
    "Design",
    "Hälsa",
    "Trafik",
    "Skog",
    "Vatten",
    "Musik",
    "Sport",
    "Bostad",
    "Konst",
    "Robot",
    "Drönare",
    "Återbruk",
    "Odling",
    "Ljus",
    "Sjö",
    "Järnväg",
    "Buss",
    "Hjälp",
    "Hantverk",
    "Spel",
    "Text",
    "Film",
    "Radio",
    "Bok",
    "Glas",
    "Ull",
    "Keramik",
    "Akvarium",
    "Planet",
    "Klimat",
    "Regn",
]


def extend(expo):
    tracks = list(expo.tracks.order_by("name"))
    halls = list(expo.halls.order_by("name"))
    names = KINDS + [
        (f"{word}verket Öresund", f"Everything about {word.lower()}") for word in WORDS
    ]
    days = expo.days
    exhibitors = []
    for index, (name, tagline) in enumerate(names[:50]):
        tier = "main_partner" if index < 3 else "partner" if index < 12 else "exhibitor"
        week = index % 5 if index >= 20 else None  # some come for one week only
        own_days = (
            [day.isoformat() for day in days[week * 7 : week * 7 + 7]] if week is not None else []
        )
        exhibitors.append(
            Exhibitor(
                expo=expo,
                name=name,
                tagline=tagline,
                description=f"{name} shows its work at the expo. {tagline}.",
                website=f"https://example.org/{index}",
                tier=tier,
                days=own_days,
            )
        )
    Exhibitor.objects.bulk_create(exhibitors)
    exhibitors = list(Exhibitor.objects.filter(expo=expo).order_by("pk"))
    through = Exhibitor.themes.through
    through.objects.bulk_create(
        through(exhibitor_id=exhibitor.pk, track_id=tracks[n % len(tracks)].pk)
        for n, exhibitor in enumerate(exhibitors)
    )
    booths = []
    for hall_index, hall in enumerate(halls):
        for n in range(18):
            row, column = divmod(n, 6)
            booths.append(
                Booth(
                    expo=expo,
                    hall=hall,
                    code=f"{'ABC'[hall_index % 3]}{n + 1:02d}",
                    x=Decimal(2 + column * 5),
                    y=Decimal(2 + row * 6),
                    width=Decimal(4),
                    depth=Decimal(4) if row != 1 else Decimal(3),
                )
            )
    Booth.objects.bulk_create(booths)
    booths = list(Booth.objects.filter(expo=expo).order_by("hall__name", "code"))
    booth_days = []
    for exhibitor, booth in zip(exhibitors, itertools.cycle(booths), strict=False):
        for day in [dt.date.fromisoformat(d) for d in exhibitor.days] or days:
            booth_days.append(BoothDay(booth=booth, exhibitor=exhibitor, day=day))
    BoothDay.objects.bulk_create(booth_days)
    talks = list(Session.objects.filter(expo=expo).order_by("start")[:30])
    for exhibitor, session in zip(exhibitors[:15], talks[::2], strict=False):
        exhibitor.sessions.add(session)
    _portal_user(exhibitors[0])


def _portal_user(exhibitor):
    """A staff account to try the portal with. It has no staff badge, so that the demo
    holds no tickets and ``seed_demo --reset`` can still rebuild it; staff added in the
    portal get theirs."""
    users = get_user_model().objects
    user = users.filter(username=PORTAL_USER).first()
    if user is None:
        user = users.create_user(
            PORTAL_USER,
            email="exhibitor@example.org",
            password=PORTAL_PASSWORD,
            first_name="Elsa",
            last_name="Utställare",
        )
    Member.objects.get_or_create(exhibitor=exhibitor, user=user)


def screenshots(expo):
    """The demo exhibitor's badge scanner for leads, on a phone, signed in as its staff."""
    member = (
        Member.objects.filter(exhibitor__expo=expo, user__username=PORTAL_USER)
        .select_related("user")
        .first()
    )
    if member is None:
        return []
    return [Shot("lead-scan", f"/portal/{member.exhibitor_id}/scan/", ("phone",), member.user)]
