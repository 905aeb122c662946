from django.core.management.base import BaseCommand, CommandError

from ticketing import codes


class Command(BaseCommand):
    help = "List, rotate or retire the keys that sign ticket codes (see docs/codes.md)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action")
        actions.add_parser("list", help="List the keys (the default).")
        actions.add_parser("rotate", help="Make a new signing key; old codes stay valid.")
        retire = actions.add_parser("retire", help="Stop accepting the codes of one key.")
        retire.add_argument("key_id", type=int)

    def handle(self, action=None, key_id=None, **options):
        keyring = codes.keyring()
        if action == "rotate":
            new = keyring.rotate()
            self.stdout.write(self.style.SUCCESS(f"Key {new} now signs new codes."))
        elif action == "retire":
            try:
                keyring.retire(key_id)
            except KeyError:
                raise CommandError(f"There is no key {key_id}.") from None
            except ValueError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(self.style.SUCCESS(f"Codes signed by key {key_id} are refused now."))
        for key in keyring.public_keys():
            state = "signing" if key["active"] else "retired" if key["retired"] else "verifying"
            self.stdout.write(f"{key['key_id']:>3}  {state:<9}  {key['public_key']}")
