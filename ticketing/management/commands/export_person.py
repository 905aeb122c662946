import json
import os

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from expo.errors import DomainError
from ticketing import privacy


class Command(BaseCommand):
    help = (
        "Write everything held about a person, found by e-mail address in any letter case, "
        "as JSON. Nothing else is printed or logged about them."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "-o",
            "--output",
            help="A file to write, readable by its owner only; standard output if not given.",
        )

    def handle(self, email, output, **options):
        try:
            with scopes_disabled():  # a person's records lie in any expo
                export = privacy.export_person(email)
        except DomainError as error:
            raise CommandError(error.message) from None
        if not privacy.holds_anything(export):
            self.stderr.write("Nothing is held about this address.", self.style.WARNING)
        text = json.dumps(export, ensure_ascii=False, indent=2)
        if output:
            # Created private: the file holds a person's data.
            descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with open(descriptor, "w", encoding="utf-8") as out:
                out.write(text + "\n")
            self.stderr.write(f"Written to {output}.", self.style.SUCCESS)
        else:
            self.stdout.write(text)
