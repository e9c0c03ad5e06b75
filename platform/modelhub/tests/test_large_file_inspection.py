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
                        lambda name, *, args, queue, **options: sent.append((name, args)))
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


def test_a_lost_inspection_message_is_sent_again_and_a_copy_never_inspects_twice(api, tmp_path, settings):
    """The outbox as it is (no fake): the broker took the message and lost it; the reaper sends it
    again. A copy that comes while an inspection holds the version does nothing; one whose worker
    died (begun longer ago than the task may run) is inspected again, and sent again if need be."""
    from datetime import timedelta

    from django.utils import timezone

    from modelhub.services import INSPECT_TASK, model_version_inspect, model_version_reap
    from modelhub.tasks import INSPECT_TIME_LIMIT_S
    from outbox.models import OutboxMessage

    settings.MODELHUB_INLINE_INSPECTION_MAX_BYTES = 100
    settings.WHETSTONE_LOST_MESSAGE_GRACE_S = 10
    created = api.post("/api/v1/models/", {"file": io.BytesIO(tiny_mlp(tmp_path / "m.onnx").read_bytes()),
                                           "name": "large"}, format="multipart")
    version = ModelVersion.objects.get()
    sends = OutboxMessage.objects.filter(key=f"{INSPECT_TASK}:{version.pk}")
    at = timezone.now()
    sends.update(sent_at=at, created_at=at)
    ModelVersion.objects.filter(pk=version.pk).update(created_at=at)

    assert model_version_reap(now=at + timedelta(seconds=19)) == 0
    assert model_version_reap(now=at + timedelta(seconds=21)) == 1
    sends.update(sent_at=at)

    # One copy begins; another that comes meanwhile does nothing, and none is sent while it runs.
    ModelVersion.objects.filter(pk=version.pk).update(status="inspecting", inspecting_since=at)
    assert model_version_inspect(version_id=version.pk).status == "inspecting"
    assert model_version_reap(now=at + timedelta(seconds=INSPECT_TIME_LIMIT_S - 1)) == 0
    # Its worker died: past the task's limit (and, two sends made, 4 graces more), the version is
    # sent again and inspected.
    assert model_version_reap(now=at + timedelta(seconds=INSPECT_TIME_LIMIT_S + 39)) == 0
    assert model_version_reap(now=at + timedelta(seconds=INSPECT_TIME_LIMIT_S + 41)) == 1
    ModelVersion.objects.filter(pk=version.pk).update(inspecting_since=at - timedelta(seconds=INSPECT_TIME_LIMIT_S))
    assert model_version_inspect(version_id=version.pk).status == "ready"
    assert api.get(f"/api/v1/models/{created.json()['id']}/").json()["latest_version"]["status"] == "ready"
    assert model_version_reap(now=at + timedelta(hours=2)) == 0

    # One left inspecting before inspections were timed is sent again too.
    ModelVersion.objects.filter(pk=version.pk).update(status="inspecting", inspecting_since=None)
    sends.update(sent_at=at)
    assert model_version_reap(now=at + timedelta(hours=2)) == 1


def test_an_inspection_past_its_time_limit_fails_the_version_and_says_why(api, tmp_path, enqueued, monkeypatch,
                                                                          local_object_store):
    from celery.exceptions import SoftTimeLimitExceeded

    def endless(staged):
        raise SoftTimeLimitExceeded()  # what the task's soft time limit raises in a long inspection

    monkeypatch.setattr("modelhub.services.ingest.inspect_staged", endless)
    api.post("/api/v1/models/", {"file": io.BytesIO(tiny_mlp(tmp_path / "m.onnx").read_bytes()), "name": "huge"},
             format="multipart")
    version = ModelVersion.objects.get()
    tasks.inspect_version(version.pk)
    version.refresh_from_db()
    assert version.status == "failed" and "took longer than" in version.status_message
    assert [p for p in local_object_store.rglob("*") if p.is_file()] == []


def test_an_interrupted_inspection_is_tried_again_a_few_times_then_fails_with_the_reason(api, tmp_path, settings,
                                                                                         monkeypatch):
    """The object store away: the version goes back to pending with the reason, the reaper sends it
    again (the outbox as it is), and after INSPECT_MAX_SENDS sends the version fails, naming why."""
    from datetime import timedelta

    from django.utils import timezone

    from modelhub.services import INSPECT_MAX_SENDS, INSPECT_TASK, model_version_reap
    from outbox.models import OutboxMessage
    from whetstone import objectstore

    settings.MODELHUB_INLINE_INSPECTION_MAX_BYTES = 100
    settings.WHETSTONE_LOST_MESSAGE_GRACE_S = 10
    api.post("/api/v1/models/", {"file": io.BytesIO(tiny_mlp(tmp_path / "m.onnx").read_bytes()), "name": "large"},
             format="multipart")
    version = ModelVersion.objects.get()

    def away(*args, **kwargs):
        raise ConnectionError("the object store did not answer")

    monkeypatch.setattr(objectstore, "get_dir", away)
    sends = OutboxMessage.objects.filter(key=f"{INSPECT_TASK}:{version.pk}")
    now = timezone.now()
    for sent in range(1, INSPECT_MAX_SENDS + 1):
        with pytest.raises(ConnectionError):
            tasks.inspect_version(version.pk)
        version.refresh_from_db()
        assert version.status == "pending" and "did not answer" in version.status_message
        sends.update(sent_at=now)
        now += timedelta(seconds=10 * 2 ** sent + 1)
        assert model_version_reap(now=now) == (1 if sent < INSPECT_MAX_SENDS else 0)
    version.refresh_from_db()
    assert version.status == "failed", version.status_message
    assert version.status_message.startswith(f"Inspection did not finish after {INSPECT_MAX_SENDS} tries. "
                                             "Inspection was interrupted (ConnectionError: the object store")
