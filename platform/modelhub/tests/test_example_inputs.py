"""Example inputs of a model version: attached once (PUT replaces the set), checked like a job's
calibration files, shown on the version, used by every job of it that brings no data of its own,
and copied to each job when it is created so that a queued job never changes under its owner."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import numpy as np
import pytest
from rest_framework.test import APIClient

from jobs.models import Job
from jobs.services import job_run_optimization
from modelhub import tasks
from modelhub.models import ModelVersion, RegisteredModel
from modelhub.services import model_sweep_orphans
from tests.support.models import tiny_mlp
from whetstone import objectstore

pytestmark = pytest.mark.django_db


def npz(name: str = "batch.npz", **arrays) -> io.BytesIO:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    buffer.seek(0)
    buffer.name = name
    return buffer


def batch(rows: int = 2, name: str = "batch.npz", value: float = 1.0) -> io.BytesIO:
    return npz(name, input=np.full((rows, 16), value, np.float32))


class Payload:
    def __reduce__(self):
        import os

        return (os.system, ("touch /tmp/whetstone-examples-pwned",))


def examples_url(model_id: int, number: int = 1) -> str:
    return f"/api/v1/models/{model_id}/versions/{number}/examples/"


def put(api, model_id, files, number: int = 1):
    return api.put(examples_url(model_id, number), {"files": files}, format="multipart")


def stored_keys(model_id: int) -> list[str]:
    return objectstore.list_keys(f"models/{model_id}/examples")


def test_attach_list_replace_and_remove(api, model_id, django_capture_on_commit_callbacks):
    assert api.get(examples_url(model_id)).json()["count"] == 0

    attached = put(api, model_id, [batch(2, "a.npz"), batch(4, "b.npz")])
    assert attached.status_code == 200, attached.content
    body = attached.json()
    assert body["count"] == 2 and body["shapes"] == [{"input": [2, 16]}, {"input": [4, 16]}]
    assert [f["name"] for f in body["files"]] == ["a.npz", "b.npz"]
    first = batch(2)
    assert body["files"][0]["sha256"] == hashlib.sha256(first.getvalue()).hexdigest()
    assert body["files"][0]["size_bytes"] == len(first.getvalue())
    assert api.get(examples_url(model_id)).json() == body
    # the version (and the model's latest version) show them too
    version = api.get(f"/api/v1/models/{model_id}/versions/1/").json()
    assert version["example_inputs"]["count"] == 2
    assert api.get(f"/api/v1/models/{model_id}/").json()["latest_version"]["example_inputs"]["count"] == 2
    old_keys = stored_keys(model_id)
    assert len(old_keys) == 2 and all(key.endswith(".npz") for key in old_keys)

    with django_capture_on_commit_callbacks(execute=True):  # the old set is removed once the new one is committed
        replaced = put(api, model_id, [batch(3, "c.npz")])
    assert replaced.status_code == 200, replaced.content
    assert replaced.json()["count"] == 1 and replaced.json()["shapes"] == [{"input": [3, 16]}]
    new_keys = stored_keys(model_id)
    assert len(new_keys) == 1 and not set(new_keys) & set(old_keys)  # the old set is gone from the store

    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(examples_url(model_id)).status_code == 204
    assert api.get(examples_url(model_id)).json()["count"] == 0
    assert stored_keys(model_id) == []


@pytest.mark.parametrize("files, expected", [
    (lambda: [npz("batch.npz", pixels=np.ones((1, 16), np.float32))], "lacks the inputs ['input']"),
    (lambda: [npz("batch.npz", input=np.ones((1, 16), np.float32), extra=np.array([Payload()], dtype=object))],
     "pickle"),
    (lambda: [npz("batch.npz", input=np.ones((1, 7), np.float32))], "takes [batch, 16]"),
    (lambda: [io.BytesIO(b"not a zip")], "not a readable .npz"),
    (lambda: [npz("batch.csv", input=np.ones((1, 16), np.float32))], "not an .npz file"),
], ids=["wrong-names", "pickle", "wrong-shape", "corrupt", "not-npz"])
def test_unusable_files_are_refused_naming_the_models_inputs(api, model_id, files, expected):
    put(api, model_id, [batch(2)])
    uploads = files()
    for upload in uploads:
        upload.name = getattr(upload, "name", "batch.npz")
    response = put(api, model_id, uploads)
    assert response.status_code == 400, response.content
    message = response.json()["errors"]["files"][0]
    assert expected in message and "['input']" in message, message
    # nothing changed: the earlier set stays, and nothing was stored beside it
    assert api.get(examples_url(model_id)).json()["shapes"] == [{"input": [2, 16]}]
    assert len(stored_keys(model_id)) == 1
    assert not Path("/tmp/whetstone-examples-pwned").exists()


def test_bounded_count_and_size(api, model_id, settings):
    settings.MODELHUB_MAX_EXAMPLE_FILES = 2
    too_many = put(api, model_id, [batch(1, f"{i}.npz") for i in range(3)])
    assert too_many.status_code == 400 and "at most 2" in too_many.json()["errors"]["files"][0]
    empty = api.put(examples_url(model_id), {}, format="multipart")
    assert empty.status_code == 400
    settings.WHETSTONE_MAX_CALIBRATION_BYTES = 1000
    too_large = put(api, model_id, [batch(64)])  # 4 KiB of floats
    assert too_large.status_code == 413, too_large.content
    assert "WHETSTONE_MAX_CALIBRATION_BYTES" in too_large.json()["detail"]
    assert stored_keys(model_id) == []


def test_other_tenants_get_404_and_readers_cannot_write(api, model_id, other_user, django_user_model):
    other = APIClient()
    other.force_authenticate(other_user)
    for method in ("get", "put", "delete"):
        response = getattr(other, method)(examples_url(model_id), {"files": [batch()]} if method == "put" else None,
                                          format="multipart")
        assert response.status_code == 404, (method, response.content)
    assert api.get(examples_url(model_id, number=9)).status_code == 404  # no such version
    # an official model: everyone reads its examples, only staff changes them
    staff = django_user_model.objects.create_user(username="staff", password="x", is_staff=True)
    RegisteredModel.objects.filter(pk=model_id).update(visibility="official", owner=staff)
    assert other.get(examples_url(model_id)).status_code == 200
    refused = put(other, model_id, [batch()])
    assert refused.status_code == 403 and "official" in refused.json()["detail"]
    assert other.delete(examples_url(model_id)).status_code == 403
    assert stored_keys(model_id) == []


def test_a_token_needs_the_register_scope_to_change_them(model_id, user):
    from accounts.services import personal_token_create

    _, secret = personal_token_create(user=user, name="read-only", scopes=["read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get(examples_url(model_id)).status_code == 200
    refused = put(client, model_id, [batch()])
    assert refused.status_code == 403 and "register" in refused.json()["detail"]


def test_a_job_without_calibration_uses_the_versions_examples_and_keeps_its_copy(
        api, model_id, local_object_store, django_capture_on_commit_callbacks):
    put(api, model_id, [batch(2, "a.npz"), batch(5, "b.npz", value=2.0)])
    response = api.post(f"/api/v1/models/{model_id}/optimizations/", {"recipe": "lossless"}, format="json")
    assert response.status_code == 202, response.content
    options = response.json()["options"]
    assert options["calibration_source"] == "model version examples"
    assert options["example_inputs"]["version"] == 1 and len(options["example_inputs"]["sha256"]) == 2
    prefix = options["calibration_prefix"]
    assert sorted(p.name for p in (local_object_store / prefix).iterdir()) == ["batch-000.npz", "batch-001.npz"]

    # Attaching other examples (or removing them) later does not change what the queued job uses.
    with django_capture_on_commit_callbacks(execute=True):
        put(api, model_id, [batch(7, "c.npz")])
        api.delete(examples_url(model_id))
    assert stored_keys(model_id) == []  # the version's sets are gone from the store...
    with np.load(local_object_store / prefix / "batch-001.npz") as data:
        assert data["input"].shape == (5, 16) and float(data["input"][0, 0]) == 2.0  # ...the job's copy is not

    # A request that brings its own calibration data uses that, not the version's examples.
    put(api, model_id, [batch(7, "c.npz")])
    own = api.post(f"/api/v1/models/{model_id}/optimizations/", {"recipe": "int8", "calibration": [batch(3)]},
                   format="multipart").json()["options"]
    assert own["calibration_source"] == "request" and "example_inputs" not in own


def test_a_job_of_a_version_without_examples_has_no_calibration_data(api, model_id, local_object_store):
    options = api.post(f"/api/v1/models/{model_id}/optimizations/", {"recipe": "lossless"}, format="json").json()[
        "options"]
    assert "calibration_prefix" not in options and "calibration_source" not in options


def _fetches(seen: dict):
    def compile_model(*, model_path: Path, out_dir: Path, options: dict, workdir: Path, context) -> None:
        seen["options"] = options
        seen["files"] = sorted(p.name for p in Path(options["calibration"]).iterdir())
        out_dir.mkdir(parents=True)
        (out_dir / "model.onnx").write_bytes(model_path.read_bytes())
        (out_dir / "report.json").write_text(json.dumps({"overall": {"speedup": 1.0}}))
    return compile_model


def test_the_runner_fetches_the_examples_and_labels_them_for_the_report(api, model_id, monkeypatch):
    monkeypatch.setattr("jobs.services.job_dispatch", lambda **kwargs: True)
    put(api, model_id, [batch(2), batch(3)])
    job_id = api.post(f"/api/v1/models/{model_id}/optimizations/", {"recipe": "lossless"}, format="json").json()["id"]
    seen: dict = {}
    worker_class = Job.objects.get(pk=job_id).hardware_class  # a worker of the class the job targets
    job_run_optimization(job_id=job_id, worker="w", hardware={"hardware_class": worker_class},
                         compile_model=_fetches(seen))
    assert Job.objects.get(pk=job_id).status == Job.Status.SUCCEEDED
    assert seen["files"] == ["batch-000.npz", "batch-001.npz"]
    assert seen["options"]["calibration_label"] == "example inputs of version 1"


def test_a_job_that_needs_examples_fails_saying_how_to_attach_them(api, model_id, monkeypatch):
    from jobs.runner import JobFailed

    monkeypatch.setattr("jobs.services.job_dispatch", lambda **kwargs: True)
    job_id = api.post(f"/api/v1/models/{model_id}/optimizations/", {"recipe": "lossless"}, format="json").json()["id"]

    def needs_examples(**kwargs):
        raise JobFailed("the original model fails on inputs generated from its signature (baseline at batch=1): "
                        "invalid expand shape. ... so it needs example inputs", kind="NeedsExampleInputs")

    job_run_optimization(job_id=job_id, worker="w", hardware={"hardware_class": Job.objects.get(pk=job_id).hardware_class},
                         compile_model=needs_examples)
    job = Job.objects.get(pk=job_id)
    assert job.status == Job.Status.FAILED
    assert "needs example inputs" in job.error and '"Example inputs"' in job.error
    assert f"PUT /api/v1/models/{model_id}/versions/1/examples/" in job.error


def test_deleting_the_model_purges_its_examples_and_the_sweep_removes_stray_sets(api, model_id, monkeypatch):
    from datetime import timedelta

    monkeypatch.setattr("modelhub.services.send_on_commit", lambda *a, **k: None)
    put(api, model_id, [batch(2)])
    held = stored_keys(model_id)
    stray = f"models/{model_id}/examples/v1/deadbeef0000/000.npz"  # a request that died before its row was saved
    objectstore.put_stream(stray, batch(1))
    assert model_sweep_orphans(older_than=timedelta(seconds=-60)) == 1
    assert stored_keys(model_id) == held

    assert api.delete(f"/api/v1/models/{model_id}/").status_code == 204
    tasks.purge_model(model_id)
    assert stored_keys(model_id) == [] and not ModelVersion.objects.filter(model_id=model_id).exists()


def test_examples_wait_for_inspection(api, model_id):
    ModelVersion.objects.filter(model_id=model_id).update(status=ModelVersion.Status.PENDING, signature={})
    response = put(api, model_id, [batch()])
    assert response.status_code == 409 and "inspection" in response.json()["detail"]
