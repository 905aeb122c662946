"""The expo admin's organisers field names only the accounts an organiser may see."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission

from events.models import Expo


def an_expo(slug):
    return Expo.objects.create(
        slug=slug, name=slug.title(), start_date=dt.date(2027, 5, 1), end_date=dt.date(2027, 5, 3)
    )


@pytest.fixture
def accounts(django_user_model):
    make = django_user_model.objects.create_user
    olga = make("olga", password="pw-olga-123", is_staff=True)
    olga.user_permissions.set(Permission.objects.filter(content_type__app_label="events"))
    people = {name: make(name, password=f"pw-{name}-123") for name in ("otto", "sara", "stig")}
    mine, theirs = an_expo("mine"), an_expo("theirs")
    mine.organisers.add(olga, people["otto"])
    theirs.organisers.add(people["sara"])
    return {"olga": olga, "mine": mine, **people}


def organiser_choices(client, expo):
    response = client.get(f"/admin/events/expo/{expo.pk}/change/")
    assert response.status_code == 200
    field = response.context["adminform"].form.fields["organisers"]
    return sorted(user.username for user in field.queryset)


@pytest.mark.django_db
def test_an_organiser_sees_only_themselves_and_their_co_organisers(client, accounts):
    client.force_login(accounts["olga"])
    assert organiser_choices(client, accounts["mine"]) == ["olga", "otto"]
    page = client.get(f"/admin/events/expo/{accounts['mine'].pk}/change/").content.decode()
    assert "sara" not in page and "stig" not in page


@pytest.mark.django_db
def test_a_superuser_sees_every_account(client, accounts, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="pw-root-123")
    client.force_login(root)
    assert organiser_choices(client, accounts["mine"]) == ["olga", "otto", "root", "sara", "stig"]
