"""Every page carries a Content-Security-Policy; X-Forwarded-Proto is believed only when
the deployment says a proxy sets it."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from exhibitors import services as exhibitors
from exhibitors.models import Exhibitor
from ticketing.models import ScanPoint

pytestmark = pytest.mark.django_db


def directives(response):
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/expos/future/", "/expos/future/register/", "/admin/login/"]
)
def test_pages_allow_scripts_and_styles_from_this_site_only(client, future_expo, path):
    policy = directives(client.get(path))
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["connect-src"] == ["'self'"]


def test_the_scanner_pages_read_the_camera_under_the_same_policy(client, future_expo):
    """The camera's stream is given to the video element as an object, not loaded from
    an address, and the vendored QR reader is plain JavaScript: the booth and gate
    scanner pages need no ``media-src``, ``worker-src``, ``blob:`` or eval of any kind
    (``tests/e2e/test_camera.py`` reads a badge in Chromium under this policy)."""
    ScanPoint.objects.create(expo=future_expo, slug="north", name="North gate", kind="gate")
    exhibitor = Exhibitor.objects.create(expo=future_expo, name="Acme")
    exhibitors.add_member(exhibitor, username="siv", email="siv@acme.se", name="Siv")
    client.force_login(get_user_model().objects.get(username="siv"))
    for path in ("/scan/future/north/", f"/portal/{exhibitor.pk}/scan/"):
        response = client.get(path)
        assert response.status_code == 200 and b"data-camera" in response.content
        policy = directives(response)
        assert policy["script-src"] == ["'self'"] and policy["default-src"] == ["'self'"]
        assert not {"media-src", "worker-src"} & set(policy), policy
        assert "blob:" not in response["Content-Security-Policy"]


def test_the_api_pages_may_use_inline_styles_but_not_inline_scripts(client):
    policy = directives(client.get("/api/docs/"))
    assert "'unsafe-inline'" in policy["style-src"]
    assert policy["script-src"] == ["'self'"]


def test_a_forwarded_scheme_is_not_believed_by_default():
    request = RequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https")
    assert not request.is_secure()


@pytest.mark.parametrize(
    ("flag", "expected"), [("", "None"), ("1", "('HTTP_X_FORWARDED_PROTO', 'https')")]
)
def test_the_proxy_ssl_header_is_trusted_only_when_configured(flag, expected):
    script = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "expo.settings",
            "SECURE_PROXY_SSL_HEADER": flag,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and result.stdout, result.stderr
    assert result.stdout.splitlines()[-1] == expected
