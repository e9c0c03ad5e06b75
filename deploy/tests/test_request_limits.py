"""Anyone who reaches the inference port can send a body: one too large, or a gzip bomb, must be
refused before it takes the memory every tenant's models share, on every path of the engine."""

from __future__ import annotations

import gzip
import json
import socket
import zlib

import numpy as np
import pytest
import requests

from deploy.serving.binary import HEADER_LENGTH
from deploy.serving.errors import RequestTooLarge
from deploy.serving.repository import access_token_hash, stage_package
from deploy.serving.request_limits import InvalidEncoding, inflate
from deploy.serving.server import engine_environment
from deploy.tests.engines import ENGINE_START_TIMEOUT_S
from deploy.tests.tiny_packages import FEATURES, write_tiny_package

LIMIT_MB = 1 / 16  # 64 KiB
LIMIT = int(LIMIT_MB * 2**20)
TOKEN = "the-deployments-token"


def test_inflate_stops_at_the_limit_and_reads_what_is_within_it():
    payload = b"x" * 1000
    assert inflate(gzip.compress(payload), "gzip", 1000) == payload
    assert inflate(gzip.compress(payload) + gzip.compress(payload), "gzip", 2000) == payload * 2  # members
    assert inflate(zlib.compress(payload), "deflate", 1000) == payload
    with pytest.raises(RequestTooLarge):
        inflate(gzip.compress(payload), "gzip", 999)
    with pytest.raises(RequestTooLarge):
        inflate(gzip.compress(payload) * 3, "gzip", 2500)
    with pytest.raises(InvalidEncoding, match="ends before"):
        inflate(gzip.compress(payload)[:-12], "gzip", 1000)
    with pytest.raises(InvalidEncoding):
        inflate(b"not gzip at all", "gzip", 1000)
    large = bytes(range(256)) * 4096  # several input chunks per member
    assert inflate(gzip.compress(large, compresslevel=0) * 3, "gzip", 3 * len(large)) == large * 3


def test_a_body_of_many_gzip_members_is_refused_at_once():
    """Finding where each member ends copied the rest of the body: a body of a million empty members
    (19 MiB) took minutes of the event loop."""
    import time

    many = gzip.compress(b"") * 200_000
    began = time.monotonic()
    with pytest.raises(InvalidEncoding, match="more than 16 gzip members"):
        inflate(many, "gzip", 2**30)
    assert time.monotonic() - began < 1


@pytest.fixture(scope="module")
def small_limit_engine(tmp_path_factory):
    """An engine taking bodies of 64 KiB, serving `open` and `guarded` (which has an access token)."""
    from deploy.serving.server import stop_server
    from deploy.tests.engines import launch_engine

    root = tmp_path_factory.mktemp("limits")
    stage_package(write_tiny_package(root / "p"), root / "models", "open")
    stage_package(write_tiny_package(root / "p"), root / "models", "guarded",
                  access_token_sha256=access_token_hash(TOKEN))
    engine = launch_engine(root, {**engine_environment(), "WHETSTONE_MAX_REQUEST_MB": str(LIMIT_MB)})
    engine.client.wait_until_ready("open", ENGINE_START_TIMEOUT_S)
    engine.client.wait_until_ready("guarded", ENGINE_START_TIMEOUT_S)
    yield engine
    stop_server(engine.process)


def _bomb() -> bytes:
    """A binary infer body that inflates to 32 MiB, 500 times the limit, from a few tens of KiB."""
    header = json.dumps({"inputs": [{"name": "x", "shape": [1, FEATURES], "datatype": "FP32",
                                     "parameters": {"binary_data_size": 16}}]}).encode()
    return gzip.compress(header + bytes(32 * 2**20), compresslevel=9)


def _binary_headers(**extra) -> dict[str, str]:
    header = json.dumps({"inputs": [{"name": "x", "shape": [1, FEATURES], "datatype": "FP32",
                                     "parameters": {"binary_data_size": 16}}]}).encode()
    return {HEADER_LENGTH.decode(): str(len(header)), "Content-Encoding": "gzip",
            "Content-Type": "application/octet-stream", **extra}


@pytest.mark.parametrize("model, headers", [
    ("does-not-exist", {}),            # before anyone knows whether the model exists
    ("open", {}),                      # the direct path
    ("open", {"Origin": "https://console.example"}),  # MLServer's own path, which the console takes
])
def test_a_gzip_bomb_is_refused_with_413_on_every_path(small_limit_engine, model, headers):
    bomb = _bomb()
    assert len(bomb) < LIMIT

    answer = requests.post(f"{small_limit_engine.base_url}/v2/models/{model}/infer", data=bomb,
                           headers=_binary_headers(**headers), timeout=60)

    assert answer.status_code == 413, answer.text
    assert "larger than this engine takes" in answer.json()["error"]
    x = np.ones((1, FEATURES), np.float32)
    assert small_limit_engine.client.infer("open", {"x": x})["logits"].shape == (1, 3)


def test_a_caller_without_the_token_is_refused_before_the_body_is_parsed(small_limit_engine):
    header = b'{"inputs": [{"name": "x", "this is not JSON'
    answer = requests.post(f"{small_limit_engine.base_url}/v2/models/guarded/infer", data=gzip.compress(header),
                           headers={**_binary_headers(), HEADER_LENGTH.decode(): str(len(header))}, timeout=60)

    assert answer.status_code == 401, answer.text  # not the 400 a parse would have given


@pytest.mark.parametrize("encodings, status", [
    (["identity", "gzip"], 413),  # one encoding in all: inflated here, and the bomb is over the limit
    (["gzip, gzip"], 415),
    (["gzip", "deflate"], 415),
    (["br"], 415),
])
def test_every_content_encoding_header_is_read(small_limit_engine, encodings, status):
    """BodyLimit read the first Content-Encoding header; MLServer inflates if any of them says gzip."""
    bomb = gzip.compress(b'{"inputs": []' + b" " * (32 * 2**20) + b"}", compresslevel=9)
    headers = b"".join(f"Content-Encoding: {encoding}\r\n".encode() for encoding in encodings)
    host, port = small_limit_engine.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=60) as connection:  # requests merges repeated headers
        connection.sendall(b"POST /v2/models/open/infer HTTP/1.1\r\nHost: engine\r\nContent-Type: application/json\r\n"
                           b"Origin: https://console.example\r\n" + headers
                           + f"Content-Length: {len(bomb)}\r\nConnection: close\r\n\r\n".encode() + bomb)
        reply = b""
        while chunk := connection.recv(65536):
            reply += chunk
    assert int(reply.split(b" ", 2)[1]) == status, reply[:300]
    assert small_limit_engine.client.live()


@pytest.mark.parametrize("path", ["/v2/models/open/infer", "/v2/models/open/infer_stream", "/v2/models/open/generate"])
def test_a_json_gzip_bomb_is_refused_on_mlservers_own_path(small_limit_engine, path):
    """MLServer's own path inflates a JSON body itself, with no limit: a call with an Origin header,
    /infer_stream and /generate take it."""
    bomb = gzip.compress(b'{"inputs": []' + b" " * (32 * 2**20) + b"}", compresslevel=9)
    assert len(bomb) < LIMIT

    answer = requests.post(f"{small_limit_engine.base_url}{path}", data=bomb, timeout=60,
                           headers={"Content-Type": "application/json", "Content-Encoding": "gzip",
                                    "Origin": "https://console.example"})

    assert answer.status_code == 413, answer.text
    assert small_limit_engine.client.live()


def test_a_gzip_body_within_the_limit_is_served_on_every_path(small_limit_engine):
    x = np.ones((2, FEATURES), np.float32)
    body = gzip.compress(json.dumps({"inputs": [{"name": "x", "shape": [2, FEATURES], "datatype": "FP32",
                                                 "data": x.ravel().tolist()}]}).encode())
    for headers in ({}, {"Origin": "https://console.example"}):
        answer = requests.post(f"{small_limit_engine.base_url}/v2/models/open/infer", data=body, timeout=60,
                               headers={"Content-Type": "application/json", "Content-Encoding": "gzip", **headers})
        assert answer.status_code == 200, answer.text
        assert answer.json()["outputs"][0]["shape"] == [2, 3]


@pytest.mark.parametrize("path, headers", [
    ("/v2/models/open/infer", {"Origin": "https://console.example"}),  # MLServer's path had no limit
    ("/v2/repository/index", {}),
    ("/v2/models/open/infer", {}),
])
@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_a_body_over_the_limit_is_refused_with_413_on_every_path(small_limit_engine, path, headers, declared):
    body = b'{"inputs": []' + b" " * 2 * LIMIT + b"}"
    data = body if declared else iter([body[i:i + 8192] for i in range(0, len(body), 8192)])

    answer = requests.post(f"{small_limit_engine.base_url}{path}", data=data,
                           headers={"Content-Type": "application/json", **headers}, timeout=60)

    assert answer.status_code == 413, answer.text
    assert small_limit_engine.client.live()


def test_body_limit_hands_on_the_body_once_and_a_disconnect_as_it_came():
    """The layer in front of every path reads the body whole, then replays it: one message, then
    whatever the client does next (here it goes away)."""
    import asyncio

    from deploy.serving.request_limits import BodyLimit

    def run(messages):
        received = []

        async def app(scope, receive, send):
            received.append(await receive())
            received.append(await receive())

        async def receive():
            return messages.pop(0)

        async def send(message):
            received.append(("sent", message["type"]))

        asyncio.run(BodyLimit(app, max_bytes=100)({"type": "http", "headers": []}, receive, send))
        return received

    assert run([{"type": "http.request", "body": b"ab", "more_body": True},
                {"type": "http.request", "body": b"cd", "more_body": False},
                {"type": "http.disconnect"}]) == [
        {"type": "http.request", "body": b"abcd", "more_body": False}, {"type": "http.disconnect"}]
    assert run([{"type": "http.request", "body": b"ab", "more_body": True}, {"type": "http.disconnect"},
                {"type": "http.disconnect"}])[0] == {"type": "http.disconnect"}
