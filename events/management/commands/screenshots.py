"""Screenshots of the programme and a session page, on a phone and on a desktop screen,
for docs/screenshots/. Serves the project from this process and drives Debian's
Chromium with Playwright (the development dependencies, as ``make test`` installs)."""

import os
import shutil
import threading
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.core.management.base import BaseCommand, CommandError
from django.core.wsgi import get_wsgi_application
from django.utils import timezone
from django_scopes import scope

from events import selectors
from events.models import Expo

SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class ThreadingServer(WSGIServer):
    daemon_threads = True

    def process_request(self, request, client_address):
        threading.Thread(
            target=self.process_request_thread, args=(request, client_address), daemon=True
        ).start()

    def process_request_thread(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        finally:
            self.shutdown_request(request)


class Command(BaseCommand):
    help = "Take screenshots of an expo's programme and a session page into a folder."

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
        with scope(expo=expo.pk):
            sessions_by_day = selectors.sessions_by_day(expo)
        if not sessions_by_day:
            raise CommandError("The expo has no sessions to show.")
        busiest = max(sessions_by_day, key=lambda day: len(sessions_by_day[day]))
        session = sessions_by_day[busiest][0]
        pages = {
            "programme": f"/expos/{expo.slug}/programme/?day={busiest.isoformat()}",
            "programme-grid": f"/expos/{expo.slug}/programme/?day={busiest.isoformat()}&view=grid",
            "session": f"/expos/{expo.slug}/sessions/{session.pk}/",
        }
        output.mkdir(parents=True, exist_ok=True)
        server = make_server(
            "127.0.0.1", 0, get_wsgi_application(), ThreadingServer, handler_class=QuietHandler
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        written = 0
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop, not ours
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
                )
                for screen, viewport in SCREENS.items():
                    context = browser.new_context(viewport=viewport, locale=language)
                    context.add_cookies(
                        [{"name": "django_language", "value": language, "url": base}]
                    )
                    page = context.new_page()
                    for name, path in pages.items():
                        page.goto(base + path)
                        target = output / f"{name}-{screen}.png"
                        page.screenshot(path=target, full_page=False)
                        written += 1
                        self.stdout.write(f"{target}")
                    context.close()
                browser.close()
        finally:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
            server.shutdown()
        self.stdout.write(
            self.style.SUCCESS(
                f"{written} screenshots of {expo.name} at {timezone.now():%Y-%m-%d}."
            )
        )
