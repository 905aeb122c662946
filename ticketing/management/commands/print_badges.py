import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope
from tqdm import tqdm

from events.models import Expo
from ticketing import badges, selectors
from ticketing.models import TicketType


class Command(BaseCommand):
    help = (
        "Print the badges of an expo's valid tickets into one PDF, each in the language "
        "its holder registered in."
    )

    def add_arguments(self, parser):
        parser.add_argument("--expo", required=True, help="The expo's short name.")
        parser.add_argument("--ticket-type", help="Only this ticket type (short name).")
        parser.add_argument(
            "--day", type=dt.date.fromisoformat, help="Only tickets valid this day."
        )
        parser.add_argument("--layout", choices=badges.LAYOUTS, default="a4x4")
        parser.add_argument("-o", "--output", required=True, help="The PDF file to write.")

    def handle(self, expo, ticket_type, day, layout, output, verbosity, **options):
        try:
            expo = Expo.objects.get(slug=expo)
            if ticket_type:
                ticket_type = TicketType.objects.with_scope(expo=expo.pk).get(
                    expo=expo, slug=ticket_type
                )
        except Expo.DoesNotExist:
            raise CommandError(f"No expo “{expo}”.") from None
        except TicketType.DoesNotExist:
            raise CommandError(f"No ticket type “{ticket_type}” in {expo}.") from None
        with scope(expo=expo.pk):
            self.print_badges(expo, ticket_type, day, layout, output, verbosity)

    def print_badges(self, expo, ticket_type, day, layout, output, verbosity):
        tickets = selectors.expo_tickets(
            expo, ticket_type=ticket_type or None, day=day, status="valid"
        )
        count = tickets.count()
        with (
            open(output, "wb") as out,
            tqdm(total=count, unit="badge", disable=verbosity == 0, file=self.stderr) as bar,
        ):
            badges.write_badges(
                tickets.iterator(chunk_size=500),
                out,
                layout=layout,
                on_badge=lambda ticket: bar.update(),
                in_holders_language=True,
            )
        self.stdout.write(self.style.SUCCESS(f"{count} badges written to {output}."))
