from django.core.management.base import BaseCommand

from modelhub.services import model_purge_deleted


class Command(BaseCommand):
    help = "Purge the objects and rows of every deleted model (the worker does this after each delete)."

    def handle(self, *args, **options):
        removed = model_purge_deleted()
        self.stdout.write(f"Removed {removed} objects of deleted models.")
