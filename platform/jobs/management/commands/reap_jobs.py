import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from jobs.services import job_reap

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Watch for jobs whose worker vanished (stale heartbeat) or whose message was lost, and "
        "requeue or fail them. Runs apart from the workers so that it keeps watching when one dies; "
        "run exactly one per deployment."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--interval", type=float, default=settings.WHETSTONE_REAPER_INTERVAL_S)

    def handle(self, *args, once: bool, interval: float, **options):
        self.stdout.write(f"job reaper: watching every {interval}s", ending="\n")
        self.stdout.flush()
        while True:
            try:
                counts = job_reap()
                if any(counts.values()):
                    logger.info("job reaper: %s", counts)
            except Exception:  # noqa: BLE001 - a database hiccup must not stop the watch
                logger.exception("job reaper pass failed")
            if once:
                return
            time.sleep(interval)
