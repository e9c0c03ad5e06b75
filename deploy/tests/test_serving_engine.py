"""A real MLServer with WhetstoneRuntime, driven over its REST API as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from compiler_core.runtime import load_package
from deploy.local.processes import free_ports
from deploy.serving.repository import ServingError, deploy_package, remove_staged, stage_package
from deploy.serving.server import engine_environment, stop_server, wait_until_live
from deploy.tests.engines import ENGINE_START_TIMEOUT_S, RunningEngine, metric_values
from deploy.tests.tiny_packages import FEATURES, write_corrupt_package, write_tiny_package

# float32 values go out as JSON doubles and come back bit-exact; this only
# absorbs formatting, not a different computation.
JSON_ROUND_TRIP_TOLERANCE = 1e-6
# OpenVINO and onnxruntime sum the same MatMul in different orders.
ENGINE_DISAGREEMENT_TOLERANCE = 1e-4


def batch(rows: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(rows, FEATURES)).astype(np.float32)


def assert_same_outputs(served: dict, expected: dict, tolerance: float) -> None:
    assert served.keys() == expected.keys()
    for name, want in expected.items():
        assert served[name].shape == want.shape, name
        assert served[name].dtype == want.dtype, name
        np.testing.assert_allclose(served[name], want, rtol=0, atol=tolerance, err_msg=name)


def test_deployed_package_answers_like_load_package(serving_engine: RunningEngine, tmp_path):
    package = write_tiny_package(tmp_path / "package", seed=1)
    client = serving_engine.client
    deploy_package(client, package, serving_engine.models_root, "classifier")

    assert client.ready("classifier")
    x = batch(5)
    served = client.infer("classifier", {"x": x})
    assert_same_outputs(served, load_package(package).run({"x": x}), JSON_ROUND_TRIP_TOLERANCE)


def test_model_metadata_shows_the_package_signature(serving_engine: RunningEngine, tmp_path):
    package = write_tiny_package(tmp_path / "package")
    deploy_package(serving_engine.client, package, serving_engine.models_root, "described")

    metadata = serving_engine.client.metadata("described")
    assert metadata["inputs"] == [{"name": "x", "datatype": "FP32", "shape": [-1, FEATURES]}]
    assert [(o["name"], o["datatype"]) for o in metadata["outputs"]] == [
        ("logits", "FP32"),
        ("label", "INT64"),
    ]


def test_several_models_on_one_server_each_answer_with_their_own_weights(
    serving_engine: RunningEngine, tmp_path
):
    client = serving_engine.client
    packages = {
        name: write_tiny_package(tmp_path / name, seed=seed)
        for name, seed in (("first", 10), ("second", 20))
    }
    for name, package in packages.items():
        deploy_package(client, package, serving_engine.models_root, name)

    x = batch(3)
    answers = {name: client.infer(name, {"x": x}) for name in packages}
    for name, package in packages.items():
        assert_same_outputs(answers[name], load_package(package).run({"x": x}), JSON_ROUND_TRIP_TOLERANCE)
    assert not np.allclose(answers["first"]["logits"], answers["second"]["logits"])
    ready = {item["name"] for item in client.index() if item["state"] == "READY"}
    assert {"first", "second"} <= ready


def test_unload_frees_the_model(serving_engine: RunningEngine, tmp_path):
    client = serving_engine.client
    deploy_package(client, write_tiny_package(tmp_path / "package"), serving_engine.models_root, "retired")
    assert client.ready("retired")

    client.unload("retired")

    assert not client.ready("retired")
    states = {item["name"]: item["state"] for item in client.index()}
    assert states["retired"] == "UNAVAILABLE"
    with pytest.raises(ServingError) as refused:
        client.infer("retired", {"x": batch(1)})
    assert refused.value.status_code == 404


def test_package_that_fails_to_load_reports_the_engine_error(serving_engine: RunningEngine, tmp_path):
    client = serving_engine.client
    broken = write_corrupt_package(tmp_path / "broken")

    with pytest.raises(ServingError) as refused:
        deploy_package(client, broken, serving_engine.models_root, "broken")

    # onnxruntime's own words, so the deployer learns the file is damaged.
    assert "INVALID_PROTOBUF" in refused.value.message
    assert 400 <= refused.value.status_code < 500
    # Unstaged, so the next restart does not trip over it; the server stays up.
    assert not (serving_engine.models_root / "broken").exists()
    assert client.live() and not client.ready("broken")


def test_openvino_package_serves(serving_engine: RunningEngine, tmp_path):
    package = write_tiny_package(tmp_path / "package", seed=3, engine="openvino")
    deploy_package(serving_engine.client, package, serving_engine.models_root, "on-openvino")

    x = batch(4)
    served = serving_engine.client.infer("on-openvino", {"x": x})
    assert_same_outputs(served, load_package(package).run({"x": x}), JSON_ROUND_TRIP_TOLERANCE)
    onnxruntime_package = write_tiny_package(tmp_path / "same-weights", seed=3)
    reference = load_package(onnxruntime_package).run({"x": x})
    np.testing.assert_allclose(served["logits"], reference["logits"], atol=ENGINE_DISAGREEMENT_TOLERANCE)


def infer_body(name="x", shape=(1, FEATURES), datatype="FP32", data=None) -> str:
    data = list(range(int(np.prod(shape)))) if data is None else data
    return json.dumps({"inputs": [{"name": name, "shape": list(shape), "datatype": datatype, "data": data}]})


MALFORMED_REQUESTS = {
    "body is not JSON": ('{"inputs": [', "not valid JSON"),
    "unknown input": (infer_body(name="pixels"), "pixels"),
    "missing input": (json.dumps({"inputs": []}), "missing input"),
    "wrong rank": (infer_body(shape=(FEATURES,)), "shape"),
    "wrong fixed dim": (infer_body(shape=(1, FEATURES + 1)), "shape"),
    "fewer values than the shape": (infer_body(shape=(2, FEATURES), data=[1.0] * FEATURES), "values"),
    "text for a number": (infer_body(datatype="BYTES", data=["a"] * FEATURES), "BYTES"),
    "text data declared FP32": (infer_body(datatype="FP32", data=["x"] * FEATURES), "FP32"),
    "datatype outside the protocol": (infer_body(datatype="FLOAT"), "datatype"),
}


# Every malformed request, to a model with and without adaptive batching, on the engine as it
# runs (DirectInfer answers) and on one with every call on MLServer's own REST path.
BATCHED = {"max_batch_size": 4, "max_batch_time_s": 0.005}
PATHS = {"direct": ("serving_engine", {}), "direct-batched": ("serving_engine", BATCHED),
         "mlserver": ("mlserver_path_engine", {}), "mlserver-batched": ("mlserver_path_engine", BATCHED)}


@pytest.fixture(scope="module", params=list(PATHS))
def strict_model(request, tmp_path_factory) -> str:
    engine_fixture, batching = PATHS[request.param]
    engine = request.getfixturevalue(engine_fixture)
    package = write_tiny_package(tmp_path_factory.mktemp("strict"))
    deploy_package(engine.client, package, engine.models_root, request.param, **batching)
    return f"{engine.base_url}/v2/models/{request.param}/infer"


@pytest.mark.parametrize("case", MALFORMED_REQUESTS, ids=list(MALFORMED_REQUESTS))
def test_malformed_infer_is_a_client_error_with_the_protocol_error_body(strict_model, case):
    body, mentioned = MALFORMED_REQUESTS[case]

    response = requests.post(strict_model, data=body, headers={"Content-Type": "application/json"})

    assert 400 <= response.status_code < 500, response.text
    error = response.json()["error"]
    assert mentioned in error


def infer_route_requests(engine: RunningEngine) -> dict[str, float]:
    """{status code: count} of MLServer's HTTP request counter for its unversioned infer route."""
    text = requests.get(engine.metrics_url, timeout=10).text
    return {
        sample.labels["status_code"]: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "rest_server_requests_total" and sample.labels["path"] == "/v2/models/{model_name}/infer"
    }


def test_calls_take_the_direct_path_and_keep_mlservers_metrics(serving_engine: RunningEngine, tmp_path):
    package = write_tiny_package(tmp_path / "package", seed=6)
    client = serving_engine.client
    http_before = infer_route_requests(serving_engine)
    deploy_package(client, package, serving_engine.models_root, "counted")
    deploy_package(client, package, serving_engine.models_root, "counted-batched", **BATCHED)
    x = batch(2)
    expected = load_package(package).run({"x": x})

    for name in ("counted", "counted-batched"):
        for _ in range(3):
            assert_same_outputs(client.infer(name, {"x": x}), expected, JSON_ROUND_TRIP_TOLERANCE)
        refused = requests.post(f"{serving_engine.base_url}/v2/models/{name}/infer", data=infer_body(shape=(1, 5)))
        assert refused.status_code == 400

    direct = metric_values(serving_engine, "whetstone_direct_infer_total")
    successes = metric_values(serving_engine, "model_infer_request_success_total")
    failures = metric_values(serving_engine, "model_infer_request_failure_total")
    for name in ("counted", "counted-batched"):
        assert direct[name] == 3, name
        assert (successes[name], failures[name]) == (3, 1), name
    # One request at a time: each batch held one request.
    assert metric_values(serving_engine, "whetstone_direct_infer_batch_requests_sum")["counted-batched"] == 3
    # MLServer's HTTP metrics count them too, under the labels its own path gives them
    # (test_direct_path_can_be_switched_off_for_the_whole_engine).
    http = infer_route_requests(serving_engine)
    assert (http["200"] - http_before.get("200", 0), http["400"] - http_before.get("400", 0)) == (6, 2)


def test_a_batched_model_answers_one_caller_at_a_time_without_the_batch_window(serving_engine: RunningEngine,
                                                                               tmp_path):
    package = write_tiny_package(tmp_path / "package", seed=7)
    deploy_package(serving_engine.client, package, serving_engine.models_root, "patient",
                   max_batch_size=8, max_batch_time_s=3.0)
    x = batch(2)
    expected = load_package(package).run({"x": x})

    for _ in range(3):
        started = time.monotonic()
        assert_same_outputs(serving_engine.client.infer("patient", {"x": x}), expected, JSON_ROUND_TRIP_TOLERANCE)
        assert time.monotonic() - started < 1.5  # no one else was calling: the 3 s window is not waited out
    assert metric_values(serving_engine, "whetstone_direct_infer_batch_requests_count")["patient"] == 3


def test_a_quick_model_that_fills_every_core_runs_on_the_event_loop(serving_engine: RunningEngine, tmp_path):
    # run_placement: the event loop runs such a model itself after two runs; one that
    # leaves cores idle (one thread, on a host of several) runs in a worker thread every time.
    client = serving_engine.client
    every_core = write_tiny_package(tmp_path / "every-core", seed=9, threads=0)
    one_thread = write_tiny_package(tmp_path / "one-thread", seed=9, threads=1)
    deploy_package(client, every_core, serving_engine.models_root, "every-core")
    deploy_package(client, one_thread, serving_engine.models_root, "one-thread")
    x = batch(2)
    expected = load_package(every_core).run({"x": x})

    for name in ("every-core", "one-thread"):
        for _ in range(5):
            assert_same_outputs(client.infer(name, {"x": x}), expected, JSON_ROUND_TRIP_TOLERANCE)

    runs = {(sample.labels["model"], sample.labels["place"]): sample.value
            for family in text_string_to_metric_families(requests.get(serving_engine.metrics_url, timeout=10).text)
            for sample in family.samples if sample.name == "whetstone_model_runs_total"}
    assert (runs[("every-core", "worker_thread")], runs[("every-core", "event_loop")]) == (2, 3)
    if len(os.sched_getaffinity(0)) > 1:
        assert (runs[("one-thread", "worker_thread")], runs[("one-thread", "event_loop")]) == (5, 0)


def test_direct_path_can_be_switched_off_for_the_whole_engine(mlserver_path_engine: RunningEngine, tmp_path):
    engine = mlserver_path_engine
    package = write_tiny_package(tmp_path / "package", seed=8)
    deploy_package(engine.client, package, engine.models_root, "through-mlserver")
    x = batch(2)

    assert_same_outputs(engine.client.infer("through-mlserver", {"x": x}), load_package(package).run({"x": x}),
                        JSON_ROUND_TRIP_TOLERANCE)
    assert "through-mlserver" not in metric_values(engine, "whetstone_direct_infer_total")
    assert metric_values(engine, "model_infer_request_success_total")["through-mlserver"] == 1
    assert infer_route_requests(engine)["200"] >= 1


def test_float_for_an_integer_typed_input_is_refused(serving_engine: RunningEngine, tmp_path):
    package = write_tiny_package(tmp_path / "package")
    signature = json.loads((package / "signature.json").read_text())
    signature["inputs"][0]["dtype"] = "int64"  # the model's view of what x should be
    (package / "signature.json").write_text(json.dumps(signature))
    deploy_package(serving_engine.client, package, serving_engine.models_root, "wants-integers")

    response = requests.post(
        f"{serving_engine.base_url}/v2/models/wants-integers/infer", data=infer_body(datatype="FP32")
    )

    assert response.status_code == 400
    assert response.json()["error"] == "input 'x' has datatype FP32; the model expects INT64"


def test_widened_datatype_is_converted_to_the_signature(serving_engine: RunningEngine, tmp_path):
    package = write_tiny_package(tmp_path / "package", seed=4)
    deploy_package(serving_engine.client, package, serving_engine.models_root, "converts")
    x = batch(2)

    served = serving_engine.client.infer("converts", {"x": x.astype(np.float64)})

    assert_same_outputs(served, load_package(package).run({"x": x}), JSON_ROUND_TRIP_TOLERANCE)


@pytest.mark.parametrize("engine_fixture", ["serving_engine", "mlserver_path_engine"], ids=["direct", "mlserver"])
def test_adaptive_batching_keeps_each_answer_and_each_error_with_its_request(request, engine_fixture, tmp_path):
    serving_engine: RunningEngine = request.getfixturevalue(engine_fixture)
    package = write_tiny_package(tmp_path / "package", seed=5)
    deploy_package(
        serving_engine.client, package, serving_engine.models_root, "batched",
        max_batch_size=8, max_batch_time_s=0.05,
    )
    url = f"{serving_engine.base_url}/v2/models/batched/infer"
    rows = [batch(1, seed=i) for i in range(6)]
    bodies = [infer_body(data=row.ravel().tolist()) for row in rows]
    bodies.insert(3, infer_body(shape=(1, FEATURES + 1)))  # one bad request among good ones

    with ThreadPoolExecutor(len(bodies)) as pool:
        responses = list(pool.map(lambda body: requests.post(url, data=body, timeout=30), bodies))

    assert responses[3].status_code == 400
    good = responses[:3] + responses[4:]
    runner = load_package(package)
    for row, response in zip(rows, good):
        assert response.status_code == 200, response.text
        logits = next(o for o in response.json()["outputs"] if o["name"] == "logits")
        assert logits["shape"] == [1, 3]
        np.testing.assert_allclose(
            np.asarray(logits["data"], np.float32).reshape(1, 3),
            runner.run({"x": row})["logits"],
            atol=JSON_ROUND_TRIP_TOLERANCE,
        )


def test_restart_reloads_deployed_packages_and_forgets_removed_ones(launched_engines, tmp_path):
    root = tmp_path / "serving"
    models_root = root / "models"
    kept = write_tiny_package(tmp_path / "kept", seed=6)
    stage_package(kept, models_root, "kept")
    stage_package(write_tiny_package(tmp_path / "removed"), models_root, "removed")
    remove_staged(models_root, "removed")

    engine = launched_engines(root)

    engine.client.wait_until_ready("kept", ENGINE_START_TIMEOUT_S)
    assert {item["name"] for item in engine.client.index()} == {"kept"}
    x = batch(2)
    assert_same_outputs(
        engine.client.infer("kept", {"x": x}), load_package(kept).run({"x": x}), JSON_ROUND_TRIP_TOLERANCE
    )


def test_a_package_refused_at_the_engines_start_leaves_the_others_served(launched_engines, tmp_path):
    """MLServer stops the whole engine when one model fails at startup: an engine restarted on another
    machine, whose re-check refuses one staged package there, took every deployment down, at each
    restart. Now that one stays unloaded and the log says why."""
    root = tmp_path / "serving"
    models_root = root / "models"
    kept = write_tiny_package(tmp_path / "kept", seed=6)
    stage_package(kept, models_root, "kept")
    stage_package(write_corrupt_package(tmp_path / "broken"), models_root, "broken")

    engine = launched_engines(root)

    engine.client.wait_until_ready("kept", ENGINE_START_TIMEOUT_S)
    assert engine.process.poll() is None
    broken = {item["name"]: item for item in engine.client.index()}["broken"]
    assert broken["state"] == "UNAVAILABLE"
    # The engine's own words, for the platform to put in the deployment's message.
    assert "model 'broken' could not be loaded" in broken["reason"] and "INVALID_PROTOBUF" in broken["reason"]
    x = batch(2)
    assert_same_outputs(
        engine.client.infer("kept", {"x": x}), load_package(kept).run({"x": x}), JSON_ROUND_TRIP_TOLERANCE
    )
    assert "Model broken was not loaded at the engine's start; any other model that loaded is served" in engine.log()

    # A redeploy that loads has its own answer: the old refusal is gone from the index.
    remove_staged(models_root, "broken")
    stage_package(write_tiny_package(tmp_path / "fixed", seed=7), models_root, "broken")
    engine.client.load("broken")
    assert {item["name"]: item for item in engine.client.index()}["broken"] == {
        **broken, "state": "READY", "reason": ""}


def test_cli_runs_the_engine_in_the_foreground_on_the_given_ports(tmp_path):
    http_port, grpc_port, metrics_port = free_ports(3)
    root = tmp_path / "serving"
    command = [sys.executable, "-m", "deploy.serving", "--root", str(root), "--http-port", str(http_port),
               "--grpc-port", str(grpc_port), "--metrics-port", str(metrics_port)]
    process = subprocess.Popen(command, env=engine_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_live(f"http://127.0.0.1:{http_port}", ENGINE_START_TIMEOUT_S, process=process)
        metrics = requests.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10)
        assert metrics.status_code == 200
        settings = json.loads((root / "settings.json").read_text())
        assert settings["model_repository_root"] == str((root / "models").resolve())
    finally:
        assert stop_server(process) == 0
