import io

import pytest

from jobs.models import Job
from modelhub.models import ModelVersion
from tests.support.models import tiny_mlp

pytestmark = pytest.mark.django_db


def register(api, tmp_path, name="m"):
    content = tiny_mlp(tmp_path / "m.onnx").read_bytes()
    response = api.post("/api/v1/models/", {"file": io.BytesIO(content), "name": name}, format="multipart")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_optimize_queues_a_job_and_sends_it_only_after_commit(api, tmp_path, django_capture_on_commit_callbacks):
    model_id = register(api, tmp_path)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api.post(f"/api/v1/models/{model_id}/optimizations/", {"recipe": "lossless", "priority": 7},
                            format="json")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "queued" and body["priority"] == 7 and body["recipe"] == "lossless"
    assert len(callbacks) == 1  # the message goes out once the row is committed
    # ...and was committed with it, in the outbox, so it is not lost if the broker is away then.
    from outbox.models import OutboxMessage

    message = OutboxMessage.objects.get()
    assert (message.task, message.args, message.queue, message.priority, message.sent_at) == (
        "whetstone.optimize", [body["id"]], "cpu.x86_64-amd-avx2", 7, None)


def test_a_format_the_optimizer_cannot_read_is_refused_with_the_reason(api, tmp_path):
    model_id = register(api, tmp_path)
    ModelVersion.objects.filter(model_id=model_id).update(format="tf-savedmodel")
    response = api.post(f"/api/v1/models/{model_id}/optimizations/", {"recipe": "auto"}, format="json")
    assert response.status_code == 400
    assert "TensorFlow SavedModel" in response.json()["errors"]["model"][0]
    assert Job.objects.count() == 0


def test_cancel_of_a_queued_job_is_immediate_and_a_finished_job_cannot_be_cancelled(api, tmp_path):
    model_id = register(api, tmp_path)
    job_id = api.post(f"/api/v1/models/{model_id}/optimizations/", {"recipe": "lossless"}, format="json").json()["id"]
    cancelled = api.post(f"/api/v1/jobs/{job_id}/cancel/")
    assert cancelled.status_code == 202 and cancelled.json()["status"] == "cancelled"
    again = api.post(f"/api/v1/jobs/{job_id}/cancel/")
    assert again.status_code == 409 and "already ended" in again.json()["detail"]


def test_jobs_and_deployments_can_be_listed_for_one_model(api, tmp_path):
    first, second = register(api, tmp_path, "first"), register(api, tmp_path, "second")
    for model_id in (first, second, second):
        api.post(f"/api/v1/models/{model_id}/optimizations/", {"recipe": "lossless"}, format="json")
    jobs = api.get("/api/v1/jobs/", {"model": second}).json()
    assert jobs["count"] == 2 and {job["model"] for job in jobs["results"]} == {second}
    assert api.get("/api/v1/deployments/", {"model": first}).json()["count"] == 0


def npz(**arrays) -> io.BytesIO:
    import numpy as np

    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    buffer.seek(0)
    return buffer


def test_calibration_data_is_stored_with_the_job(api, tmp_path, local_object_store):
    import numpy as np

    model_id = register(api, tmp_path)
    batches = [npz(input=np.ones((4, 16), np.float32)), npz(input=np.zeros((2, 16), np.float32))]
    for index, batch in enumerate(batches):
        batch.name = f"batch{index}.npz"
    response = api.post(f"/api/v1/models/{model_id}/optimizations/", {"recipe": "int8", "calibration": batches},
                        format="multipart")
    assert response.status_code == 202, response.content
    prefix = response.json()["options"]["calibration_prefix"]
    stored = sorted(p.name for p in (local_object_store / prefix).iterdir())
    assert stored == ["batch-000.npz", "batch-001.npz"]


@pytest.mark.parametrize("name, content, expected", [
    ("batch.npz", "wrong-keys", "lacks the inputs ['input']"),
    ("batch.npz", b"not a zip at all", "not a readable .npz"),
    ("batch.csv", b"1,2,3", "not an .npz file"),
], ids=["wrong-input-names", "corrupt", "not-npz"])
def test_unusable_calibration_data_is_refused_naming_the_problem(api, tmp_path, local_object_store, name, content,
                                                                 expected):
    import numpy as np

    model_id = register(api, tmp_path)
    upload = npz(pixels=np.ones((1, 16), np.float32)) if content == "wrong-keys" else io.BytesIO(content)
    upload.name = name
    response = api.post(f"/api/v1/models/{model_id}/optimizations/", {"recipe": "int8", "calibration": [upload]},
                        format="multipart")
    assert response.status_code == 400
    assert expected in response.json()["errors"]["calibration"][0]
    assert Job.objects.count() == 0
    assert not (local_object_store / f"models/{model_id}/calibration").exists()
