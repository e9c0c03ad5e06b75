"""DirectInfer in process: which calls it answers itself and which it leaves to MLServer.

The real engine (test_serving_engine, test_binary_tensors, test_redeploy_and_access)
runs DirectInfer inside MLServer's app, with the real registry and data plane;
here the app behind it is one that fails the test if a call reaches it, so that
each test says which path answered.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import uuid

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mlserver.errors import ModelNotFound
from mlserver.settings import ModelParameters, ModelSettings, Settings
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Summary

from compiler_core.runtime import load_package
from deploy.serving.binary import HEADER_LENGTH, decode_response, encode_request
from deploy.serving.direct_infer import DirectInfer, HttpMetrics, new_request_id
from deploy.serving.repository import ACCESS_TOKEN_HASH_KEY, access_token_hash
from deploy.serving.runtime import WhetstoneRuntime
from deploy.tests.tiny_packages import FEATURES, write_tiny_package


class Registry:
    def __init__(self, *models):
        self.models = {model.name: model for model in models}

    async def get_model(self, name, version=None):
        if name not in self.models:
            raise ModelNotFound(name, version)
        return self.models[name]


class DataPlaneMetrics:
    """The three per-model metrics DirectInfer keeps, on a registry of this test's own."""

    def __init__(self):
        registry = CollectorRegistry()
        labels = ["model", "version"]
        self._ModelInferRequestSuccess = Counter("success", "", labels, registry=registry)
        self._ModelInferRequestFailure = Counter("failure", "", labels, registry=registry)
        self._ModelInferRequestDuration = Summary("duration", "", labels, registry=registry)

    def count(self, which: str, model: str) -> float:
        metric = getattr(self, f"_ModelInferRequest{which}")
        return metric.labels(model=model, version=None)._value.get()


class Passed(Exception):
    """The call went on to the app behind DirectInfer (MLServer's FastAPI app in the engine)."""


async def mlserver_app(scope, receive, send):
    raise Passed(scope["path"])


def load_model(package, name: str, **settings) -> WhetstoneRuntime:
    model = WhetstoneRuntime(ModelSettings(
        name=name, implementation=WhetstoneRuntime, parameters=ModelParameters(uri=str(package), **settings.pop("parameters", {})),
        **settings,
    ))
    asyncio.run(model.load())
    model.ready = True
    return model


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    return write_tiny_package(tmp_path_factory.mktemp("direct"), seed=7)


@pytest.fixture(scope="module")
def models(package):
    return {
        "plain": load_model(package, "plain"),
        "batched": load_model(package, "batched", max_batch_size=4, max_batch_time=0.01),
        "guarded": load_model(package, "guarded", parameters={"extra": {ACCESS_TOKEN_HASH_KEY: access_token_hash("s3cret")}}),
    }


@pytest.fixture
def metrics():
    return DataPlaneMetrics()


@pytest.fixture
def direct(models, metrics):
    return direct_infer(models, metrics)


def direct_infer(models, metrics=None) -> DirectInfer:
    """DirectInfer over these models, in front of an app that fails the test if a call reaches it."""
    return DirectInfer(mlserver_app, settings=Settings(), model_registry=Registry(*models.values()),
                       data_plane=metrics or DataPlaneMetrics())


def post(app, path: str, body: bytes, headers: dict[str, str] | None = None):
    """One POST through the ASGI app: (status, headers, body)."""
    return asyncio.run(post_async(app, path, body, headers))


async def post_async(app, path: str, body: bytes, headers: dict[str, str] | None = None):
    scope = {"type": "http", "method": "POST", "path": path,
             "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]}
    incoming = [{"type": "http.request", "body": body, "more_body": False}]
    sent = []

    async def receive():
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    start, end = sent
    return start["status"], dict(start["headers"]), end["body"]


def json_body(x: np.ndarray, **extra) -> bytes:
    return json.dumps({"inputs": [{"name": "x", "shape": list(x.shape), "datatype": "FP32",
                                   "data": x.ravel().tolist()}], **extra}).encode()


def rows(count: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(count, FEATURES)).astype(np.float32)


def test_answers_an_unbatched_model_itself_exactly_like_load_package(direct, package, metrics):
    x = rows(3)
    status, headers, body = post(direct, "/v2/models/plain/infer", json_body(x, id="call-1"))

    assert status == 200, body
    response = json.loads(body)
    assert response["model_name"] == "plain" and response["id"] == "call-1"
    assert headers[b"ce-id"] == b"call-1"  # MLServer's CloudEvents headers, as its own path sends them
    expected = load_package(package).run({"x": x})
    outputs = {o["name"]: o for o in response["outputs"]}
    assert [o["name"] for o in response["outputs"]] == ["logits", "label"]  # the signature's order
    assert outputs["logits"]["datatype"] == "FP32" and outputs["logits"]["shape"] == [3, 3]
    np.testing.assert_array_equal(np.asarray(outputs["logits"]["data"], np.float32).reshape(3, 3), expected["logits"])
    assert outputs["label"]["datatype"] == "INT64" and outputs["label"]["data"] == expected["label"].tolist()
    assert metrics.count("Success", "plain") == 1 and metrics.count("Failure", "plain") == 0


def test_a_request_without_an_id_gets_a_version_4_uuid_of_its_own(direct):
    answers = [post(direct, "/v2/models/plain/infer", json_body(rows(1))) for _ in range(2)]

    ids = [json.loads(body)["id"] for _, _, body in answers]
    assert [headers[b"ce-id"].decode() for _, headers, _ in answers] == ids
    assert ids[0] != ids[1]
    for request_id in ids + [new_request_id() for _ in range(1000)]:
        parsed = uuid.UUID(request_id)
        assert (str(parsed), parsed.version, parsed.variant) == (request_id, 4, uuid.RFC_4122)
    assert len({new_request_id() for _ in range(10_000)}) == 10_000


def test_an_unexpected_failure_is_a_500_in_the_protocol_shape_and_counts_as_one(direct, models, metrics, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(models["plain"].input_decoder, "decode", broken)

    status, headers, body = post(direct, "/v2/models/plain/infer", json_body(rows(1)))

    assert status == 500 and headers[b"content-type"] == b"application/json"
    assert "internal error" in json.loads(body)["error"] and "a bug" not in json.loads(body)["error"]
    assert metrics.count("Failure", "plain") == 1 and metrics.count("Success", "plain") == 0


def test_a_cancelled_call_counts_its_time_but_neither_success_nor_failure(direct, models, metrics, monkeypatch):
    def cancelled(*args, **kwargs):
        raise asyncio.CancelledError

    monkeypatch.setattr(models["plain"].input_decoder, "decode", cancelled)

    with pytest.raises(asyncio.CancelledError):
        post(direct, "/v2/models/plain/infer", json_body(rows(1)))

    # As MLServer's own path times an infer call: whatever ends it.
    assert metrics._ModelInferRequestDuration.labels(model="plain", version=None)._count.get() == 1
    assert metrics.count("Failure", "plain") == 0 and metrics.count("Success", "plain") == 0


def test_http_in_progress_gauge_returns_to_zero_after_an_answered_and_a_cancelled_call(models, monkeypatch):
    # starlette_exporter, which keeps these metrics on MLServer's own path, takes a call
    # out of "in progress" whatever ends it, and counts only calls that ended with a status.
    http_metrics = HttpMetrics({"app_name": "mlserver", "prefix": "direct_infer_test"})
    direct = DirectInfer(mlserver_app, settings=Settings(), model_registry=Registry(*models.values()),
                         data_plane=DataPlaneMetrics(), http_metrics=http_metrics)

    def in_progress() -> float:
        return REGISTRY.get_sample_value("direct_infer_test_requests_in_progress",
                                         {"method": "POST", "app_name": "mlserver"}) or 0.0

    def answered() -> float:
        return REGISTRY.get_sample_value("direct_infer_test_requests_total", {
            "method": "POST", "path": "/v2/models/{model_name}/infer", "status_code": "200",
            "app_name": "mlserver"}) or 0.0

    before, busy = answered(), in_progress()
    assert post(direct, "/v2/models/plain/infer", json_body(rows(1)))[0] == 200
    assert in_progress() == busy and answered() == before + 1

    def cancelled(*args, **kwargs):
        raise asyncio.CancelledError

    monkeypatch.setattr(models["plain"].input_decoder, "decode", cancelled)
    with pytest.raises(asyncio.CancelledError):
        post(direct, "/v2/models/plain/infer", json_body(rows(1)))

    assert in_progress() == busy and answered() == before + 1


def test_binary_request_and_response(direct, package):
    x = rows(2, seed=3)
    body, header_length = encode_request({"x": x})

    status, headers, answer = post(direct, "/v2/models/plain/infer", body,
                                   {"Inference-Header-Content-Length": str(header_length)})

    assert status == 200, answer
    assert headers[b"content-type"] == b"application/octet-stream"
    served = decode_response(answer, int(headers[HEADER_LENGTH]))
    expected = load_package(package).run({"x": x})
    for name in expected:
        np.testing.assert_array_equal(served[name], expected[name])


def test_large_json_answer_is_gzipped_for_a_client_that_accepts_it(direct):
    status, headers, body = post(direct, "/v2/models/plain/infer", json_body(rows(64)), {"Accept-Encoding": "gzip"})

    assert status == 200
    assert headers[b"content-encoding"] == b"gzip"
    assert json.loads(gzip.decompress(body))["outputs"][0]["shape"] == [64, 3]


@pytest.mark.parametrize("path, headers", [
    ("/v2/models/absent/infer", {}),  # MLServer's own 404
    ("/v2/models/plain/infer", {"Origin": "http://console.example"}),  # CORS is MLServer's middleware
    ("/v2/models/plain/ready", {}),
])
def test_leaves_other_calls_to_mlserver(direct, path, headers):
    with pytest.raises(Passed):
        post(direct, path, json_body(rows(1)), headers)


@pytest.mark.parametrize("body, status, mentioned", [
    (b'{"inputs": [', 400, "not valid JSON"),
    (b'[1, 2]', 400, "JSON object"),
    (json.dumps({"inputs": [{"name": "x", "shape": [1, FEATURES], "datatype": "FLOAT", "data": [0] * 4}]}).encode(),
     400, "datatype"),
    (json.dumps({"inputs": [{"name": "x", "shape": [1, FEATURES], "datatype": ["FP32"], "data": [0] * 4}]}).encode(),
     400, "datatype"),
    (json.dumps({"inputs": [{"name": "x", "shape": "1x4", "datatype": "FP32", "data": [0] * 4}]}).encode(),
     400, "shape"),
    (json.dumps({"inputs": [{"name": "x", "shape": [1, FEATURES], "datatype": "FP32"}]}).encode(), 400, "data"),
    (json.dumps({"inputs": [{"name": "x", "shape": [1, 5], "datatype": "FP32", "data": [0] * 5}]}).encode(),
     400, "shape"),
])
def test_refusals_keep_the_protocol_error_body_and_count_as_failures(direct, metrics, body, status, mentioned):
    got, headers, answer = post(direct, "/v2/models/plain/infer", body)

    assert got == status
    assert headers[b"content-type"] == b"application/json"
    assert mentioned in json.loads(answer)["error"]
    assert metrics.count("Failure", "plain") == 1 and metrics.count("Success", "plain") == 0


def test_a_batched_model_joins_concurrent_requests_and_each_keeps_its_answer_or_error(direct, package):
    def batches() -> float:
        return REGISTRY.get_sample_value("whetstone_direct_infer_batch_requests_count", {"model": "batched"}) or 0.0

    def joined() -> float:
        return REGISTRY.get_sample_value("whetstone_direct_infer_batch_requests_sum", {"model": "batched"}) or 0.0

    inputs = [rows(1, seed=i) for i in range(3)]
    bodies = [json_body(x) for x in inputs]
    bodies.insert(1, json.dumps({"inputs": [{"name": "x", "shape": [1, 5], "datatype": "FP32",
                                             "data": [0] * 5}]}).encode())  # refused before it joins
    calls_before, joined_before = batches(), joined()

    async def together():
        return await asyncio.gather(*(post_async(direct, "/v2/models/batched/infer", b) for b in bodies))

    answers = asyncio.run(together())

    assert [status for status, _, _ in answers] == [200, 400, 200, 200]
    assert (batches() - calls_before, joined() - joined_before) == (1, 3)  # one engine call for the three
    runner = load_package(package)
    for x, (_, _, body) in zip(inputs, answers[:1] + answers[2:]):
        logits = next(o for o in json.loads(body)["outputs"] if o["name"] == "logits")
        np.testing.assert_array_equal(np.asarray(logits["data"], np.float32).reshape(1, 3), runner.run({"x": x})["logits"])


def test_access_token_is_checked_on_the_direct_path(direct):
    path, body = "/v2/models/guarded/infer", json_body(rows(1))

    assert post(direct, path, body)[0] == 401
    assert post(direct, path, body, {"Authorization": "Bearer wrong"})[0] == 401
    assert post(direct, path, body, {"Authorization": "Bearer s3cret"})[0] == 200


# Any JSON value where a V2 request's fields go: the answer is a 200 or a 4xx with the
# protocol's error body, never an exception (a 500) out of the direct path.
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
_input_tensors = st.fixed_dictionaries({}, optional={
    "name": st.sampled_from(["x", "y"]) | _json_values,
    "shape": st.lists(st.integers(-2, 6), max_size=3) | _json_values,
    "datatype": st.sampled_from(["FP32", "FP64", "INT64", "BYTES", "BOOL"]) | _json_values,
    "data": st.lists(st.floats(width=32) | st.integers(-5, 5), max_size=12) | _json_values,
    "parameters": st.fixed_dictionaries({}, optional={"binary_data_size": _json_values}) | _json_values,
})
_requests = st.fixed_dictionaries({}, optional={
    "id": _json_values, "inputs": st.lists(_input_tensors, max_size=3) | _json_values,
    "parameters": _json_values, "outputs": _json_values,
}) | _json_values


@settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(request=_requests)
def test_any_json_body_gets_an_answer_or_a_protocol_error(models, request):
    direct = direct_infer(models)

    status, headers, body = post(direct, "/v2/models/plain/infer", json.dumps(request).encode())

    answer = json.loads(body)
    assert (status, set(answer) >= {"outputs"}) == (200, True) or (status == 400 and set(answer) == {"error"}), answer


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_an_oversized_body_is_refused_with_413_and_the_engine_keeps_answering(models, monkeypatch, declared):
    monkeypatch.setenv("WHETSTONE_MAX_REQUEST_MB", str(4 / 1024))  # 4 KB
    direct = direct_infer(models)
    big = json_body(rows(64))
    assert len(big) > 4096

    status, _, answer = post(direct, "/v2/models/plain/infer", big,
                             {"Content-Length": str(len(big))} if declared else None)

    assert status == 413 and "larger than this engine takes" in json.loads(answer)["error"]
    assert post(direct, "/v2/models/plain/infer", json_body(rows(2)))[0] == 200
