"""Every page carries a Content-Security-Policy; X-Forwarded-Proto is believed only when
the deployment says a proxy sets it."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import RequestFactory

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
