"""The call's pages: the public sign-up and "My proposals", the exhibitor portal's
proposals, and the organisers' read-only admin."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from events.models import Expo
from proposals import services
from proposals.models import Call, Proposal, ProposalSpeaker
from tests.conftest import formset_data, send_queued_mail
from tests.proposals.conftest import SPEAKERS, fields

pytestmark = pytest.mark.django_db


def form_data(expo, **changes):
    day = (expo.start_date + dt.timedelta(days=1)).isoformat()
    data = {
        "title": "Bikupor på taket",
        "abstract": "Hur staden blir en bättre plats för bin.",
        "kind": "talk",
        "length_minutes": "45",
        "language": "sv",
        "track": "",
        "audience": "Alla som odlar.",
        "accessibility_needs": "",
        "preferred_days": [day],
        "speakers-TOTAL_FORMS": "2",
        "speakers-INITIAL_FORMS": "0",
        "speakers-MIN_NUM_FORMS": "1",
        "speakers-MAX_NUM_FORMS": "5",
        "speakers-0-name": "Åsa Öberg",
        "speakers-0-email": "asa@example.org",
        "speakers-0-biography": "",
        "speakers-1-name": "",
        "speakers-1-email": "",
        "speakers-1-biography": "",
    }
    data.update(changes)
    return data


def propose(call, user, exhibitor=None, **changes):
    return services.submit_proposal(
        call,
        proposer=user,
        exhibitor=exhibitor,
        fields=fields(call.expo, **changes),
        speakers=SPEAKERS,
    )


# ---- The public call ----


def test_an_expo_without_a_call_has_no_call_page(client, expo):
    assert client.get(f"/expos/{expo.slug}/call/").status_code == 404


def test_the_call_page_says_until_when_and_asks_for_name_and_address(client, call):
    page = client.get(f"/expos/{call.expo.slug}/call/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Europe/Stockholm" in text and "Workshop" in text and "Green city" in text
    assert 'name="email"' in text


def test_a_new_address_gets_an_account_and_a_link_to_choose_a_password(client, call, settings):
    settings.EXPO_BASE_URL = "https://expo.example"
    answer = client.post(
        f"/expos/{call.expo.slug}/call/", {"name": "Pia Persson", "email": "Pia@Example.org"}
    )
    assert answer.status_code == 302
    user = get_user_model().objects.get(email__iexact="pia@example.org")
    assert user.username == "pia@example.org" and not user.has_usable_password()
    assert user.get_full_name() == "Pia Persson"
    send_queued_mail()
    [message] = mail.outbox
    assert message.to == [user.email]
    links = re.findall(r"https://expo\.example/\S+", message.body)
    assert any("/accounts/reset/" in link for link in links)
    assert f"https://expo.example/expos/{call.expo.slug}/call/" in links
    assert "pia@example.org" in message.body  # the user name to sign in with


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(
    client, call, proposer, django_user_model
):
    url = f"/expos/{call.expo.slug}/call/"
    known = client.post(url, {"name": "Pia", "email": "PIA@example.org"}, follow=True)
    unknown = client.post(url, {"name": "Ny", "email": "ny@example.org"}, follow=True)

    def message(page):
        text = re.sub(r"\S+@example\.org", "ADDRESS", page.content.decode())
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)

    assert message(known) == message(unknown)
    assert django_user_model.objects.filter(email__iexact="pia@example.org").count() == 1
    send_queued_mail()
    assert sorted(m.to[0] for m in mail.outbox) == ["ny@example.org", "pia@example.org"]


def test_an_inactive_account_gets_no_mail_and_asking_again_sends_no_second(client, call, proposer):
    url = f"/expos/{call.expo.slug}/call/"
    client.post(url, {"name": "Ny", "email": "ny@example.org"})
    client.post(url, {"name": "Ny", "email": "ny@example.org"})
    proposer.is_active = False
    proposer.save()
    client.post(url, {"name": "Pia", "email": "pia@example.org"})
    send_queued_mail()
    assert [m.to for m in mail.outbox] == [["ny@example.org"]]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "Ny", "email": "not an address"}, "email"),
        ({"name": "", "email": "ny@example.org"}, "name"),
        ({"name": "Ny\x00", "email": "ny@example.org"}, "name"),
    ],
)
def test_a_bad_sign_up_is_a_field_error(client, call, data, field):
    answer = client.post(f"/expos/{call.expo.slug}/call/", data)
    assert answer.status_code == 400
    assert answer.context["form"].errors[field]
    assert not get_user_model().objects.exists()


def test_signed_in_a_proposer_proposes_changes_and_withdraws(client, call, proposer, green):
    client.force_login(proposer)
    slug = call.expo.slug
    page = client.get(f"/expos/{slug}/call/")
    assert "My proposals" in page.content.decode()
    answer = client.post(f"/expos/{slug}/call/new/", form_data(call.expo, track=str(green.pk)))
    assert answer.status_code == 302, answer.context["error_summary"]
    proposal = Proposal.objects.get()
    assert (proposal.proposer, proposal.exhibitor, proposal.track) == (proposer, None, green)
    assert "Bikupor på taket" in client.get(f"/expos/{slug}/call/").content.decode()

    edit = f"/expos/{slug}/call/proposals/{proposal.pk}/"
    assert client.get(edit).status_code == 200
    data = form_data(call.expo, title="Bin i staden", kind="workshop")
    data.update({"speakers-1-name": "Bo Ek", "speakers-1-email": "bo@example.org"})
    assert client.post(edit, data).status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "Bin i staden"
    assert [s.name for s in proposal.speakers.all()] == ["Åsa Öberg", "Bo Ek"]

    assert client.get(f"{edit}withdraw/").status_code == 200
    assert client.post(f"{edit}withdraw/").status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.WITHDRAWN
    # Withdrawn, it is shown but not changed.
    assert client.post(edit, data | {"title": "Again"}).status_code == 200
    proposal.refresh_from_db()
    assert proposal.title == "Bin i staden"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "panel"}, "kind"),
        ({"length_minutes": "9999"}, "length_minutes"),
        ({"language": "fi"}, "language"),
        ({"title": "a\x00b"}, "title"),
        ({"preferred_days": ["9999-12-31"]}, "preferred_days"),
        ({"speakers-0-email": "nope"}, None),
    ],
)
def test_a_bad_proposal_is_answered_with_field_errors_and_writes_nothing(
    client, call, proposer, changes, field
):
    client.force_login(proposer)
    answer = client.post(f"/expos/{call.expo.slug}/call/new/", form_data(call.expo, **changes))
    assert answer.status_code == 400
    assert answer.context["error_summary"]
    if field:
        assert answer.context["form"].errors[field]
    assert not Proposal.objects.exists() and not ProposalSpeaker.objects.exists()


def test_after_the_deadline_the_form_names_it(client, call, proposer):
    client.force_login(proposer)
    Call.objects.filter(pk=call.pk).update(
        opens_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        closes_at=dt.datetime(2026, 3, 1, 23, 0, tzinfo=dt.UTC),
    )
    page = client.get(f"/expos/{call.expo.slug}/call/")
    assert "The call is closed" in page.content.decode()
    answer = client.post(f"/expos/{call.expo.slug}/call/new/", form_data(call.expo))
    assert answer.status_code == 200 and answer.context["locked"]
    assert not Proposal.objects.exists()


def test_someone_elses_proposal_is_not_found(
    client, call, proposer, acme, acme_staff, django_user_model
):
    theirs = propose(call, proposer)
    partners = propose(call, acme_staff, exhibitor=acme)
    other = django_user_model.objects.create_user("other", password="pw-other-123")
    client.force_login(other)
    slug = call.expo.slug
    for proposal in (theirs, partners):
        address = f"/expos/{slug}/call/proposals/{proposal.pk}/"
        assert client.get(address).status_code == 404
        assert client.post(f"{address}withdraw/").status_code == 404
    # The staff member who made the stand's proposal finds it in the portal, not here.
    client.force_login(acme_staff)
    page = client.get(f"/expos/{slug}/call/").content.decode()
    assert reverse("proposals:portal-list", args=[acme.pk]) in page
    assert "Bikupor" not in page
    assert client.get(f"/expos/{slug}/call/proposals/{partners.pk}/").status_code == 404
    assert Proposal.objects.filter(state="submitted").count() == 2


def test_signing_in_is_needed_to_propose(client, call):
    answer = client.get(f"/expos/{call.expo.slug}/call/new/")
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]


# ---- The exhibitor portal ----


def test_the_portal_page_links_the_stands_proposals(client, call, acme, acme_staff):
    client.force_login(acme_staff)
    page = client.get(reverse("exhibitors:portal-exhibitor", args=[acme.pk])).content.decode()
    assert reverse("proposals:portal-list", args=[acme.pk]) in page


def test_staff_propose_for_their_stand_up_to_the_limit(client, call, acme, acme_staff):
    client.force_login(acme_staff)
    new = reverse("proposals:portal-new", args=[acme.pk])
    assert client.post(new, form_data(call.expo)).status_code == 302
    assert client.post(new, form_data(call.expo, title="Två")).status_code == 302
    refused = client.post(new, form_data(call.expo, title="Tre"))
    assert refused.status_code == 400
    assert "the most the call takes from one exhibitor" in refused.content.decode()
    assert Proposal.objects.filter(exhibitor=acme, proposer=acme_staff).count() == 2
    listing = client.get(reverse("proposals:portal-list", args=[acme.pk])).content.decode()
    assert "Två" in listing and "2 of at most 2" in listing


def test_staff_reach_only_their_stands_proposals(
    client, call, acme, acme_staff, globex, globex_staff
):
    theirs = propose(call, globex_staff, exhibitor=globex)
    client.force_login(acme_staff)
    assert client.get(reverse("proposals:portal-list", args=[globex.pk])).status_code == 404
    assert client.get(reverse("proposals:portal-new", args=[globex.pk])).status_code == 404
    for name in ("portal-edit", "portal-withdraw"):
        # Another stand's proposal, under their own stand's address or the other's.
        under_own = reverse(f"proposals:{name}", args=[acme.pk, theirs.pk])
        under_theirs = reverse(f"proposals:{name}", args=[globex.pk, theirs.pk])
        assert client.get(under_own).status_code == 404
        assert client.post(under_theirs).status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == Proposal.State.SUBMITTED


def test_a_colleague_changes_and_withdraws_the_stands_proposal(
    client, call, acme, acme_staff, django_user_model
):
    from exhibitors.models import Member

    proposal = propose(call, acme_staff, exhibitor=acme)
    colleague = django_user_model.objects.create_user("kim", password="pw-kim-12345")
    Member.objects.create(exhibitor=acme, user=colleague)
    client.force_login(colleague)
    edit = reverse("proposals:portal-edit", args=[acme.pk, proposal.pk])
    assert client.post(edit, form_data(call.expo, title="Ändrad")).status_code == 302
    withdraw = reverse("proposals:portal-withdraw", args=[acme.pk, proposal.pk])
    assert client.post(withdraw).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.title, proposal.state) == ("Ändrad", Proposal.State.WITHDRAWN)


# ---- The admin ----


def test_organisers_see_their_expos_proposals_read_only(
    client, call, proposer, acme, acme_staff, other_expo, django_user_model
):
    mine = propose(call, acme_staff, exhibitor=acme)
    now = call.opens_at
    other_call = services.save_call(
        Call(expo=other_expo, opens_at=now, closes_at=call.closes_at, kinds=["talk"])
    )
    stranger = django_user_model.objects.create_user("x", password="pw-x-123456")
    elsewhere = services.submit_proposal(
        other_call,
        proposer=stranger,
        fields=fields(other_expo, title="Elsewhere", language="en", preferred_days=[]),
        speakers=SPEAKERS,
    )
    organiser = django_user_model.objects.create_user("olga", password="pw", is_staff=True)
    from django.contrib.auth.models import Permission

    organiser.user_permissions.set(Permission.objects.filter(content_type__app_label="proposals"))
    call.expo.organisers.add(organiser)
    client.force_login(organiser)

    listing = client.get(reverse("admin:proposals_proposal_changelist"))
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "Bikupor på taket" in text and "Elsewhere" not in text
    filtered = client.get(
        reverse("admin:proposals_proposal_changelist"),
        {"state__exact": "withdrawn", "kind__exact": "talk"},
    )
    assert "Bikupor på taket" not in filtered.content.decode()
    by_partner = client.get(
        reverse("admin:proposals_proposal_changelist"), {"exhibitor__id__exact": acme.pk}
    )
    assert "Bikupor på taket" in by_partner.content.decode()

    change = reverse("admin:proposals_proposal_change", args=[mine.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"title": "Changed"}).status_code == 403
    mine.refresh_from_db()
    assert mine.title == "Bikupor på taket"
    for name, obj in (("proposal", elsewhere), ("call", other_call)):
        change = reverse(f"admin:proposals_{name}_change", args=[obj.pk])
        assert client.get(change).status_code == 404
    assert client.get(reverse("admin:proposals_proposal_add")).status_code == 403
    assert Expo.objects.count() == 2


def test_an_organiser_opens_a_call_on_the_expos_clock(client, expo, green, django_user_model):
    from django.contrib.auth.models import Permission

    organiser = django_user_model.objects.create_user("olga", password="pw", is_staff=True)
    organiser.user_permissions.set(Permission.objects.filter(content_type__app_label="proposals"))
    expo.organisers.add(organiser)
    client.force_login(organiser)
    add = reverse("admin:proposals_call_add")
    data = {
        "expo": expo.pk,
        "opens_at_0": "2026-02-01",
        "opens_at_1": "09:00",
        "closes_at_0": "2026-03-01",
        "closes_at_1": "23:59",
        "introduction": "",
        "kinds": ["talk", "tour"],
        "tracks": [green.pk],
        "proposals_per_partner": "4",
        **formset_data("criteria"),
    }
    answer = client.post(add, data)
    assert answer.status_code == 302, answer.context["adminform"].form.errors
    call = Call.objects.get()
    assert call.closes_at == dt.datetime(2026, 3, 1, 22, 59, tzinfo=dt.UTC)
    assert call.kinds == ["talk", "tour"] and list(call.tracks.all()) == [green]
    refused = client.post(add, data | {"closes_at_0": "2026-01-01"})
    assert refused.status_code == 200


def test_the_calls_introduction_is_shown_in_the_visitors_language(client, call):
    call.introduction = "Föreslå något!"
    call.introduction_translations = {"en": "Propose something!"}
    services.save_call(call)
    del client.cookies["django_language"]  # the browser's languages decide
    sv = client.get(f"/expos/{call.expo.slug}/call/", HTTP_ACCEPT_LANGUAGE="sv")
    en = client.get(f"/expos/{call.expo.slug}/call/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Föreslå något!" in sv.content.decode()
    assert "Propose something!" in en.content.decode()


def test_the_expos_home_page_links_the_call_while_it_is_open(client, call):
    home = f"/expos/{call.expo.slug}/"
    assert f"/expos/{call.expo.slug}/call/" in client.get(home).content.decode()
    Call.objects.filter(pk=call.pk).update(closes_at=call.opens_at + dt.timedelta(seconds=1))
    assert f"/expos/{call.expo.slug}/call/" not in client.get(home).content.decode()


def test_sign_ups_from_one_address_count_in_the_password_link_limit(call, settings):
    from django.core.cache import cache
    from django.test import Client

    from outbox.models import Mail

    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "password_resets": "2/minute",
        },
    }
    page = Client(REMOTE_ADDR="203.0.113.7", HTTP_ACCEPT_LANGUAGE="en")
    answers = [
        page.post(f"/expos/{call.expo.slug}/call/", {"name": n, "email": f"{n}@example.org"})
        for n in ("greta", "hugo", "ida")
    ]
    assert [answer.status_code for answer in answers] == [302, 302, 429]
    assert 1 <= int(answers[2]["Retry-After"]) <= 60
    assert "Too many requests from here just now" in answers[2].content.decode()
    assert Mail.objects.count() == 2
    assert not get_user_model().objects.filter(username="ida@example.org").exists()
    cache.clear()


def test_the_expos_admin_page_links_its_call_and_proposals(client, call, django_user_model):
    organiser = django_user_model.objects.create_superuser("root", password="pw-root-12345")
    client.force_login(organiser)
    page = client.get(reverse("admin:events_expo_change", args=[call.expo.pk])).content.decode()
    assert f"/expos/{call.expo.slug}/call/" in page
    assert f"/admin/proposals/proposal/?expo__id__exact={call.expo.pk}" in page


def test_a_taken_user_name_gives_the_new_account_another(client, call, django_user_model):
    django_user_model.objects.create_user("ny@example.org", email="someone@else.example")
    client.post(f"/expos/{call.expo.slug}/call/", {"name": "Ny", "email": "ny@example.org"})
    account = django_user_model.objects.get(email="ny@example.org")
    assert account.username == "ny@example.org-2"


def test_an_organiser_names_reviewers_and_criteria_on_the_calls_page(
    client, call, django_user_model, settings
):
    from django.contrib.auth.models import Permission

    settings.EXPO_BASE_URL = "https://expo.example"
    organiser = django_user_model.objects.create_user("olga", password="pw", is_staff=True)
    organiser.user_permissions.set(Permission.objects.filter(content_type__app_label="proposals"))
    call.expo.organisers.add(organiser)
    client.force_login(organiser)
    change = reverse("admin:proposals_call_change", args=[call.pk])
    data = {
        "opens_at_0": "2026-02-01",
        "opens_at_1": "09:00",
        "closes_at_0": "2026-03-01",
        "closes_at_1": "23:59",
        "introduction": "",
        "kinds": ["talk"],
        "tracks": [],
        "proposals_per_partner": "4",
        "scores_hidden_until_reviewed": "on",
        "reviewer_addresses": "rita@review.example\nRITA@review.example\n",
        **formset_data(
            "criteria",
            [
                {"position": "1", "name": "Relevans", "highest": "5", "name_en": "Relevance"},
                {"position": "2", "name": "Idé", "highest": "10"},
            ],
        ),
    }
    answer = client.post(change, data)
    assert answer.status_code == 302, answer.context["adminform"].form.errors
    (rita,) = call.reviewers.all()
    assert rita.email == "rita@review.example" and not rita.is_staff
    criteria = list(call.criteria.all())
    assert [(c.name, c.highest) for c in criteria] == [("Relevans", 5), ("Idé", 10)]
    assert criteria[0].name_translations == {"en": "Relevance"}
    page = client.get(change).content.decode()
    assert "rita@review.example" in page

    refused = client.post(
        change,
        data
        | {"reviewer_addresses": "not an address"}
        | formset_data("criteria", [{"position": "1", "name": "X", "highest": "1000"}]),
    )
    assert refused.status_code == 200
    assert [c.name for c in call.criteria.all()] == ["Relevans", "Idé"]
    assert list(call.reviewers.all()) == [rita]
