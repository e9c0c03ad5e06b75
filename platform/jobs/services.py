"""Writes to jobs: create, run, cancel."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from whetstone import objectstore, taskqueue

from .models import Job
from .runner import JobCancelled, run_job

CANCEL_CHECK_INTERVAL_S = 1.0


class JobRejected(Exception):
    """The job cannot be created or changed; the message says why."""


def package_prefix(*, job_id: int) -> str:
    return f"packages/{job_id}"


def job_create(*, owner, model_version, recipe: str, options: dict, device: str = "cpu") -> Job:
    if device not in taskqueue.QUEUE_FOR_DEVICE:
        raise JobRejected(f"Unknown device {device!r}; choose one of {sorted(taskqueue.QUEUE_FOR_DEVICE)}.")
    with transaction.atomic():
        job = Job.objects.create(
            owner=owner, model_version=model_version, recipe=recipe, options=options, device=device
        )
        taskqueue.send_on_commit(
            taskqueue.OPTIMIZE_TASK, args=[job.id], queue=taskqueue.QUEUE_FOR_DEVICE[device]
        )
    return job


def job_cancel(*, job: Job) -> Job:
    """A queued job is cancelled at once; a running one is asked to stop and
    ends `cancelled` at its next check."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.is_final:
            raise JobRejected(f"The job already ended ({job.status}); there is nothing to cancel.")
        job.cancel_requested = True
        fields = ["cancel_requested"]
        if job.status == Job.Status.QUEUED:
            job.status, job.finished_at = Job.Status.CANCELLED, timezone.now()
            fields += ["status", "finished_at"]
        job.save(update_fields=fields)
    return job


def _cancel_checker(context):
    last = {"at": 0.0, "value": False}

    def should_cancel() -> bool:
        if time.monotonic() - last["at"] >= CANCEL_CHECK_INTERVAL_S:
            last["at"], last["value"] = time.monotonic(), context.cancel_requested()
        return last["value"]

    return should_cancel


def job_run_optimization(*, job_id: int, worker: str) -> None:
    """Download the model, run the compiler core, publish the package.

    Publishing is idempotent: the package always goes to the same prefix, any
    earlier partial upload there is removed first, and the row only points at
    the package once every file is stored.
    """
    from compiler_core import optimize
    from compiler_core.errors import Cancelled

    with run_job(job_id, worker=worker) as context:
        if context is None:
            return
        job = context.job
        with tempfile.TemporaryDirectory(prefix=f"whetstone-job-{job.id}-") as workdir:
            workdir = Path(workdir)
            context.progress("download", 1, f"fetching {job.model_version.storage_key}")
            model_path = objectstore.get_to_path(job.model_version.storage_key, workdir / "model.onnx")
            options = job.options or {}
            try:
                report = optimize(
                    model_path,
                    workdir / "package",
                    recipe=job.recipe,
                    accuracy_budget=options.get("accuracy_budget", 0.99),
                    shapes=options.get("shapes"),
                    time_budget_s=options.get("time_budget_s"),
                    progress=lambda stage, percent, message="": context.progress(
                        stage, 2 + int(percent * 0.94), message
                    ),
                    should_cancel=_cancel_checker(context),
                )
            except Cancelled as exc:
                raise JobCancelled() from exc
            context.progress("publish", 97, "uploading the package")
            prefix = package_prefix(job_id=job.id)
            objectstore.delete_prefix(prefix)
            objectstore.put_dir(prefix, workdir / "package")
            job.report = report
            job.package_prefix = prefix
            job.save(update_fields=["report", "package_prefix"])
            overall = (report or {}).get("overall", {})
            context.log(f"published {prefix} (speed-up {overall.get('speedup', '?')}x)")
