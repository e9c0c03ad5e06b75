"""inspect_model: what the ModelHub shows about a model before anyone optimizes it."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from .frontends.onnx_file import load_onnx
from .hardware import describe_hardware
from .model_kind import op_histogram, recommendations, workload_kind
from .op_categories import count_by_category
from .signature import dynamic_dims, initializer_parameters, signature_of


def default_opset(model) -> int:
    for entry in model.opset_import:
        if entry.domain in ("", "ai.onnx"):
            return int(entry.version)
    return 0


def model_size_bytes(path: Path) -> int:
    """The file plus external data files it references (they are part of the model)."""
    size = path.stat().st_size
    from onnx.external_data_helper import _get_all_tensors, uses_external_data

    import onnx

    model = onnx.load(str(path), load_external_data=False)
    seen = set()
    for tensor in _get_all_tensors(model):
        if uses_external_data(tensor):
            location = next((e.value for e in tensor.external_data if e.key == "location"), None)
            if location and location not in seen:
                seen.add(location)
                data_path = path.parent / location
                if data_path.is_file():
                    size += data_path.stat().st_size
    return size


def inspect_model(path: str | Path, *, shown_as: str | None = None, caller: str = "api") -> dict[str, Any]:
    """Signature, statistics and hardware of an ONNX model; errors name the file `shown_as` where given,
    and the advice names options as `caller` gives them (the request contract's `caller`)."""
    path = Path(path)
    model = load_onnx(path, shown_as=shown_as)
    signature = signature_of(model)
    ops = op_histogram(model)
    kind = workload_kind(ops)
    hardware = describe_hardware()
    return {
        "format": "onnx",
        "opset": default_opset(model),
        "ir_version": int(model.ir_version),
        "producer": (model.producer_name + " " + model.producer_version).strip(),
        "size_bytes": model_size_bytes(path),
        "parameters": initializer_parameters(model),
        "signature": signature,
        "dynamic_dims": dynamic_dims(signature),
        "node_counts": count_by_category(ops.elements()),
        "op_types": dict(sorted(ops.items(), key=lambda kv: (-kv[1], kv[0]))),
        "workload": kind,
        "hardware": hardware,
        "recommendations": recommendations(kind, hardware, importlib.util.find_spec("openvino") is not None,
                                           caller=caller),
    }
