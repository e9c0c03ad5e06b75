"""Redeploying a newer package under the same endpoint, and per-model access tokens,
on a real MLServer."""

from __future__ import annotations

import json
import threading
import time

import numpy as np
import pytest
import requests

from compiler_core.runtime import load_package
from deploy.serving.repository import (
    MODEL_SETTINGS_FILE,
    ServingClient,
    ServingError,
    access_token_hash,
    deploy_package,
    redeploy_package,
)
from deploy.tests.engines import RunningEngine, metric_values
from deploy.tests.tiny_packages import FEATURES, write_corrupt_package, write_tiny_package

# Engine calls a batched model's batcher made, on the direct path.
BATCHES = "whetstone_direct_infer_batch_requests_count"

JSON_ROUND_TRIP_TOLERANCE = 1e-6
TOKEN = "wst_test-token-0123456789"


def rows(count: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(count, FEATURES)).astype(np.float32)


def infer_json(x: np.ndarray) -> dict:
    return {"inputs": [{"name": "x", "shape": list(x.shape), "datatype": "FP32", "data": x.ravel().tolist()}]}


class InferLoop:
    """Calls infer on one URL in a loop from a thread and records every answer."""

    def __init__(self, url: str, x: np.ndarray, headers: dict | None = None):
        self.url, self.body, self.headers = url, infer_json(x), headers or {}
        self.answers: list[tuple[int, str]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        session = requests.Session()
        while not self._stop.is_set():
            try:
                response = session.post(self.url, json=self.body, headers=self.headers, timeout=30)
                self.answers.append((response.status_code, response.text))
            except requests.RequestException as exc:
                self.answers.append((0, str(exc)))

    def __enter__(self) -> "InferLoop":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def failures(self) -> list[tuple[int, str]]:
        return [answer for answer in self.answers if answer[0] != 200]


def logits_of(answer_text: str) -> np.ndarray:
    output = next(o for o in json.loads(answer_text)["outputs"] if o["name"] == "logits")
    return np.asarray(output["data"], np.float32).reshape(output["shape"])


def test_redeploy_switches_package_while_the_endpoint_keeps_answering(serving_engine: RunningEngine, tmp_path):
    old, new = write_tiny_package(tmp_path / "old", seed=31), write_tiny_package(tmp_path / "new", seed=32)
    client = serving_engine.client
    deploy_package(client, old, serving_engine.models_root, "rolling")
    x = rows(2)

    with InferLoop(f"{serving_engine.base_url}/v2/models/rolling/infer", x) as loop:
        time.sleep(0.3)
        redeploy_package(client, new, serving_engine.models_root, "rolling")
        time.sleep(0.3)

    assert loop.failures() == []
    answered = [logits_of(text) for _, text in loop.answers]
    old_logits, new_logits = load_package(old).run({"x": x})["logits"], load_package(new).run({"x": x})["logits"]
    # every answer came from one package or the other, first the old, last the new
    assert np.allclose(answered[0], old_logits, atol=JSON_ROUND_TRIP_TOLERANCE)
    assert np.allclose(answered[-1], new_logits, atol=JSON_ROUND_TRIP_TOLERANCE)
    assert all(np.allclose(a, old_logits, atol=1e-6) or np.allclose(a, new_logits, atol=1e-6) for a in answered)
    # the staged copy on disk is the new package, so a restart serves it too
    assert (serving_engine.models_root / "rolling" / "model.onnx").read_bytes() == (new / "model.onnx").read_bytes()
    assert not [p for p in serving_engine.models_root.iterdir() if p.name.startswith(".rolling")]


def test_refused_redeploy_leaves_the_old_package_serving_and_staged(serving_engine: RunningEngine, tmp_path):
    old = write_tiny_package(tmp_path / "old", seed=41)
    client = serving_engine.client
    deploy_package(client, old, serving_engine.models_root, "kept")

    with pytest.raises(ServingError) as refused:
        redeploy_package(client, write_corrupt_package(tmp_path / "broken"), serving_engine.models_root, "kept")

    assert refused.value.status_code == 422
    assert "INVALID_PROTOBUF" in refused.value.message or "Protobuf" in refused.value.message
    x = rows(1)
    np.testing.assert_allclose(client.infer("kept", {"x": x})["logits"], load_package(old).run({"x": x})["logits"],
                               atol=JSON_ROUND_TRIP_TOLERANCE)
    assert (serving_engine.models_root / "kept" / "model.onnx").read_bytes() == (old / "model.onnx").read_bytes()


@pytest.mark.parametrize("engine_fixture", ["serving_engine", "mlserver_path_engine"], ids=["direct", "mlserver"])
def test_redeployed_model_still_batches(request, engine_fixture, tmp_path):
    # MLServer 1.7.1 installs its adaptive batching on first load only; the engine
    # adds it on reloads (mlserver); the direct path makes a batcher for each loaded
    # model (direct). From outside, MLServer's batcher shows in a lone request waiting
    # max_batch_time for company; the direct path's does not make a lone caller wait
    # (deploy/serving/batching.py), and shows in its batch-size metric instead.
    serving_engine: RunningEngine = request.getfixturevalue(engine_fixture)
    max_batch_time_s = 0.4
    client = serving_engine.client
    deploy_package(client, write_tiny_package(tmp_path / "a", seed=51), serving_engine.models_root, "batching",
                   max_batch_size=64, max_batch_time_s=max_batch_time_s)
    redeploy_package(client, write_tiny_package(tmp_path / "b", seed=52), serving_engine.models_root, "batching",
                     max_batch_size=64, max_batch_time_s=max_batch_time_s)
    batches_before = metric_values(serving_engine, BATCHES).get("batching", 0)

    started = time.monotonic()
    client.infer("batching", {"x": rows(1)})
    if engine_fixture == "mlserver_path_engine":
        assert time.monotonic() - started >= max_batch_time_s * 0.9
    else:
        assert metric_values(serving_engine, BATCHES)["batching"] == batches_before + 1


@pytest.mark.parametrize("engine_fixture", ["serving_engine", "mlserver_path_engine"], ids=["direct", "mlserver"])
@pytest.mark.parametrize("batching", [False, True], ids=["plain", "batched"])
def test_access_token_is_required_for_infer(request, engine_fixture, tmp_path, batching):
    serving_engine: RunningEngine = request.getfixturevalue(engine_fixture)
    name = f"guarded-{'batched' if batching else 'plain'}"
    package = write_tiny_package(tmp_path / "package", seed=61)
    staged = deploy_package(
        serving_engine.client, package, serving_engine.models_root, name,
        access_token_sha256=access_token_hash(TOKEN),
        **({"max_batch_size": 4, "max_batch_time_s": 0.01} if batching else {}),
    )
    assert TOKEN not in (staged / MODEL_SETTINGS_FILE).read_text()  # only its hash is at rest
    url = f"{serving_engine.base_url}/v2/models/{name}/infer"
    body = infer_json(rows(1))

    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        refused = requests.post(url, json=body, headers=headers, timeout=30)
        assert refused.status_code == 401, (headers, refused.text)
        assert set(refused.json()) == {"error"} and "token" in refused.json()["error"]
    # a token in the body's parameters is not a header: MLServer replaces it with the real ones
    spoofed = requests.post(url, json={**body, "parameters": {"headers": {"authorization": f"Bearer {TOKEN}"}}},
                            timeout=30)
    assert spoofed.status_code == 401

    served = ServingClient(serving_engine.base_url, access_token=TOKEN).infer(name, {"x": rows(1)})
    np.testing.assert_allclose(served["logits"], load_package(package).run({"x": rows(1)})["logits"],
                               atol=JSON_ROUND_TRIP_TOLERANCE)
    # health and metadata stay open, as probes need them
    assert requests.get(f"{serving_engine.base_url}/v2/models/{name}/ready", timeout=10).status_code == 200
