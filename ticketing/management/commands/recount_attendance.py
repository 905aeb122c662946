from django.core.management.base import BaseCommand
from django_scopes import scopes_disabled

from ticketing import services


class Command(BaseCommand):
    help = (
        "Count every place's occupancy again from the check-in rows and report where the "
        "live counters differ."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix", action="store_true", help="Set the counters to the recounted values."
        )

    def handle(self, fix, **options):
        with scopes_disabled():  # every expo's counters
            differences = services.recount_attendance(fix=fix)
        if not differences:
            self.stdout.write(
                self.style.SUCCESS("The counters match the check-ins: no differences.")
            )
            return
        for expo_id, place, day, counted, recounted in differences:
            self.stdout.write(
                f"expo {expo_id} {place} {day}: counters say {counted[0]} inside and "
                f"{counted[1]} entries; the check-ins say {recounted[0]} and {recounted[1]}"
            )
        if fix:
            self.stdout.write(self.style.WARNING(f"{len(differences)} counters set right."))
        else:
            self.stdout.write(
                self.style.ERROR(f"{len(differences)} differences; run again with --fix.")
            )
