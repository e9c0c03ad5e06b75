"""A deployment whose message was lost (a broker hands a message to a worker killed that instant,
and it is gone) does not wait for good: the reaper sends it again, once per wait."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from deployments.models import Deployment
from deployments.services import deployment_reap
from jobs.models import Job
from modelhub.models import ModelVersion, RegisteredModel
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db


def deployment(user, status: str, *, idle_s: float) -> Deployment:
    model = RegisteredModel.objects.create(owner=user, name=f"m-{RegisteredModel.objects.count()}")
    version = ModelVersion.objects.create(model=model, number=1, storage_key="k", size_bytes=1, sha256="0" * 64)
    job = Job.objects.create(owner=user, model_version=version, recipe="lossless", status=Job.Status.SUCCEEDED)
    row = Deployment.objects.create(owner=user, job=job, name=f"d-{model.pk}", status=status)
    Deployment.objects.filter(pk=row.pk).update(updated_at=timezone.now() - timedelta(seconds=idle_s))
    return row


def sent() -> list[tuple[str, list]]:
    return [(m.task, m.args) for m in OutboxMessage.objects.order_by("id")]


def test_a_stuck_deployment_gets_its_message_again_once_per_wait(user, settings):
    settings.WHETSTONE_DEPLOYMENT_REDISPATCH_S = 60
    settings.SERVING_LOAD_TIMEOUT_S = 240
    pending = deployment(user, Deployment.Status.PENDING, idle_s=120)
    stopping = deployment(user, Deployment.Status.STOPPING, idle_s=120)
    deployment(user, Deployment.Status.PENDING, idle_s=5)  # its message may simply be on its way
    deployment(user, Deployment.Status.LOADING, idle_s=120)  # a load may take the engine's timeout
    loading_long = deployment(user, Deployment.Status.LOADING, idle_s=60 + 2 * 240 + 10)
    deployment(user, Deployment.Status.READY, idle_s=10_000)

    assert deployment_reap() == 3
    assert sorted(sent()) == sorted([("whetstone.deploy", [pending.pk]), ("whetstone.undeploy", [stopping.pk]),
                                     ("whetstone.deploy", [loading_long.pk])])
    # Sent just now: not again until another wait has passed.
    assert deployment_reap() == 0
    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(seconds=120))
    assert deployment_reap() == 2  # pending and stopping again; the long load waits its longer wait
