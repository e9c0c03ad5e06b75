"""Delete: the model disappears at once; a worker task purges its objects, and
nothing is left orphaned in storage."""

from __future__ import annotations

import io

import pytest

from deployments.models import Deployment
from jobs.models import Job
from modelhub import tasks
from modelhub.models import ModelVersion, RegisteredModel
from tests.support.models import tiny_mlp
from whetstone import objectstore

pytestmark = pytest.mark.django_db


def files_under(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def enqueued(monkeypatch) -> list:
    sent = []
    monkeypatch.setattr("modelhub.services.send_on_commit",
                        lambda name, *, args, queue, **options: sent.append((name, args, queue)))
    return sent


def test_delete_hides_at_once_and_the_purge_leaves_nothing(api, user, tmp_path, local_object_store, enqueued):
    content = tiny_mlp(tmp_path / "m.onnx").read_bytes()
    keep = api.post("/api/v1/models/", {"file": io.BytesIO(content), "name": "keep"}, format="multipart").json()
    model = api.post("/api/v1/models/", {"file": io.BytesIO(content), "name": "doomed"}, format="multipart").json()
    api.post(f"/api/v1/models/{model['id']}/versions/", {"file": io.BytesIO(content)}, format="multipart")
    version = ModelVersion.objects.get(model_id=model["id"], number=1)
    job = Job.objects.create(owner=user, model_version=version, recipe="lossless", status=Job.Status.SUCCEEDED,
                             package_prefix=f"packages/{version.pk}-job")
    objectstore.put_stream(f"{job.package_prefix}/model.onnx", io.BytesIO(content))
    before = files_under(local_object_store)
    assert len(before) == 4  # keep v1, doomed v1 + v2, the job's package

    assert api.delete(f"/api/v1/models/{model['id']}/").status_code == 204
    assert api.get(f"/api/v1/models/{model['id']}/").status_code == 404
    assert [m["id"] for m in api.get("/api/v1/models/").json()["results"]] == [keep["id"]]
    assert api.get(f"/api/v1/models/{model['id']}/versions/").status_code == 404
    assert api.post(f"/api/v1/models/{model['id']}/optimizations/", {"recipe": "lossless"},
                    format="json").status_code == 404
    # the name is free again at once
    again = api.post("/api/v1/models/", {"file": io.BytesIO(content), "name": "doomed"}, format="multipart")
    assert again.status_code == 201, again.content
    assert enqueued == [("whetstone.modelhub.purge", [model["id"]], "cpu")]

    tasks.purge_model(model["id"])  # what the worker runs

    assert not RegisteredModel.objects.filter(pk=model["id"]).exists()
    assert not Job.objects.filter(pk=job.pk).exists()
    remaining = set(files_under(local_object_store))
    expected = {ModelVersion.objects.get(model_id=m).storage_key for m in (keep["id"], again.json()["id"])}
    assert remaining == expected  # nothing orphaned: every object left belongs to a live version
    tasks.purge_model(model["id"])  # idempotent


def test_a_deployed_model_cannot_be_deleted(api, user, tmp_path, enqueued):
    content = tiny_mlp(tmp_path / "m.onnx").read_bytes()
    model = api.post("/api/v1/models/", {"file": io.BytesIO(content), "name": "served"}, format="multipart").json()
    job = Job.objects.create(owner=user, model_version=ModelVersion.objects.get(), recipe="lossless",
                             status=Job.Status.SUCCEEDED)
    Deployment.objects.create(owner=user, job=job, name="served-1", status=Deployment.Status.READY)
    response = api.delete(f"/api/v1/models/{model['id']}/")
    assert response.status_code == 409 and "served-1" in response.json()["detail"]
    assert api.get(f"/api/v1/models/{model['id']}/").status_code == 200 and enqueued == []


def test_the_sweep_purges_deletions_whose_message_was_lost(api, tmp_path, local_object_store, enqueued):
    from django.core.management import call_command

    content = tiny_mlp(tmp_path / "m.onnx").read_bytes()
    model = api.post("/api/v1/models/", {"file": io.BytesIO(content), "name": "lost"}, format="multipart").json()
    api.delete(f"/api/v1/models/{model['id']}/")
    call_command("modelhub_purge")
    assert files_under(local_object_store) == [] and RegisteredModel.objects.count() == 0


def test_the_reaper_sends_a_lost_purge_again_later_and_later_and_never_while_one_waits(api, tmp_path, settings,
                                                                                      local_object_store):
    """The outbox as it is (no fake): the delete's message is written with its key; the broker took
    it (sent) and lost it. The reaper sends it again after twice the grace, then after twice as long
    again; while a copy waits for the broker, it adds none."""
    from datetime import timedelta

    from django.utils import timezone

    from modelhub.services import PURGE_TASK, model_purge_reap
    from outbox.models import OutboxMessage

    settings.WHETSTONE_LOST_MESSAGE_GRACE_S = 10
    content = tiny_mlp(tmp_path / "m.onnx").read_bytes()
    model = api.post("/api/v1/models/", {"file": io.BytesIO(content), "name": "lost"}, format="multipart").json()
    assert api.delete(f"/api/v1/models/{model['id']}/").status_code == 204
    purges = OutboxMessage.objects.filter(key=f"{PURGE_TASK}:{model['id']}")
    assert purges.count() == 1
    sent_at = timezone.now()
    purges.update(sent_at=sent_at, created_at=sent_at)

    assert model_purge_reap(now=sent_at + timedelta(seconds=19)) == 0  # it may still be on its way
    assert model_purge_reap(now=sent_at + timedelta(seconds=21)) == 1
    assert purges.count() == 2 and purges.filter(sent_at__isnull=True).count() == 1
    assert model_purge_reap(now=sent_at + timedelta(hours=1)) == 0  # that copy still waits for the broker

    purges.update(sent_at=sent_at, created_at=sent_at)
    assert model_purge_reap(now=sent_at + timedelta(seconds=39)) == 0  # two sent: the next waits 40 s
    assert model_purge_reap(now=sent_at + timedelta(seconds=41)) == 1

    tasks.purge_model(model["id"])  # a copy reaches a worker
    assert model_purge_reap(now=sent_at + timedelta(hours=1)) == 0  # nothing left to purge
