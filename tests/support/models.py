"""Small ONNX models built by the tests themselves (nothing is downloaded)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def tiny_mlp(path: Path, *, features: int = 16, hidden: int = 32, classes: int = 4, seed: int = 0) -> Path:
    """MatMul → Add → Relu → MatMul → Add, with a symbolic batch dim."""
    rng = np.random.default_rng(seed)
    w1 = numpy_helper.from_array(rng.standard_normal((features, hidden)).astype(np.float32), "w1")
    b1 = numpy_helper.from_array(rng.standard_normal(hidden).astype(np.float32), "b1")
    w2 = numpy_helper.from_array(rng.standard_normal((hidden, classes)).astype(np.float32), "w2")
    b2 = numpy_helper.from_array(rng.standard_normal(classes).astype(np.float32), "b2")
    nodes = [
        helper.make_node("MatMul", ["input", "w1"], ["h0"]),
        helper.make_node("Add", ["h0", "b1"], ["h1"]),
        helper.make_node("Relu", ["h1"], ["h2"]),
        helper.make_node("MatMul", ["h2", "w2"], ["h3"]),
        helper.make_node("Add", ["h3", "b2"], ["logits"]),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny_mlp",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", features])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", classes])],
        initializer=[w1, b1, w2, b2],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="whetstone-tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, path)
    return path


def slow_matmul_chain(path: Path, *, size: int = 512, layers: int = 12) -> Path:
    """A model with no weights that takes tens of milliseconds per inference:
    y = tanh(y @ x) repeated. Small on disk, slow enough that an optimization
    job runs for seconds — long enough to kill or cancel it mid-way."""
    nodes, current = [], "x"
    for i in range(layers):
        nodes.append(helper.make_node("MatMul", [current, "x"], [f"m{i}"]))
        nodes.append(helper.make_node("Tanh", [f"m{i}"], [f"t{i}"]))
        current = f"t{i}"
    nodes.append(helper.make_node("Identity", [current], ["y"]))
    graph = helper.make_graph(
        nodes,
        "slow_matmul_chain",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, size, size])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, size, size])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="whetstone-tests")
    model.ir_version = 8
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, path)
    return path


def token_embedding_mean(path: Path, *, vocab: int = 32, dim: int = 8, sequence: int | None = 16,
                         token_types: bool = False, seed: int = 0) -> Path:
    """A sentence encoder in miniature: token ids (int64 [batch, sequence]) → an embedding table
    (Gather) → the mean over the tokens attention_mask keeps → `sentence_embedding` [batch, dim].
    `sequence` fixes the length, as an export for one bucket does (None: a symbolic `sequence` dim);
    `token_types` adds a token_type_ids input whose segment embedding is added to each token's."""
    rng = np.random.default_rng(seed)
    length = sequence if sequence is not None else "sequence"
    initializers = [
        numpy_helper.from_array(rng.standard_normal((vocab, dim)).astype(np.float32), "embeddings"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "token_axis"),
        numpy_helper.from_array(np.array([-1], dtype=np.int64), "last_axis"),
    ]
    inputs = [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", length]),
              helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", length])]
    nodes = [helper.make_node("Gather", ["embeddings", "input_ids"], ["word_vectors"])]
    if token_types:
        initializers.append(numpy_helper.from_array(rng.standard_normal((2, dim)).astype(np.float32), "segments"))
        inputs.append(helper.make_tensor_value_info("token_type_ids", TensorProto.INT64, ["batch", length]))
        nodes += [helper.make_node("Gather", ["segments", "token_type_ids"], ["segment_vectors"]),
                  helper.make_node("Add", ["word_vectors", "segment_vectors"], ["token_vectors"])]
    else:
        nodes.append(helper.make_node("Identity", ["word_vectors"], ["token_vectors"]))
    nodes += [
        helper.make_node("Cast", ["attention_mask"], ["mask_float"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask_float", "last_axis"], ["mask_column"]),
        helper.make_node("Mul", ["token_vectors", "mask_column"], ["kept"]),
        helper.make_node("ReduceSum", ["kept", "token_axis"], ["summed"], keepdims=0),
        helper.make_node("ReduceSum", ["mask_column", "token_axis"], ["counted"], keepdims=0),
        helper.make_node("Div", ["summed", "counted"], ["sentence_embedding"]),
    ]
    graph = helper.make_graph(
        nodes, "token_embedding_mean", inputs,
        [helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", dim])],
        initializer=initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="whetstone-tests")
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, path)
    return path
