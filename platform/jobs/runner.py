"""The runner every job goes through.

It claims the job (marks it running, once), keeps its heartbeat fresh, turns
progress into row updates, and always leaves the row in a final state with the
reason when something fails. Redelivered messages are safe: a job that ended is
never run again, and a job another worker is running (fresh heartbeat) is left
alone.

Each claim is an attempt with a token of its own (the fence). Every write an
attempt makes to the row (progress, log lines, heartbeat, the final state, the
report and the package pointer) is conditional on that token still being the
job's current one. A worker that stalled (SIGSTOP, a VM pause, a long GC) past
the heartbeat timeout comes back to find its job given to another attempt: its
writes are refused, it stops its child, and removes what it uploaded. Packages
are written under the attempt's own prefix, so a stale attempt can never
overwrite the package the row points at.
"""

from __future__ import annotations

import logging
import math
import secrets
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Iterator

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import InterfaceError, OperationalError, close_old_connections, connection, transaction
from django.utils import timezone

from .events import job_finished
from .models import Job

logger = logging.getLogger(__name__)

PROGRESS_WRITE_INTERVAL_S = 0.5  # progress is for people: twice a second is plenty


class JobCancelled(Exception):
    pass


class AttemptSuperseded(Exception):
    """This attempt is no longer the job's current one: the reaper gave the job to another
    attempt while this one was silent. Nothing it does may reach the row or the package."""


class JobFailed(Exception):
    """The job cannot succeed; the message is the reason shown to its owner. `kind` names the
    compiler core's error type when it is the cause (e.g. NeedsExampleInputs)."""

    def __init__(self, message: str = "", *, kind: str = ""):
        super().__init__(message)
        self.kind = kind


@dataclass
class Deferred:
    """The job may not start yet (its owner is at the concurrency limit)."""

    reason: str


class JobContext:
    """What a running job's code may do to its own row: only while its attempt is current."""

    def __init__(self, job: Job):
        self.job = job
        self.attempt_token = job.attempt_token
        self._last_write = 0.0
        self.uploaded_prefixes: list[str] = []

    def _write(self, **fields) -> None:
        """Update the row if this attempt is still the job's current one; else raise AttemptSuperseded."""
        updated = Job.objects.filter(pk=self.job.pk, attempt_token=self.attempt_token,
                                     status=Job.Status.RUNNING).update(**fields)
        if not updated:
            raise AttemptSuperseded(f"job {self.job.pk}: attempt {self.job.attempts} was superseded")

    def log(self, message: str) -> None:
        # Lines carry their attempt, so that a job run twice reads as two attempts.
        line = f"{timezone.now().isoformat(timespec='seconds')} [attempt {self.job.attempts}] {message}"
        self._write(log=[*self.job.log, line], heartbeat_at=timezone.now())
        self.job.log = [*self.job.log, line]

    def _tolerating_database_outage(self, write) -> None:
        """Heartbeats and progress may miss a beat while the database restarts: the work goes on.
        If it stays away past the heartbeat timeout, the reaper gives the job to another attempt
        once it is back, and this one's next write is refused (fencing)."""
        try:
            write()
        except (OperationalError, InterfaceError) as exc:
            logger.warning("job %s: could not write to its row (%s); carrying on", self.job.pk, exc)
            if not connection.in_atomic_block:
                close_old_connections()  # a broken connection: the next write opens a fresh one

    def progress(self, stage: str, percent: int, message: str = "") -> None:
        percent = max(0, min(100, int(percent)))
        stage_changed = stage != self.job.stage
        if not stage_changed and time.monotonic() - self._last_write < PROGRESS_WRITE_INTERVAL_S:
            return
        self._last_write = time.monotonic()
        self.job.stage, self.job.progress = stage, max(self.job.progress, percent)

        def write() -> None:
            self._write(stage=stage, progress=self.job.progress, heartbeat_at=timezone.now())
            if stage_changed:
                self.log(f"[{stage}] {message}".rstrip())

        self._tolerating_database_outage(write)

    def time_budget(self, seconds: float) -> None:
        """The search's time budget as the compiler settled it: the job's clock counts down from it."""
        self.job.effective_time_budget_s = max(1, math.ceil(seconds))
        self._tolerating_database_outage(lambda: self._write(
            effective_time_budget_s=self.job.effective_time_budget_s, heartbeat_at=timezone.now()))

    def heartbeat(self) -> None:
        self._tolerating_database_outage(lambda: self._write(heartbeat_at=timezone.now()))

    def package_prefix(self) -> str:
        """Where this attempt writes its package: a prefix no other attempt writes to. It is
        published by the final conditional update (run_job), and removed if that is refused."""
        prefix = f"{package_root(job_id=self.job.pk)}/attempt-{self.attempt_token}"
        self.uploaded_prefixes.append(prefix)
        return prefix

    def cancel_requested(self) -> bool:
        return Job.objects.filter(pk=self.job.pk, cancel_requested=True).exists()


def package_root(*, job_id: int) -> str:
    """Every object of a job's packages (all its attempts, and exports of the published one) lies below this."""
    return f"packages/{job_id}"


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
        worker_class = hardware.get("hardware_class", "")
        if job.hardware_class and worker_class != job.hardware_class:
            # Delivered to a worker of another class (an operator's queue override, a message of the
            # plain queue): it is sent again to its own class's queue, never run here.
            return Deferred(f"the job targets class {job.hardware_class}; this worker is {worker_class or 'unclassed'}")
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
        job.attempt_token = f"{job.attempts}-{secrets.token_hex(6)}"
        job.started_at = job.started_at or timezone.now()
        job.heartbeat_at = timezone.now()
        job.error = ""
        job.save(update_fields=["status", "worker", "hardware", "attempts", "attempt_token", "started_at",
                                "heartbeat_at", "error", "log"])
        return job


def _finish(context: JobContext, status: str, **fields) -> bool:
    """The attempt's last write: one conditional update that ends the job (and, on success,
    publishes the package pointer). Returns False when the attempt was no longer current."""
    job = context.job
    job.status = status
    job.finished_at = timezone.now()
    for key, value in fields.items():
        setattr(job, key, value)
    # Only the current attempt of a job still running may finish it: a reaper,
    # a canceller or a newer attempt that got there first keeps its verdict. A
    # success is published only if no cancel was asked for meanwhile.
    current = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempt_token=context.attempt_token)
    if status == Job.Status.SUCCEEDED:
        current = current.filter(cancel_requested=False)
    updated = current.update(status=status, finished_at=job.finished_at, log=job.log, **fields)
    if updated:
        job_finished(job)
    else:
        logger.warning("job %s: attempt %s was no longer current (the job is now %s); its verdict is dropped",
                       job.pk, context.attempt_token, Job.objects.get(pk=job.pk).status)
    return bool(updated)


def _remove_uploads(context: JobContext, *, keep: str = "", whole_job: bool = False) -> None:
    """Remove what this attempt uploaded (with `whole_job`, what any attempt of the job left), but
    `keep`. The object store being down leaves orphans: they are never pointed at, and go with the
    job's model when it is purged."""
    from whetstone import objectstore

    try:
        if whole_job:
            keys = objectstore.list_keys(package_root(job_id=context.job.pk))
        else:
            keys = [key for prefix in context.uploaded_prefixes for key in objectstore.list_keys(prefix)]
        for key in keys:
            if not (keep and key.startswith(keep + "/")):
                objectstore.delete_key(key)
    except Exception:  # noqa: BLE001 - an unreachable store must not change the job's verdict
        logger.warning("job %s: could not remove its unpublished objects", context.job.pk, exc_info=True)


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
    try:
        context.log(f"started on {worker} (attempt {job.attempts})")
        yield context
    except AttemptSuperseded:
        logger.warning("job %s: attempt %s was superseded while it ran; it stops and publishes nothing",
                       job.pk, context.attempt_token)
        _remove_uploads(context)
        return
    except JobCancelled:
        _end(context, Job.Status.CANCELLED, "cancelled")
    except JobFailed as exc:
        _end(context, Job.Status.FAILED, f"failed: {str(exc).splitlines()[0] if str(exc) else 'error'}",
             error=str(exc))
    except BaseException as exc:  # noqa: BLE001 - the row must record every failure, time limits too
        _end(context, Job.Status.FAILED, f"failed: {type(exc).__name__}: {exc}",
             error=f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc()}")
        if not isinstance(exc, Exception):
            raise
    else:
        _end(context, Job.Status.SUCCEEDED, "succeeded", progress=100, report=job.report,
             package_prefix=job.package_prefix)


def _end(context: JobContext, status: str, line: str, **fields) -> None:
    """Log the end, finish the row, and keep only what the row now points at."""
    try:
        if status == Job.Status.SUCCEEDED and context.cancel_requested():
            # Asked after the last cancel check, while the package was being published:
            # a cancel that was accepted is honoured, and the package is removed.
            status, line, fields = Job.Status.CANCELLED, "cancelled", {}
        context.log(line)
        finished = _finish(context, status, **fields)
        if not finished and status == Job.Status.SUCCEEDED and context.cancel_requested():
            status, fields = Job.Status.CANCELLED, {}
            context.log("cancelled")
            finished = _finish(context, status)
    except AttemptSuperseded:
        finished = False
    # The attempt that ends the job clears what earlier attempts of it left (a worker killed while
    # uploading); one that was superseded removes only its own uploads.
    _remove_uploads(context, keep=fields.get("package_prefix", "") if finished else "", whole_job=finished)
