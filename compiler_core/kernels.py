"""The FusionStitching table: kernels (executed nodes) and time per category, before and after.

"Before" is the graph as the user exported it, run with onnxruntime's graph
optimizations off; "after" is what the chosen package actually executes. Counts come
from the graph the engine runs, times from onnxruntime's profiler (per-node
durations), so fusions show up as fewer memory/data-movement kernels.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from pathlib import Path

import onnx

from .op_categories import category_of, count_by_category

PROFILE_RUNS = 5
# A control-flow node's profiled time holds its subgraph's nodes, which onnxruntime profiles too
# (as `If_0_then_branch__...`); counted twice, Silero VAD's `If` made its Conv and LSTM look like
# 7% of the time instead of 24%, and the INT8 searches were skipped as unable to pay.
CONTROL_FLOW = frozenset({"If", "Loop", "Scan"})


def _empty_times() -> dict[str, float]:
    return {"compute": 0.0, "memory": 0.0, "data_movement": 0.0, "other": 0.0, "total": 0.0}


def ort_kernel_table(model_path: Path, session_options_runtime: dict, feeds: dict) -> dict:
    """Counts of the nodes onnxruntime executes, and profiled ms per category per run."""
    import onnxruntime as ort

    from .runtime import session_options_from

    with tempfile.TemporaryDirectory(prefix="whetstone-prof-") as tmp:
        options = session_options_from(session_options_runtime)
        options.optimized_model_filepath = str(Path(tmp) / "executed.onnx")
        options.enable_profiling = True
        options.log_severity_level = 3  # the "hardware specific graph" warning is expected: we only count it
        options.profile_file_prefix = str(Path(tmp) / "profile")
        session = ort.InferenceSession(str(model_path), sess_options=options,
                                       providers=session_options_runtime.get("providers") or ["CPUExecutionProvider"])
        for _ in range(PROFILE_RUNS):
            session.run(None, feeds)
        profile_path = session.end_profiling()
        executed = onnx.load(str(Path(tmp) / "executed.onnx"), load_external_data=False)
        counts = count_by_category(node.op_type for node in executed.graph.node)
        times = _empty_times()
        host = 0.0
        for event in json.loads(Path(profile_path).read_text()):
            if event.get("cat") == "Node" and event.get("name", "").endswith("_kernel_time"):
                op = event.get("args", {}).get("op_name", "")
                if op in CONTROL_FLOW:
                    continue
                times[category_of(op)] += event.get("dur", 0) / 1000.0 / PROFILE_RUNS
            elif event.get("cat") == "Session" and event.get("name") == "model_run":
                host += event.get("dur", 0) / 1000.0 / PROFILE_RUNS
    kernel_ms = sum(v for k, v in times.items() if k != "total")
    times["total"] = kernel_ms
    return {**counts, "time_ms": {k: round(v, 4) for k, v in times.items()},
            "host_ms": round(max(0.0, host - kernel_ms), 4)}


def graph_kernel_table(model: onnx.ModelProto) -> dict:
    """Static counts only, for engines whose executed graph we cannot profile from here."""
    return count_by_category(node.op_type for node in model.graph.node)


def openvino_kernel_table(model_path: Path, runtime: dict) -> dict:
    """Counts of the layers OpenVINO's compiled model executes (its own fused graph)."""
    import openvino as ov

    compiled = ov.Core().compile_model(str(model_path), runtime.get("device", "CPU"), runtime.get("config") or {})
    layer_types: Counter = Counter()
    for op in compiled.get_runtime_model().get_ordered_ops():
        info = op.get_rt_info()
        layer = info["layerType"].astype(str) if "layerType" in info else op.get_type_name()
        if layer in ("Input", "Output", "Parameter", "Result", "Const", "Constant"):
            continue
        layer_types[_OPENVINO_TO_ONNX.get(layer, layer)] += 1
    return count_by_category(layer_types.elements())


# OpenVINO layer names for the common kernels, mapped to the ONNX op of the same category.
_OPENVINO_TO_ONNX = {
    "Convolution": "Conv", "FullyConnected": "MatMul", "MatMul": "MatMul", "Eltwise": "Add",
    "Reorder": "Transpose", "Pooling": "MaxPool", "Reduce": "ReduceMean", "MVN": "LayerNormalization",
    "Softmax": "Softmax", "SoftMax": "Softmax", "Gather": "Gather", "Concatenation": "Concat",
    "Reshape": "Reshape", "Transpose": "Transpose", "ScaledDotProductAttention": "Attention",
    "RNNSeq": "LSTM", "RNNCell": "LSTM", "Interpolate": "Resize", "Split": "Split",
    "StridedSlice": "Slice", "Broadcast": "Expand", "Convert": "Cast", "Math": "Exp",
    "FakeQuantize": "QuantizeLinear", "ShapeOf": "Shape", "Subgraph": "Add",
}
