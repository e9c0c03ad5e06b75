"""One-click deploy on the real stack: served predictions equal `python -m compiler_core run`
on the same package; access token; protocol errors; redeploy without downtime; undeploy;
a package the engine cannot load.

The tests share one model with two versions (different weights), one lossless
job per version, and one deployment, and run in file order: deploy v1 →
redeploy v2 → undeploy; then a corrupted package is deployed anew.
"""

from __future__ import annotations

import io
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from pathlib import Path

import boto3
import numpy as np
import pytest
import requests

from tests.support.api import poll, register_model, start_job, wait_for_job
from tests.support.models import tiny_mlp

pytestmark = pytest.mark.e2e

REPO_DIR = Path(__file__).resolve().parents[2]
DEPLOY_TIMEOUT_S = 120
# float32 → JSON text → float32 is exact up to formatting; the same package runs in both places.
JSON_ROUND_TRIP_ATOL = 1e-5
INPUT_NAME, FEATURES = "input", 16
CALLS_FOR_HISTORY = 20


def infer_body(batch: np.ndarray) -> dict:
    return {"inputs": [{"name": INPUT_NAME, "shape": list(batch.shape), "datatype": "FP32",
                        "data": batch.ravel().tolist()}]}


def served_logits(response: requests.Response) -> np.ndarray:
    assert response.status_code == 200, response.text
    output = response.json()["outputs"][0]
    return np.asarray(output["data"], dtype=np.float32).reshape(output["shape"])


def compiler_core_run(api: requests.Session, job: dict, batch: np.ndarray, workdir: Path) -> np.ndarray:
    """Download the job's package as a user would and run it with the compiler core's CLI."""
    package = api.get(job["package_url"], timeout=30)
    assert package.status_code == 200
    package_dir = workdir / f"package-{job['id']}"
    zipfile.ZipFile(io.BytesIO(package.content)).extractall(package_dir)
    np.savez(workdir / "inputs.npz", **{INPUT_NAME: batch})
    subprocess.run([sys.executable, "-m", "compiler_core", "run", str(package_dir), "--inputs",
                    str(workdir / "inputs.npz"), "--output", str(workdir / "outputs.npz")],
                   cwd=REPO_DIR, check=True, capture_output=True, timeout=120)
    with np.load(workdir / "outputs.npz") as outputs:
        return outputs["logits"]


@pytest.fixture(scope="module")
def api(stack):
    return stack.api()


@pytest.fixture(scope="module")
def jobs(stack, api, tmp_path_factory):
    """Two succeeded lossless jobs of one model: version 1 and version 2 (other weights)."""
    workdir = tmp_path_factory.mktemp("deploy-models")
    model = register_model(api, stack.web_url, tiny_mlp(workdir / "v1.onnx", seed=0), f"deploy-{uuid.uuid4().hex[:6]}")
    first = wait_for_job(api, stack.web_url, start_job(api, stack.web_url, model["id"])["id"])
    # Version 2 is added once job 1 is done: on the embedded SQLite database, an upload
    # while the worker writes a job's progress can meet "database is locked".
    with open(tiny_mlp(workdir / "v2.onnx", seed=1), "rb") as handle:
        added = api.post(f"{stack.web_url}/api/v1/models/{model['id']}/versions/",
                         files={"file": ("v2.onnx", handle, "application/octet-stream")}, timeout=60)
    assert added.status_code == 201, added.text
    poll(api, f"{stack.web_url}/api/v1/models/{model['id']}/versions/2/",
         until=lambda v: v.get("status") in ("ready", "failed"), timeout=120)
    second = wait_for_job(api, stack.web_url, start_job(api, stack.web_url, model["id"])["id"])
    done = [first, second]
    for job in done:
        assert job["status"] == "succeeded", job["error"]
    assert [job["model_version"] for job in done] == [1, 2]
    return done


@pytest.fixture(scope="module")
def deployment(stack, api, jobs):
    """Job 1's package deployed with an access token and adaptive batching."""
    created = api.post(f"{stack.web_url}/api/v1/deployments/",
                       json={"job": jobs[0]["id"], "access_token": True, "max_batch_size": 4,
                             "max_batch_time": 0.002}, timeout=10)
    assert created.status_code == 202, created.text
    body = created.json()
    seen = set()

    def ready_or_failed(d: dict) -> bool:
        seen.add(d["status"])
        return d["status"] in ("ready", "failed")

    url = f"{stack.web_url}/api/v1/deployments/{body['id']}/"
    state = poll(api, url, until=ready_or_failed, timeout=DEPLOY_TIMEOUT_S, interval=0.1)
    assert state["status"] == "ready", state["message"]
    assert seen <= {"pending", "loading", "ready"}
    return {**state, "url": url, "access_token": body["access_token"]}


def authorized(deployment: dict) -> dict:
    return {"Authorization": f"Bearer {deployment['access_token']}"}


def test_served_predictions_equal_compiler_core_run_on_the_package(api, jobs, deployment, tmp_path):
    batch = np.random.default_rng(7).standard_normal((3, FEATURES)).astype(np.float32)

    served = served_logits(requests.post(deployment["endpoint_url"], json=infer_body(batch),
                                         headers=authorized(deployment), timeout=30))

    expected = compiler_core_run(api, jobs[0], batch, tmp_path)
    assert served.shape == expected.shape
    np.testing.assert_allclose(served, expected, atol=JSON_ROUND_TRIP_ATOL, rtol=0)
    health = api.get(f"{deployment['url']}health/", timeout=10).json()
    assert health == {"live": True, "ready": True, "status": "ready", "message": ""}
    assert deployment["max_batch_size"] == 4 and deployment["access_token_required"] is True


def test_the_traffic_history_shows_the_calls_between_the_reapers_samples(api, deployment):
    # The reaper samples the engine's counters every 2 s here (tests/conftest.py); once it has one
    # sample of this deployment, calls made after it show in the per-minute history.
    traffic_url = f"{deployment['url']}traffic/"
    poll(api, traffic_url, until=lambda t: t["history"]["samples"] >= 1, timeout=30, interval=1)
    batch = np.random.default_rng(9).standard_normal((2, FEATURES)).astype(np.float32)
    with requests.Session() as session:
        for _ in range(CALLS_FOR_HISTORY):
            answer = session.post(deployment["endpoint_url"], json=infer_body(batch), headers=authorized(deployment),
                                  timeout=30)
            assert answer.status_code == 200, answer.text

    def counted(traffic: dict) -> int:
        return sum(point["requests"] or 0 for point in traffic["history"]["points"])

    traffic = poll(api, traffic_url, until=lambda t: counted(t) >= CALLS_FOR_HISTORY, timeout=30, interval=1)

    history = traffic["history"]
    assert history["window"] == "1h" and len(history["points"]) == 60 and history["samples"] >= 2
    busy = [point for point in history["points"] if point["requests"]]
    assert busy and all(point["requests_per_s"] > 0 for point in busy), history
    assert all(point["error_rate"] == 0 for point in busy), history
    assert all(point["p99_ms"] >= point["p50_ms"] > 0 for point in busy), history
    # The totals since the engine started are still there beside it.
    assert traffic["requests"] >= CALLS_FOR_HISTORY and traffic["latency_ms"]["p50"] > 0


def test_access_token_is_enforced(api, deployment):
    body = infer_body(np.zeros((1, FEATURES), np.float32))
    for headers in ({}, {"Authorization": "Bearer wst_not-the-token"}):
        refused = requests.post(deployment["endpoint_url"], json=body, headers=headers, timeout=30)
        assert refused.status_code == 401, refused.text
        assert list(refused.json()) == ["error"] and "token" in refused.json()["error"]
    assert api.get(deployment["url"], timeout=10).json()["access_token"] is None  # shown once, at creation


@pytest.mark.parametrize("body, says", [
    ({"inputs": [{"name": INPUT_NAME, "shape": [1, FEATURES + 1], "datatype": "FP32",
                  "data": [0.0] * (FEATURES + 1)}]}, "shape"),
    ({"inputs": [{"name": "nope", "shape": [1, FEATURES], "datatype": "FP32", "data": [0.0] * FEATURES}]}, INPUT_NAME),
    ({"inputs": [{"name": INPUT_NAME, "shape": [1, FEATURES], "datatype": "FLOAT", "data": [0] * FEATURES}]},
     "invalid request"),
], ids=["wrong-shape", "unknown-input", "not-a-v2-datatype"])
def test_malformed_infer_is_a_4xx_in_the_protocol_error_shape(deployment, body, says):
    response = requests.post(deployment["endpoint_url"], json=body, headers=authorized(deployment), timeout=30)

    assert 400 <= response.status_code < 500, response.text
    assert list(response.json()) == ["error"] and says in response.json()["error"]


def test_redeploy_keeps_the_endpoint_answering(stack, api, jobs, deployment, tmp_path):
    batch = np.random.default_rng(8).standard_normal((2, FEATURES)).astype(np.float32)
    answers: list[tuple[int, str]] = []
    stop = threading.Event()

    def call_in_a_loop():
        session = requests.Session()
        while not stop.is_set():
            try:
                response = session.post(deployment["endpoint_url"], json=infer_body(batch),
                                        headers=authorized(deployment), timeout=30)
                answers.append((response.status_code, response.text[:300]))
            except requests.RequestException as exc:
                answers.append((0, str(exc)))

    caller = threading.Thread(target=call_in_a_loop, daemon=True)
    caller.start()
    try:
        time.sleep(0.5)
        started = api.post(f"{deployment['url']}redeploy/", json={"job": jobs[1]["id"]}, timeout=10)
        assert started.status_code == 202, started.text
        assert started.json()["status"] == "updating"
        state = poll(api, deployment["url"], until=lambda d: d["status"] != "updating", timeout=DEPLOY_TIMEOUT_S)
        time.sleep(0.5)
    finally:
        stop.set()
        caller.join(timeout=30)

    assert state["status"] == "ready" and state["job"] == jobs[1]["id"], state["message"]
    assert state["endpoint_url"] == deployment["endpoint_url"]
    assert len(answers) > 10
    assert [a for a in answers if a[0] != 200] == []
    expected = compiler_core_run(api, jobs[1], batch, tmp_path)
    served = served_logits(requests.post(state["endpoint_url"], json=infer_body(batch),
                                         headers=authorized(deployment), timeout=30))
    np.testing.assert_allclose(served, expected, atol=JSON_ROUND_TRIP_ATOL, rtol=0)


def test_undeploy_frees_the_model_in_the_engine(stack, api, deployment):
    assert api.delete(deployment["url"], timeout=10).status_code == 202
    poll(api, deployment["url"], until=lambda d: d["status"] == "stopped", timeout=DEPLOY_TIMEOUT_S)

    assert requests.get(f"{stack.serving_url}/v2/models/{deployment['name']}/ready", timeout=10).status_code != 200
    index = requests.post(f"{stack.serving_url}/v2/repository/index", json={}, timeout=10,
                          headers={"Authorization": f"Bearer {stack.env['SERVING_ADMIN_TOKEN']}"}).json()
    assert deployment["name"] not in {m["name"] for m in index}
    gone = requests.post(deployment["endpoint_url"], json=infer_body(np.zeros((1, FEATURES), np.float32)),
                         headers=authorized(deployment), timeout=10)
    assert gone.status_code == 404 and list(gone.json()) == ["error"]
    assert api.get(f"{deployment['url']}health/", timeout=10).json()["ready"] is False


def test_package_that_fails_to_load_ends_failed_with_the_engine_message(stack, api, jobs):
    # as after a truncated upload: the package's model.onnx is cut short in object storage
    s3 = boto3.client("s3", endpoint_url=stack.env["S3_ENDPOINT_URL"], aws_access_key_id="testing",
                      aws_secret_access_key="testing", region_name="us-east-1")
    listed = s3.list_objects_v2(Bucket=stack.env["S3_BUCKET"], Prefix=f"packages/{jobs[0]['id']}/")["Contents"]
    key = next(o["Key"] for o in listed if o["Key"].endswith("/model.onnx") and "/triton/" not in o["Key"])
    s3.put_object(Bucket=stack.env["S3_BUCKET"], Key=key, Body=b"\x08\x07truncated")

    created = api.post(f"{stack.web_url}/api/v1/deployments/", json={"job": jobs[0]["id"]}, timeout=10)
    assert created.status_code == 202, created.text
    state = poll(api, f"{stack.web_url}/api/v1/deployments/{created.json()['id']}/",
                 until=lambda d: d["status"] in ("ready", "failed"), timeout=DEPLOY_TIMEOUT_S)

    assert state["status"] == "failed"
    assert "could not load the package" in state["message"] and "ONNXRuntimeError" in state["message"], state["message"]
    assert requests.get(f"{stack.serving_url}/v2/health/live", timeout=10).status_code == 200  # engine unharmed
