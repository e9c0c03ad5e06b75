"""A model whose inputs cannot be generated (Expand with its target shape as an input): the job
fails at once asking for example inputs; once they are attached to the version, the same request
succeeds on them, and the report says where its data came from."""

from __future__ import annotations

import io
import math
import uuid
import zipfile

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from compiler_core.runtime import load_package
from tests.support.api import register_model, start_job, wait_for_job

pytestmark = pytest.mark.e2e


def expand_with_shape_input(path):
    """y = Expand(x, shape) @ W: generated shapes (small non-negative ints) never fit the MatMul."""
    weight = numpy_helper.from_array(np.random.default_rng(0).standard_normal((4, 2)).astype(np.float32), "W")
    graph = helper.make_graph(
        [helper.make_node("Expand", ["x", "shape"], ["expanded"]), helper.make_node("MatMul", ["expanded", "W"], ["y"])],
        "expand_with_shape_input",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 1]),
         helper.make_tensor_value_info("shape", TensorProto.INT64, [2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 2])],
        [weight],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def example(seed: int) -> dict[str, np.ndarray]:
    return {"x": np.random.default_rng(seed).standard_normal((3, 1)).astype(np.float32),
            "shape": np.array([3, 4], dtype=np.int64)}


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def test_a_model_that_needs_example_inputs_asks_for_them_then_optimizes_on_them(stack, tmp_path):
    api = stack.api()
    path = expand_with_shape_input(tmp_path / "expand.onnx")
    model = register_model(api, stack.web_url, path, f"expand-{uuid.uuid4().hex[:8]}")
    examples_url = f"{stack.web_url}/api/v1/models/{model['id']}/versions/1/examples/"

    failed = wait_for_job(api, stack.web_url, start_job(api, stack.web_url, model["id"], time_budget_s=30)["id"])
    assert failed["status"] == "failed", failed
    assert "needs example inputs" in failed["error"] and "['x', 'shape']" in failed["error"], failed["error"]
    assert f"PUT /api/v1/models/{model['id']}/versions/1/examples/" in failed["error"], failed["error"]
    assert '"Example inputs"' in failed["error"]

    # a file that does not hold the model's inputs is refused, naming them
    wrong = api.put(examples_url, timeout=30,
                    files=[("files", ("wrong.npz", npz_bytes({"pixels": np.ones(3)}), "application/octet-stream"))])
    assert wrong.status_code == 400 and "['shape', 'x']" in wrong.text, wrong.text

    attached = api.put(examples_url, files=[("files", (f"{i}.npz", npz_bytes(example(i)), "application/octet-stream"))
                                            for i in range(3)], timeout=30)
    assert attached.status_code == 200, attached.text
    assert attached.json()["count"] == 3 and attached.json()["shapes"] == [{"x": [3, 1], "shape": [2]}]

    started = start_job(api, stack.web_url, model["id"], time_budget_s=30)
    assert started["options"]["calibration_source"] == "model version examples"
    job = wait_for_job(api, stack.web_url, started["id"])
    assert job["status"] == "succeeded", job["error"]
    assert job["report"]["diagnosis"]["test_data_source"].startswith("example inputs of version 1"), job["report"]
    # The worker told the row the budget its search ran under (the request's 30 s, or the model's
    # minimum where that is larger): what the console's clock counts down from.
    assert job["effective_time_budget_s"] == math.ceil(job["report"]["timing"]["time_budget_s"]) >= 30, job

    # the package gives the original's outputs on inputs it has never seen
    package = api.get(f"{stack.web_url}/api/v1/jobs/{job['id']}/package/", timeout=60)
    assert package.status_code == 200
    (tmp_path / "pkg").mkdir()
    zipfile.ZipFile(io.BytesIO(package.content)).extractall(tmp_path / "pkg")
    feeds = example(11)
    expected = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, feeds)[0]
    np.testing.assert_allclose(load_package(tmp_path / "pkg").run(feeds)["y"], expected, rtol=1e-5, atol=1e-6)
