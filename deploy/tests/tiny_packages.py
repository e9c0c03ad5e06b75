"""Tiny Whetstone packages built by the tests: a linear classifier as ONNX,
with runtime.json and signature.json written the way the compiler core writes them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

FEATURES = 4
CLASSES = 3


def tiny_classifier(seed: int) -> onnx.ModelProto:
    """logits = x @ W + b and label = argmax(logits); the batch dim is symbolic."""
    rng = np.random.default_rng(seed)
    weights = numpy_helper.from_array(rng.normal(size=(FEATURES, CLASSES)).astype(np.float32), "W")
    bias = numpy_helper.from_array(rng.normal(size=(CLASSES,)).astype(np.float32), "b")
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["x", "W"], ["xw"]),
            helper.make_node("Add", ["xw", "b"], ["logits"]),
            helper.make_node("ArgMax", ["logits"], ["label"], axis=1, keepdims=0),
        ],
        "tiny_classifier",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", FEATURES])],
        [
            helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", CLASSES]),
            helper.make_tensor_value_info("label", TensorProto.INT64, ["batch"]),
        ],
        initializer=[weights, bias],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8  # readable by every onnxruntime and OpenVINO in use
    onnx.checker.check_model(model)
    return model


def with_a_slow_branch(model: onnx.ModelProto, *, features: int, input: str = "x", output: str = "logits",
                       products: int = 20, width: int = 512) -> onnx.ModelProto:
    """`model` with `products` tanh(512x512 matrix products) of `input` added to `output` times zero: its
    outputs are the same to the bit (tanh keeps the branch finite: 0 * inf would be NaN), and it runs
    hundreds of times slower than a tiny model. The package a slower engine or a worse kernel would be."""
    slow = onnx.ModelProto()
    slow.CopyFrom(model)
    taken = {init.name for init in slow.graph.initializer} | {name for node in slow.graph.node for name in node.output}
    p = "slow"
    while any(name.startswith(f"{p}_") for name in taken):  # a model slowed once already
        p += "er"
    rng = np.random.default_rng(0)
    slow.graph.initializer.extend([
        numpy_helper.from_array((rng.standard_normal((features, width)) / np.sqrt(features)).astype(np.float32), f"{p}_in"),
        numpy_helper.from_array((rng.standard_normal((width, width)) / np.sqrt(width)).astype(np.float32), f"{p}_w"),
        numpy_helper.from_array(np.zeros(1, np.float32), f"{p}_zero"),
        numpy_helper.from_array(np.array([1], np.int64), f"{p}_axes"),
    ])
    branch = [helper.make_node("MatMul", [input, f"{p}_in"], [f"{p}_0"])]
    for step in range(products):
        branch += [helper.make_node("MatMul", [f"{p}_{step}", f"{p}_w"], [f"{p}_{step}_mm"]),
                   helper.make_node("Tanh", [f"{p}_{step}_mm"], [f"{p}_{step + 1}"])]
    branch += [helper.make_node("ReduceSum", [f"{p}_{products}", f"{p}_axes"], [f"{p}_sum"], keepdims=1),
               helper.make_node("Mul", [f"{p}_sum", f"{p}_zero"], [f"{p}_nothing"]),
               helper.make_node("Add", [f"{output}_{p}_fast", f"{p}_nothing"], [output])]
    nodes = []
    for node in slow.graph.node:  # the branch joins where `output` is made, before its consumers
        made_here = output in node.output
        if made_here:
            node.output[list(node.output).index(output)] = f"{output}_{p}_fast"
        nodes.append(node)
        nodes += branch if made_here else []
    del slow.graph.node[:]
    slow.graph.node.extend(nodes)
    onnx.checker.check_model(slow)
    return slow


SIGNATURE = {
    "inputs": [{"name": "x", "dtype": "float32", "shape": ["batch", FEATURES]}],
    "outputs": [
        {"name": "logits", "dtype": "float32", "shape": ["batch", CLASSES]},
        {"name": "label", "dtype": "int64", "shape": ["batch"]},
    ],
}


def runtime_json(engine: str, threads: int = 1) -> dict:
    if engine == "openvino":
        # On CPUs with avx512_bf16/AMX, OpenVINO computes in bf16 unless told
        # otherwise (about 1% off here); an fp32 package has to say f32.
        return {"engine": "openvino", "model": "model.onnx", "precision": "fp32", "device": "CPU",
                "config": {"INFERENCE_NUM_THREADS": threads, "INFERENCE_PRECISION_HINT": "f32"}}
    return {
        "engine": "onnxruntime",
        "model": "model.onnx",
        "precision": "fp32",
        "providers": ["CPUExecutionProvider"],
        "session_options": {"intra_op_num_threads": threads, "inter_op_num_threads": 1,
                            "graph_optimization_level": "ORT_ENABLE_ALL",
                            "execution_mode": "ORT_SEQUENTIAL", "config_entries": {}},
        "custom_op_libraries": [],
    }


def write_tiny_package(package_dir: Path, *, seed: int = 0, engine: str = "onnxruntime", threads: int = 1,
                       slow_products: int = 0) -> Path:
    """`threads`: intra-op threads of each run (0: as many as the engine likes); `slow_products`: the
    classifier with a slow branch of that many matrix products that changes nothing (with_a_slow_branch)."""
    package_dir.mkdir(parents=True, exist_ok=True)
    model = tiny_classifier(seed)
    if slow_products:
        model = with_a_slow_branch(model, features=FEATURES, products=slow_products)
    onnx.save(model, str(package_dir / "model.onnx"))
    (package_dir / "runtime.json").write_text(json.dumps(runtime_json(engine, threads), indent=2))
    (package_dir / "signature.json").write_text(json.dumps(SIGNATURE, indent=2))
    (package_dir / "report.json").write_text(json.dumps({"overall": {"speedup": 1.0}}))
    return package_dir


def write_corrupt_package(package_dir: Path) -> Path:
    """A package whose model.onnx is truncated, as after an interrupted upload."""
    write_tiny_package(package_dir)
    model_path = package_dir / "model.onnx"
    model_path.write_bytes(model_path.read_bytes()[:37])
    return package_dir
