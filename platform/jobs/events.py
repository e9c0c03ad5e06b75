"""What happens when a job ends, wherever it ends (runner, reaper, cancel)."""

import logging

logger = logging.getLogger(__name__)


def job_finished(job) -> None:
    from notifications.services import webhook_enqueue_for_job

    try:
        webhook_enqueue_for_job(job=job)
    except Exception:  # noqa: BLE001 - a notification must never change a job's outcome
        logger.exception("could not enqueue webhooks for job %s", job.pk)
