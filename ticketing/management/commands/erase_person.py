import sys

from django.core.management.base import BaseCommand, CommandError

from expo.errors import DomainError
from ticketing import privacy


def _counts(counts):
    return ", ".join(f"{name.replace('_', ' ')}: {count}" for name, count in counts.items())


class Command(BaseCommand):
    help = (
        "Erase a person, found by e-mail address in any letter case: their tickets are "
        "cancelled (places and seats go to others), they leave exhibitors' staff, and their "
        "names, addresses, organisations and user accounts are anonymised, in the admin's "
        "history too; the rows stay, so tickets sold, check-ins and leads keep their "
        "counts. Asks for confirmation unless --yes is given."
    )
    # Tests hand in their own standard input: call_command(..., stdin=StringIO("yes")).
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--yes",
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Erase without asking for confirmation.",
        )

    def handle(self, email, interactive, **options):
        stdin = options.get("stdin") or sys.stdin
        try:
            export = privacy.export_person(email)
        except DomainError as error:
            raise CommandError(error.message) from None
        held = {name: len(records) for name, records in export["sections"].items()}
        del export  # only the counts are needed, and they carry no personal data
        if not any(held.values()):
            self.stdout.write("Nothing is held about this address; nothing to erase.")
            return
        if interactive:
            self._confirm(held, stdin)
        changed = privacy.erase_person(email)
        kept = {name: count for name, count in held.items() if name not in changed and count}
        self.stdout.write(self.style.SUCCESS(f"Anonymised {_counts(changed)}."))
        if kept:
            self.stdout.write(f"Kept without their name, for the statistics: {_counts(kept)}.")

    def _confirm(self, held, stdin):
        if not stdin.isatty():
            raise CommandError(
                "Erasing cannot be undone and there is no terminal to confirm it on: "
                "run again with --yes."
            )
        self.stdout.write(f"Held about this address: {_counts(held)}.")
        self.stdout.write("Anonymise them? This cannot be undone. Type “yes” to go on: ", ending="")
        self.stdout.flush()
        if stdin.readline().strip().lower() != "yes":
            raise CommandError("Nothing was erased.")
