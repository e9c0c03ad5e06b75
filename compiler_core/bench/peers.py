"""The by-hand peers: what an engineer would do with each tool's defaults.

Each returns a runner (a callable on feeds) or raises; the suite measures them all
interleaved with plain onnxruntime in the same run.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Callable

import numpy as np
import onnx

Runner = Callable[[dict], dict]


def _ort(path: Path) -> Runner:
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    return lambda feeds: dict(zip(names, session.run(names, feeds)))


def plain_onnxruntime(model_path: Path, work: Path, calibration: list[dict]) -> Runner:
    return _ort(model_path)


def ort_transformer_optimizer(model_path: Path, work: Path, calibration: list[dict]) -> Runner:
    from onnxruntime.transformers import optimizer

    with contextlib.redirect_stdout(io.StringIO()):
        optimized = optimizer.optimize_model(str(model_path), model_type="bert")
    out = work / "peer_ort_transformers.onnx"
    optimized.save_model_to_file(str(out))
    return _ort(out)


def ort_quantize_dynamic(model_path: Path, work: Path, calibration: list[dict]) -> Runner:
    from onnxruntime.quantization import quantize_dynamic

    out = work / "peer_quantize_dynamic.onnx"
    quantize_dynamic(str(model_path), str(out))
    return _ort(out)


def ort_quantize_static(model_path: Path, work: Path, calibration: list[dict]) -> Runner:
    from onnxruntime.quantization import CalibrationDataReader, quantize_static

    class Reader(CalibrationDataReader):
        def __init__(self):
            self._iter = iter(calibration)

        def get_next(self):
            return next(self._iter, None)

    out = work / "peer_quantize_static.onnx"
    with contextlib.redirect_stdout(io.StringIO()):
        quantize_static(str(model_path), str(out), Reader())
    return _ort(out)


def _openvino(model_path: Path, hint: str) -> Runner:
    import openvino as ov

    compiled = ov.Core().compile_model(str(model_path), "CPU", {"INFERENCE_PRECISION_HINT": hint})
    request = compiled.create_infer_request()
    names = [o.get_any_name() for o in compiled.outputs]
    return lambda feeds: {n: np.asarray(v) for n, v in zip(names, request.infer(feeds).values())}


def openvino_f32(model_path: Path, work: Path, calibration: list[dict]) -> Runner:
    return _openvino(model_path, "f32")


def openvino_bf16(model_path: Path, work: Path, calibration: list[dict]) -> Runner:
    return _openvino(model_path, "bf16")


PEERS = {
    "ort_transformers": ort_transformer_optimizer,
    "quantize_dynamic": ort_quantize_dynamic,
    "quantize_static": ort_quantize_static,
    "openvino_f32": openvino_f32,
    "openvino_bf16": openvino_bf16,
}


def applies(peer: str, model: onnx.ModelProto) -> bool:
    """The transformer optimizer is only something one would try on a transformer."""
    if peer == "ort_transformers":
        return any(n.op_type == "Softmax" for n in model.graph.node) or any(
            n.op_type in ("Attention", "MultiHeadAttention") for n in model.graph.node)
    return True
