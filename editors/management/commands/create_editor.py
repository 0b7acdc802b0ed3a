from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from editors import services


class Command(BaseCommand):
    help = (
        "Make EMAIL an editor: a staff account in the Editors group (an existing account is "
        "reused), and print a one-time link where they choose their password. No password is "
        "ever set or shown here."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The editor's email address; it is their username.")

    def handle(self, *args, email: str, **options) -> None:
        try:
            user, created = services.editor_get_or_create(email=email)
        except ValidationError as error:
            raise CommandError(f"“{email}” is not a valid email address.") from error
        except services.EditorsGroupMissing as error:
            raise CommandError(str(error)) from error

        lifetime = services.password_link_lifetime()
        days = lifetime.days
        lasts = f"{days} day{'s' if days != 1 else ''}" if days else f"{lifetime}"
        if created:
            self.stdout.write(f"Created the editor {user.username}.")
        else:
            self.stdout.write(f"{user.username} already had an account; it is now an editor.")
        self.stdout.write(f"Send them this link to choose a password (it works once, for {lasts}):")
        self.stdout.write(services.password_set_url(user=user))
