"""Writes to jobs: create, dispatch, run, cancel, reap."""

from __future__ import annotations

import json
import logging
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from whetstone import objectstore, taskqueue

from .events import job_finished
from .models import Job
from .runner import Deferred, JobCancelled, JobContext, heartbeat_is_fresh, run_job

logger = logging.getLogger(__name__)


class JobRejected(Exception):
    """The job cannot be created or changed; the message says why, `field` what it is about."""

    def __init__(self, message: str, *, field: str = "detail"):
        super().__init__(message)
        self.field = field


class CompileFn(Protocol):
    """Runs the compiler core on `model_path`, writing the package to `out_dir`.
    The worker provides it (a supervised child process); raises JobCancelled
    or JobFailed."""

    def __call__(self, *, model_path: Path, out_dir: Path, options: dict, workdir: Path,
                 context: JobContext) -> None: ...


def package_prefix(*, job_id: int) -> str:
    return f"packages/{job_id}"


def _time_limits(recipe: str) -> tuple[int, int]:
    soft = settings.WHETSTONE_JOB_SOFT_TIME_LIMITS_S.get(recipe, settings.WHETSTONE_JOB_SOFT_TIME_LIMITS_S["auto"])
    return soft, soft + settings.WHETSTONE_JOB_HARD_TIME_LIMIT_GRACE_S


def job_dispatch(*, job: Job, countdown: float | None = None) -> bool:
    """Send the job's message. The row records when it was sent; a job whose
    message could not be sent (broker down) is sent again by the reaper."""
    soft, hard = _time_limits(job.recipe)
    try:
        taskqueue.send(
            taskqueue.OPTIMIZE_TASK, args=[job.id], queue=taskqueue.QUEUE_FOR_DEVICE[job.device],
            priority=job.priority, countdown=countdown, soft_time_limit=soft, time_limit=hard,
        )
    except Exception as exc:  # noqa: BLE001 - the broker may be down; the reaper retries
        logger.warning("could not send job %s to the broker (%s); the reaper will retry", job.id, exc)
        return False
    Job.objects.filter(pk=job.pk).update(dispatched_at=timezone.now())
    return True


# What the compiler core reads: ONNX, and TorchScript / PyTorch files through its
# sandboxed front end. TensorFlow needs a converter this platform does not ship.
OPTIMIZABLE_FORMATS = {"onnx", "torchscript", "pytorch"}


def calibration_validate(*, model_version, files: list) -> None:
    """Refuse calibration data the optimizer could not use, before anything is stored."""
    import numpy as np

    inputs = sorted(spec["name"] for spec in (model_version.signature or {}).get("inputs", []))
    total = 0
    for upload in files:
        total += upload.size
        if total > settings.WHETSTONE_MAX_CALIBRATION_BYTES:
            raise JobRejected(f"Calibration data is larger than {settings.WHETSTONE_MAX_CALIBRATION_BYTES} bytes.",
                              field="calibration")
        if not upload.name.lower().endswith(".npz"):
            raise JobRejected(f"{upload.name} is not an .npz file; calibration data is numpy .npz files, "
                              f"each holding arrays named {inputs}.", field="calibration")
        try:
            with np.load(upload, allow_pickle=False) as arrays:  # never unpickle user data
                missing = sorted(set(inputs) - set(arrays.files))
        except Exception as exc:  # noqa: BLE001 - any unreadable file gets the same clear answer
            raise JobRejected(f"{upload.name} is not a readable .npz file ({exc}).", field="calibration") from exc
        finally:
            upload.seek(0)
        if missing:
            raise JobRejected(f"{upload.name} lacks the inputs {missing}; each .npz must hold arrays named {inputs}.",
                              field="calibration")


def calibration_prefix(*, job: Job) -> str:
    # Under the model's prefix, so that deleting the model purges it too.
    return f"models/{job.model_version.model_id}/calibration/job-{job.id}"


def job_create(*, owner, model_version, recipe: str, options: dict, device: str = "cpu", priority: int = 0,
               calibration: list | None = None) -> Job:
    if device not in taskqueue.QUEUE_FOR_DEVICE:
        raise JobRejected(f"Unknown device {device!r}; choose one of {sorted(taskqueue.QUEUE_FOR_DEVICE)}.",
                          field="device")
    if model_version.format not in OPTIMIZABLE_FORMATS:
        raise JobRejected(
            f"Version {model_version.number} is a {model_version.get_format_display()} model; the optimizer reads "
            f"{', '.join(sorted(OPTIMIZABLE_FORMATS))}. Convert it to ONNX (e.g. with tf2onnx) and register that.",
            field="model",
        )
    if calibration:
        calibration_validate(model_version=model_version, files=calibration)
    with transaction.atomic():
        job = Job.objects.create(
            owner=owner, model_version=model_version, recipe=recipe, options=options, device=device,
            priority=priority,
        )
        if calibration:
            prefix = calibration_prefix(job=job)
            try:
                for index, upload in enumerate(calibration):
                    objectstore.put_stream(f"{prefix}/batch-{index:03d}.npz", upload)
            except Exception:
                objectstore.delete_prefix(prefix)  # the row rolls back; leave no objects either
                raise
            job.options = {**options, "calibration_prefix": prefix}
            job.save(update_fields=["options"])
        # After commit, so a worker never picks up a row it cannot read yet.
        transaction.on_commit(lambda: job_dispatch(job=job))
    return job


def job_cancel(*, job: Job) -> Job:
    """A queued job is cancelled at once and never starts; a running one is
    asked to stop and ends `cancelled` within seconds."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.is_final:
            raise JobRejected(f"The job already ended ({job.status}); there is nothing to cancel.")
        job.cancel_requested = True
        fields = ["cancel_requested"]
        if job.status == Job.Status.QUEUED:
            job.status, job.finished_at = Job.Status.CANCELLED, timezone.now()
            fields += ["status", "finished_at"]
            transaction.on_commit(lambda: job_finished(job))
        job.save(update_fields=fields)
    return job


def job_run_optimization(*, job_id: int, worker: str, hardware: dict, compile_model: CompileFn) -> Deferred | None:
    """Download the model, compile it, publish the package.

    Publishing is idempotent: the package always goes to the same prefix, any
    earlier partial upload there is removed first, and the row only points at
    the package once every file is stored. Returns Deferred when the job must
    wait for a slot (the caller sends it again later).
    """
    with run_job(job_id, worker=worker, hardware=hardware) as context:
        if not isinstance(context, JobContext):
            return context
        job = context.job
        with tempfile.TemporaryDirectory(prefix=f"whetstone-job-{job.id}-") as workdir:
            workdir = Path(workdir)
            version = job.model_version
            context.progress("download", 1, f"fetching {version.storage_key}")
            # Every file of the version (ONNX external data lies beside the main file).
            model_dir = objectstore.get_dir(version.storage_prefix, workdir / "model")
            model_path = model_dir / version.storage_key[len(version.storage_prefix) + 1:]
            if not model_path.is_file():  # a store that cannot list: fetch the main file alone
                model_path = objectstore.get_to_path(version.storage_key, model_path)
            options = {"recipe": job.recipe, **(job.options or {})}
            if options.get("calibration_prefix"):
                context.progress("download", 1, "fetching the calibration data")
                options["calibration_dir"] = str(objectstore.get_dir(options["calibration_prefix"],
                                                                      workdir / "calibration"))
            compile_model(model_path=model_path, out_dir=workdir / "package", options=options, workdir=workdir,
                          context=context)
            if context.cancel_requested():
                raise JobCancelled()  # a cancelled job publishes nothing
            context.progress("publish", 97, "uploading the package")
            prefix = package_prefix(job_id=job.id)
            objectstore.delete_prefix(prefix)
            objectstore.put_dir(prefix, workdir / "package")
            job.report = json.loads((workdir / "package" / "report.json").read_text())
            job.package_prefix = prefix
            overall = job.report.get("overall", {})
            context.log(f"published {prefix} (speed-up {overall.get('speedup', '?')}x)")
    return None


def job_reap() -> dict[str, int]:
    """Find jobs whose worker vanished or whose message was lost, and act once:
    requeue (up to the attempt limit), then fail with the reason."""
    now = timezone.now()
    counts = {"requeued": 0, "failed": 0, "redispatched": 0}
    stale_before = now - timedelta(seconds=settings.WHETSTONE_HEARTBEAT_TIMEOUT_S)
    for job in Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=stale_before):
        with transaction.atomic():
            job = Job.objects.select_for_update().get(pk=job.pk)
            if job.status != Job.Status.RUNNING or heartbeat_is_fresh(job):
                continue
            stamp = now.isoformat(timespec="seconds")
            if job.attempts >= settings.WHETSTONE_JOB_MAX_ATTEMPTS:
                job.status, job.finished_at = Job.Status.FAILED, now
                job.error = (f"The worker running this job ({job.worker}) stopped answering "
                             f"(no heartbeat since {job.heartbeat_at.isoformat(timespec='seconds')}), "
                             f"after {job.attempts} attempts.")
                job.log = [*job.log, f"{stamp} worker {job.worker} lost; failed after {job.attempts} attempts"]
                job.save(update_fields=["status", "finished_at", "error", "log"])
                transaction.on_commit(lambda job=job: job_finished(job))
                counts["failed"] += 1
                continue
            job.status, job.stage, job.dispatched_at = Job.Status.QUEUED, "requeued", None
            job.log = [*job.log, f"{stamp} worker {job.worker} lost (no heartbeat); requeued"]
            job.save(update_fields=["status", "stage", "dispatched_at", "log"])
            transaction.on_commit(lambda job=job: job_dispatch(job=job))
            counts["requeued"] += 1
    for job in _presumed_lost_messages(now):
        if job_dispatch(job=job):
            counts["redispatched"] += 1
    return counts



def _presumed_lost_messages(now) -> list[Job]:
    """Queued jobs whose message is probably gone (a broker restart can drop
    messages a worker had reserved). Sending one again is always safe: a
    duplicate delivery finds the job running or ended and does nothing.

    A queued job's message is presumed lost when
    - it was never sent (the broker was down when the job was created);
    - a job sent after it, on the same device at no higher priority, has
      already started: the queue has moved past it;
    - nothing of its device is running, yet it has waited past the idle grace;
    - or it has waited past the absolute limit.
    """
    queued = Job.objects.filter(status=Job.Status.QUEUED, cancel_requested=False)
    lost = list(queued.filter(dispatched_at__isnull=True, created_at__lt=now - timedelta(seconds=5)))
    waiting = list(queued.filter(dispatched_at__lt=now - timedelta(seconds=settings.WHETSTONE_LOST_MESSAGE_GRACE_S)))
    if not waiting:
        return lost
    running_devices = set(Job.objects.filter(status=Job.Status.RUNNING).values_list("device", flat=True))
    # One query for the whole pass: the latest send of a job that started, per device and priority.
    latest_started = {
        (row["device"], row["priority"]): row["latest"]
        for row in Job.objects.filter(started_at__isnull=False, dispatched_at__isnull=False)
        .values("device", "priority").annotate(latest=Max("dispatched_at"))
    }
    for job in waiting:
        overtaken = any(
            device == job.device and priority <= job.priority and latest > job.dispatched_at + timedelta(seconds=1)
            for (device, priority), latest in latest_started.items()
        )
        idle_too_long = job.device not in running_devices and job.dispatched_at < now - timedelta(
            seconds=settings.WHETSTONE_IDLE_REDISPATCH_S)
        too_old = job.dispatched_at < now - timedelta(seconds=settings.WHETSTONE_REDISPATCH_AFTER_S)
        if overtaken or idle_too_long or too_old:
            lost.append(job)
    return lost
