"""The pages that the width and accessibility sweeps open (test_phone_width.py,
test_accessibility.py), built on one small site with long names, so that a page that
would overflow a phone does.

A page more is one line in ``VISITOR_PAGES``, ``PORTAL_PAGES`` or ``ORGANISER_PAGES``: a
name and a function from the site (``build_site``'s namespace) to the page's address, and
for a page behind a sign-in whom it is opened as (``signed_in``: ``True`` for the
exhibitor's staff, else the name of the site's user); a page that answers
other than 200 says its status, and one that shows more to a browser that has been
elsewhere first names that address in ``opened_first`` and a text of what it shows then
in ``shows``. ``Page.open`` opens it."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.utils import timezone

from events import services as scheduling
from events.models import Conference, Expo, Hall, Room, Session, Speaker, Track, Venue
from exhibitors import services as exhibitors
from exhibitors.models import Booth, Exhibitor
from expo.accounts import set_password_url
from proposals import services as proposing
from proposals.models import Call, Criterion
from tests.conftest import add_session, attendee, local
from ticketing import services
from ticketing.models import ScanPoint

LONG_ORGANISATION = "Stadsbyggnadskontorets-hållbarhetsavdelning-för-framtidens-smarta-städer AB"
LONG_EMAIL = "anna-karin.stadsbyggnadskontoret.hallbarhetsavdelningen@malmo-stad.example.org"
LONG_NAME = "Maria Magdalena Åkesson-Öberg-Næss-Lindqvist-Håkansson"

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
SCREENS = {"phone": PHONE, "desktop": DESKTOP}


@dataclass(frozen=True)
class Page:
    name: str
    path: Callable[[SimpleNamespace], str]
    signed_in: bool | str = False  # True: as the exhibitor's staff; or a user of the site
    status: int = 200
    opened_first: Callable[[SimpleNamespace], str] | None = None
    shows: str | None = None  # a text of the state the page is meant to be seen in

    def __str__(self):
        return self.name

    def user(self, site):
        """Whom the page is opened as: ``None`` for no one."""
        if not self.signed_in:
            return None
        return site.staff if self.signed_in is True else getattr(site, self.signed_in)

    def open(self, page, base_url, site):
        """Opens this page on the browser ``page`` and answers the page's response."""
        if self.opened_first:
            page.goto(base_url + self.opened_first(site))
        return page.goto(base_url + self.path(site))


def programme(site, query=""):
    return f"/expos/future/programme/?day={site.day.isoformat()}{query}"


VISITOR_PAGES = [
    Page("expo list", lambda site: "/"),
    Page("expo home", lambda site: "/expos/future/"),
    Page("programme", programme),
    Page("programme filtered", lambda site: programme(site, "&track=g&free_seats=on")),
    Page("programme grid", lambda site: programme(site, "&view=grid")),
    Page("programme bad filter", lambda site: "/expos/future/programme/?day=1999-01-01"),
    Page("session", lambda site: f"/expos/future/sessions/{site.session.pk}/"),
    Page("conference", lambda site: "/expos/future/conferences/forum/"),
    Page("speaker", lambda site: f"/expos/future/speakers/{site.speaker.pk}/"),
    Page("exhibitors", lambda site: "/expos/future/exhibitors/"),
    Page("exhibitor", lambda site: f"/expos/future/exhibitors/{site.exhibitor.pk}/"),
    Page("floor plan", lambda site: f"/expos/future/halls/a/plan/?highlight={site.exhibitor.pk}"),
    Page("register", lambda site: "/expos/future/register/"),
    Page("my tickets", lambda site: site.my_tickets),
    Page("cancel ticket", lambda site: f"{site.my_tickets}tickets/{site.ticket.pk}/cancel/"),
    Page("erase my data", lambda site: f"{site.my_tickets}erase/"),
    Page("e-mail me my tickets", lambda site: "/expos/future/my-tickets/"),
    Page("privacy notice", lambda site: "/expos/future/privacy/"),
    Page(
        "session, booking with held tickets",
        lambda site: f"/expos/future/sessions/{site.session.pk}/",
        opened_first=lambda site: site.my_tickets,
        shows="Cancel my booking",
    ),
    Page("sign in", lambda site: "/accounts/login/"),
    Page("forgot the password", lambda site: "/accounts/password_reset/"),
    Page("link on its way", lambda site: "/accounts/password_reset/done/"),
    Page("choose a password", lambda site: site.choose_password),
    Page("choose a password, old link", lambda site: "/accounts/reset/MQ/used-token/"),
    Page("password saved", lambda site: "/accounts/reset/done/"),
    Page("gate scanner", lambda site: "/scan/future/north/"),
    Page("call for proposals", lambda site: "/expos/future/call/"),
    Page("programme changes", lambda site: "/expos/future/programme/changes/"),
]

PORTAL_PAGES = [
    Page("portal list", lambda site: "/portal/", signed_in=True),
    Page("portal exhibitor", lambda site: f"/portal/{site.exhibitor.pk}/", signed_in=True),
    Page("lead scan", lambda site: f"/portal/{site.exhibitor.pk}/scan/", signed_in=True),
    Page("lead", lambda site: f"/portal/{site.exhibitor.pk}/leads/{site.lead.pk}/", signed_in=True),
    Page(
        "remove a lead",
        lambda site: f"/portal/{site.exhibitor.pk}/leads/{site.lead.pk}/remove/",
        signed_in=True,
    ),
    # Staff are no organisers: the live attendance page refuses them.
    Page(
        "not allowed (403)",
        lambda site: "/expos/future/live/",
        signed_in=True,
        status=403,
        shows="You may not open this page",
    ),
    Page("proposals", lambda site: f"/portal/{site.exhibitor.pk}/proposals/", signed_in=True),
    Page("propose", lambda site: f"/portal/{site.exhibitor.pk}/proposals/new/", signed_in=True),
    Page("proposal", lambda site: site.proposal, signed_in=True),
    Page("withdraw proposal", lambda site: f"{site.proposal}withdraw/", signed_in=True),
]

# The review of proposals, as an organiser (with the bulk decision) and as a reviewer
# who has not scored yet (the others' scores hidden).
ORGANISER_PAGES = [
    Page("review list", lambda site: "/manage/future/proposals/", signed_in="organiser"),
    Page(
        "review list filtered",
        lambda site: "/manage/future/proposals/?order=score&kind=juggling",
        signed_in="organiser",
        status=400,
    ),
    Page("review", lambda site: site.review, signed_in="organiser"),
    Page("review before scoring", lambda site: site.review, signed_in="reviewer"),
    Page(
        "schedule board",
        lambda site: f"/manage/future/schedule/?day={site.day.isoformat()}",
        signed_in="organiser",
        shows="Tray: 1 session to place",
    ),
    Page(
        "schedule releases",
        lambda site: "/manage/future/releases/",
        signed_in="organiser",
        shows="Release version 3",
    ),
]

ALL_PAGES = VISITOR_PAGES + PORTAL_PAGES + ORGANISER_PAGES


def build_site(expo, season):
    """A running expo with a day of sessions (and one still to place), a conference, a
    speaker, an exhibitor on a floor plan with staff and a lead, an organiser, and an
    order of a visitor with long names."""
    hall = Hall.objects.create(expo=expo, slug="a", name=LONG_ORGANISATION, capacity=500)
    room = Room.objects.create(expo=expo, hall=hall, slug="r", name="Aula", capacity=100)
    track = Track.objects.create(expo=expo, slug="g", name="Grön stad", colour="#1b5e20")
    day = expo.start_date + dt.timedelta(days=1)
    conference = Conference.objects.create(
        expo=expo, slug="forum", name="Forum", start_date=day, end_date=day
    )
    session = add_session(
        expo, room, day, 10, capacity=20, track=track, title=f"Workshop: {LONG_ORGANISATION}"
    )
    add_session(expo, room, day, 12, capacity=None, conference=conference)
    speaker = Speaker.objects.create(expo=expo, name="Åsa Öberg-Næss", organisation=LONG_NAME)
    session.speakers.add(speaker)
    Venue.objects.create(expo=expo, name=LONG_ORGANISATION, address=LONG_EMAIL)
    Expo.objects.create(
        slug="next", name=f"Expo of the {LONG_ORGANISATION}", start_date=day, end_date=day
    )
    ScanPoint.objects.create(expo=expo, slug="north", name="North gate", kind="gate")
    order = services.register(
        expo, season, [attendee(LONG_NAME, LONG_EMAIL, organisation=LONG_ORGANISATION)]
    )
    ticket = order.tickets.get()
    services.book_session(ticket, session)
    exhibitor = Exhibitor.objects.create(
        expo=expo, name="Acme Stad AB", tagline="Smarta gator", website="https://a.se"
    )
    booth = Booth.objects.create(expo=expo, hall=hall, code="A1", x=1, y=1, width=3, depth=3)
    exhibitors.give_booth(booth, exhibitor)
    invited = exhibitors.add_member(exhibitor, username="nils", email="n@a.se", name="Nils N")
    staff = get_user_model().objects.create_user(
        "elsa", email=LONG_EMAIL, first_name="Elsa", last_name=LONG_NAME
    )
    exhibitors.add_member(exhibitor, username="elsa", name=LONG_NAME, by_organiser=True)
    # On two exhibitors' staff, so the portal's start page lists them, not redirects.
    other = Exhibitor.objects.create(expo=expo, name=f"{LONG_ORGANISATION} (partner)")
    exhibitors.add_member(other, username="elsa", name=LONG_NAME, by_organiser=True)
    lead, _created = exhibitors.capture_lead(
        exhibitor, ticket.code, user=staff, note=f"Wants a booth at {LONG_ORGANISATION}", rating=5
    )
    proposal = _call_with_a_proposal(expo, exhibitor, staff, track)
    organiser, reviewer = _reviews(proposal)
    # One session still to place, in the schedule board's tray.
    scheduling.save_session(
        Session(expo=expo, title=f"Talk: {LONG_ORGANISATION}", minutes=45, track=track)
    )
    _plan_a_tour(expo, room, day)
    return SimpleNamespace(
        expo=expo,
        day=day,
        session=session,
        speaker=speaker,
        exhibitor=exhibitor,
        order=order,
        ticket=ticket,
        staff=staff,
        organiser=organiser,
        lead=lead,
        my_tickets=f"/expos/future/my-tickets/{order.secret}/",
        choose_password=urlsplit(set_password_url(invited.user)).path,
        proposal=f"/portal/{exhibitor.pk}/proposals/{proposal.pk}/",
        reviewer=reviewer,
        review=f"/manage/future/proposals/{proposal.pk}/",
    )


def _plan_a_tour(expo, room, day):
    """A session with a long title in the plan, which the next release would add."""
    scheduling.save_session(
        Session(
            expo=expo,
            title=f"Tour: {LONG_ORGANISATION}",
            planned_room=room,
            planned_start=local(day, 14),
            planned_end=local(day, 15),
        )
    )


def _call_with_a_proposal(expo, exhibitor, staff, track):
    """The expo's open call, and a proposal of the exhibitor's with long names."""
    now = timezone.now()
    call = proposing.save_call(
        Call(expo=expo, opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=9)),
        tracks=[track],
    )
    return proposing.submit_proposal(
        call,
        proposer=staff,
        exhibitor=exhibitor,
        fields={
            "title": f"Panel: {LONG_ORGANISATION}",
            "abstract": LONG_ORGANISATION,
            "kind": "panel",
            "length_minutes": 60,
            "language": "sv",
            "track": track,
            "audience": LONG_EMAIL,
            "preferred_days": [expo.start_date],
        },
        speakers=[{"name": LONG_NAME, "email": LONG_EMAIL, "biography": LONG_ORGANISATION}],
    )


def _reviews(proposal):
    """Criteria with long names, and the proposal scored by an organiser and by a
    reviewer with long names; a second reviewer who has not scored. Answers the
    organiser and that second reviewer."""
    call = proposal.call
    criteria = [
        proposing.save_criterion(Criterion(call=call, position=1, name=LONG_ORGANISATION)),
        proposing.save_criterion(Criterion(call=call, position=2, name="Idé", highest=10)),
    ]
    users = get_user_model().objects
    organiser = users.create_user("olle", first_name="Olle", last_name=LONG_NAME)
    proposal.expo.organisers.add(organiser)
    scorer = users.create_user("rut", first_name="Rut", last_name=LONG_NAME)
    reviewer = users.create_user("rolf", first_name="Rolf", last_name=LONG_NAME)
    call.reviewers.add(scorer, reviewer)
    for user, values in ((organiser, (4, 9)), (scorer, (2, 5))):
        proposing.review_proposal(
            proposal,
            reviewer=user,
            scores=dict(zip([c.pk for c in criteria], values, strict=True)),
            comment=f"{LONG_ORGANISATION}: {LONG_EMAIL}",
        )
    return organiser, reviewer


def sign_in(page, client, user, url):
    """Sign ``user`` in on the browser ``page`` with a session made by the test client."""
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}]
    )
