"""Small models shaped like what real exporters write (paddle2onnx, tf2onnx, the torch exporters).

Each builder returns the model's path and one batch of valid inputs for it. The graphs are tiny;
what matters is their signatures and control flow, which is where real models broke the pipeline.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def _save(model: onnx.ModelProto, path: Path, *, ir_version: int = 8, check: bool = True, **save) -> Path:
    model.ir_version = ir_version
    if check:
        onnx.checker.check_model(model)
    onnx.save_model(model, str(path), **save)
    return path


def _opset(version: int = 17):
    return [helper.make_opsetid("", version)]


def _weights(rng, shape, name, scale=0.3):
    return numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name)


def paddle_classifier(path: Path) -> tuple[Path, dict]:
    """paddle2onnx's image classifier: input [-1, 3, '?', '?'] (a -1 dim value, and '?' for both H and W)."""
    rng = np.random.default_rng(0)
    graph = helper.make_graph(
        [helper.make_node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1]),
         helper.make_node("Relu", ["c"], ["r"]),
         helper.make_node("GlobalAveragePool", ["r"], ["g"]),
         helper.make_node("Flatten", ["g"], ["f"]),
         helper.make_node("MatMul", ["f", "fc"], ["logits"]),
         helper.make_node("Softmax", ["logits"], ["probs"], axis=1)],
        "paddle_cls",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [-1, 3, "?", "?"])],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, [-1, 2])],
        [_weights(rng, (8, 3, 3, 3), "w"), _weights(rng, (8, 2), "fc")],
    )
    return _save(helper.make_model(graph, opset_imports=_opset(11)), path), {
        "x": rng.standard_normal((1, 3, 48, 192)).astype(np.float32)}


def zero_dim(path: Path) -> tuple[Path, dict]:
    """A dim written as 0 (some exporters' "unknown"), on the batch axis."""
    rng = np.random.default_rng(1)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])], "zero_dim",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [0, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [0, 4])],
        [_weights(rng, (16, 4), "w")],
    )
    return _save(helper.make_model(graph, opset_imports=_opset()), path), {
        "x": rng.standard_normal((2, 16)).astype(np.float32)}


def scalar_input(path: Path) -> tuple[Path, dict]:
    """A rank-0 input next to a batch: tf2onnx writes temperatures and thresholds like this."""
    rng = np.random.default_rng(2)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["h"]),
         helper.make_node("Div", ["h", "temperature"], ["y"])], "scalar_input",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 8]),
         helper.make_tensor_value_info("temperature", TensorProto.FLOAT, [])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 3])],
        [_weights(rng, (8, 3), "w")],
    )
    return _save(helper.make_model(graph, opset_imports=_opset()), path), {
        "x": rng.standard_normal((2, 8)).astype(np.float32), "temperature": np.array(2.0, np.float32)}


def optional_input(path: Path) -> tuple[Path, dict]:
    """An input with a default (listed as an input and an initializer, as the legacy torch exporter
    writes them with keep_initializers_as_inputs): callers may leave it out."""
    rng = np.random.default_rng(3)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["h"]),
         helper.make_node("Add", ["h", "bias"], ["y"])], "optional_input",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 8]),
         helper.make_tensor_value_info("bias", TensorProto.FLOAT, [3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 3])],
        [_weights(rng, (8, 3), "w"), numpy_helper.from_array(np.zeros(3, np.float32), "bias")],
    )
    return _save(helper.make_model(graph, opset_imports=_opset()), path), {
        "x": rng.standard_normal((2, 8)).astype(np.float32)}


def if_model(path: Path) -> tuple[Path, dict]:
    """An `If` on a boolean input, as a VAD model switches on whether its state is fresh."""
    rng = np.random.default_rng(4)
    then_graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w_then"], ["y_then"])], "then", [],
        [helper.make_tensor_value_info("y_then", TensorProto.FLOAT, ["batch", 4])])
    else_graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w_else"], ["m"]), helper.make_node("Relu", ["m"], ["y_else"])],
        "else", [], [helper.make_tensor_value_info("y_else", TensorProto.FLOAT, ["batch", 4])])
    graph = helper.make_graph(
        [helper.make_node("If", ["fresh"], ["y"], then_branch=then_graph, else_branch=else_graph)], "if_model",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 8]),
         helper.make_tensor_value_info("fresh", TensorProto.BOOL, [])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 4])],
        [_weights(rng, (8, 4), "w_then"), _weights(rng, (8, 4), "w_else")],
    )
    return _save(helper.make_model(graph, opset_imports=_opset()), path), {
        "x": rng.standard_normal((2, 8)).astype(np.float32), "fresh": np.array(False)}


def loop_model(path: Path) -> tuple[Path, dict]:
    """A `Loop` whose trip count is an input (a decoder's step count)."""
    rng = np.random.default_rng(5)
    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]),
         helper.make_node("MatMul", ["h_in", "w"], ["m"]),
         helper.make_node("Tanh", ["m"], ["h_out"])],
        "body",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []),
         helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
         helper.make_tensor_value_info("h_in", TensorProto.FLOAT, ["batch", 8])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("h_out", TensorProto.FLOAT, ["batch", 8])])
    graph = helper.make_graph(
        [helper.make_node("Loop", ["steps", "", "x"], ["h"], body=body)], "loop_model",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 8]),
         helper.make_tensor_value_info("steps", TensorProto.INT64, [])],
        [helper.make_tensor_value_info("h", TensorProto.FLOAT, ["batch", 8])],
        [_weights(rng, (8, 8), "w")],
    )
    return _save(helper.make_model(graph, opset_imports=_opset()), path), {
        "x": rng.standard_normal((2, 8)).astype(np.float32), "steps": np.array(3, np.int64)}


def scan_model(path: Path) -> tuple[Path, dict]:
    """A `Scan` over time: a running sum, as old RNN exports write recurrences."""
    body = helper.make_graph(
        [helper.make_node("Add", ["acc_in", "x_t"], ["acc_out"]),
         helper.make_node("Identity", ["acc_out"], ["y_t"])],
        "body",
        [helper.make_tensor_value_info("acc_in", TensorProto.FLOAT, [4]),
         helper.make_tensor_value_info("x_t", TensorProto.FLOAT, [4])],
        [helper.make_tensor_value_info("acc_out", TensorProto.FLOAT, [4]),
         helper.make_tensor_value_info("y_t", TensorProto.FLOAT, [4])])
    graph = helper.make_graph(
        [helper.make_node("Scan", ["init", "xs"], ["total", "ys"], body=body, num_scan_inputs=1)], "scan_model",
        [helper.make_tensor_value_info("init", TensorProto.FLOAT, [4]),
         helper.make_tensor_value_info("xs", TensorProto.FLOAT, ["time", 4])],
        [helper.make_tensor_value_info("total", TensorProto.FLOAT, [4]),
         helper.make_tensor_value_info("ys", TensorProto.FLOAT, ["time", 4])],
    )
    rng = np.random.default_rng(6)
    return _save(helper.make_model(graph, opset_imports=_opset()), path), {
        "init": np.zeros(4, np.float32), "xs": rng.standard_normal((5, 4)).astype(np.float32)}


def sequence_input(path: Path) -> tuple[Path, dict]:
    """A sequence-of-tensors input, concatenated (tf2onnx writes these for TensorArrays)."""
    seq_type = helper.make_sequence_type_proto(helper.make_tensor_type_proto(TensorProto.FLOAT, ["rows", 4]))
    graph = helper.make_graph(
        [helper.make_node("ConcatFromSequence", ["parts"], ["y"], axis=0)], "sequence_input",
        [helper.make_value_info("parts", seq_type)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["total", 4])],
    )
    rng = np.random.default_rng(7)
    return _save(helper.make_model(graph, opset_imports=_opset()), path), {
        "parts": [rng.standard_normal((2, 4)).astype(np.float32) for _ in range(3)]}


def sequence_output(path: Path) -> tuple[Path, dict]:
    """A sequence-of-tensors output (SplitToSequence), each element through a matmul first."""
    rng = np.random.default_rng(11)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["h"]),
         helper.make_node("SplitToSequence", ["h"], ["parts"], axis=1, keepdims=1)], "sequence_output",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 8])],
        [helper.make_value_info("parts", helper.make_sequence_type_proto(
            helper.make_tensor_type_proto(TensorProto.FLOAT, ["batch", 1])))],
        [_weights(rng, (8, 3), "w")],
    )
    return _save(helper.make_model(graph, opset_imports=_opset()), path), {
        "x": rng.standard_normal((2, 8)).astype(np.float32)}


def optional_typed_input(path: Path) -> tuple[Path, dict]:
    """An optional(tensor) input (opset 15+): the model checks whether it was given."""
    rng = np.random.default_rng(12)
    then_graph = helper.make_graph(
        [helper.make_node("OptionalGetElement", ["mask"], ["m"]), helper.make_node("Mul", ["x", "m"], ["y_then"])],
        "then", [], [helper.make_tensor_value_info("y_then", TensorProto.FLOAT, ["batch", 4])])
    else_graph = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["y_else"])], "else", [],
        [helper.make_tensor_value_info("y_else", TensorProto.FLOAT, ["batch", 4])])
    graph = helper.make_graph(
        [helper.make_node("OptionalHasElement", ["mask"], ["given"]),
         helper.make_node("If", ["given"], ["y"], then_branch=then_graph, else_branch=else_graph)],
        "optional_typed_input",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4]),
         helper.make_value_info("mask", helper.make_optional_type_proto(
             helper.make_tensor_type_proto(TensorProto.FLOAT, ["batch", 4])))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 4])],
    )
    return _save(helper.make_model(graph, opset_imports=_opset(18)), path), {
        "x": rng.standard_normal((2, 4)).astype(np.float32), "mask": np.ones((2, 4), np.float32)}


def stateful_gru(path: Path) -> tuple[Path, dict]:
    """State in, state out: a streaming GRU whose state has fixed sizes that no dim name explains."""
    rng = np.random.default_rng(8)
    hidden, features = 8, 4
    graph = helper.make_graph(
        [helper.make_node("GRU", ["x", "W", "R", "", "", "state"], ["y", "state_out"], hidden_size=hidden)],
        "stateful_gru",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["time", 1, features]),
         helper.make_tensor_value_info("state", TensorProto.FLOAT, [1, 1, hidden])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["time", 1, 1, hidden]),
         helper.make_tensor_value_info("state_out", TensorProto.FLOAT, [1, 1, hidden])],
        [_weights(rng, (1, 3 * hidden, features), "W"), _weights(rng, (1, 3 * hidden, hidden), "R")],
    )
    return _save(helper.make_model(graph, opset_imports=_opset(14)), path), {
        "x": rng.standard_normal((6, 1, features)).astype(np.float32), "state": np.zeros((1, 1, hidden), np.float32)}


def old_opset(path: Path) -> tuple[Path, dict]:
    """Opset 6 (onnxruntime runs opset 7 and later): an early Caffe2/CNTK-era export."""
    rng = np.random.default_rng(9)
    graph = helper.make_graph(
        [helper.make_node("Gemm", ["x", "w", "b"], ["h"], broadcast=1),
         helper.make_node("Relu", ["h"], ["y"])], "old_opset",
        # IR version 3: every initializer is listed as an input too.
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 8]),
         helper.make_tensor_value_info("w", TensorProto.FLOAT, [8, 4]),
         helper.make_tensor_value_info("b", TensorProto.FLOAT, [4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 4])],
        [_weights(rng, (8, 4), "w"), _weights(rng, (4,), "b")],
    )
    return _save(helper.make_model(graph, opset_imports=_opset(6)), path, ir_version=3), {
        "x": rng.standard_normal((2, 8)).astype(np.float32)}


def external_data(path: Path) -> tuple[Path, dict]:
    """Weights in a file beside the model, as every exporter writes models over 2 GB."""
    rng = np.random.default_rng(10)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])], "external_data",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 64])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 32])],
        [_weights(rng, (64, 32), "w")],
    )
    return _save(helper.make_model(graph, opset_imports=_opset()), path, save_as_external_data=True,
                 all_tensors_to_one_file=True, location=path.name + ".data", size_threshold=0), {
        "x": rng.standard_normal((2, 64)).astype(np.float32)}


BUILDERS = {
    "paddle_classifier": paddle_classifier, "zero_dim": zero_dim, "scalar_input": scalar_input,
    "optional_input": optional_input, "if_model": if_model, "loop_model": loop_model, "scan_model": scan_model,
    "sequence_input": sequence_input, "sequence_output": sequence_output,
    "optional_typed_input": optional_typed_input, "stateful_gru": stateful_gru, "old_opset": old_opset,
    "external_data": external_data,
}


def detector(path: Path, *, classes: int = 3) -> tuple[Path, dict]:
    """A YOLOv8-shaped head: [1, 4 + classes, anchors], box rows (cx, cy, w, h in pixels) concatenated
    with sigmoid class scores along axis 1."""
    rng = np.random.default_rng(13)
    graph = helper.make_graph(
        [helper.make_node("Conv", ["image", "stem"], ["features"], strides=[4, 4], kernel_shape=[4, 4]),
         helper.make_node("Conv", ["features", "box_w"], ["box_map"]),
         helper.make_node("Mul", ["box_map", "pixels"], ["box_px"]),
         helper.make_node("Reshape", ["box_px", "flat"], ["boxes"]),
         helper.make_node("Conv", ["features", "cls_w"], ["cls_map"]),
         helper.make_node("Reshape", ["cls_map", "flat"], ["cls_flat"]),
         helper.make_node("Sigmoid", ["cls_flat"], ["scores"]),
         helper.make_node("Concat", ["boxes", "scores"], ["output0"], axis=1)],
        "detector",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, 32, 32])],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, [1, 4 + classes, 64])],
        [_weights(rng, (8, 3, 4, 4), "stem"), _weights(rng, (4, 8, 1, 1), "box_w"),
         _weights(rng, (classes, 8, 1, 1), "cls_w", scale=1.0),
         numpy_helper.from_array(np.array([32.0], np.float32), "pixels"),
         numpy_helper.from_array(np.array([1, 0, -1], np.int64), "flat")],
    )
    model = helper.make_model(graph, opset_imports=_opset())
    return _save(model, path), {"image": rng.standard_normal((1, 3, 32, 32)).astype(np.float32)}


def ocr_head(path: Path, *, steps: int = 20, symbols: int = 12) -> tuple[Path, dict]:
    """A CRNN's last layers: per-time-step symbol logits [steps, batch, symbols] through a softmax."""
    rng = np.random.default_rng(14)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["sequence", "w"], ["logits"]),
         helper.make_node("Softmax", ["logits"], ["probs"], axis=-1)],
        "ocr_head",
        [helper.make_tensor_value_info("sequence", TensorProto.FLOAT, [steps, "batch", 16])],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, [steps, "batch", symbols])],
        [_weights(rng, (16, symbols), "w", scale=1.0)],
    )
    return _save(helper.make_model(graph, opset_imports=_opset()), path), {
        "sequence": rng.standard_normal((steps, 1, 16)).astype(np.float32)}
