"""The runner every job goes through.

It claims the job (marks it running, once), keeps its heartbeat fresh, turns
progress into row updates, and always leaves the row in a final state with the
reason when something fails. Redelivered messages are safe: a job that ended is
never run again, and a job another worker is running (fresh heartbeat) is left
alone.
"""

from __future__ import annotations

import logging
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Iterator

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .events import job_finished
from .models import Job

logger = logging.getLogger(__name__)

PROGRESS_WRITE_INTERVAL_S = 0.5  # progress is for people: twice a second is plenty


class JobCancelled(Exception):
    pass


class JobFailed(Exception):
    """The job cannot succeed; the message is the reason shown to its owner."""


@dataclass
class Deferred:
    """The job may not start yet (its owner is at the concurrency limit)."""

    reason: str


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

    def heartbeat(self) -> None:
        Job.objects.filter(pk=self.job.pk).update(heartbeat_at=timezone.now())

    def cancel_requested(self) -> bool:
        return Job.objects.filter(pk=self.job.pk, cancel_requested=True).exists()


def heartbeat_is_fresh(job: Job) -> bool:
    if job.heartbeat_at is None:
        return False
    return timezone.now() - job.heartbeat_at < timedelta(seconds=settings.WHETSTONE_HEARTBEAT_TIMEOUT_S)


def _claim(job_id: int, worker: str, hardware: dict) -> Job | Deferred | None:
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            logger.warning("job %s does not exist; nothing to run", job_id)
            return None
        if job.is_final:
            logger.info("job %s already %s; not running it again", job_id, job.status)
            return None
        if job.status == Job.Status.RUNNING and heartbeat_is_fresh(job):
            logger.info("job %s is running on %s; this delivery is a duplicate", job_id, job.worker)
            return None
        if job.cancel_requested:
            job.status, job.finished_at = Job.Status.CANCELLED, timezone.now()
            job.save(update_fields=["status", "finished_at"])
            transaction.on_commit(lambda: job_finished(job))
            return None
        if job.status == Job.Status.RUNNING:  # its worker vanished: this delivery takes it over
            job.log = [*job.log, f"{timezone.now().isoformat(timespec='seconds')} worker {job.worker} lost; taken over"]
        if job.attempts >= settings.WHETSTONE_JOB_MAX_ATTEMPTS:
            job.status, job.finished_at = Job.Status.FAILED, timezone.now()
            job.error = f"The job was started {job.attempts} times and its worker was lost each time."
            job.save(update_fields=["status", "finished_at", "error", "log"])
            transaction.on_commit(lambda: job_finished(job))
            return None
        limit = settings.WHETSTONE_MAX_RUNNING_JOBS_PER_USER
        if limit:
            # Lock the owner's row so that two workers cannot both take the last slot.
            get_user_model().objects.select_for_update().filter(pk=job.owner_id).first()
            running = Job.objects.filter(owner_id=job.owner_id, status=Job.Status.RUNNING).exclude(pk=job.pk).count()
            if running >= limit:
                return Deferred(f"{running} of the owner's jobs are running (limit {limit})")
        job.status = Job.Status.RUNNING
        job.worker = worker
        job.hardware = hardware
        job.attempts += 1
        job.started_at = job.started_at or timezone.now()
        job.heartbeat_at = timezone.now()
        job.error = ""
        job.save(update_fields=["status", "worker", "hardware", "attempts", "started_at", "heartbeat_at", "error", "log"])
        return job


def _finish(job: Job, status: str, **fields) -> None:
    job.status = status
    job.finished_at = timezone.now()
    for key, value in fields.items():
        setattr(job, key, value)
    # Only a job still running may be finished here: a reaper or a canceller
    # that got there first keeps its verdict.
    updated = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, worker=job.worker).update(
        status=status, finished_at=job.finished_at, log=job.log, **fields
    )
    if updated:
        job_finished(job)
    else:
        logger.warning("job %s was no longer ours to finish (now %s)", job.pk, Job.objects.get(pk=job.pk).status)


@contextmanager
def run_job(job_id: int, *, worker: str, hardware: dict) -> Iterator[JobContext | Deferred | None]:
    """Yields a JobContext for a job that should run now, a Deferred when it must
    wait, or None when it must not run."""
    claimed = _claim(job_id, worker, hardware)
    if not isinstance(claimed, Job):
        yield claimed
        return
    job = claimed
    context = JobContext(job)
    context.log(f"started on {worker} (attempt {job.attempts})")
    try:
        yield context
    except JobCancelled:
        context.log("cancelled")
        _finish(job, Job.Status.CANCELLED)
    except JobFailed as exc:
        context.log(f"failed: {str(exc).splitlines()[0] if str(exc) else 'error'}")
        _finish(job, Job.Status.FAILED, error=str(exc))
    except BaseException as exc:  # noqa: BLE001 - the row must record every failure, time limits too
        context.log(f"failed: {type(exc).__name__}: {exc}")
        _finish(job, Job.Status.FAILED, error=f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc()}")
        if not isinstance(exc, Exception):
            raise
    else:
        context.log("succeeded")
        _finish(job, Job.Status.SUCCEEDED, progress=100, report=job.report, package_prefix=job.package_prefix)
