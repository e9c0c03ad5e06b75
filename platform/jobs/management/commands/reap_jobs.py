import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from deployments.services import deployment_reap, deployment_traffic_sample
from jobs.services import job_reap, job_sweep_orphans
from modelhub.services import model_purge_reap, model_sweep_orphans, model_version_reap
from notifications.services import webhook_reap
from outbox.services import outbox_flush

logger = logging.getLogger(__name__)
# Counts a pass returns every time that are not news: not logged.
ROUTINE_COUNTS = {"waiting", "sampled"}


class Command(BaseCommand):
    help = (
        "Watch for jobs whose worker vanished (stale heartbeat) or whose message was lost, and "
        "requeue or fail them; send again the lost messages of deployments, webhook deliveries, model "
        "purges and inspections; send the outbox's messages that wait for the broker; and sweep objects "
        "that no row points at (uploads cut off mid-way) once they are old; and sample the serving "
        "engine's counters for each served deployment's traffic history. Runs apart "
        "from the workers so that it keeps watching when one dies; run exactly one per deployment."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--interval", type=float, default=settings.WHETSTONE_REAPER_INTERVAL_S)
        parser.add_argument("--outbox-interval", type=float, default=settings.WHETSTONE_OUTBOX_INTERVAL_S)
        parser.add_argument("--traffic-interval", type=float, default=settings.WHETSTONE_TRAFFIC_SAMPLE_INTERVAL_S)

    def handle(self, *args, once: bool, interval: float, outbox_interval: float, traffic_interval: float, **options):
        self.stdout.write(f"job reaper: watching every {interval}s", ending="\n")
        self.stdout.flush()
        next_reap = 0.0
        next_sweep = time.monotonic() + settings.WHETSTONE_SWEEP_INTERVAL_S
        next_sample = 0.0
        while True:
            if time.monotonic() >= next_reap:
                next_reap = time.monotonic() + interval
                self._pass("job reaper", job_reap)
                self._pass("deployment reaper", lambda: {"sent again": deployment_reap()})
                self._pass("webhook reaper", lambda: {"sent again": webhook_reap()})
                self._pass("purge reaper", lambda: {"sent again": model_purge_reap()})
                self._pass("inspection reaper", lambda: {"sent again": model_version_reap()})
            if time.monotonic() >= next_sweep:
                next_sweep = time.monotonic() + settings.WHETSTONE_SWEEP_INTERVAL_S
                self._pass("storage sweeper", _sweep)
            # One process samples, so a deployment gets one series however many web processes
            # and workers run; there is no Celery beat, and sampling only while someone reads the
            # page would leave the history empty exactly when nobody watched.
            if time.monotonic() >= next_sample:
                next_sample = time.monotonic() + traffic_interval
                self._pass("traffic sampler", deployment_traffic_sample)
            # The outbox is flushed more often: requests answered during a broker outage
            # wait for it, and should go as soon as the broker is back.
            self._pass("outbox", outbox_flush)
            if once:
                return
            time.sleep(min(outbox_interval, max(0.0, min(next_reap, next_sample) - time.monotonic())))

    @staticmethod
    def _pass(name: str, work) -> None:
        try:
            counts = work()
            if any(value for key, value in counts.items() if key not in ROUTINE_COUNTS):
                logger.info("%s: %s", name, counts)
        except Exception:  # noqa: BLE001 - a database hiccup must not stop the watch
            logger.exception("%s pass failed", name)
            # A database restart leaves this long-lived process a closed connection, which Django
            # only replaces between requests: without this, every later pass fails the same way.
            close_old_connections()


def _sweep() -> dict[str, int]:
    older_than = timedelta(seconds=settings.WHETSTONE_ORPHAN_AGE_S)
    return {"packages": job_sweep_orphans(older_than=older_than), "models": model_sweep_orphans(older_than=older_than)}
