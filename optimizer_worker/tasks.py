"""Tasks take an id and call one service. All state lives in the rows."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from .celery_app import app


def _compile_in_child(*, model_path: Path, out_dir: Path, options: dict, workdir: Path, context) -> None:
    from jobs.runner import JobCancelled, JobFailed
    from jobs.services import job_time_limits

    from . import isolation
    from .child_process import ChildCallbacks, ChildCancelled, ChildFailed, run_compile_child

    _, hard_limit_s = job_time_limits(options.get("recipe", "auto"))
    read_only = tuple(Path(options[key]) for key in ("calibration",) if options.get(key))
    try:
        run_compile_child(
            model_path=model_path, out_dir=out_dir, options=options, workdir=workdir,
            callbacks=ChildCallbacks(progress=context.progress, heartbeat=context.heartbeat,
                                     cancel_requested=context.cancel_requested, time_budget=context.time_budget),
            heartbeat_interval_s=settings.WHETSTONE_HEARTBEAT_INTERVAL_S, read_only=read_only,
            owner_id=context.job.owner_id,
            # CPU time adds up over threads: the wall-clock limit times every core.
            limits=isolation.default_limits(cpu_seconds=int(hard_limit_s * (os.cpu_count() or 1))),
        )
    except ChildCancelled as exc:
        raise JobCancelled() from exc
    except ChildFailed as exc:
        raise JobFailed(str(exc), kind=exc.kind) from exc
    except SoftTimeLimitExceeded as exc:
        raise JobFailed(f"The job ran past its time limit for recipe {options.get('recipe')!r}.") from exc


@app.task(name="whetstone.optimize", bind=True, acks_late=True, reject_on_worker_lost=True)
def optimize(self, job_id: int) -> None:
    from compiler_core.hardware import describe_hardware
    from jobs.models import Job
    from jobs.runner import Deferred
    from jobs.services import job_dispatch, job_run_optimization

    outcome = job_run_optimization(
        job_id=job_id,
        worker=self.request.hostname or socket.gethostname(),
        hardware=describe_hardware(),
        compile_model=_compile_in_child,
    )
    if isinstance(outcome, Deferred):
        job_dispatch(job=Job.objects.get(pk=job_id), countdown=settings.WHETSTONE_DEFER_COUNTDOWN_S)


@app.task(name="whetstone.deploy", acks_late=True, reject_on_worker_lost=True, soft_time_limit=600, time_limit=660)
def deploy(deployment_id: int) -> None:
    """First load of a pending deployment, or the roll-out of an updating one's newer package."""
    from deployments.services import deployment_load

    deployment_load(deployment_id=deployment_id)


@app.task(name="whetstone.undeploy", acks_late=True, reject_on_worker_lost=True, soft_time_limit=120, time_limit=180)
def undeploy(deployment_id: int) -> None:
    from deployments.services import deployment_unload

    deployment_unload(deployment_id=deployment_id)


# notifications.services.ATTEMPT_LIMIT_S, and a hard limit well inside its CLAIM_S (a test holds them so).
@app.task(name="whetstone.deliver_webhook", acks_late=True, soft_time_limit=15, time_limit=20)
def deliver_webhook(delivery_id: int) -> None:
    from notifications.services import webhook_deliver, webhook_retry_later

    wait = webhook_deliver(delivery_id=delivery_id)
    if wait is not None:
        # Through the outbox, like every message: a retry sent while the broker is away waits for it.
        webhook_retry_later(delivery_id=delivery_id, countdown=wait)
