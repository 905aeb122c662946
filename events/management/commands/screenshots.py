"""Screenshots of an expo's pages, on a phone and on a desktop screen, for
docs/screenshots/: the programme (its filters folded on the phone), the room grid and a
session page (events/demo.py), and on the phone "my tickets" (ticketing/demo.py) and an
exhibitor's badge scanner (exhibitors/demo.py), the pages used standing in a hall.

Serves the project from this process and drives Debian's Chromium with Playwright (the
development dependencies, as ``make test`` installs). What the pages need, an order or a
signed-in exhibitor, is made inside one transaction that is rolled back at the end: the
server answers on this process's database connection, one request at a time, so it sees
them, and nothing of them is kept (the demo holds no tickets, so that ``seed_demo
--reset`` can rebuild it)."""

import os
import shutil
import threading
from importlib import import_module
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connections, transaction
from django.test import Client
from django.utils import timezone
from django.utils.module_loading import module_has_submodule
from django_scopes import scope
from PIL import Image

from events.models import Expo

SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def _shots(expo):
    """The ``demo.screenshots(expo)`` of every installed app that has one, in the order
    of the apps: ``events`` does not know the later apps' pages."""
    shots = []
    for app in apps.get_app_configs():
        if module_has_submodule(app.module, "demo"):
            module = import_module(f"{app.name}.demo")
            if hasattr(module, "screenshots"):
                shots += module.screenshots(expo)
    return shots


def _shrink(path):
    """Store the screenshot as a 128-colour PNG: a page of flat colours and text loses
    nothing to see, and the file is about a third of its size."""
    with Image.open(path) as image:
        palette = image.convert("RGB").quantize(
            colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    palette.save(path, optimize=True)


def _session_cookie(user):
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


class Command(BaseCommand):
    help = "Take screenshots of an expo's pages on a phone and a desktop screen into a folder."

    def add_arguments(self, parser):
        parser.add_argument("--expo", default="oresund-city-expo", help="the expo's short name")
        parser.add_argument("-o", "--output", default="docs/screenshots", type=Path)
        parser.add_argument("--language", default="en")

    def handle(self, *args, expo, output, language, **options):
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as error:
            raise CommandError(
                "Playwright is a development dependency: make test installs it."
            ) from error
        if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
            raise CommandError("Debian's chromium package is needed: apt-get install chromium")
        expo = Expo.objects.filter(slug=expo).first()
        if expo is None:
            raise CommandError("No such expo; load the demo with manage.py seed_demo.")
        output.mkdir(parents=True, exist_ok=True)
        written = 0
        with transaction.atomic(), scope(expo=expo.pk):
            shots = _shots(expo)
            if not shots:
                raise CommandError("The expo has no sessions to show.")
            cookies = {shot.user.pk: _session_cookie(shot.user) for shot in shots if shot.user}
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop, not ours
            try:
                with _serving() as base, sync_playwright() as playwright:
                    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                    for screen, viewport in SCREENS.items():
                        context = browser.new_context(viewport=viewport, locale=language)
                        context.add_cookies(
                            [{"name": "django_language", "value": language, "url": base}]
                        )
                        page = context.new_page()
                        for shot in shots:
                            if screen not in shot.screens:
                                continue
                            context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
                            if shot.user:
                                context.add_cookies(
                                    [
                                        {
                                            "name": settings.SESSION_COOKIE_NAME,
                                            "value": cookies[shot.user.pk],
                                            "url": base,
                                        }
                                    ]
                                )
                            page.goto(base + shot.path)
                            target = output / f"{shot.name}-{screen}.png"
                            page.screenshot(path=target, full_page=False)
                            _shrink(target)
                            written += 1
                            self.stdout.write(f"{target}")
                        context.close()
                    browser.close()
            finally:
                del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
                transaction.set_rollback(True)
        self.stdout.write(
            self.style.SUCCESS(
                f"{written} screenshots of {expo.name} at {timezone.now():%Y-%m-%d}."
            )
        )


class _serving:
    """Serve the project on a free port of 127.0.0.1, one request at a time, on the
    caller's database connection (and so inside its transaction); gives the base URL."""

    def __enter__(self):
        self.connection = connections[DEFAULT_DB_ALIAS]
        self.connection.inc_thread_sharing()
        # As Django's test client does: no request may close the shared connection.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        self.server = make_server(
            "127.0.0.1", 0, get_wsgi_application(), WSGIServer, handler_class=QuietHandler
        )

        def serve():
            connections[DEFAULT_DB_ALIAS] = self.connection
            self.server.serve_forever()

        self.thread = threading.Thread(target=serve, daemon=True)
        self.thread.start()
        return f"http://127.0.0.1:{self.server.server_port}"

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.thread.join()
        self.server.server_close()
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        self.connection.dec_thread_sharing()
