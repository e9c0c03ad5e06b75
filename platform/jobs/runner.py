"""The runner every job goes through: it marks the job running, turns progress
callbacks into row updates, and always leaves the row in a final state with
the reason (traceback included) when something fails."""

from __future__ import annotations

import logging
import time
import traceback
from contextlib import contextmanager
from typing import Iterator

from django.db import transaction
from django.utils import timezone

from .models import Job

logger = logging.getLogger(__name__)

PROGRESS_WRITE_INTERVAL_S = 0.5  # progress is for people: twice a second is plenty


class JobCancelled(Exception):
    pass


class JobContext:
    """What a running job's code may do to its own row."""

    def __init__(self, job: Job):
        self.job = job
        self._last_write = 0.0

    def log(self, message: str) -> None:
        line = f"{timezone.now().isoformat(timespec='seconds')} {message}"
        self.job.log = [*self.job.log, line]
        Job.objects.filter(pk=self.job.pk).update(log=self.job.log, heartbeat_at=timezone.now())

    def progress(self, stage: str, percent: int, message: str = "") -> None:
        percent = max(0, min(100, int(percent)))
        stage_changed = stage != self.job.stage
        if not stage_changed and time.monotonic() - self._last_write < PROGRESS_WRITE_INTERVAL_S:
            return
        self._last_write = time.monotonic()
        self.job.stage, self.job.progress = stage, max(self.job.progress, percent)
        Job.objects.filter(pk=self.job.pk).update(
            stage=stage, progress=self.job.progress, heartbeat_at=timezone.now()
        )
        if stage_changed:
            self.log(f"[{stage}] {message}".rstrip())

    def cancel_requested(self) -> bool:
        return Job.objects.filter(pk=self.job.pk, cancel_requested=True).exists()


def _claim(job_id: int, worker: str) -> Job | None:
    """Mark the job running, unless it already ended (a redelivered message for a
    finished job must not run it again)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            logger.warning("job %s does not exist; nothing to run", job_id)
            return None
        if job.is_final:
            logger.info("job %s already %s; not running it again", job_id, job.status)
            return None
        if job.cancel_requested:
            job.status, job.finished_at = Job.Status.CANCELLED, timezone.now()
            job.save(update_fields=["status", "finished_at"])
            return None
        job.status = Job.Status.RUNNING
        job.worker = worker
        job.attempts += 1
        job.started_at = job.started_at or timezone.now()
        job.heartbeat_at = timezone.now()
        job.error = ""
        job.save(update_fields=["status", "worker", "attempts", "started_at", "heartbeat_at", "error"])
        return job


def _finish(job: Job, status: str, **fields) -> None:
    job.status = status
    job.finished_at = timezone.now()
    for key, value in fields.items():
        setattr(job, key, value)
    job.save(update_fields=["status", "finished_at", *fields])


@contextmanager
def run_job(job_id: int, *, worker: str) -> Iterator[JobContext | None]:
    """Yields a JobContext for a job that should run now, or None when it should not."""
    job = _claim(job_id, worker)
    if job is None:
        yield None
        return
    context = JobContext(job)
    context.log(f"started on {worker} (attempt {job.attempts})")
    try:
        yield context
    except JobCancelled:
        context.log("cancelled")
        _finish(job, Job.Status.CANCELLED)
    except BaseException as exc:  # noqa: BLE001 - the row must record every failure, even a time limit
        context.log(f"failed: {exc}")
        _finish(job, Job.Status.FAILED, error=f"{exc}\n\n{traceback.format_exc()}")
        if not isinstance(exc, Exception):
            raise
    else:
        if job.status == Job.Status.RUNNING:
            context.log("succeeded")
            _finish(job, Job.Status.SUCCEEDED, progress=100)
