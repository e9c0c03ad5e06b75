"""Official example models, like PAI's ModelHub templates: built here from a
fixed seed (nothing is downloaded), visible to everyone, read-only.

Each is small enough to optimize in seconds, and shaped like the real thing:
a convolutional image classifier, a recurrent keyword spotter over log-mel
frames, and an embedding + attention-pooling sentence classifier.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


def _weights(rng, name, *shape, scale=0.1):
    return numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name)


def _save(graph, path: Path) -> Path:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="whetstone-official")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return path


def image_classifier(path: Path) -> Path:
    """[batch, 3, 32, 32] images → [batch, 10] class scores (two conv blocks, global pooling, linear)."""
    rng = np.random.default_rng(1)
    init = [_weights(rng, "c1_w", 16, 3, 3, 3), _weights(rng, "c1_b", 16), _weights(rng, "c2_w", 32, 16, 3, 3),
            _weights(rng, "c2_b", 32), _weights(rng, "fc_w", 32, 10), _weights(rng, "fc_b", 10)]
    nodes = [
        helper.make_node("Conv", ["image", "c1_w", "c1_b"], ["c1"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"]),
        helper.make_node("MaxPool", ["r1"], ["p1"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "c2_w", "c2_b"], ["c2"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c2"], ["r2"]),
        helper.make_node("GlobalAveragePool", ["r2"], ["gap"]),
        helper.make_node("Flatten", ["gap"], ["flat"]),
        helper.make_node("MatMul", ["flat", "fc_w"], ["fc"]),
        helper.make_node("Add", ["fc", "fc_b"], ["logits"]),
    ]
    graph = helper.make_graph(
        nodes, "image_classifier",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 3, 32, 32])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 10])], initializer=init)
    return _save(graph, path)


def speech_keyword_spotter(path: Path) -> Path:
    """[batch, frames, 40] log-mel features → [batch, 12] keyword scores (GRU, last state, linear)."""
    rng = np.random.default_rng(2)
    hidden, features = 64, 40
    init = [_weights(rng, "gru_w", 1, 3 * hidden, features), _weights(rng, "gru_r", 1, 3 * hidden, hidden),
            _weights(rng, "gru_b", 1, 6 * hidden), _weights(rng, "fc_w", hidden, 12), _weights(rng, "fc_b", 12),
            numpy_helper.from_array(np.array([0], dtype=np.int64), "axis0")]
    nodes = [
        helper.make_node("Transpose", ["features"], ["time_major"], perm=[1, 0, 2]),
        helper.make_node("GRU", ["time_major", "gru_w", "gru_r", "gru_b"], ["", "last"], hidden_size=hidden),
        helper.make_node("Squeeze", ["last", "axis0"], ["state"]),
        helper.make_node("MatMul", ["state", "fc_w"], ["fc"]),
        helper.make_node("Add", ["fc", "fc_b"], ["logits"]),
    ]
    graph = helper.make_graph(
        nodes, "speech_keyword_spotter",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", "frames", features])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 12])], initializer=init)
    return _save(graph, path)


def sentence_classifier(path: Path) -> Path:
    """[batch, seq] token ids → [batch, 2] sentiment scores (embedding, self-attention pooling, linear)."""
    rng = np.random.default_rng(3)
    vocab, width = 1000, 64
    init = [_weights(rng, "embedding", vocab, width), _weights(rng, "wq", width, width),
            _weights(rng, "wk", width, width), _weights(rng, "wv", width, width),
            _weights(rng, "fc_w", width, 2), _weights(rng, "fc_b", 2),
            numpy_helper.from_array(np.array(1 / np.sqrt(width), dtype=np.float32), "scale")]
    nodes = [
        helper.make_node("Gather", ["embedding", "input_ids"], ["x"]),
        helper.make_node("MatMul", ["x", "wq"], ["q"]),
        helper.make_node("MatMul", ["x", "wk"], ["k"]),
        helper.make_node("MatMul", ["x", "wv"], ["v"]),
        helper.make_node("Transpose", ["k"], ["kt"], perm=[0, 2, 1]),
        helper.make_node("MatMul", ["q", "kt"], ["scores"]),
        helper.make_node("Mul", ["scores", "scale"], ["scaled"]),
        helper.make_node("Softmax", ["scaled"], ["attention"], axis=-1),
        helper.make_node("MatMul", ["attention", "v"], ["context"]),
        helper.make_node("ReduceMean", ["context"], ["pooled"], axes=[1], keepdims=0),
        helper.make_node("MatMul", ["pooled", "fc_w"], ["fc"]),
        helper.make_node("Add", ["fc", "fc_b"], ["logits"]),
    ]
    graph = helper.make_graph(
        nodes, "sentence_classifier",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 2])], initializer=init)
    return _save(graph, path)


@dataclass(frozen=True)
class OfficialTemplate:
    name: str
    description: str
    tags: tuple[str, ...]
    build: Callable[[Path], Path]
    card: str


def _card(title: str, task: str, io_text: str) -> str:
    return (f"# {title}\n\nAn official Whetstone template **for {task}**. It is built on the server from a fixed "
            "seed (its weights are random, not trained), so that every installation has a model to try the "
            "ModelHub, the optimizer and a deployment on in seconds.\n\n## Inputs and outputs\n\n"
            f"{io_text}\n\n## Use it\n\nPress **Optimize** (or `whetstone optimize {title} --recipe auto --wait`), "
            "then deploy the package. Official models are read-only: register your own model to change one.\n")


TEMPLATES = (
    OfficialTemplate(
        "official-image-classification", "For image classification: a small convolutional network (CIFAR-sized).",
        ("image-classification", "vision", "cnn", "official"), image_classifier,
        _card("official-image-classification", "image classification",
              "- `image`: float32 `[batch, 3, 32, 32]`, RGB, normalised\n- `logits`: float32 `[batch, 10]`")),
    OfficialTemplate(
        "official-speech-recognition", "For speech recognition: a GRU keyword spotter over log-mel frames.",
        ("speech-recognition", "audio", "rnn", "official"), speech_keyword_spotter,
        _card("official-speech-recognition", "speech recognition (keyword spotting)",
              "- `features`: float32 `[batch, frames, 40]` log-mel frames\n- `logits`: float32 `[batch, 12]`")),
    OfficialTemplate(
        "official-sentence-classification",
        "For sentence classification: token embeddings, self-attention pooling, a linear head.",
        ("sentence-classification", "nlp", "transformer", "official"), sentence_classifier,
        _card("official-sentence-classification", "sentence classification",
              "- `input_ids`: int64 `[batch, seq]`, ids below 1000\n- `logits`: float32 `[batch, 2]`")),
)
