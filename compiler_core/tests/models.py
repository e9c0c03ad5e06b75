"""Tiny models built in the tests (nothing is downloaded)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def _save(model: onnx.ModelProto, path: Path) -> Path:
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def mlp(path: Path, *, features: int = 64, hidden: int = 128, classes: int = 10, seed: int = 0) -> Path:
    """(batch, features) -> (batch, classes) logits: a classifier with a symbolic batch dim."""
    rng = np.random.default_rng(seed)
    weights = [
        numpy_helper.from_array((rng.standard_normal((features, hidden)) / np.sqrt(features)).astype(np.float32), "W1"),
        numpy_helper.from_array(rng.standard_normal(hidden).astype(np.float32) * 0.1, "B1"),
        numpy_helper.from_array((rng.standard_normal((hidden, classes)) / np.sqrt(hidden)).astype(np.float32), "W2"),
    ]
    nodes = [
        helper.make_node("MatMul", ["x", "W1"], ["h"]),
        helper.make_node("Add", ["h", "B1"], ["hb"]),
        helper.make_node("Relu", ["hb"], ["r"]),
        helper.make_node("MatMul", ["r", "W2"], ["logits"]),
    ]
    graph = helper.make_graph(
        nodes, "mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", features])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", classes])],
        weights,
    )
    return _save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)


def conv_net(path: Path, *, seed: int = 0) -> Path:
    """(N, 3, 16, 16) -> (N, 5): Conv-BN-Relu-Reshape-Gemm, a miniature CNN classifier."""
    rng = np.random.default_rng(seed)
    init = [
        numpy_helper.from_array(rng.standard_normal((8, 3, 3, 3)).astype(np.float32) * 0.2, "conv_w"),
        numpy_helper.from_array(np.ones(8, np.float32), "bn_scale"),
        numpy_helper.from_array(np.zeros(8, np.float32), "bn_bias"),
        numpy_helper.from_array(rng.standard_normal(8).astype(np.float32) * 0.1, "bn_mean"),
        numpy_helper.from_array(np.ones(8, np.float32), "bn_var"),
        numpy_helper.from_array(np.array([0, -1], np.int64), "flat_shape"),
        numpy_helper.from_array(rng.standard_normal((5, 8 * 16 * 16)).astype(np.float32) * 0.02, "fc_w"),
        numpy_helper.from_array(np.zeros(5, np.float32), "fc_b"),
    ]
    nodes = [
        helper.make_node("Conv", ["image", "conv_w"], ["c"], pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization", ["c", "bn_scale", "bn_bias", "bn_mean", "bn_var"], ["bn"]),
        helper.make_node("Relu", ["bn"], ["r"]),
        helper.make_node("Reshape", ["r", "flat_shape"], ["flat"]),
        helper.make_node("Gemm", ["flat", "fc_w", "fc_b"], ["scores"], transB=1),
    ]
    graph = helper.make_graph(
        nodes, "conv_net",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, 16, 16])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, ["N", 5])],
        init,
    )
    return _save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)


def unsupported_op(path: Path) -> Path:
    """A valid graph whose only node is in a domain no backend implements."""
    node = helper.make_node("Frobnicate", ["x"], ["y"], domain="com.example")
    graph = helper.make_graph(
        [node], "custom",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.example", 1)])
    model.ir_version = 8
    onnx.save(model, str(path))
    return path


def openvino_cannot_convert(path: Path) -> Path:
    """onnxruntime runs com.microsoft.Inverse; OpenVINO has no conversion rule for it."""
    rng = np.random.default_rng(0)
    base = numpy_helper.from_array((rng.standard_normal((4, 4)) + 4 * np.eye(4)).astype(np.float32), "base")
    nodes = [helper.make_node("Add", ["x", "base"], ["m"]), helper.make_node("Inverse", ["m"], ["y"], domain="com.microsoft")]
    graph = helper.make_graph(nodes, "inverse",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 4])], [base])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 8
    onnx.save(model, str(path))
    return path


def mlp_with_outlier_layer(path: Path, seed: int = 0, output: str = "logits") -> Path:
    """Four named MatMuls; one weight matrix holds a row of huge values that never matter in fp32
    (they multiply a unit a ReLU always zeroes) but set its INT8 scale, per tensor and per output
    channel alike, so every other weight of that layer rounds to zero: only that node is
    sensitive to INT8. `output`: the output's name, which decides its kind (logits: class scores)."""
    rng = np.random.default_rng(seed)
    def dense(rows, cols):
        return (rng.standard_normal((rows, cols)) / np.sqrt(rows)).astype(np.float32)
    w1, w2, w3, w4 = dense(64, 64), dense(64, 64), dense(64, 64), dense(64, 10)
    dead_unit_bias = np.zeros(64, np.float32)
    dead_unit_bias[0] = -1000.0  # unit 0 of layer 1 is always zero after ReLU
    w2[0, :] = 500.0
    nodes = [
        helper.make_node("MatMul", ["x", "w1"], ["h1"], name="dense_1"),
        helper.make_node("Add", ["h1", "b1"], ["a1"], name="bias_1"),
        helper.make_node("Relu", ["a1"], ["r1"], name="relu_1"),
        helper.make_node("MatMul", ["r1", "w2"], ["h2"], name="dense_outlier"),
        helper.make_node("Relu", ["h2"], ["r2"], name="relu_2"),
        helper.make_node("MatMul", ["r2", "w3"], ["h3"], name="dense_3"),
        helper.make_node("Relu", ["h3"], ["r3"], name="relu_3"),
        helper.make_node("MatMul", ["r3", "w4"], [output], name="dense_4"),
    ]
    weights = [numpy_helper.from_array(w, n) for w, n in ((w1, "w1"), (w2, "w2"), (w3, "w3"), (w4, "w4"))]
    weights.append(numpy_helper.from_array(dead_unit_bias, "b1"))
    graph = helper.make_graph(
        nodes, "outlier_mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 64])],
        [helper.make_tensor_value_info(output, TensorProto.FLOAT, ["batch", 10])],
        weights,
    )
    return _save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)


def expand_with_shape_input(path: Path, seed: int = 0) -> Path:
    """y = Expand(x, shape) @ W: the target shape is an input, so inputs generated from the
    signature (small non-negative ints) never make a shape the MatMul accepts: only real
    example inputs (shape = [3, 4]) can drive it."""
    rng = np.random.default_rng(seed)
    weight = numpy_helper.from_array(rng.standard_normal((4, 2)).astype(np.float32), "W")
    nodes = [
        helper.make_node("Expand", ["x", "shape"], ["expanded"]),
        helper.make_node("MatMul", ["expanded", "W"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "expand_with_shape_input",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 1]),
         helper.make_tensor_value_info("shape", TensorProto.INT64, [2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 2])],
        [weight],
    )
    return _save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)


def expand_example_inputs(seed: int = 0) -> dict[str, np.ndarray]:
    """One valid batch for expand_with_shape_input."""
    rng = np.random.default_rng(seed)
    return {"x": rng.standard_normal((3, 1)).astype(np.float32), "shape": np.array([3, 4], dtype=np.int64)}


def boundary_classifier(path: Path, *, features: int = 64, seed: int = 0) -> tuple[Path, np.ndarray]:
    """(batch, features) -> (batch, 2) logits x·w1, x·w2 with w2 a small step from w1: the margin is
    a small difference of two large scores, so a few percent of rounding flips any row near the
    boundary. Random normal rows sit near it; rows along the returned direction (w2 - w1, unit
    length) sit far from it, as a trained model's real data does."""
    rng = np.random.default_rng(seed)
    w1 = rng.standard_normal(features)
    step = rng.standard_normal(features) * 0.03
    weights = np.stack([w1, w1 + step], axis=1).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["logits"])], "boundary_classifier",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", features])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 2])],
        [numpy_helper.from_array(weights, "W")],
    )
    return _save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path), step / np.linalg.norm(step)
