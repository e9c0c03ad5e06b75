import os

from django.core.management.base import BaseCommand

from accounts.services import user_ensure_admin


class Command(BaseCommand):
    help = "Create the first admin account (password from WHETSTONE_ADMIN_PASSWORD, or generated and printed)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("WHETSTONE_ADMIN_USER", "admin"))

    def handle(self, *args, username, **options):
        password = os.environ.get("WHETSTONE_ADMIN_PASSWORD")
        _, generated = user_ensure_admin(username=username, password=password)
        if generated:
            self.stdout.write(f"Created admin account: username={username} password={generated}")
        elif password:
            self.stdout.write(f"Admin account: username={username} (password from WHETSTONE_ADMIN_PASSWORD)")
        else:
            self.stdout.write(f"Admin account {username} already exists (password unchanged).")
