import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from PIL import Image
from rest_framework.test import APIClient

from events.models import Track
from exhibitors import importing, services
from exhibitors.models import Booth, BoothDay, Exhibitor, Lead
from expo.errors import Conflict, InvalidInput
from tests.conftest import at_once, attendee
from ticketing import services as ticketing

pytestmark = pytest.mark.django_db


def organiser_api(people):
    api = APIClient()
    api.force_login(people["organiser"])
    return api


def test_a_booth_is_given_once_a_day(future_expo, booth, acme, globex):
    first, second = future_expo.start_date, future_expo.start_date + dt.timedelta(days=1)
    services.give_booth(booth, acme, [first, second])
    with pytest.raises(Conflict) as refused:
        services.give_booth(booth, globex, [second])
    assert refused.value.code == "booth_taken"
    services.give_booth(booth, globex, [future_expo.end_date])  # another week, another one
    assert BoothDay.objects.filter(exhibitor=globex).count() == 1


def test_the_database_refuses_a_booth_twice_on_one_day(future_expo, booth, acme, globex):
    BoothDay.objects.create(booth=booth, exhibitor=acme, day=future_expo.start_date)
    with pytest.raises(IntegrityError), transaction.atomic():
        BoothDay.objects.create(booth=booth, exhibitor=globex, day=future_expo.start_date)


def test_the_booth_api_answers_409_for_a_clash_and_writes_nothing(
    people, future_expo, hall, acme, globex
):
    api = organiser_api(people)
    url = "/api/v1/expos/future/booths/"
    body = {
        "code": "B7",
        "hall": "a",
        "x": "2",
        "y": "4",
        "width": "3",
        "depth": "2",
        "exhibitor": acme.pk,
    }
    created = api.post(url, body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["exhibitors"][0]["exhibitor"] == acme.pk
    assert created.json()["exhibitor"] == acme.pk
    assert len(created.json()["days"]) == len(future_expo.days)
    again = api.post(url, {**body, "exhibitor": globex.pk}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "booth_code_taken", again.json()
    booth_id = created.json()["id"]
    clash = api.patch(
        f"/api/v1/booths/{booth_id}/",
        {"exhibitor": globex.pk, "days": [future_expo.start_date.isoformat()], "x": "9"},
        format="json",
    )
    assert clash.status_code == 409 and clash.json()["code"] == "booth_taken"
    assert str(Booth.objects.get(pk=booth_id).x) == "2.00"  # nothing half-written
    assert api.post(url, {**body, "code": "C1", "width": "0"}, format="json").status_code == 400


def test_a_lead_is_taken_once_and_shows_contact_only_with_consent(
    people, acme, future_expo, future_season
):
    sharing = ticketing.register(
        future_expo,
        future_season,
        [attendee("Åsa Öberg", "asa@example.org", share_contact_with_exhibitors=True)],
    ).tickets.get()
    private = ticketing.register(
        future_expo, future_season, [attendee("Per Privat", "per@example.org")]
    ).tickets.get()
    api = APIClient()
    api.force_login(people["own staff"])
    url = f"/api/v1/exhibitors/{acme.pk}/leads/"
    first = api.post(
        url, {"code": sharing.code, "note": "Vill ha offert", "rating": 5}, format="json"
    )
    assert first.status_code == 201 and first.json()["name"] == "Åsa Öberg"
    assert api.post(url, {"code": sharing.code}, format="json").status_code == 200
    anonymous = api.post(url, {"code": private.code}, format="json").json()
    assert anonymous["name"] is None and anonymous["email"] is None
    assert Lead.objects.count() == 2
    tampered = api.post(url, {"code": sharing.code[:-2] + "xx"}, format="json")
    assert tampered.status_code == 400 and "code" in tampered.json()

    csv = api.get(f"/api/v1/exhibitors/{acme.pk}/leads.csv").content
    assert csv.startswith("\ufeff".encode())
    text = csv.decode("utf-8-sig")
    assert "Åsa Öberg" in text and "asa@example.org" in text and "per@example.org" not in text

    ticketing.stop_sharing_contact(sharing)  # the visitor withdraws consent
    leads = api.get(url).json()["results"]
    assert all(lead["name"] is None for lead in leads)


def test_members_and_leads_are_listed_a_page_at_a_time(people, acme, future_expo, future_season):
    for n in range(3):
        services.add_member(acme, username=f"acme-{n}", email=f"s{n}@acme.se", name=f"Staff {n}")
        visitor = ticketing.register(
            future_expo, future_season, [attendee(f"Visitor {n}", f"v{n}@example.org")]
        ).tickets.get()
        services.capture_lead(acme, visitor.code, user=people["own staff"])
    api = APIClient()
    api.force_login(people["own staff"])
    for what, total in [("members", 4), ("leads", 3)]:
        first = api.get(f"/api/v1/exhibitors/{acme.pk}/{what}/", {"page_size": 2}).json()
        assert first["count"] == total and len(first["results"]) == 2, first
        assert first["previous"] is None and "page=2" in first["next"]
        second = api.get(first["next"]).json()
        assert len(second["results"]) == total - 2 and second["next"] is None


def test_visitors_see_who_scanned_them_and_stop_sharing(
    client, people, acme, future_expo, future_season
):
    order = ticketing.register(
        future_expo,
        future_season,
        [attendee("Åsa", "asa@example.org", share_contact_with_exhibitors=True)],
    )
    ticket = order.tickets.get()
    services.capture_lead(acme, ticket.code, user=people["own staff"])
    page = client.get(f"/expos/future/my-tickets/{order.secret}/").content.decode()
    assert "Acme Stad AB" in page and "Stop sharing my contact details" in page
    response = client.post(
        f"/expos/future/my-tickets/{order.secret}/tickets/{ticket.pk}/stop-sharing/"
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert not ticket.share_contact_with_exhibitors


def test_adding_staff_gives_a_badge_and_removing_cancels_it(acme):
    member = services.add_member(acme, username="kim", email="kim@acme.se", name="Kim Kvist")
    assert member.ticket.ticket_type.kind == "exhibitor" and member.ticket.is_valid
    with pytest.raises(Conflict):
        services.add_member(acme, username="kim", email="kim@acme.se", name="Kim Kvist")
    with pytest.raises(InvalidInput):
        services.add_member(acme, username="x", email="not-an-address", name="X")
    ticket = member.ticket
    services.remove_member(member)
    ticket.refresh_from_db()
    assert ticket.status == "cancelled"


def png(size=(1200, 600)):
    out = io.BytesIO()
    Image.new("RGB", size, "#0b4f8a").save(out, format="PNG")
    return SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")


def test_a_logo_is_checked_and_scaled(acme):
    logo = services.resized_logo(png())
    assert Image.open(logo).size == (512, 256)
    with pytest.raises(InvalidInput) as refused:
        services.resized_logo(SimpleUploadedFile("logo.png", b"not an image"))
    assert "logo" in refused.value.errors


def test_the_portal_saves_the_profile_with_a_logo(client, people, acme, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(people["own staff"])
    response = client.post(
        f"/portal/{acme.pk}/",
        {
            "save_profile": "1",
            "name": "Acme Stad AB",
            "tagline": "Smarta gator",
            "website": "acme.example.org",
            "logo_upload": png(),
        },
    )
    assert response.status_code == 302
    acme.refresh_from_db()
    assert acme.tagline == "Smarta gator" and acme.logo.name.endswith(".png")
    assert acme.website == "https://acme.example.org"
    bad = client.post(f"/portal/{acme.pk}/", {"save_profile": "1", "name": ""})
    assert bad.status_code == 400 and "error-summary" in bad.content.decode()


def test_the_directory_searches_and_filters_in_few_queries(
    client, future_expo, hall, acme, globex, booth, django_assert_max_num_queries
):
    theme = Track.objects.create(expo=future_expo, slug="mobility", name="Mobility")
    acme.themes.add(theme)
    services.give_booth(booth, acme)
    for n in range(120):
        Exhibitor.objects.create(expo=future_expo, name=f"Utställare {n:03d}")
    with django_assert_max_num_queries(10):
        page = client.get("/expos/future/exhibitors/").content.decode()
    assert "122 exhibitors" in page
    assert "Acme" in client.get("/expos/future/exhibitors/?search=acme").content.decode()
    by_theme = client.get("/expos/future/exhibitors/?theme=mobility").content.decode()
    assert "Acme" in by_theme and "Globex" not in by_theme
    by_hall = client.get("/expos/future/exhibitors/?hall=a").content.decode()
    assert "1 exhibitor" in by_hall
    api = APIClient().get("/api/v1/expos/future/exhibitors/", {"search": "globex"}).json()
    assert [row["name"] for row in api["results"]] == ["Globex Kommun"]


def test_the_floor_plan_draws_booths_and_highlights_one(client, future_expo, booth, acme):
    services.give_booth(booth, acme)
    page = client.get(f"/expos/future/halls/a/plan/?highlight={acme.pk}").content.decode()
    assert "<svg" in page and "<rect" in page and "booth-highlighted" in page
    assert f'href="/expos/future/exhibitors/{acme.pk}/"' in page
    exhibitor_page = client.get(f"/expos/future/exhibitors/{acme.pk}/").content.decode()
    assert "Booth A1, Hall A" in exhibitor_page


GOOD_CSV = """name,tagline,website,tier,themes,hall,booth,x,y,width,depth,days
Acme Stad AB,Smarta gator,https://acme.example.org,main_partner,mobility,a,A1,1,1,3,3,
Nya Föreningen,,,,,a,A2,5,1,3,3,{first}..{second}
"""


def test_import_creates_and_updates_exhibitors_and_booths(future_expo, hall, acme, tmp_path):
    Track.objects.create(expo=future_expo, slug="mobility", name="Mobility")
    days = {
        "first": future_expo.start_date,
        "second": future_expo.start_date + dt.timedelta(days=1),
    }
    path = tmp_path / "exhibitors.csv"
    path.write_text("\ufeff" + GOOD_CSV.format(**days), encoding="utf-8")
    out = io.StringIO()
    call_command("import_exhibitors", str(path), "--expo", "future", stdout=out)
    assert "1 exhibitors created, 1 updated, 2 booth assignments" in out.getvalue()
    acme.refresh_from_db()
    assert acme.tier == "main_partner" and acme.themes.get().slug == "mobility"
    assert BoothDay.objects.filter(exhibitor__name="Nya Föreningen").count() == 2


def test_a_bad_import_reports_each_row_and_writes_nothing(
    future_expo, hall, acme, globex, booth, tmp_path
):
    services.give_booth(booth, globex)
    bad = """name,website,hall,booth,days
Ok Exhibitor,https://ok.example.org,a,A9,
,https://x.example.org,,,
Bad Url,not a url,,,
Unknown Hall,,nowhere,Z1,
Acme Stad AB,,a,A1,
"""
    path = tmp_path / "bad.csv"
    path.write_text(bad, encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_exhibitors", str(path), "--expo", "future", stderr=err)
    lines = err.getvalue()
    assert "bad.csv:3:" in lines and "bad.csv:4:" in lines and "bad.csv:5:" in lines
    assert not Exhibitor.objects.filter(name="Ok Exhibitor").exists()
    # The booth clash is found when applying: still nothing written.
    path.write_text(
        "name,hall,booth,days\nOk Exhibitor,a,A9,\nAcme Stad AB,a,A1,\n", encoding="utf-8"
    )
    with pytest.raises(CommandError):
        call_command("import_exhibitors", str(path), "--expo", "future", stderr=io.StringIO())
    assert not Exhibitor.objects.filter(name="Ok Exhibitor").exists()
    path.write_text("naam,hall\nX,a\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_exhibitors", str(path), "--expo", "future", stderr=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_many_exhibitors_asking_for_one_booth_at_once_get_it_once(future_expo, hall):
    booth = Booth.objects.create(expo=future_expo, hall=hall, code="Z1", x=1, y=1, width=3, depth=3)
    rivals = [Exhibitor.objects.create(expo=future_expo, name=f"Rival {n}") for n in range(8)]
    outcomes = [
        "taken" if isinstance(outcome, Conflict) else outcome
        for outcome in at_once(
            lambda rival: services.give_booth(booth, rival, [future_expo.start_date]) or "given",
            rivals,
        )
    ]
    assert sorted(outcomes) == ["given"] + ["taken"] * 7
    assert BoothDay.objects.filter(booth=booth).count() == 1


def test_the_admin_import_page_lists_errors_by_line_and_imports_a_good_file(
    client, django_user_model, future_expo, hall
):
    root = django_user_model.objects.create_superuser("root", password="pw-root-1")
    future_expo.organisers.add(root)
    client.force_login(root)
    url = "/admin/exhibitors/exhibitor/import/"
    assert client.get(url).status_code == 200
    bad = SimpleUploadedFile("x.csv", b"name,hall,booth\nOk,nowhere,Z1\n", content_type="text/csv")
    page = client.post(url, {"expo": future_expo.pk, "file": bad}).content.decode()
    assert "Line 2" in page and "nothing was imported" in page
    assert not Exhibitor.objects.exists()
    good = SimpleUploadedFile(
        "x.csv", "name,hall,booth\nÖresundsbron AB,a,B2\n".encode(), content_type="text/csv"
    )
    assert client.post(url, {"expo": future_expo.pk, "file": good}).status_code == 302
    assert BoothDay.objects.filter(exhibitor__name="Öresundsbron AB").count() == len(
        future_expo.days
    )


def test_exhibitor_staff_sign_in_on_the_sites_own_page_and_reach_the_portal(client, acme):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("elsa", password="pw-elsa-123")
    acme.members.create(user=get_user_model().objects.get(username="elsa"))
    to_sign_in = client.get("/portal/")
    assert to_sign_in.status_code == 302 and to_sign_in["Location"].startswith("/accounts/login/")
    wrong = client.post("/accounts/login/", {"username": "elsa", "password": "nope"})
    assert wrong.status_code == 200 and "error-summary" in wrong.content.decode()
    signed_in = client.post(
        "/accounts/login/", {"username": "elsa", "password": "pw-elsa-123", "next": "/portal/"}
    )
    assert signed_in["Location"] == "/portal/"
    assert client.get("/portal/")["Location"] == f"/portal/{acme.pk}/"


def test_an_import_that_is_not_csv_is_an_error_not_a_crash(future_expo, tmp_path):
    path = tmp_path / "logo.csv"
    path.write_bytes(b"name\n\x00\x00garbage\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_exhibitors", str(path), "--expo", "future", stderr=err)
    assert "not a CSV file" in err.getvalue()


def test_a_staff_member_needs_an_address_for_their_badge(acme, django_user_model):
    django_user_model.objects.create_user("no-mail", password="pw-nomail-1")
    with pytest.raises(InvalidInput) as refused:
        services.add_member(acme, username="no-mail", email="", name="Utan Post", by_organiser=True)
    assert "email" in refused.value.errors
    assert not acme.members.exists()


def test_organisers_see_only_their_own_expos_leads_in_the_admin(
    client, people, acme, holders, django_user_model, future_expo
):
    services.capture_lead(acme, holders[0].code, user=people["own staff"])
    stranger = django_user_model.objects.create_user("other-organiser", password="pw-x-123")
    stranger.is_staff = True
    stranger.save()
    from django.contrib.auth.models import Permission

    stranger.user_permissions.add(Permission.objects.get(codename="view_lead"))
    client.force_login(stranger)
    assert "Acme Stad AB" not in client.get("/admin/exhibitors/lead/").content.decode()
    people["organiser"].is_superuser = people["organiser"].is_staff = True
    people["organiser"].save()
    client.force_login(people["organiser"])
    assert "Acme Stad AB" in client.get("/admin/exhibitors/lead/").content.decode()


def test_a_bad_directory_filter_is_explained(client, future_expo):
    page = client.get("/expos/future/exhibitors/?day=someday&hall=nowhere").content.decode()
    assert "error-summary" in page and "Hall" in page


def test_an_import_reads_spans_of_days_and_refuses_those_outside_the_expo(future_expo):
    first = future_expo.start_date
    assert importing._days(future_expo, f"{first}..{first + dt.timedelta(days=2)}") == [
        first + dt.timedelta(days=n) for n in range(3)
    ]
    for span in [f"{first}..9999-12-31", f"0001-01-01..{first}"]:
        with pytest.raises(ValueError, match="is not one of the expo's days"):
            importing._days(future_expo, span)
