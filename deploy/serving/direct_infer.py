"""V2 infer calls for our runtime's models, answered straight from the HTTP request.

MLServer's REST path costs about a millisecond of Python per request before and
after the model runs: FastAPI routing and dependency solving, pydantic
validation of the request, the data plane's bookkeeping, and a second pass
over the response model to serialize it (`bench/RESULTS.md` has the profile).
Beside a 5 ms model that is all of the 10% that serving may add (bench/serving.py).
`DirectInfer` sits in MLServer's middleware stack and answers
`POST /v2/models/{name}[/versions/{v}]/infer` itself when the model is a
`WhetstoneRuntime`: the body is parsed once (JSON with simdjson, tensor data
straight into arrays; the binary tensor data extension's header with orjson),
checked against signature.json by the same `tensors.decode_inputs` the MLServer
path uses, run (through `batching.AdaptiveBatcher` when the model has adaptive
batching), and written back with orjson straight from the output arrays.

What it keeps from MLServer's path: the HTTP metrics (it sits inside the
Prometheus middleware) and the data plane's per-model infer metrics; the
access token; refusals as `{"error": "..."}` with the same status codes; the
response id and CloudEvents headers; gzip for clients that accept it.

What it leaves to MLServer, untouched: other runtimes, unknown or unready
models (MLServer's own 404 and 400), servers with the response cache on, and
calls from a browser (an `Origin` header), whose CORS answer MLServer's
middleware writes. gRPC calls never come here; a batched model's gRPC calls go
through MLServer's own batcher.
"""

from __future__ import annotations

import gzip
import os
import re
import weakref
from typing import Any

import numpy as np
import orjson
from mlserver.cloudevents import CloudEventsMiddleware, CloudEventsTypes
from mlserver.errors import MLServerError
from mlserver.utils import generate_uuid
from prometheus_client import Counter, Histogram

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
from .runtime import WhetstoneRuntime
from .tensors import decode_inputs, ordered_outputs, parse_wire_inputs, text_values

INFER_PATH = re.compile(r"/v2/models/(?P<name>[^/]+)(?:/versions/(?P<version>[^/]+))?/infer")
# As MLServer's GZipMiddleware: responses from 500 bytes on, at level 9.
GZIP_MINIMUM_SIZE = 500
GZIP_LEVEL = 9
HTTP_OK = 200
# The largest request body read, in MB: a 3x1024x1024 FP32 image is about 60 MB as JSON.
MAX_REQUEST_ENV = "WHETSTONE_MAX_REQUEST_MB"
DEFAULT_MAX_REQUEST_MB = 256

# Beside MLServer's own metrics: which calls this path answered, so an operator
# (and the engine's tests) can see that it serves the traffic it should.
ANSWERED = Counter("whetstone_direct_infer", "V2 infer calls answered by DirectInfer", ["model", "version"])
BATCHED = Histogram("whetstone_direct_infer_batch_requests", "requests joined in one engine call by adaptive batching",
                    ["model"], buckets=(1, 2, 4, 8, 16, 32, 64, 128))


class DirectInfer:
    """ASGI middleware; see the module's docstring."""

    def __init__(self, app, *, settings, model_registry, data_plane):
        self.app = app
        self._registry = model_registry
        self._data_plane = data_plane
        self._cloudevents = CloudEventsMiddleware(settings)
        self._gzip = bool(settings.gzip_enabled)
        self._enabled = not settings.cache_enabled
        self._json = JsonRequestReader()
        self._max_body = int(float(os.environ.get(MAX_REQUEST_ENV, DEFAULT_MAX_REQUEST_MB)) * 2**20)
        # One batcher per loaded model object: a redeploy brings a new one, with its own settings.
        self._batchers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

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

    async def _answer(self, model: WhetstoneRuntime, name: str, version: str | None, scope, receive, send):
        plane = self._data_plane
        with plane._ModelInferRequestDuration.labels(model=name, version=version).time():
            headers = dict(scope["headers"])
            try:
                body = await self._read_body(headers, receive)
                status, response_headers, payload = await self._infer(model, headers, scope, body)
            except MLServerError as exc:
                plane._ModelInferRequestFailure.labels(model=name, version=version).inc()
                await _send(send, exc.status_code, [(b"content-type", b"application/json")],
                            orjson.dumps({"error": str(exc)}))
                return
            except Exception:
                plane._ModelInferRequestFailure.labels(model=name, version=version).inc()
                raise
            plane._ModelInferRequestSuccess.labels(model=name, version=version).inc()
            ANSWERED.labels(model=name, version=version).inc()
        await _send(send, status, response_headers, payload)

    async def _read_body(self, headers: dict[bytes, bytes], receive) -> bytes:
        """The whole body, refused as soon as it is known to be over the limit: from its
        Content-Length before reading, or while reading a body sent in chunks."""
        declared = headers.get(b"content-length", b"").strip()
        body = None if declared.isdigit() and int(declared) > self._max_body else await read_body(receive, self._max_body)
        if body is None:
            raise RequestTooLarge(self._max_body)
        return body

    async def _run(self, model: WhetstoneRuntime, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        if not model.batching:
            return await model.run(arrays)
        batcher = self._batchers.get(model)
        if batcher is None:
            batcher = AdaptiveBatcher(model.run, max_batch_size=model.settings.max_batch_size,
                                      max_batch_time_s=model.settings.max_batch_time,
                                      observe_batch=BATCHED.labels(model=model.name).observe,
                                      one_batch_at_a_time=model.fills_every_core)
            self._batchers[model] = batcher
        return await batcher.infer(arrays)

    async def _infer(self, model: WhetstoneRuntime, headers: dict[bytes, bytes], scope, body: bytes):
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
            request_id = generate_uuid()
        authorization = headers.get(b"authorization")
        model.check_access_token(authorization.decode("latin-1") if authorization is not None else None)

        signature = model.signature
        arrays = decode_inputs(inputs, signature.get("inputs", []), blobs)
        outputs = ordered_outputs(await self._run(model, arrays), signature.get("outputs", []))

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

        response_headers = [
            (key.lower().encode("latin-1"), value.encode("latin-1"))
            for key, value in self._cloudevents._get_headers(
                CloudEventsTypes.Response, model.settings, request_id
            ).items()
        ]
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
