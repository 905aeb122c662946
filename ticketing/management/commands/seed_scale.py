import datetime as dt
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone
from django_scopes import scopes_disabled
from tqdm import tqdm

from events import demo
from events.models import Expo
from expo.errors import Conflict
from ticketing import season


class Command(BaseCommand):
    help = (
        "Add a season's worth of visitors to the demo expo (built first if missing, with "
        "today as its last day): tickets in orders, about five scans each at gates, halls "
        "and session doors, session bookings, leads, and the counters that go with them. "
        "PostgreSQL only. Refuses an expo that holds tickets unless --append."
    )

    def add_arguments(self, parser):
        parser.add_argument("--visitors", type=int, required=True, help="How many tickets.")
        parser.add_argument("--seed", type=int, default=2026, help="For the same season again.")
        parser.add_argument(
            "--checkins-per-visitor", type=float, default=5, help="Scans per ticket on average."
        )
        parser.add_argument(
            "--expo", default=demo.SLUG, help="The expo's short name (default: the demo's)."
        )
        parser.add_argument(
            "--append", action="store_true", help="Add to an expo that holds tickets already."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bars.")

    def handle(self, visitors, seed, checkins_per_visitor, expo, append, no_progress, **options):
        if connection.vendor != "postgresql":
            raise CommandError("seed_scale writes with PostgreSQL's COPY; set DATABASE_URL.")
        if visitors < 1:
            raise CommandError("Give --visitors as a positive number.")
        if not 0 < checkins_per_visitor <= 40:
            raise CommandError("Give --checkins-per-visitor between 0 and 40.")
        quiet = no_progress or options["verbosity"] == 0
        with scopes_disabled():
            if expo == demo.SLUG and not Expo.objects.filter(slug=expo).exists():
                # The season is over but for today: its days are in the past.
                start = timezone.localdate() - dt.timedelta(days=demo.DAYS - 1)
                call_command("seed_demo", start=start, no_progress=quiet, stdout=self.stderr)
            target = Expo.objects.filter(slug=expo).first()
            if target is None:
                raise CommandError(f"There is no expo “{expo}”.")
            size_before = _database_size()
            started = time.monotonic()
            try:
                built = season.seed_season(
                    target,
                    visitors,
                    seed=seed,
                    checkins_per_visitor=checkins_per_visitor,
                    append=append,
                    stage=lambda name, total: _bar(name, total, quiet, self.stderr),
                )
            except Conflict as error:
                raise CommandError(error.message) from None
            seconds = time.monotonic() - started
        size_after = _database_size()
        self._report(built, visitors, seconds, size_before, size_after)

    def _report(self, built, visitors, seconds, size_before, size_after):
        rows = {
            "tickets": built.tickets,
            "orders": built.orders,
            "check-ins": built.check_ins,
            "presences": built.presences,
            "session bookings": built.bookings,
            **built.added,
        }
        self.stdout.write(", ".join(f"{count:,} {name}" for name, count in rows.items()))
        for scope, day, size, raised in built.raised_limits:
            when = f" on {day}" if day else ""
            self.stdout.write(f"Raised the limit of {scope}{when} from {size:,} to {raised:,}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {visitors:,} visitors in {seconds:.1f} s. Database "
                f"{size_before / 2**20:,.0f} MiB before, {size_after / 2**20:,.0f} MiB after: "
                f"{(size_after - size_before) / visitors:,.0f} bytes a visitor."
            )
        )


def _bar(name, total, quiet, stream):
    """A progress bar for one stage, as ``season.seed_season`` asks for."""

    class Stage:
        def __enter__(self):
            self.bar = tqdm(total=total, desc=name, disable=quiet, file=stream)

            def update(done):
                self.bar.n = done
                self.bar.refresh()

            return update

        def __exit__(self, *exc):
            self.bar.close()

    return Stage()


def _database_size():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0]
