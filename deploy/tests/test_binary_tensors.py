"""The binary tensor data extension (KServe/Triton) on a real engine: raw bytes after a
JSON header instead of JSON numbers, from our client and from Triton's own client."""

from __future__ import annotations

import gzip
import json
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import requests

from compiler_core.runtime import load_package
from deploy.serving.binary import decode_binary, decode_response, encode_request, split_request
from deploy.serving.repository import ServingClient, access_token_hash, deploy_package
from deploy.tests.engines import RunningEngine
from deploy.tests.tiny_packages import FEATURES, write_tiny_package

TOKEN = "wst_binary-test-token-0123456789"


def rows(count: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(count, FEATURES)).astype(np.float32)


def post_binary(url: str, inputs: dict[str, np.ndarray], *, headers: dict | None = None, **kwargs) -> requests.Response:
    body, header_length = encode_request(inputs, **kwargs)
    return requests.post(url, data=body, timeout=30, headers={
        "Content-Type": "application/octet-stream", "Inference-Header-Content-Length": str(header_length),
        **(headers or {})})


def outputs_of(response: requests.Response) -> dict[str, np.ndarray]:
    assert response.status_code == 200, response.text
    length = response.headers.get("Inference-Header-Content-Length")
    return decode_response(response.content, int(length) if length else None)


@pytest.fixture(scope="module")
def deployed(serving_engine: RunningEngine, tmp_path_factory):
    """One package served plain, with adaptive batching, and behind an access token."""
    package = write_tiny_package(tmp_path_factory.mktemp("binary"), seed=71)
    client, root = serving_engine.client, serving_engine.models_root
    deploy_package(client, package, root, "bin-plain")
    deploy_package(client, package, root, "bin-batched", max_batch_size=8, max_batch_time_s=0.05)
    deploy_package(client, package, root, "bin-guarded", access_token_sha256=access_token_hash(TOKEN))
    return package


@pytest.mark.parametrize("name", ["bin-plain", "bin-batched"])
def test_binary_inputs_and_outputs_answer_exactly_like_load_package(serving_engine, deployed, name):
    x = rows(5, seed=1)

    served = serving_engine.client.infer(name, {"x": x}, binary=True)

    expected = load_package(deployed).run({"x": x})
    assert served.keys() == expected.keys()
    for output, want in expected.items():
        assert served[output].dtype == want.dtype and served[output].shape == want.shape
        np.testing.assert_array_equal(served[output], want)  # bytes, not decimal text: bit-exact


def test_binary_response_carries_its_json_length_and_the_raw_outputs(serving_engine, deployed):
    response = post_binary(f"{serving_engine.base_url}/v2/models/bin-plain/infer", {"x": rows(2)})

    length = int(response.headers["Inference-Header-Content-Length"])
    header = json.loads(response.content[:length])
    sizes = {o["name"]: o["parameters"]["binary_data_size"] for o in header["outputs"]}
    assert sizes == {"logits": 2 * 3 * 4, "label": 2 * 8}  # FP32 [2, 3] and INT64 [2]
    assert all("data" not in o for o in header["outputs"])
    assert len(response.content) == length + sum(sizes.values())


def test_outputs_stay_json_unless_asked_for_in_binary(serving_engine, deployed):
    x = rows(3, seed=2)
    response = post_binary(f"{serving_engine.base_url}/v2/models/bin-plain/infer", {"x": x}, binary_outputs=False)

    assert "Inference-Header-Content-Length" not in response.headers
    logits = next(o for o in response.json()["outputs"] if o["name"] == "logits")
    np.testing.assert_allclose(np.asarray(logits["data"], np.float32).reshape(logits["shape"]),
                               load_package(deployed).run({"x": x})["logits"], atol=1e-6)


def test_tritons_own_http_client_is_served(serving_engine, deployed):
    import tritonclient.http as triton

    x = rows(4, seed=3)
    client = triton.InferenceServerClient(serving_engine.base_url.removeprefix("http://"))
    tensor = triton.InferInput("x", list(x.shape), "FP32")
    tensor.set_data_from_numpy(x)  # binary by default
    expected = load_package(deployed).run({"x": x})

    result = client.infer("bin-batched", [tensor])  # no outputs named: all come back binary
    np.testing.assert_array_equal(result.as_numpy("logits"), expected["logits"])
    np.testing.assert_array_equal(result.as_numpy("label"), expected["label"])

    result = client.infer("bin-plain", [tensor], outputs=[triton.InferRequestedOutput("label", binary_data=False)],
                          request_compression_algorithm="gzip")
    np.testing.assert_array_equal(result.as_numpy("label"), expected["label"])


def binary_request(x: np.ndarray, *, declared_bytes: int | None = None, trailing: bytes = b"",
                   header_length_delta: int = 0, shape: list[int] | None = None) -> tuple[bytes, dict]:
    blob = x.astype("<f4").tobytes()
    header = json.dumps({"inputs": [{"name": "x", "shape": shape or list(x.shape), "datatype": "FP32",
                                     "parameters": {"binary_data_size": declared_bytes if declared_bytes is not None
                                                    else len(blob)}}]}).encode()
    return header + blob + trailing, {"Inference-Header-Content-Length": str(len(header) + header_length_delta)}


MALFORMED_BINARY = {
    "header length past the body": (binary_request(rows(1), header_length_delta=10_000), "Inference-Header-Content-Length"),
    "header length cuts the JSON": (binary_request(rows(1), header_length_delta=-3), "not valid JSON"),
    "sizes run past the body": (binary_request(rows(1), declared_bytes=4 * FEATURES + 4), "runs past the end"),
    "bytes left over": (binary_request(rows(1), trailing=b"\0" * 4), "after the last binary input"),
    "bytes do not fit the shape": (binary_request(rows(2), shape=[1, FEATURES]), "needs 16 bytes"),
    "wrong fixed dim": (binary_request(rows(1), shape=[4, 1]), "shape"),
    "not a number": ((b"{}", {"Inference-Header-Content-Length": "twelve"}), "not a number"),
}


@pytest.mark.parametrize("case", MALFORMED_BINARY, ids=list(MALFORMED_BINARY))
def test_binary_request_that_does_not_add_up_is_a_client_error(serving_engine, deployed, case):
    (body, headers), mentioned = MALFORMED_BINARY[case]

    response = requests.post(f"{serving_engine.base_url}/v2/models/bin-plain/infer", data=body, headers=headers,
                             timeout=30)

    assert response.status_code == 400, response.text
    assert set(response.json()) == {"error"} and mentioned in response.json()["error"]


def test_binary_data_size_without_a_binary_part_is_refused(serving_engine, deployed):
    body = {"inputs": [{"name": "x", "shape": [1, FEATURES], "datatype": "FP32", "data": [],
                        "parameters": {"binary_data_size": 16}}]}

    response = requests.post(f"{serving_engine.base_url}/v2/models/bin-plain/infer", json=body, timeout=30)

    assert response.status_code == 400
    assert "Inference-Header-Content-Length" in response.json()["error"]


def test_binary_call_needs_the_access_token_like_a_json_call(serving_engine, deployed):
    url = f"{serving_engine.base_url}/v2/models/bin-guarded/infer"

    refused = post_binary(url, {"x": rows(1)})
    assert refused.status_code == 401 and "token" in refused.json()["error"]

    served = ServingClient(serving_engine.base_url, access_token=TOKEN).infer("bin-guarded", {"x": rows(1)}, binary=True)
    np.testing.assert_array_equal(served["logits"], load_package(deployed).run({"x": rows(1)})["logits"])


def test_batched_binary_and_json_requests_each_get_their_own_answer(serving_engine, deployed):
    url = f"{serving_engine.base_url}/v2/models/bin-batched/infer"
    xs = [rows(1, seed=10 + i) for i in range(6)]
    wrong_size, wrong_size_headers = binary_request(rows(2), shape=[1, FEATURES])

    def call(i: int) -> requests.Response:
        if i == 6:
            return requests.post(url, data=wrong_size, headers=wrong_size_headers, timeout=30)
        if i % 2:
            return post_binary(url, {"x": xs[i]})
        return requests.post(url, json={"inputs": [{"name": "x", "shape": [1, FEATURES], "datatype": "FP64",
                                                     "data": xs[i].ravel().tolist()}]}, timeout=30)

    with ThreadPoolExecutor(7) as pool:
        responses = list(pool.map(call, range(7)))

    assert responses[6].status_code == 400
    runner = load_package(deployed)
    for x, response in zip(xs, responses):
        np.testing.assert_allclose(outputs_of(response)["logits"], runner.run({"x": x})["logits"], atol=1e-6)


def test_split_request_and_decode_round_trip_every_kind_of_tensor():
    inputs = {"f": np.arange(6, dtype=np.float16).reshape(2, 3), "i": np.array([[-1, 2**40]], dtype=np.int64),
              "b": np.array([True, False, True]), "s": np.array([b"ab", b"", "d\u00e9j\u00e0".encode()], dtype=object)}
    body, header_length = encode_request(inputs)

    request, blobs = split_request(body, header_length)

    assert [t["data"] for t in request["inputs"]] == [[], [], [], []]
    for tensor in request["inputs"]:
        decoded = decode_binary(tensor["name"], tensor["datatype"], tensor["shape"], blobs[tensor["name"]])
        np.testing.assert_array_equal(decoded, inputs[tensor["name"]])
        assert decoded.dtype == inputs[tensor["name"]].dtype


def test_gzip_binary_body_is_accepted(serving_engine, deployed):
    body, header_length = encode_request({"x": rows(3, seed=5)})

    response = requests.post(f"{serving_engine.base_url}/v2/models/bin-plain/infer", data=gzip.compress(body),
                             headers={"Inference-Header-Content-Length": str(header_length),
                                      "Content-Encoding": "gzip"}, timeout=30)

    np.testing.assert_array_equal(outputs_of(response)["logits"],
                                  load_package(deployed).run({"x": rows(3, seed=5)})["logits"])


def test_a_browser_on_an_allowed_origin_may_send_binary_tensors(tmp_path, monkeypatch):
    """The console's try-it form sends large inputs binary, cross-origin, and reads JSON
    outputs: the preflight must allow the extension's header."""
    from deploy.serving.server import stop_server
    from deploy.tests.engines import launch_engine

    console = "http://console.example:5173"
    monkeypatch.setenv("SERVING_CORS_ORIGINS", f"{console}, http://other.example")
    engine = launch_engine(tmp_path / "engine")
    try:
        package = write_tiny_package(tmp_path / "package", seed=72)
        deploy_package(engine.client, package, engine.models_root, "bin-cors")
        url = f"{engine.base_url}/v2/models/bin-cors/infer"

        preflight = requests.options(url, timeout=30, headers={
            "Origin": console, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,inference-header-content-length"})
        assert preflight.status_code == 200, preflight.text
        allowed = preflight.headers["Access-Control-Allow-Headers"].lower()
        assert "inference-header-content-length" in allowed and preflight.headers["Access-Control-Allow-Origin"] == console

        x = rows(2, seed=4)
        response = post_binary(url, {"x": x}, headers={"Origin": console}, binary_outputs=False)
        assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == console
        logits = next(o for o in response.json()["outputs"] if o["name"] == "logits")
        np.testing.assert_allclose(np.asarray(logits["data"], np.float32).reshape(logits["shape"]),
                                   load_package(package).run({"x": x})["logits"], atol=1e-6)
    finally:
        stop_server(engine.process)
