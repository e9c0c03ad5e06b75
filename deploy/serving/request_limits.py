"""How large a request the engine takes, on every path, before anything else reads it.

The inference port is open to anyone who can reach it: a body is read (and a compressed one
inflated) before a model's access token is checked, since the token is a header but the model may
not even exist. One engine serves every tenant, so an unbounded body, or a gzip bomb (a thousand to
one), would take it down for all of them. Both are held to WHETSTONE_MAX_REQUEST_MB (256):
- `BodyLimit`, the outermost ASGI layer, answers 413 to a body over the limit on any path (the
  direct infer path, MLServer's own path, which a call with an `Origin` header takes, the
  repository API), from its Content-Length or while it streams in;
- `inflate` decodes gzip and deflate bodies in a stream, and stops at the same limit; BodyLimit
  inflates every compressed body itself, so no later layer (MLServer's own inflates without a
  limit) sees one.
"""

from __future__ import annotations

import asyncio
import os
import zlib

from .binary import send_error
from .errors import RequestTooLarge

MAX_REQUEST_ENV = "WHETSTONE_MAX_REQUEST_MB"
# The largest request body read, in MB: a 3x1024x1024 FP32 image is about 60 MB as JSON.
DEFAULT_MAX_REQUEST_MB = 256
HTTP_BAD_REQUEST = 400
HTTP_REQUEST_TOO_LARGE = 413
HTTP_UNSUPPORTED_MEDIA_TYPE = 415
INFLATIONS_AT_ONCE = 2
# HTTP clients send one gzip member; a few concatenated ones are valid gzip too.
MAX_GZIP_MEMBERS = 16
INFLATE_CHUNK = 1 << 16
# A compressed body larger than this is inflated in a worker thread, off the event loop.
INFLATE_ON_LOOP_MAX_BYTES = 1 << 16


def max_request_bytes() -> int:
    return int(float(os.environ.get(MAX_REQUEST_ENV, DEFAULT_MAX_REQUEST_MB)) * 2**20)


class InvalidEncoding(ValueError):
    """The body is not valid in the Content-Encoding it names."""


def inflate(body: bytes, encoding: str, max_bytes: int) -> bytes:
    """`body` decoded from gzip (up to MAX_GZIP_MEMBERS members) or deflate (zlib-wrapped, as HTTP
    sends it); raises RequestTooLarge as soon as the decoded bytes pass `max_bytes`, InvalidEncoding
    for a damaged stream. The input is fed a chunk at a time, so that finding where one gzip member
    ends copies a chunk, not the rest of the body (a body of many members was quadratic)."""
    window = zlib.MAX_WBITS | 16 if encoding == "gzip" else zlib.MAX_WBITS
    view, out, left, position, members = memoryview(body), [], max_bytes, 0, 0
    while True:
        members += 1
        if members > MAX_GZIP_MEMBERS:
            raise InvalidEncoding(f"the body is not valid {encoding} (more than {MAX_GZIP_MEMBERS} gzip members)")
        stream = zlib.decompressobj(window)
        while not stream.eof:
            if position >= len(view):
                raise InvalidEncoding(f"the body is not valid {encoding} (it ends before its stream does)")
            chunk = view[position:position + INFLATE_CHUNK]
            position += len(chunk)
            try:
                decoded = stream.decompress(chunk, left + 1)
            except zlib.error as exc:
                raise InvalidEncoding(f"the body is not valid {encoding} ({exc})") from exc
            left -= len(decoded)
            if left < 0 or stream.unconsumed_tail:
                raise RequestTooLarge(max_bytes)
            out.append(decoded)
        position -= len(stream.unused_data)  # the next member's first bytes, read with this chunk
        if encoding != "gzip" or position >= len(view):  # gzip allows members one after another
            return b"".join(out)


class BodyLimit:
    """ASGI middleware: a request body over the limit is answered 413 before any layer reads it.
    A body within the limit is handed on whole, as one message (every layer here reads it whole).
    A gzip or deflate body is handed on inflated (in a worker thread when it is large, two at a
    time), its Content-Encoding headers gone: MLServer's own path (calls with an Origin header,
    /infer_stream, /generate) inflates a body with no limit of its own if any Content-Encoding
    header says gzip, so no body reaches it compressed, and two encodings, or another one, are
    refused (415). Inflating comes before any model's token is checked: it is bounded instead."""

    def __init__(self, app, max_bytes: int | None = None):
        self.app = app
        self.max_bytes = max_request_bytes() if max_bytes is None else max_bytes
        # Inflations at once: each may take up to max_bytes, and a caller needs no token to send one.
        self._inflating = asyncio.Semaphore(INFLATIONS_AT_ONCE)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = next((value for key, value in scope["headers"] if key.lower() == b"content-length"), b"").strip()
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        chunks, size, disconnected = [], 0, False
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                disconnected = True
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send)
                return
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        body, handed = b"".join(chunks), False
        # Every Content-Encoding header, each maybe a list: MLServer inflates if any of them says gzip.
        encodings = [part.strip().lower() for key, value in scope["headers"] if key.lower() == b"content-encoding"
                     for part in value.split(b",") if part.strip().lower() not in (b"", b"identity")]
        if encodings and not disconnected:
            if len(encodings) > 1 or encodings[0] not in (b"gzip", b"deflate"):
                await send_error(send, "invalid request: Content-Encoding "
                                 f"{b', '.join(encodings).decode('latin-1')!r} is not supported; use one of gzip, "
                                 "deflate or none", HTTP_UNSUPPORTED_MEDIA_TYPE, close=True)
                return
            try:
                async with self._inflating:
                    if len(body) > INFLATE_ON_LOOP_MAX_BYTES:
                        body = await asyncio.to_thread(inflate, body, encodings[0].decode(), self.max_bytes)
                    else:
                        body = inflate(body, encodings[0].decode(), self.max_bytes)
            except RequestTooLarge:
                await self._refuse(send)
                return
            except InvalidEncoding as exc:
                await send_error(send, f"invalid request: {exc}", HTTP_BAD_REQUEST, close=True)
                return
        if encodings or any(key.lower() == b"content-encoding" for key, _ in scope["headers"]):
            scope = {**scope, "headers": [(k, v) for k, v in scope["headers"]
                                          if k.lower() not in (b"content-encoding", b"content-length")]
                     + [(b"content-length", str(len(body)).encode())]}

        async def replay():
            nonlocal handed
            if not handed:
                handed = True
                if disconnected:
                    return {"type": "http.disconnect"}
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send) -> None:
        await send_error(send, str(RequestTooLarge(self.max_bytes)), HTTP_REQUEST_TOO_LARGE, close=True)
