from django.core.management.base import BaseCommand, CommandError

from ticketing import retention


def _counts(counts):
    return ", ".join(f"{name.replace('_', ' ')}: {count}" for name, count in counts.items())


class Command(BaseCommand):
    help = (
        "Erase the visitors' data of every expo whose keeping time is over (its last day "
        "plus its 'keep visitors' data for (months)'), as its privacy page promises: each "
        "order and its tickets are erased as 'erase_person' erases them, so the rows and "
        "their counts stay. Expos with no keeping time keep their data. Safe to run every "
        "day: what is erased already is left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only report, per expo, how many orders, tickets and leads would be erased.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=retention.BATCH_SIZE,
            help="Orders erased per transaction (default %(default)s).",
        )

    def handle(self, dry_run, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        retentions = retention.erase_expired_data(
            dry_run=dry_run, batch_size=batch_size, progress=self._progress
        )
        if not retentions:
            self.stdout.write("No expo is past its keeping time; nothing to erase.")
            return
        for expo_retention in retentions:
            self._report(expo_retention, dry_run)
        if any(expo_retention.failed for expo_retention in retentions):
            raise CommandError("Some orders could not be erased; they are tried again next run.")

    def _progress(self, expo_retention):
        self.stdout.write(
            f"{expo_retention.expo.slug}: {expo_retention.done} of "
            f"{expo_retention.orders} orders erased"
        )
        self.stdout.flush()

    def _report(self, expo_retention, dry_run):
        expo = expo_retention.expo
        kept_until = expo.keeps_visitor_data_until.isoformat()
        if not expo_retention.orders:
            self.stdout.write(f"{expo.slug} (kept until {kept_until}): nothing left to erase.")
        elif dry_run:
            self.stdout.write(
                f"{expo.slug} (kept until {kept_until}): would erase "
                f"{_counts(expo_retention.held)}."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{expo.slug} (kept until {kept_until}): erased {expo_retention.done} "
                    f"orders; anonymised {_counts(+expo_retention.erased)}."
                )
            )
        if expo_retention.failed:
            ids = ", ".join(str(pk) for pk in expo_retention.failed)
            self.stderr.write(
                f"{expo.slug}: orders that could not be erased: {ids}.", self.style.ERROR
            )
