"""Valid ONNX as frameworks write it loads, optimizes, and its package answers like the original.

Expected outputs come from onnxruntime on the file as written, and where onnxruntime refuses it (a
`0` dim, opset 6) from onnx's reference evaluator. (Not from the evaluator everywhere: it computes
the Loop model below wrongly, where onnxruntime agrees with numpy.)
"""

from __future__ import annotations

import numpy as np
import onnxruntime as ort
import pytest
from onnx.reference import ReferenceEvaluator

from compiler_core import optimize
from compiler_core.errors import OptimizationError
from compiler_core.frontends.onnx_file import load_onnx
from compiler_core.frontends.onnx_normalize import normalize
from compiler_core.runtime import load_package
from compiler_core.shapes import parse_shapes
from compiler_core.signature import dynamic_dims, generate_inputs, signature_of

from .wild_models import BUILDERS, if_model, paddle_classifier


def _close(got, expected) -> bool:
    if isinstance(expected, list):
        return isinstance(got, (list, np.ndarray)) and len(got) == len(expected) and all(
            _close(g, e) for g, e in zip(got, expected))
    got = np.asarray(got)
    return got.shape == np.shape(expected) and np.allclose(got, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_the_package_answers_the_models_own_inputs_like_the_original(name, tmp_path):
    path, feeds = BUILDERS[name](tmp_path / "model.onnx")
    try:
        expected = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, feeds)
    except Exception:  # noqa: BLE001 - the cases onnxruntime refuses as written
        expected = ReferenceEvaluator(str(path)).run(None, feeds)
    optimize(path, tmp_path / "pkg", recipe="lossless", time_budget_s=3, threads=1)
    runner = load_package(tmp_path / "pkg")
    outputs = runner.run(feeds)
    names = [spec["name"] for spec in signature_of(load_onnx(path))["outputs"]]
    for output, want in zip(names, expected):
        assert _close(outputs[output], want), output


def test_minus_one_zero_and_placeholder_dims_are_each_their_own_dynamic_dim(tmp_path):
    path, _ = paddle_classifier(tmp_path / "model.onnx")
    signature = signature_of(load_onnx(path))
    assert signature["inputs"][0]["shape"] == [None, 3, None, None]
    # '?' on H and on W would have tied height to width: each axis is addressed on its own instead.
    assert dynamic_dims(signature) == ["x:0", "x:2", "x:3"]
    shapes = parse_shapes("x:2=48;x:3=192", signature)
    assert shapes == [{"x:0": 1, "x:2": 48, "x:3": 192}]
    feeds = generate_inputs(load_onnx(path), signature, shapes[0])
    assert feeds["x"].shape == (1, 3, 48, 192)


def test_the_normalised_graph_accepts_real_batches_and_says_what_changed(tmp_path):
    path, feeds = BUILDERS["zero_dim"](tmp_path / "model.onnx")
    with pytest.raises(Exception, match="invalid dimensions"):
        ort.InferenceSession(str(path)).run(None, feeds)  # onnxruntime reads the 0 literally
    model, notes = normalize(load_onnx(path))
    assert any("x:0" in note for note in notes)
    session = ort.InferenceSession(model.SerializeToString())
    assert session.run(None, feeds)[0].shape == (2, 4)


def test_old_opsets_are_up_converted(tmp_path):
    path, _ = BUILDERS["old_opset"](tmp_path / "model.onnx")
    model, notes = normalize(load_onnx(path))
    assert next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx")) >= 7
    assert any("up-converted from opset 6" in note for note in notes)


def test_any_named_axis_may_be_addressed_as_input_axis(tmp_path):
    from .models import mlp

    signature = signature_of(load_onnx(mlp(tmp_path / "mlp.onnx")))
    assert parse_shapes("x:0=4,8", signature) == [{"batch": 4}, {"batch": 8}]
    with pytest.raises(OptimizationError, match="two values"):
        parse_shapes('[{"batch": 2, "x:0": 4}]', signature)


def test_sequence_inputs_are_described_and_generated(tmp_path):
    path, _ = BUILDERS["sequence_input"](tmp_path / "model.onnx")
    model = load_onnx(path)
    signature = signature_of(model)
    assert signature["inputs"][0] == {"name": "parts", "dtype": "float32", "shape": ["rows", 4], "type": "sequence"}
    parts = generate_inputs(model, signature, {"rows": 2})["parts"]
    assert isinstance(parts, list) and len(parts) > 1 and all(p.shape == (2, 4) for p in parts)


def test_nameless_nodes_are_named_so_that_int8_can_quantize_them(tmp_path):
    # Hand-built graphs and some converters leave node names empty; the quantizers address nodes by
    # name, so a nameless MLP was "no MatMul/Gemm/LSTM nodes to quantize" under recipe int8.
    from . import models

    path = models.mlp(tmp_path / "mlp.onnx")
    assert not any(node.name for node in load_onnx(path).graph.node)
    model, notes = normalize(load_onnx(path))
    names = [node.name for node in model.graph.node]
    assert names == ["MatMul_0", "Add_1", "Relu_2", "MatMul_3"] and any("4 nameless node(s)" in n for n in notes)
    report = optimize(path, tmp_path / "pkg", recipe="int8", threads=1)
    dynamic = next(c for c in report["candidates"] if c["name"] == "int8_dynamic")
    assert dynamic["status"] != "skipped", dynamic["why_lost"]


def test_a_control_flow_nodes_time_is_its_subgraphs_counted_once(tmp_path):
    """onnxruntime profiles an `If` and every node of the branch it runs; the If's own event holds
    the branch's time, so it is left out: Silero VAD's INT8 outlook read 7% compute for 24%."""
    from compiler_core.kernels import ort_kernel_table
    from compiler_core.candidates.base import ort_runtime

    path, feeds = if_model(tmp_path / "if.onnx")
    table = ort_kernel_table(path, ort_runtime(1), feeds)
    assert table["time_ms"]["compute"] > 0  # the branch's MatMul
    assert table["time_ms"]["other"] == 0, table  # nothing in this graph is "other" but the If itself


def test_dynamic_int8_reaches_a_matmul_inside_an_if(tmp_path):
    """Silero VAD's LSTM sits in an If branch; dynamic INT8 was 'nothing to quantize' there."""
    path, feeds = if_model(tmp_path / "if.onnx")
    report = optimize(path, tmp_path / "pkg", recipe="int8", time_budget_s=20, threads=1,
                      shapes="batch=2")
    dynamic = next(c for c in report["candidates"] if c["name"] == "int8_dynamic")
    assert dynamic["status"] not in ("skipped", "failed"), dynamic
