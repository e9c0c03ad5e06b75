import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand

from modelhub.services import official_models_seed


class Command(BaseCommand):
    help = "Build and register the official example models (image, speech, sentence classification). Idempotent."

    def handle(self, *args, **options):
        with tempfile.TemporaryDirectory() as work_dir:
            for name, outcome in official_models_seed(work_dir=Path(work_dir)):
                self.stdout.write(f"{name}: {outcome}")
