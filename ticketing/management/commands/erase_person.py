import sys

from django.core.management.base import BaseCommand, CommandError

from ticketing import privacy


class Command(BaseCommand):
    help = (
        "Anonymise a person, found by e-mail address: names, addresses and organisations "
        "go; tickets, bookings and check-in statistics keep their counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, email, yes, **options):
        export = privacy.export_person(email)
        if not privacy.holds_anything(export):
            self.stdout.write("Nothing is held about this address; nothing to erase.")
            return
        counts = {name: len(export[name]) for name in ("orders", "tickets", "speakers")}
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError("Erasing cannot be undone: confirm with --yes.")
            answer = input(f"Erase {counts}? This cannot be undone. Type 'yes': ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was erased.")
        changed = privacy.erase_person(email)
        self.stdout.write(
            self.style.SUCCESS(
                f"Anonymised {changed['tickets']} tickets, {changed['orders']} orders and "
                f"{changed['speakers']} speaker records."
            )
        )
