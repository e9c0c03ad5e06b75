"""V2 infer calls for our runtime's models, answered straight from the HTTP request.

MLServer's REST path costs about a millisecond of Python per request before and
after the model runs: FastAPI routing and dependency solving, pydantic
validation of the request, the data plane's bookkeeping, and a second pass
over the response model to serialize it (`bench/RESULTS.md` has the profile).
Beside a 5 ms model that is all of the 10% that serving may add (bench/serving.py).
`DirectInfer` is the ASGI app uvicorn calls, in front of MLServer's FastAPI app,
and answers `POST /v2/models/{name}[/versions/{v}]/infer` itself when the model
is a `WhetstoneRuntime`: the body is parsed once (`json_request`: a small JSON
body with orjson, a large one with simdjson, tensor data straight into arrays;
the binary tensor data extension's header with orjson), checked against
signature.json by the same `tensors.InputDecoder` the MLServer path uses, run
(through `batching.AdaptiveBatcher` when the model has adaptive batching), and
written back with orjson straight from the output arrays.

What it keeps from MLServer's path: the HTTP request metrics, under the same
names and labels (`HttpMetrics`), and the data plane's per-model infer metrics;
it adds a per-model latency histogram (`whetstone_infer_duration_seconds`), since
MLServer's per-model duration is a Summary with no quantiles;
the access token; refusals as `{"error": "..."}` with the same status codes;
the response id and CloudEvents headers; gzip for clients that accept it.

Why in front, and why lean: each call's Python runs right after the previous
call's model run, which has filled the caches with the model's weights. On the
AVX-512 host that Python ran 3-8 times slower than when warm; measured in
process around encoder_short (a 5 ms model), MLServer's middleware in front of
this path added 0.18 ms a call and this path's own work 0.5 ms, while the
model's run took as long as with nothing around it. So everything a call needs
that does not change from call to call (labelled metrics, CloudEvents headers,
the batcher, the signature's checks) is worked out once per loaded model
(`_Served`), and the request id is not a `uuid4()` (a system call and a UUID
object, 0.04 ms cold).

What it leaves to MLServer, untouched: other runtimes, unknown or unready
models (MLServer's own 404 and 400), servers with the response cache or
tracing on, and calls from a browser (an `Origin` header), whose CORS answer
MLServer's middleware writes. gRPC calls never come here; a batched model's gRPC calls go
through MLServer's own batcher.
"""

from __future__ import annotations

import gzip
import logging
import random
import re
import time
import weakref
from typing import Any

import numpy as np
import orjson
from mlserver.cloudevents import (
    CLOUDEVENTS_HEADER_ID,
    CLOUDEVENTS_HEADER_REQUEST_ID,
    CloudEventsMiddleware,
    CloudEventsTypes,
)
from mlserver.errors import MLServerError
from prometheus_client import Counter, Histogram
from starlette_exporter import PrometheusMiddleware

from .batching import AdaptiveBatcher
from .binary import (
    BINARY_DATA_SIZE,
    HEADER_LENGTH,
    InvalidBinaryRequest,
    _binary_header_length,
    _decompressed,
    _pack_bytes,
    _wire_dtype,
    binary_outputs_wanted,
    read_body,
    split_binary_body,
)
from .datatypes import v2_datatype
from .errors import InvalidInferenceRequest, RequestTooLarge
from .json_request import JsonRequestReader
from .request_limits import max_request_bytes
from .runtime import WhetstoneRuntime
from .tensors import ordered_outputs, parse_wire_inputs, text_values

INFER_PATH = re.compile(r"/v2/models/(?P<name>[^/]+)(?:/versions/(?P<version>[^/]+))?/infer")
# As MLServer's GZipMiddleware: responses from 500 bytes on, at level 9.
GZIP_MINIMUM_SIZE = 500
GZIP_LEVEL = 9
HTTP_OK = 200
HTTP_INTERNAL_ERROR = 500
# The route templates of MLServer's infer endpoints: the `path` label of its HTTP metrics.
INFER_ROUTE = "/v2/models/{model_name}/infer"
VERSIONED_INFER_ROUTE = "/v2/models/{model_name}/versions/{model_version}/infer"
JSON_CONTENT = [(b"content-type", b"application/json")]
CE_ID = CLOUDEVENTS_HEADER_ID.lower().encode()
CE_REQUEST_ID = CLOUDEVENTS_HEADER_REQUEST_ID.lower().encode()
# Beside MLServer's own metrics: which calls this path answered, so an operator
# (and the engine's tests) can see that it serves the traffic it should.
ANSWERED = Counter("whetstone_direct_infer", "V2 infer calls answered by DirectInfer", ["model", "version"])
# MLServer times infer calls with a Summary (a count and a sum, no quantiles); this histogram of the
# answered calls' latency is what a deployment's p50/p90/p99 are read from (platform/deployments/traffic.py).
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
LATENCY = Histogram("whetstone_infer_duration_seconds", "latency of the V2 infer calls DirectInfer answered",
                    ["model"], buckets=LATENCY_BUCKETS)
BATCHED = Histogram("whetstone_direct_infer_batch_requests", "requests joined in one engine call by adaptive batching",
                    ["model"], buckets=(1, 2, 4, 8, 16, 32, 64, 128))

logger = logging.getLogger(__name__)


class DirectInfer:
    """ASGI app in front of MLServer's; see the module's docstring."""

    def __init__(self, app, *, settings, model_registry, data_plane, http_metrics: HttpMetrics | None = None):
        self.app = app
        self._registry = model_registry
        self._data_plane = data_plane
        self._http_metrics = http_metrics
        self._cloudevents = CloudEventsMiddleware(settings)
        self._gzip = bool(settings.gzip_enabled)
        # MLServer's response cache and tracing live in its own path.
        self._enabled = not settings.cache_enabled and not settings.tracing_server
        self._json = JsonRequestReader()
        self._max_body = max_request_bytes()
        # Per loaded model object: a redeploy brings a new one, with its own settings.
        self._served: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    async def __call__(self, scope, receive, send):
        if not self._enabled or scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        match = INFER_PATH.fullmatch(scope["path"])
        model = None if match is None else await self._model_to_answer(scope, match["name"], match["version"])
        if model is None:
            await self.app(scope, receive, send)
            return
        await self._answer(model, match["name"], match["version"], scope, receive, send)

    async def _model_to_answer(self, scope, name: str, version: str | None) -> WhetstoneRuntime | None:
        if any(key == b"origin" for key, _ in scope["headers"]):
            return None
        try:
            model = await self._registry.get_model(name, version)
        except MLServerError:
            return None
        # Not isinstance: MLServer re-imports a model's implementation module when it
        # loads the model, so the engine's class object is not the one imported here.
        if not getattr(model, "ANSWERS_DIRECT_INFER", False) or not model.ready:
            return None
        return model

    def _served_for(self, model: WhetstoneRuntime) -> _Served:
        served = self._served.get(model)
        if served is None:
            served = self._served[model] = _Served(model, self._cloudevents, self._data_plane)
        return served

    async def _answer(self, model: WhetstoneRuntime, name: str, version: str | None, scope, receive, send):
        started = time.perf_counter()
        served = self._served_for(model)
        http_metrics = self._http_metrics
        if http_metrics is not None:
            http_metrics.started()
        answered = False
        try:
            headers = dict(scope["headers"])
            body = await self._read_body(headers, receive)
            status, response_headers, payload = await self._infer(model, served, headers, scope, body)
            answered = True
        except MLServerError as exc:
            status, response_headers, payload = exc.status_code, JSON_CONTENT, orjson.dumps({"error": str(exc)})
        except Exception:
            # What MLServer's own path would answer with a bare 500, in the protocol's shape.
            logger.exception("infer call to model %r failed", name)
            status, response_headers = HTTP_INTERNAL_ERROR, JSON_CONTENT
            payload = orjson.dumps({"error": "internal error: the engine's log has the details"})
        except BaseException:
            # Cancelled before there is an answer to send: its time still counts, as MLServer's
            # path times an infer call whatever ends it.
            served.counters(name, version).duration.observe(time.perf_counter() - started)
            if http_metrics is not None:
                http_metrics.abandoned()
            raise
        took = time.perf_counter() - started
        try:
            await _send(send, status, response_headers, payload)
        finally:
            # Metrics after the answer is on its way: each update costs microseconds of Python
            # that, right after a model run, runs slowly (bench/RESULTS.md); here it overlaps the
            # client reading the answer instead of delaying it. The call keeps the event loop
            # from its send to here, so a client that reads the metrics after its answer finds
            # them updated (unless a large answer made the send wait for the socket to drain).
            counters = served.counters(name, version)
            if answered:
                counters.success.inc()
                counters.answered.inc()
                counters.latency.observe(took)
            else:
                counters.failure.inc()
            counters.duration.observe(took)
            if http_metrics is not None:
                http_metrics.finished(VERSIONED_INFER_ROUTE if version else INFER_ROUTE, status,
                                      time.perf_counter() - started)

    async def _read_body(self, headers: dict[bytes, bytes], receive) -> bytes:
        """The whole body, refused as soon as it is known to be over the limit: from its
        Content-Length before reading, or while reading a body sent in chunks. In the engine,
        request_limits.BodyLimit in front has held it to the same limit; this holds without it."""
        declared = headers.get(b"content-length", b"").strip()
        body = None if declared.isdigit() and int(declared) > self._max_body else await read_body(receive, self._max_body)
        if body is None:
            raise RequestTooLarge(self._max_body)
        return body

    @staticmethod
    async def _run(model: WhetstoneRuntime, served: _Served, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        if served.batcher is None:
            return await model.run(arrays)
        return await served.batcher.infer(arrays)

    async def _infer(self, model: WhetstoneRuntime, served: _Served, headers: dict[bytes, bytes], scope, body: bytes):
        # The token first: a caller without it gets nothing parsed or decoded for it (BodyLimit, in
        # front, has already held the body to the limit and inflated it).
        authorization = headers.get(b"authorization")
        model.check_access_token(authorization.decode("latin-1") if authorization is not None else None)
        header_length = _binary_header_length(scope)
        try:
            if header_length is None:
                request, blobs = self._json.read(_decompressed(scope, body)), None
            else:
                request, blobs = split_binary_body(scope, body, header_length)
        except InvalidBinaryRequest as exc:
            raise InvalidInferenceRequest(f"invalid request: {exc}") from exc
        inputs = parse_wire_inputs(request)
        request_id = request.get("id")
        if not isinstance(request_id, str):
            request_id = new_request_id()

        arrays = model.input_decoder.decode(inputs, blobs)
        outputs = ordered_outputs(await self._run(model, served, arrays), served.signature_outputs)

        response: dict[str, Any] = {"model_name": model.name}
        if model.version:
            response["model_version"] = model.version
        response["id"] = request_id
        response["parameters"] = {}
        default_binary, chosen = binary_outputs_wanted(request)
        tensors, blobs_out = [], []
        for name, array in outputs:
            tensor, blob = _output(name, array, binary=chosen.get(name, default_binary))
            tensors.append(tensor)
            if blob is not None:
                blobs_out.append(blob)
        response["outputs"] = tensors

        request_id_bytes = request_id.encode("latin-1", "replace")
        response_headers = served.event_headers + [(CE_ID, request_id_bytes), (CE_REQUEST_ID, request_id_bytes)]
        payload = orjson.dumps(response, option=orjson.OPT_SERIALIZE_NUMPY)
        if blobs_out:
            response_headers += [(b"content-type", b"application/octet-stream"),
                                 (HEADER_LENGTH, str(len(payload)).encode())]
            return HTTP_OK, response_headers, payload + b"".join(blobs_out)
        response_headers.append((b"content-type", b"application/json"))
        if self._gzip and len(payload) >= GZIP_MINIMUM_SIZE and b"gzip" in headers.get(b"accept-encoding", b""):
            payload = gzip.compress(payload, compresslevel=GZIP_LEVEL)
            response_headers += [(b"content-encoding", b"gzip"), (b"vary", b"Accept-Encoding")]
        return HTTP_OK, response_headers, payload


class _Counters:
    """The labelled metrics of one model name and version, looked up once."""

    def __init__(self, plane, name: str, version: str | None):
        self.success = plane._ModelInferRequestSuccess.labels(model=name, version=version)
        self.failure = plane._ModelInferRequestFailure.labels(model=name, version=version)
        self.duration = plane._ModelInferRequestDuration.labels(model=name, version=version)
        self.answered = ANSWERED.labels(model=name, version=version)
        self.latency = LATENCY.labels(model=name)


class _Served:
    """What every call to one loaded model needs and no call changes."""

    def __init__(self, model: WhetstoneRuntime, cloudevents: CloudEventsMiddleware, plane):
        self._plane = plane
        self.signature_outputs = model.signature.get("outputs", [])
        self.event_headers = [
            (key.lower().encode("latin-1"), value.encode("latin-1"))
            for key, value in cloudevents._get_headers(CloudEventsTypes.Response, model.settings, None).items()
        ]
        self.batcher = None
        if model.batching:
            self.batcher = AdaptiveBatcher(model.run, max_batch_size=model.settings.max_batch_size,
                                           max_batch_time_s=model.settings.max_batch_time,
                                           observe_batch=BATCHED.labels(model=model.name).observe,
                                           one_batch_at_a_time=model.fills_every_core)
        self._counters: dict[tuple[str, str | None], _Counters] = {}

    def counters(self, name: str, version: str | None) -> _Counters:
        # Keyed as the call named the model: MLServer's path labels its metrics the same way.
        counters = self._counters.get((name, version))
        if counters is None:
            counters = self._counters[(name, version)] = _Counters(self._plane, name, version)
        return counters


class HttpMetrics:
    """MLServer's HTTP request metrics for the calls DirectInfer answers.

    MLServer keeps them with starlette_exporter's middleware inside its FastAPI app,
    which these calls never reach. `options` are that middleware's, as MLServer
    configured it, so the metrics are the same objects under the same labels."""

    def __init__(self, options: dict[str, Any]):
        exporter = PrometheusMiddleware(None, **options)
        if exporter.request_labels or exporter.response_labels:
            raise ValueError("HttpMetrics keeps only the default labels of starlette_exporter")
        self._app_name = exporter.app_name
        self._count, self._time = exporter.request_count, exporter.request_time
        self._in_progress = exporter.requests_in_progress.labels("POST", self._app_name)
        self._by_route_and_status: dict[tuple[str, int], tuple[Any, Any]] = {}

    def started(self) -> None:
        self._in_progress.inc()

    def abandoned(self) -> None:
        """A call that ended with no answer sent (cancelled): no longer in progress, and, as
        starlette_exporter does for such a call, neither counted nor timed."""
        self._in_progress.dec()

    def finished(self, route: str, status: int, seconds: float) -> None:
        self._in_progress.dec()
        labelled = self._by_route_and_status.get((route, status))
        if labelled is None:
            labelled = self._by_route_and_status[(route, status)] = (
                self._count.labels("POST", route, status, self._app_name),
                self._time.labels("POST", route, status, self._app_name))
        labelled[0].inc()
        labelled[1].observe(seconds)


def new_request_id() -> str:
    """A version 4 UUID, as MLServer gives a request without an id; from `random`, since
    an id has to be unique, not secret, and `uuid4()` makes a system call per id."""
    bits = random.getrandbits(128) & ~(0xF000 << 64 | 0xC000 << 48) | (0x4000 << 64 | 0x8000 << 48)
    digits = f"{bits:032x}"
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def _output(name: str, array: np.ndarray, *, binary: bool) -> tuple[dict[str, Any], bytes | None]:
    """An output tensor of the response, and its bytes when it goes in the binary part."""
    datatype = v2_datatype(array.dtype)
    tensor: dict[str, Any] = {"name": name, "datatype": datatype, "shape": list(array.shape)}
    if datatype == "BYTES":
        values = text_values(array)
        if not binary:
            tensor["data"] = values
            return tensor, None
        blob = _pack_bytes(v.encode() for v in values)
    else:
        flat = np.ascontiguousarray(array.ravel())
        if not binary:
            # orjson writes the numbers straight from the array: no Python floats in between.
            tensor["data"] = flat if flat.dtype.isnative else flat.astype(flat.dtype.newbyteorder("="))
            return tensor, None
        blob = flat.astype(_wire_dtype(datatype), copy=False).tobytes()
    tensor["parameters"] = {BINARY_DATA_SIZE: len(blob)}
    return tensor, blob


async def _send(send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    headers = headers + [(b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
