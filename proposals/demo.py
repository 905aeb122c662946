"""The demo expo's call for proposals: open from two weeks ago until the day before the
expo (at least a fortnight more), with proposals of its partners and of the public in
several languages, and their review: three criteria, two reviewers (one of them an
organiser, who decides), scores and comments, some proposals accepted (sessions waiting
in the schedule's tray), some rejected, some still to review."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from events.demo import Shot, written
from events.selectors import opening_windows
from exhibitors.demo import PORTAL_PASSWORD, PORTAL_USER
from exhibitors.models import Exhibitor, Member

from . import services
from .models import Call, Criterion, Proposal

PROPOSALS = [
    ("Sensors under the streets", "talk", 30, "Planners and engineers of the city."),
    ("Build a rain garden", "workshop", 90, "Anyone with a yard or a balcony."),
]

# The programme lead organises the expo and reviews; the reviewer only reviews.
PROGRAMME_LEAD = ("programme", "Paula", "Programansvarig")
REVIEWER = ("reviewer", "Jonas", "Bedömare")

CRITERIA = [
    (
        {
            "en": "Relevance to the city",
            "sv": "Relevans för staden",
            "fi": "Merkitys kaupungille",
            "da": "Relevans for byen",
        },
        5,
    ),
    ({"en": "Clarity", "sv": "Tydlighet", "fi": "Selkeys", "da": "Klarhed"}, 5),
    ({"en": "Originality", "sv": "Originalitet", "fi": "Omaperäisyys", "da": "Originalitet"}, 10),
]

# Proposals of other partners and of the public: title, kind, minutes, language,
# audience, speaker (name, biography), the scores of the programme lead and of the
# reviewer (None: not reviewed by them), their comments, and the decision.
REVIEWED = [
    (
        "Kaupunkipuutarhat ja yhteisöt",
        "workshop",
        120,
        "fi",
        "Asukkaat ja yhdistykset, jotka haluavat viljellä yhdessä.",
        ("Aino Viljelijä", "Kaupunkiviljelyn kouluttaja Helsingistä."),
        (5, 4, 8),
        (4, 5, 7),
        ("Strong, hands-on, fits the green track.", "Selkeä ja käytännöllinen."),
        "accept",
    ),
    (
        "Byens træer og klimaet",
        "tour",
        60,
        "da",
        "Alle, der går i byen og undrer sig over træerne.",
        ("Mads Skovgaard", "Byskovrider i Københavns Kommune."),
        (4, 4, 6),
        (5, 3, 7),
        ("En fin vandring, let at planlægge.", "Needs a start point near the hall."),
        "accept",
    ),
    (
        "Återbruk i byggandet",
        "exhibition",
        240,
        "sv",
        "Byggherrar, arkitekter och studenter.",
        ("Karin Återbrukare", "Arkitekt och forskare i cirkulärt byggande."),
        (2, 3, 3),
        (2, 2, 4),
        ("Överlappar med förra årets utställning.", "Lite oklart vad som visas."),
        "reject",
    ),
    (
        "Solar roofs for housing associations",
        "panel",
        60,
        "en",
        "Boards of housing associations and their members.",
        ("Nora Sunberg", "Energy adviser to housing associations."),
        (4, 5, 5),
        (3, 4, 6),
        ("Good panel; who else sits on it?", "Bra ämne. Vilka fler sitter i panelen?"),
        None,
    ),
    (
        "Kävelykatu kokeiluna",
        "talk",
        30,
        "fi",
        "Kaupunkisuunnittelijat ja kauppiaat.",
        ("Eero Kävelijä", "Liikennesuunnittelija."),
        None,
        None,
        ("", ""),
        None,
    ),
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
    _review(call, member, now)


def _account(username, first_name, last_name, *, signs_in=False):
    """A demo account; only those who sign in to try the review get a password (hashing
    one is the slowest step of the demo)."""
    users = get_user_model().objects
    user = users.filter(username=username).first()
    if user is None:
        user = users.create_user(
            username,
            email=f"{username}@example.org",
            password=PORTAL_PASSWORD if signs_in else None,
            first_name=first_name,
            last_name=last_name,
        )
    return user


def _review(call, member, now):
    """The criteria, the two reviewers, more proposals (the partners' by a staff member
    of each, the public's by their authors) and their review."""
    expo = call.expo
    criteria = []
    for position, (names, highest) in enumerate(CRITERIA, start=1):
        name, translations = written(names)
        criteria.append(
            services.save_criterion(
                Criterion(
                    call=call,
                    position=position,
                    name=name,
                    name_translations=translations,
                    highest=highest,
                )
            )
        )
    lead = _account(*PROGRAMME_LEAD, signs_in=True)
    reviewer = _account(*REVIEWER, signs_in=True)
    expo.organisers.add(lead)
    call.reviewers.add(lead, reviewer)
    partners = list(
        Exhibitor.objects.filter(expo=expo).exclude(pk=member.exhibitor_id).order_by("name")[:3]
    )
    accepted, rejected = [], []
    for number, row in enumerate(REVIEWED):
        title, kind, minutes, language, audience, speaker, *reviews, decision = row
        exhibitor = partners[number] if number < len(partners) else None
        proposer = _account(f"proposer{number + 1}", *speaker[0].split(" ", 1))
        if exhibitor is not None:
            Member.objects.get_or_create(exhibitor=exhibitor, user=proposer)
        proposal = services.submit_proposal(
            call,
            proposer=proposer,
            exhibitor=exhibitor,
            fields={
                "title": title,
                "abstract": f"{title}. {audience}",
                "kind": kind,
                "length_minutes": minutes,
                "language": language,
                "audience": audience,
                "preferred_days": [],
            },
            speakers=[
                {
                    "name": speaker[0],
                    "email": f"speaker{number + 1}@example.org",
                    "biography": speaker[1],
                }
            ],
            now=now,
        )
        lead_scores, reviewer_scores, comments = reviews
        for user, scores, comment in (
            (lead, lead_scores, comments[0]),
            (reviewer, reviewer_scores, comments[1]),
        ):
            if scores is not None:
                services.review_proposal(
                    proposal,
                    reviewer=user,
                    scores={c.pk: v for c, v in zip(criteria, scores, strict=True)},
                    comment=comment,
                )
        if decision == "accept":
            accepted.append(proposal)
        elif decision == "reject":
            rejected.append(proposal)
    services.accept_proposals(expo, accepted, by=lead)
    services.reject_proposals(expo, rejected, by=lead)


def screenshots(expo):
    """The public call and the demo exhibitor's proposals in the portal, once the expo
    has a call; the review list and a proposal's review page, as the programme lead."""
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
    lead = get_user_model().objects.filter(username=PROGRAMME_LEAD[0]).first()
    reviewed = (
        Proposal.objects.filter(expo=expo, state=Proposal.State.SUBMITTED, reviews__isnull=False)
        .order_by("pk")
        .first()
    )
    if lead is not None and reviewed is not None:
        review_list = f"/manage/{expo.slug}/proposals/"
        shots.append(Shot("review-list", f"{review_list}?order=score", user=lead))
        shots.append(Shot("review", f"{review_list}{reviewed.pk}/", user=lead))
    return shots
