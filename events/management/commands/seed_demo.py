import datetime as dt
from importlib import import_module

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.module_loading import module_has_submodule
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token
from tqdm import tqdm

from events import demo
from events.models import Expo

ORGANISER = "organiser"
PASSWORD = "expo-demo-2026"


def _extensions():
    """The ``demo.extend(expo)`` of every other installed app that has one, so that
    later apps (tickets, exhibitors) add their part without this app knowing them."""
    for app in apps.get_app_configs():
        if app.name != "events" and module_has_submodule(app.module, "demo"):
            yield import_module(f"{app.name}.demo").extend


class Command(BaseCommand):
    help = "Load the demo expo: 35 days, 3 halls, 9 rooms, 5 tracks, 2 conferences, 300+ sessions."

    def add_arguments(self, parser):
        parser.add_argument(
            "--start",
            type=dt.date.fromisoformat,
            help="First day (YYYY-MM-DD); today if not given.",
        )
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo expo and build it again."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Build only when the database has no expo at all.",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, start, reset, if_empty, no_progress, verbosity, **options):
        existing = Expo.objects.filter(slug=demo.SLUG)
        if reset:
            try:
                existing.delete()
            except (ProtectedError, RestrictedError):
                raise CommandError(
                    "The demo expo has tickets or other records that keep it; it is not deleted."
                ) from None
        if if_empty and Expo.objects.exists():
            self.stdout.write("There are expos already; the demo is not loaded.")
        elif existing.exists():
            self.stdout.write(
                f"The demo expo “{demo.SLUG}” is loaded already (--reset rebuilds it)."
            )
        else:
            with scopes_disabled():  # the demo is built beside any other expos
                self._build(start, quiet=no_progress or verbosity == 0)
        self._organiser()

    def _build(self, start, *, quiet):
        start = start or timezone.localdate()
        with tqdm(
            total=1, desc="Demo programme", unit="day", disable=quiet, file=self.stderr
        ) as bar:

            def progress(done, total):
                bar.total = total
                bar.n = done
                bar.refresh()

            with transaction.atomic():
                expo = demo.build(start, progress=progress)
                for extend in _extensions():
                    extend(expo)
        self.stdout.write(
            self.style.SUCCESS(
                f"Built “{expo.name}”: {expo.start_date} to {expo.end_date}, "
                f"{expo.halls.count()} halls, {expo.rooms.count()} rooms, "
                f"{expo.sessions.count()} sessions, {expo.speakers.count()} speakers."
            )
        )

    def _organiser(self):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=ORGANISER, defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
        for expo in Expo.objects.filter(slug=demo.SLUG):
            expo.organisers.add(user)
        token, _created = Token.objects.get_or_create(user=user)
        password = PASSWORD if created or user.check_password(PASSWORD) else "(changed by you)"
        self.stdout.write(
            "\nBack office: http://127.0.0.1:8000/admin/\n"
            f"Organiser login: {ORGANISER} / {password}\n"
            f"API token: {token.key}\n"
        )
