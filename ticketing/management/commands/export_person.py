import json

from django.core.management.base import BaseCommand

from ticketing import privacy


class Command(BaseCommand):
    help = "Write everything held about a person, found by e-mail address, as JSON."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("-o", "--output", help="A file to write; standard output if not given.")

    def handle(self, email, output, **options):
        export = privacy.export_person(email)
        if not privacy.holds_anything(export):
            self.stderr.write("Nothing is held about this address.")
        text = json.dumps(export, ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as out:
                out.write(text + "\n")
            self.stderr.write(f"Written to {output}.")
        else:
            self.stdout.write(text)
