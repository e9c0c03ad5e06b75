"""The binary tensor data extension of the Open Inference Protocol, over REST.

KServe's V2 protocol and Triton define it (Triton's `binary_tensor_data`
extension; `tritonclient.http` speaks it by default): the body is the usual JSON
request, `Inference-Header-Content-Length` bytes long, followed by the raw
little-endian, row-major bytes of every input whose `parameters` say
`"binary_data_size": <bytes>`, in the order of `inputs`. BYTES elements are each
a 4-byte little-endian length and the bytes. Asked for with
`"parameters": {"binary_data_output": true}` on the request or
`"binary_data": true` on a requested output, outputs come back the same way.

MLServer 1.7.1 speaks only JSON over REST. JSON costs a served model dearly
once its inputs are large: an image of 3x128x128 floats is about a megabyte of
decimal text for the engine to parse into Python floats and then into an array,
where the binary form is 196 KB that become an array without a copy. So the
engine puts `BinaryTensorData` in front of MLServer's app: a request with the
header has its binary part set aside (`binary_inputs`, for this request's task
only) and goes on as the JSON request MLServer validates as usual, each binary
input with empty `data`; `tensors.InputDecoder` then takes those inputs from
the bytes. Requests without the header pass untouched, and errors keep the
protocol's `{"error": "..."}` body.
"""

from __future__ import annotations

import struct
from contextvars import ContextVar
from math import prod
from typing import Any

import numpy as np
import orjson

from .datatypes import V2_TO_NUMPY

HEADER_LENGTH = b"inference-header-content-length"
BINARY_DATA_SIZE = "binary_data_size"
HTTP_BAD_REQUEST = 400
_BYTES_LENGTH = struct.Struct("<I")
# Headers that describe the body as the client sent it; the body passed on is plain JSON.
_BODY_HEADERS = (HEADER_LENGTH, b"content-length", b"content-encoding", b"content-type")

# The binary part of the request being answered, by input name; None for JSON requests.
binary_inputs: ContextVar[dict[str, memoryview] | None] = ContextVar("binary_inputs", default=None)


class InvalidBinaryRequest(ValueError):
    """The binary request does not add up (header length, sizes, trailing bytes)."""


def split_request(body: bytes, header_length: int) -> tuple[dict[str, Any], dict[str, memoryview]]:
    """The JSON request (binary inputs given empty `data`) and each binary input's bytes."""
    if not 0 < header_length <= len(body):
        raise InvalidBinaryRequest(
            f"Inference-Header-Content-Length is {header_length} but the body has {len(body)} bytes"
        )
    try:
        request = orjson.loads(body[:header_length])
    except orjson.JSONDecodeError as exc:
        raise InvalidBinaryRequest(f"the JSON header (the first {header_length} bytes) is not valid JSON ({exc})") from exc
    if not isinstance(request, dict) or not isinstance(request.get("inputs"), list):
        raise InvalidBinaryRequest("the JSON header is not a V2 inference request (it has no list of inputs)")
    rest = memoryview(body)[header_length:]
    offset = 0
    blobs: dict[str, memoryview] = {}
    for tensor in request["inputs"]:
        parameters = tensor.get("parameters") if isinstance(tensor, dict) else None
        size = parameters.get(BINARY_DATA_SIZE) if isinstance(parameters, dict) else None
        if size is None:
            continue
        name = tensor.get("name")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise InvalidBinaryRequest(f"input {name!r}: binary_data_size must be a number of bytes, not {size!r}")
        if name in blobs:
            raise InvalidBinaryRequest(f"input {name!r} is given twice")
        if offset + size > len(rest):
            raise InvalidBinaryRequest(
                f"input {name!r}: binary_data_size {size} runs past the end of the body "
                f"({len(rest) - offset} bytes left after the JSON header and the inputs before it)"
            )
        blobs[name] = rest[offset:offset + size]
        offset += size
        tensor["data"] = []
    if offset != len(rest):
        raise InvalidBinaryRequest(
            f"the body has {len(rest) - offset} bytes after the last binary input; "
            "the binary_data_size of the inputs add up to less than what was sent"
        )
    return request, blobs


def decode_binary(name: str, datatype: str, shape: list[int], blob: memoryview) -> np.ndarray:
    """The array an input's bytes hold, in the datatype the request names."""
    count = prod(shape)
    if datatype == "BYTES":
        elements = _unpack_bytes(name, blob)
        if len(elements) != count:
            raise InvalidBinaryRequest(
                f"input {name!r}: shape {shape} needs {count} values; the request has {len(elements)}"
            )
        array = np.empty(count, dtype=object)
        array[:] = elements
        return array.reshape(shape)
    dtype = _wire_dtype(datatype)
    if len(blob) != count * dtype.itemsize:
        raise InvalidBinaryRequest(
            f"input {name!r}: shape {shape} of {datatype} needs {count * dtype.itemsize} bytes; "
            f"binary_data_size is {len(blob)}"
        )
    array = np.frombuffer(blob, dtype=dtype).reshape(shape)
    if not array.flags.aligned or not array.dtype.isnative:
        # The engines read aligned native numbers; an input after an odd-sized one is not aligned.
        array = array.astype(array.dtype.newbyteorder("="))
    return array


def _wire_dtype(datatype: str) -> np.dtype:
    """The protocol's byte layout for a numeric datatype: little-endian."""
    return np.dtype(V2_TO_NUMPY[datatype]).newbyteorder("<")


def _pack_bytes(values) -> bytes:
    """BYTES elements on the wire: each a 4-byte little-endian length, then its bytes."""
    return b"".join(_BYTES_LENGTH.pack(len(v)) + v for v in values)


def _unpack_bytes(name: str, blob: memoryview) -> list[bytes]:
    elements, offset = [], 0
    while offset < len(blob):
        if offset + 4 > len(blob):
            raise InvalidBinaryRequest(f"input {name!r}: BYTES element length cut off at byte {offset}")
        (size,) = _BYTES_LENGTH.unpack_from(blob, offset)
        offset += 4
        if offset + size > len(blob):
            raise InvalidBinaryRequest(f"input {name!r}: BYTES element of {size} bytes runs past binary_data_size")
        elements.append(bytes(blob[offset:offset + size]))
        offset += size
    return elements


def binary_outputs_wanted(request: dict[str, Any]) -> tuple[bool, dict[str, bool]]:
    """(all outputs binary by default?, per-output choice) as the request asks."""
    parameters = request.get("parameters")
    default = bool(isinstance(parameters, dict) and parameters.get("binary_data_output"))
    chosen = {}
    for output in request.get("outputs") or []:
        if isinstance(output, dict) and isinstance(output.get("parameters"), dict):
            if "binary_data" in output["parameters"]:
                chosen[str(output.get("name"))] = bool(output["parameters"]["binary_data"])
    return default, chosen


def encode_binary_response(body: bytes, default: bool, chosen: dict[str, bool]) -> tuple[bytes, int] | None:
    """The response with the wanted outputs as bytes after the JSON, and the JSON's length;
    None when no output is to be binary."""
    response = orjson.loads(body)
    blobs = []
    for output in response.get("outputs") or []:
        if not chosen.get(output.get("name"), default):
            continue
        datatype = output["datatype"]
        data = output.pop("data", [])
        if datatype == "BYTES":
            blob = _pack_bytes(str(x).encode() for x in data)
        else:
            blob = np.asarray(data, dtype=_wire_dtype(datatype)).tobytes()
        output.setdefault("parameters", {})[BINARY_DATA_SIZE] = len(blob)
        blobs.append(blob)
    if not blobs:
        return None
    header = orjson.dumps(response)
    return header + b"".join(blobs), len(header)


def encode_request(inputs: dict[str, np.ndarray], *, binary_outputs: bool = True) -> tuple[bytes, int]:
    """A binary request for `inputs` and the length of its JSON header (what a client sends
    as Inference-Header-Content-Length)."""
    from .datatypes import v2_datatype

    tensors, blobs = [], []
    for name, array in inputs.items():
        array = np.asarray(array)
        datatype = v2_datatype(array.dtype)
        if datatype == "BYTES":
            blob = _pack_bytes(v if isinstance(v, bytes) else str(v).encode() for v in array.ravel())
        else:
            blob = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes()
        tensors.append({"name": name, "shape": list(array.shape), "datatype": datatype,
                        "parameters": {BINARY_DATA_SIZE: len(blob)}})
        blobs.append(blob)
    request: dict[str, Any] = {"inputs": tensors}
    if binary_outputs:
        request["parameters"] = {"binary_data_output": True}
    header = orjson.dumps(request)
    return header + b"".join(blobs), len(header)


def decode_response(body: bytes, header_length: int | None) -> dict[str, np.ndarray]:
    """Each output of a response, binary or JSON, as an array."""
    response = orjson.loads(body if header_length is None else body[:header_length])
    offset = header_length or 0
    arrays = {}
    for output in response["outputs"]:
        shape, datatype = output["shape"], output["datatype"]
        size = (output.get("parameters") or {}).get(BINARY_DATA_SIZE)
        if size is None:
            dtype = np.dtype(V2_TO_NUMPY[datatype])
            arrays[output["name"]] = np.asarray(output["data"], dtype=dtype).reshape(shape)
            continue
        blob = memoryview(body)[offset:offset + size]
        offset += size
        array = decode_binary(output["name"], datatype, shape, blob)
        arrays[output["name"]] = array if array.dtype.kind == "O" else array.astype(array.dtype.newbyteorder("="))
    return arrays


class BinaryTensorData:
    """ASGI middleware in front of MLServer's REST app; see the module's docstring."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        header_length = _binary_header_length(scope)
        if header_length is None:
            await self.app(scope, receive, send)
            return
        from .errors import RequestTooLarge

        body = await read_body(receive)  # within request_limits.BodyLimit's, outside this layer
        try:
            request, blobs = split_binary_body(scope, body, header_length)
        except InvalidBinaryRequest as exc:
            await send_error(send, f"invalid request: {exc}")
            return
        except RequestTooLarge as exc:
            await send_error(send, str(exc), status=exc.status_code)
            return
        default, chosen = binary_outputs_wanted(request)
        binary_out = default or any(chosen.values())
        json_body = orjson.dumps(request)
        inner_scope = dict(scope)
        inner_scope["headers"] = [
            (key, value) for key, value in scope["headers"]
            if key.lower() not in _BODY_HEADERS and not (binary_out and key.lower() == b"accept-encoding")
        ] + [(b"content-type", b"application/json"), (b"content-length", str(len(json_body)).encode())]
        sent = False

        async def receive_json():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": json_body, "more_body": False}
            return await receive()

        token = binary_inputs.set(blobs)
        try:
            if binary_out:
                await self.app(inner_scope, receive_json, _BinaryResponder(send, default, chosen))
            else:
                await self.app(inner_scope, receive_json, send)
        finally:
            binary_inputs.reset(token)


class _BinaryResponder:
    """Holds back a successful JSON response and sends it with the wanted outputs in binary."""

    def __init__(self, send, default: bool, chosen: dict[str, bool]):
        self.send, self.default, self.chosen = send, default, chosen
        self.start: dict | None = None
        self.chunks: list[bytes] = []

    async def __call__(self, message):
        if message["type"] == "http.response.start":
            if message["status"] != 200:
                await self.send(message)  # errors keep their JSON body
            else:
                self.start = message
            return
        if self.start is None or message["type"] != "http.response.body":
            await self.send(message)
            return
        self.chunks.append(message.get("body", b""))
        if message.get("more_body"):
            return
        body = b"".join(self.chunks)
        encoded = encode_binary_response(body, self.default, self.chosen)
        headers = [(k, v) for k, v in self.start["headers"] if k.lower() not in (b"content-length", b"content-type")]
        if encoded is not None:
            body, json_length = encoded
            headers += [(b"content-type", b"application/octet-stream"),
                        (HEADER_LENGTH, str(json_length).encode())]
        else:
            headers += [(b"content-type", b"application/json")]
        headers.append((b"content-length", str(len(body)).encode()))
        await self.send({**self.start, "headers": headers})
        await self.send({"type": "http.response.body", "body": body, "more_body": False})


def split_binary_body(scope, body: bytes, header_length: str) -> tuple[dict[str, Any], dict[str, memoryview]]:
    """`split_request` of a body as it came (maybe compressed), given the header's value as sent."""
    if not header_length.isdigit():
        raise InvalidBinaryRequest(f"Inference-Header-Content-Length {header_length!r} is not a number")
    return split_request(_decompressed(scope, body), int(header_length))


def _binary_header_length(scope) -> str | None:
    if scope["type"] != "http" or scope.get("method") != "POST" or not scope.get("path", "").endswith("/infer"):
        return None
    for key, value in scope["headers"]:
        if key.lower() == HEADER_LENGTH:
            return value.decode("latin-1").strip()
    return None


def _decompressed(scope, body: bytes) -> bytes:
    """The body as sent, inflated (request_limits.inflate: never past WHETSTONE_MAX_REQUEST_MB, or a
    gzip bomb of a few hundred kilobytes would take gigabytes from every tenant's engine). In the
    engine, request_limits.BodyLimit has already inflated the body and dropped the header; this holds
    for a layer mounted without it (defence in depth, and the in-process tests)."""
    from .request_limits import InvalidEncoding, inflate, max_request_bytes  # the engine's side only (MLServer)

    encoding = next((v.decode("latin-1").strip().lower() for k, v in scope["headers"] if k.lower() == b"content-encoding"), "")
    if encoding in ("gzip", "deflate"):
        try:
            return inflate(body, encoding, max_request_bytes())
        except InvalidEncoding as exc:
            raise InvalidBinaryRequest(str(exc)) from exc
    if encoding not in ("", "identity"):
        raise InvalidBinaryRequest(f"Content-Encoding {encoding!r} is not supported; use gzip, deflate or none")
    return body


async def read_body(receive, max_bytes: int | None = None) -> bytes | None:
    """The whole request body; None as soon as it grows past `max_bytes`."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks)


async def send_error(send, message: str, status: int = HTTP_BAD_REQUEST, *, close: bool = False) -> None:
    """A JSON error reply, MLServer's shape; `close` ends the connection (a body left unread)."""
    body = orjson.dumps({"error": message})
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status,
                "headers": headers + ([(b"connection", b"close")] if close else [])})
    await send({"type": "http.response.body", "body": body, "more_body": False})
