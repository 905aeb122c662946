import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled
from tqdm import tqdm

from events.models import Expo
from expo.errors import DomainError
from ticketing import retention


def _day(value):
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--before: {value!r} is not a date (YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = (
        "Delete an expo's check-in rows after the fair, in batches: the per-place, per-day "
        "occupancy counters (the daily totals) are kept, and the recount leaves the days "
        "pruned alone. Refused while the expo runs. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--expo", required=True, help="The expo's short name (slug).")
        parser.add_argument(
            "--before",
            type=_day,
            help="Delete only the check-ins of the days before this one (YYYY-MM-DD); "
            "by default all of the expo's.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count the check-ins that would go."
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=retention.CHECK_IN_BATCH_SIZE,
            help="Check-ins deleted per transaction (default %(default)s).",
        )

    def handle(self, expo, before, dry_run, batch_size, verbosity, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        with scopes_disabled():
            try:
                expo = Expo.objects.get(slug=expo)
            except Expo.DoesNotExist:
                raise CommandError(f"No expo has the short name {expo!r}.") from None
        with tqdm(unit="check-in", disable=verbosity == 0 or dry_run, file=self.stderr) as bar:

            def progress(pruning):
                bar.total = pruning.held
                bar.update(pruning.deleted - bar.n)

            try:
                pruning = retention.prune_check_ins(
                    expo, before=before, dry_run=dry_run, batch_size=batch_size, progress=progress
                )
            except DomainError as error:
                raise CommandError(error.message) from None
        days = f"the days before {pruning.before.isoformat()}"
        if dry_run:
            self.stdout.write(f"{expo.slug}: would delete {pruning.held} check-ins of {days}.")
        elif not pruning.held:
            self.stdout.write(f"{expo.slug}: no check-ins of {days} left; nothing to delete.")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{expo.slug}: deleted {pruning.deleted} check-ins of {days}; the daily "
                    "counters are kept."
                )
            )
