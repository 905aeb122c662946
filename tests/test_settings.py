"""The environment picks the database and channel layer; DEBUG off still serves."""

import json
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


def settings_under(**environment):
    """The database settings a process started with ``environment`` would have."""
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default'], default=str))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "expo.settings", **environment}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_postgresql_prepares_statements_unless_behind_a_transaction_pooler():
    url = "postgres://expo@db.internal:5432/expo"
    direct = settings_under(DATABASE_URL=url)
    assert direct["OPTIONS"]["server_side_binding"] is True
    assert not direct.get("DISABLE_SERVER_SIDE_CURSORS")

    pooled = settings_under(DATABASE_URL=url, DB_TRANSACTION_POOLING="1")
    assert "server_side_binding" not in pooled.get("OPTIONS", {})
    assert pooled["DISABLE_SERVER_SIDE_CURSORS"] is True


def test_kept_connections_are_checked_when_asked():
    url = "postgres://expo@db.internal:5432/expo"
    assert settings_under(DATABASE_URL=url)["CONN_HEALTH_CHECKS"] is False
    checked = settings_under(DATABASE_URL=url, DB_CONN_MAX_AGE="600", DB_CONN_HEALTH_CHECKS="1")
    assert (checked["CONN_MAX_AGE"], checked["CONN_HEALTH_CHECKS"]) == (600, True)
