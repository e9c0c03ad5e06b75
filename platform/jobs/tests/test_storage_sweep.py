"""The sweeper removes objects no row points at, once they are old, and nothing else."""

from __future__ import annotations

import io
import os
import time
from datetime import timedelta

import pytest

from jobs.models import Job
from jobs.runner import package_root
from jobs.services import job_sweep_orphans
from modelhub.models import ModelVersion
from modelhub.services import model_sweep_orphans
from tests.support.models import tiny_mlp
from whetstone import objectstore

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


def age(local_object_store, key: str, hours: float = 2) -> None:
    then = time.time() - hours * 3600
    os.utime(local_object_store / key, (then, then))


def put(local_object_store, key: str, *, old: bool = True) -> str:
    objectstore.put_stream(key, io.BytesIO(b"bytes"))
    if old:
        age(local_object_store, key)
    return key


@pytest.fixture
def version(api, tmp_path):
    content = tiny_mlp(tmp_path / "m.onnx").read_bytes()
    model = api.post("/api/v1/models/", {"file": io.BytesIO(content), "name": "swept"}, format="multipart").json()
    return ModelVersion.objects.get(model_id=model["id"], number=1)


def test_only_old_objects_outside_published_packages_go(user, version, local_object_store):
    done = Job.objects.create(owner=user, model_version=version, recipe="lossless", status=Job.Status.SUCCEEDED)
    done.package_prefix = f"{package_root(job_id=done.pk)}/attempt-2-b"
    done.save(update_fields=["package_prefix"])
    running = Job.objects.create(owner=user, model_version=version, recipe="lossless", status=Job.Status.RUNNING)
    published = put(local_object_store, f"{done.package_prefix}/model.onnx")
    killed = put(local_object_store, f"{package_root(job_id=done.pk)}/attempt-1-a/model.onnx")
    fresh = put(local_object_store, f"{package_root(job_id=done.pk)}/attempt-3-c/model.onnx", old=False)
    in_progress = put(local_object_store, f"{package_root(job_id=running.pk)}/attempt-1-x/model.onnx")
    no_job = put(local_object_store, "packages/999/attempt-1-z/model.onnx")

    assert job_sweep_orphans(older_than=HOUR) == 2
    left = set(objectstore.list_keys(package_root(job_id=done.pk))) | set(
        objectstore.list_keys(package_root(job_id=running.pk)))
    assert left == {published, fresh, in_progress}
    assert killed not in left and objectstore.list_keys("packages/999") == [] and no_job


def test_a_version_upload_cut_off_before_its_row_is_swept_and_live_versions_stay(version, local_object_store):
    live = set(objectstore.list_keys(version.storage_prefix))
    cut_off = put(local_object_store, f"models/{version.model_id}/v2/model.onnx")
    young = put(local_object_store, f"models/{version.model_id}/v3/model.onnx", old=False)
    gone_model = put(local_object_store, "models/777/v1/model.onnx")
    for key in live:
        age(local_object_store, key)

    assert model_sweep_orphans(older_than=HOUR) == 2
    assert set(objectstore.list_keys(f"models/{version.model_id}")) == live | {young}
    assert not objectstore.exists(cut_off) and not objectstore.exists(gone_model)
