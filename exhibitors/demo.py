"""Fifty exhibitors with booths for the demo expo (see events/demo.py), and a staff
account for the exhibitor portal: ``exhibitor`` with the demo password."""

import datetime as dt
import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model

from events.demo import Shot, written
from events.models import Session

from .models import Booth, BoothDay, Exhibitor, Member

PORTAL_USER = "exhibitor"
PORTAL_PASSWORD = "expo-demo-2026"

# Exhibitors with a name of their own, and their taglines in each of the demo's languages.
KINDS = [
    (
        "Stadsbyggnadskontoret",
        {
            "en": "City planning for everyone",
            "sv": "Stadsplanering för alla",
            "fi": "Kaupunkisuunnittelua kaikille",
            "da": "Byplanlægning for alle",
        },
    ),
    (
        "Öresundståg",
        {
            "en": "Trains across the strait",
            "sv": "Tåg över sundet",
            "fi": "Junalla salmen yli",
            "da": "Tog over sundet",
        },
    ),
    (
        "Lunds universitet",
        {
            "en": "Research you can touch",
            "sv": "Forskning du kan ta på",
            "fi": "Tutkimusta, johon voi koskea",
            "da": "Forskning, du kan røre ved",
        },
    ),
    (
        "Malmö Stad Miljö",
        {
            "en": "A greener city, together",
            "sv": "En grönare stad, tillsammans",
            "fi": "Vihreämpi kaupunki yhdessä",
            "da": "En grønnere by, sammen",
        },
    ),
    (
        "Københavns Kommune",
        {
            "en": "Across the bridge",
            "sv": "Över bron",
            "fi": "Sillan toiselta puolelta",
            "da": "Over broen",
        },
    ),
    (
        "Cykelfrämjandet",
        {
            "en": "More people on bikes",
            "sv": "Fler som cyklar",
            "fi": "Lisää ihmisiä pyörän selkään",
            "da": "Flere på cykel",
        },
    ),
    (
        "Sydvatten",
        {
            "en": "Clean water for the region",
            "sv": "Rent vatten åt regionen",
            "fi": "Puhdasta vettä koko alueelle",
            "da": "Rent vand til regionen",
        },
    ),
    (
        "Region Skåne",
        {
            "en": "Health and mobility",
            "sv": "Hälsa och rörlighet",
            "fi": "Terveyttä ja liikkumista",
            "da": "Sundhed og mobilitet",
        },
    ),
]
# Taglines of the others, dealt in turn.
TAGLINES = [
    {
        "en": "Ideas for the city of tomorrow",
        "sv": "Idéer för morgondagens stad",
        "fi": "Ideoita huomisen kaupunkiin",
        "da": "Idéer til fremtidens by",
    },
    {
        "en": "Made in the Öresund region",
        "sv": "Gjort i Öresundsregionen",
        "fi": "Tehty Juutinrauman alueella",
        "da": "Lavet i Øresundsregionen",
    },
    {
        "en": "Come and try it at our booth",
        "sv": "Kom och prova i vår monter",
        "fi": "Tule kokeilemaan osastollemme",
        "da": "Kom og prøv det på vores stand",
    },
    {
        "en": "Small steps, big changes",
        "sv": "Små steg, stora förändringar",
        "fi": "Pieniä askelia, suuria muutoksia",
        "da": "Små skridt, store forandringer",
    },
]
DESCRIPTION = {
    "en": "{name} shows its work at the expo. {tagline}.",
    "sv": "{name} visar sitt arbete på mässan. {tagline}.",
    "fi": "{name} esittelee työtään messuilla. {tagline}.",
    "da": "{name} viser sit arbejde på messen. {tagline}.",
}
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
        (f"{word}verket Öresund", TAGLINES[index % len(TAGLINES)])
        for index, word in enumerate(WORDS)
    ]
    days = expo.days
    exhibitors = []
    for index, (name, taglines) in enumerate(names[:50]):
        tier = "main_partner" if index < 3 else "partner" if index < 12 else "exhibitor"
        week = index % 5 if index >= 20 else None  # some come for one week only
        own_days = (
            [day.isoformat() for day in days[week * 7 : week * 7 + 7]] if week is not None else []
        )
        tagline, tagline_translations = written(taglines)
        description, description_translations = written(DESCRIPTION, name=name, tagline=taglines)
        exhibitors.append(
            Exhibitor(
                expo=expo,
                name=name,
                tagline=tagline,
                tagline_translations=tagline_translations,
                description=description,
                description_translations=description_translations,
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
