"""Writes to deployments. Loading and unloading run on a worker that can reach
the serving engine's model repository; the web process only records intent."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction

from jobs.models import Job
from whetstone import objectstore, taskqueue

from .models import Deployment


class DeploymentRejected(Exception):
    pass


def deployment_create(*, owner, job: Job) -> Deployment:
    if job.status != Job.Status.SUCCEEDED or not job.package_prefix:
        raise DeploymentRejected(f"Job {job.pk} has no package to deploy (status: {job.status}).")
    with transaction.atomic():
        deployment = Deployment.objects.create(
            owner=owner, job=job, name=f"m{job.model_version.model_id}-j{job.pk}-{uuid.uuid4().hex[:6]}"
        )
        taskqueue.send_on_commit(taskqueue.DEPLOY_TASK, args=[deployment.pk], queue=taskqueue.SERVING_QUEUE)
    return deployment


def deployment_stop(*, deployment: Deployment) -> Deployment:
    if deployment.status in (Deployment.Status.STOPPING, Deployment.Status.STOPPED):
        return deployment
    with transaction.atomic():
        deployment.status = Deployment.Status.STOPPING
        deployment.save(update_fields=["status", "updated_at"])
        taskqueue.send_on_commit(taskqueue.UNDEPLOY_TASK, args=[deployment.pk], queue=taskqueue.SERVING_QUEUE)
    return deployment


def _set(deployment: Deployment, status: str, message: str = "") -> None:
    deployment.status, deployment.message = status, message
    deployment.save(update_fields=["status", "message", "updated_at"])


def deployment_load(*, deployment_id: int) -> None:
    """Stage the package in the engine's model repository and load it."""
    from deploy.serving.repository import ServingClient, ServingError, deploy_package

    deployment = Deployment.objects.select_related("job").filter(pk=deployment_id).first()
    if deployment is None or deployment.status != Deployment.Status.PENDING:
        return  # gone, or already handled by an earlier delivery of this message
    _set(deployment, Deployment.Status.LOADING)
    try:
        with tempfile.TemporaryDirectory(prefix=f"whetstone-deploy-{deployment.pk}-") as workdir:
            package_dir = objectstore.get_dir(deployment.job.package_prefix, Path(workdir) / "package")
            # Stages and loads; a package the engine refuses is unstaged again, so
            # that it cannot stop the engine at its next start.
            deploy_package(ServingClient(settings.SERVING_URL), package_dir, settings.SERVING_MODEL_ROOT,
                           deployment.name)
    except ServingError as exc:
        _set(deployment, Deployment.Status.FAILED, f"The serving engine could not load the package: {exc}")
        return
    except Exception as exc:  # noqa: BLE001 - the row must say why, whatever broke
        _set(deployment, Deployment.Status.FAILED, f"{type(exc).__name__}: {exc}")
        raise
    _set(deployment, Deployment.Status.READY)


def deployment_unload(*, deployment_id: int) -> None:
    from deploy.serving.repository import ServingClient, ServingError, remove_staged

    deployment = Deployment.objects.filter(pk=deployment_id).first()
    if deployment is None or deployment.status == Deployment.Status.STOPPED:
        return
    message = ""
    try:
        ServingClient(settings.SERVING_URL).unload(deployment.name)
    except ServingError as exc:
        message = f"unload: {exc}"  # not loaded (e.g. it had failed): nothing to free
    remove_staged(settings.SERVING_MODEL_ROOT, deployment.name)
    _set(deployment, Deployment.Status.STOPPED, message)
