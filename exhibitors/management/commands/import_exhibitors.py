from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from events.models import Expo
from exhibitors import importing


class Command(BaseCommand):
    help = (
        "Create or update an expo's exhibitors and booth assignments from a CSV file; "
        "nothing is written unless every row is valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--expo", required=True, help="the expo's short name")

    def handle(self, *args, file, expo, **options):
        expo_object = Expo.objects.filter(slug=expo).first()
        if expo_object is None:
            raise CommandError(f"No expo “{expo}”.")
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        try:
            with scope(expo=expo_object.pk):
                report = importing.import_exhibitors(expo_object, text)
        except importing.ImportFailed as failed:
            for line, message in failed.errors:
                self.stderr.write(f"{file}:{line}: {message}")
            raise CommandError(
                f"{len(failed.errors)} errors in {file}; nothing was imported."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.created} exhibitors created, {report.updated} updated, "
                f"{report.booths} booth assignments."
            )
        )
