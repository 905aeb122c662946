"""The 403, 404 and 500 pages: in the site's style, in the visitor's language, with no
technical detail; the 500 page without the database or the request."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client, RequestFactory
from django.urls import include, path
from django.utils import translation
from django.views.defaults import server_error

pytestmark = pytest.mark.urls(__name__)

SECRET_DETAIL = "table ticketing_ticket has no column named xyz"


def refuse(request):
    raise PermissionDenied(SECRET_DETAIL)


def missing(request):
    raise Http404(SECRET_DETAIL)


def fail(request):
    raise RuntimeError(SECRET_DETAIL)


urlpatterns = [
    path("refuse/", refuse),
    path("missing/", missing),
    path("fail/", fail),
    path("", include("expo.urls")),
]


def assert_site_page(content):
    assert 'href="/static/expo/site.css"' in content
    assert 'class="skip-link"' in content and 'id="main"' in content
    assert SECRET_DETAIL not in content and "Traceback" not in content


@pytest.fixture(autouse=True)
def no_debug(settings):
    settings.DEBUG = False


@pytest.mark.django_db
def test_the_403_page(client, django_user_model):
    response = client.get("/refuse/")
    assert response.status_code == 403
    content = response.content.decode()
    assert_site_page(content)
    assert "You may not open this page" in content
    assert 'href="/accounts/login/?next=/refuse/"' in content  # Signed out: sign in.
    client.force_login(django_user_model.objects.create_user("vera"))
    content = client.get("/refuse/").content.decode()
    assert "Your account does not give access to this page" in content
    assert "/accounts/login/?next" not in content


@pytest.mark.django_db
def test_a_refused_page_of_an_expo_leads_back_to_its_home_page(client, expo, django_user_model):
    client.force_login(django_user_model.objects.create_user("vera"))
    response = client.get(f"/expos/{expo.slug}/live/")
    assert response.status_code == 403
    content = response.content.decode()
    assert_site_page(content)
    assert f'href="/expos/{expo.slug}/"' in content and "Malmö City Expo" in content


@pytest.mark.django_db
def test_the_403_page_speaks_the_visitors_language(client):
    client.cookies["django_language"] = "sv"
    content = client.get("/refuse/").content.decode()
    assert '<html lang="sv">' in content
    with translation.override("sv"):
        assert translation.gettext("Skip to main content") in content


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["/missing/", "/no/such/page/", "/expos/nowhere/"])
def test_the_404_page(client, address):
    response = client.get(address)
    assert response.status_code == 404
    content = response.content.decode()
    assert_site_page(content)
    assert "This page does not exist" in content
    assert 'href="/"' in content


@pytest.mark.django_db
def test_the_500_page():
    client = Client(raise_request_exception=False)
    response = client.get("/fail/")
    assert response.status_code == 500
    content = response.content.decode()
    assert_site_page(content)
    assert "Something went wrong" in content and "<form" not in content


def test_the_500_page_needs_neither_the_database_nor_the_request():
    """Outside ``django_db``, any query fails the test."""
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert_site_page(response.content.decode())


@pytest.mark.django_db
def test_a_form_without_its_token_gets_the_sites_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "vera", "password": "x"})
    assert response.status_code == 403
    content = response.content.decode()
    assert_site_page(content)
    assert "The form could not be sent" in content and "CSRF" not in content
