"""The environment picks the database and channel layer; DEBUG off still serves."""

import os
import subprocess
import sys

from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection


def test_database_url_selects_the_database(db):
    expected = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    assert connection.vendor == expected


def test_redis_url_selects_the_channel_layer():
    backend = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    if os.environ.get("REDIS_URL"):
        assert backend == "channels_redis.core.RedisChannelLayer"
    else:
        assert backend == "channels.layers.InMemoryChannelLayer"


async def test_the_channel_layer_carries_a_message():
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "attendance.changed", "text": "Välkommen"})
    assert await layer.receive(channel) == {"type": "attendance.changed", "text": "Välkommen"}


def test_the_deployment_check_passes_with_debug_off(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "a-long-and-random-production-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "expo.example.org",
        "EXPO_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_static_files_are_served_with_debug_off(client):
    assert not settings.DEBUG
    response = client.get("/static/admin/css/base.css")
    assert response.status_code == 200


def test_languages_are_english_swedish_finnish_and_danish():
    assert [code for code, _name in settings.LANGUAGES] == ["en", "sv", "fi", "da"]
    assert "django.middleware.locale.LocaleMiddleware" in settings.MIDDLEWARE
