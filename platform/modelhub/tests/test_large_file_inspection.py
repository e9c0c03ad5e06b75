"""Large ONNX files are stored first and inspected by a worker task; the
version's status says where it is."""

from __future__ import annotations

import io

import pytest

from modelhub import tasks
from modelhub.models import ModelVersion
from tests.support.models import tiny_mlp

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued(monkeypatch, settings) -> list:
    settings.MODELHUB_INLINE_INSPECTION_MAX_BYTES = 100  # every test file counts as large here
    sent = []
    monkeypatch.setattr("modelhub.services.send_on_commit",
                        lambda name, *, args, queue: sent.append((name, args)))
    return sent


def test_large_file_is_pending_until_the_worker_inspects_it(api, tmp_path, enqueued):
    created = api.post("/api/v1/models/", {"file": io.BytesIO(tiny_mlp(tmp_path / "m.onnx").read_bytes()),
                                           "name": "large"}, format="multipart")
    assert created.status_code == 201, created.content
    assert created.json()["latest_version"] is None  # nothing ready to optimize yet
    version = ModelVersion.objects.get()
    listed = api.get(f"/api/v1/models/{created.json()['id']}/versions/").json()["results"]
    assert listed[0]["status"] == "pending" and "worker" in listed[0]["status_message"]
    assert enqueued == [("whetstone.modelhub.inspect", [version.pk])]

    tasks.inspect_version(version.pk)  # what the worker runs

    model = api.get(f"/api/v1/models/{created.json()['id']}/").json()
    assert model["latest_version"]["status"] == "ready"
    assert model["signature"]["inputs"][0]["shape"] == ["batch", 16]
    assert model["node_counts"]["compute"] == 2


def test_a_large_file_that_fails_inspection_says_why_and_keeps_no_object(api, tmp_path, enqueued, local_object_store):
    whole = tiny_mlp(tmp_path / "m.onnx").read_bytes()
    created = api.post("/api/v1/models/", {"file": io.BytesIO(whole[: len(whole) // 2]), "name": "cut"},
                       format="multipart")
    assert created.status_code == 201  # stored; only the worker can tell
    version = ModelVersion.objects.get()
    tasks.inspect_version(version.pk)
    version.refresh_from_db()
    assert version.status == "failed" and "truncated" in version.status_message
    assert [p for p in local_object_store.rglob("*") if p.is_file()] == []
    download = api.get(f"/api/v1/models/{created.json()['id']}/versions/1/download/")
    assert download.status_code == 404


def test_a_renamed_large_file_that_fails_inspection_is_named_as_it_was_sent(api, enqueued):
    # Not named .onnx, so it is stored as model.onnx; the worker's message still names what the owner sent.
    created = api.post("/api/v1/models/", {"file": named(b"name,score\n1,2\n" * 10, "scores.csv"), "name": "csv"},
                       format="multipart")
    assert created.status_code == 201, created.content
    version = ModelVersion.objects.get()
    assert version.storage_key.endswith("/model.onnx")
    tasks.inspect_version(version.pk)
    version.refresh_from_db()
    assert version.status == "failed"
    assert "scores.csv" in version.status_message and "model.onnx" not in version.status_message


def named(content: bytes, filename: str) -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = filename
    return upload
