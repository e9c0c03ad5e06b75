"""Export a package as a Triton Inference Server model repository.

    <out_dir>/<name>/config.pbtxt
    <out_dir>/<name>/1/model.onnx      (+ external data files, if any)

Triton serves it with its onnxruntime backend. The session options the worker
measured (threads, execution mode, graph level) are carried into config.pbtxt
so that Triton runs the package the way it was benchmarked.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from deploy.serving.datatypes import V2_TO_TRITON, is_fixed_dim, v2_datatype

CONFIG_FILE = "config.pbtxt"
MODEL_VERSION = "1"
TRITON_MODEL_FILE = "model.onnx"
PACKAGE_METADATA = {"runtime.json", "signature.json", "report.json"}

# Triton's onnxruntime backend numbers graph levels its own way; ORT_ENABLE_ALL
# is its default and needs no entry.
TRITON_GRAPH_LEVEL = {"ORT_ENABLE_BASIC": -1, "ORT_ENABLE_EXTENDED": 1, "ORT_DISABLE_ALL": 2}


def batch_dim_name(signature: dict[str, Any]) -> str | None:
    """The symbolic first dim shared by every input and output, if there is one.

    Only then may Triton batch requests: it stacks them along that dim and
    expects every output to come back split along it.
    """
    tensors = signature.get("inputs", []) + signature.get("outputs", [])
    first_dims = {(tensor.get("shape") or [None])[0] for tensor in tensors}
    if len(first_dims) != 1:
        return None
    first = first_dims.pop()
    return first if isinstance(first, str) and first else None


def config_pbtxt(
    name: str, signature: dict[str, Any], runtime: dict[str, Any], *, max_batch_size: int
) -> str:
    """The config.pbtxt text (protobuf text format of Triton's ModelConfig)."""
    batched = max_batch_size > 0 and batch_dim_name(signature) is not None
    lines = [f'name: "{name}"', 'platform: "onnxruntime_onnx"', f"max_batch_size: {max_batch_size if batched else 0}"]
    for section, tensors in (("input", signature.get("inputs", [])), ("output", signature.get("outputs", []))):
        for tensor in tensors:
            shape = list(tensor.get("shape") or [])
            dims = shape[1:] if batched else shape  # with batching, Triton adds the batch dim itself
            dims_text = ", ".join(str(d) if is_fixed_dim(d) else "-1" for d in dims)
            if not dims:
                # A scalar per batch item; Triton wants one dim, and reshape to none.
                dims_text, reshape = "1", " reshape: { shape: [ ] }"
            else:
                reshape = ""
            data_type = V2_TO_TRITON[v2_datatype(tensor["dtype"])]
            lines.append(
                f'{section} {{ name: "{tensor["name"]}" data_type: {data_type} dims: [ {dims_text} ]{reshape} }}'
            )
    if batched:
        lines.append("dynamic_batching { }")
    lines.extend(_session_option_lines(runtime))
    lines.append(f"instance_group {{ kind: {'KIND_CPU' if _runs_on_cpu(runtime) else 'KIND_GPU'} count: 1 }}")
    return "\n".join(lines) + "\n"


def triton_model_repository(
    package_dir: Path, out_dir: Path, *, name: str, max_batch_size: int = 8
) -> Path:
    """Write the Triton model folder for the package; return `out_dir/name`.

    `max_batch_size` is used only when every tensor's first dim is the same
    symbolic (batch) dim; otherwise the model is exported unbatched (0).
    """
    package_dir, out_dir = Path(package_dir), Path(out_dir)
    runtime = json.loads((package_dir / "runtime.json").read_text())
    signature = json.loads((package_dir / "signature.json").read_text())
    engine = runtime.get("engine", "onnxruntime")
    if engine not in ("onnxruntime", "openvino"):
        raise ValueError(f"runtime.json names engine {engine!r}; Triton export needs an ONNX model")
    model_dir = out_dir / name
    version_dir = model_dir / MODEL_VERSION
    if model_dir.exists():
        shutil.rmtree(model_dir)
    version_dir.mkdir(parents=True)
    model_file = runtime.get("model", TRITON_MODEL_FILE)
    shutil.copy2(package_dir / model_file, version_dir / TRITON_MODEL_FILE)
    # External weight files sit beside the model, referenced by relative name.
    for extra in package_dir.iterdir():
        if extra.is_file() and extra.name not in PACKAGE_METADATA | {model_file}:
            shutil.copy2(extra, version_dir / extra.name)
    (model_dir / CONFIG_FILE).write_text(
        config_pbtxt(name, signature, runtime, max_batch_size=max_batch_size)
    )
    return model_dir


def _session_option_lines(runtime: dict[str, Any]) -> list[str]:
    if runtime.get("engine", "onnxruntime") != "onnxruntime":
        return []  # an OpenVINO package's options have no onnxruntime meaning
    options = runtime.get("session_options") or {}
    lines = []
    level = TRITON_GRAPH_LEVEL.get(options.get("graph_optimization_level", ""))
    if level is not None:
        lines.append(f"optimization {{ graph {{ level: {level} }} }}")
    parameters = {
        "intra_op_thread_count": options.get("intra_op_num_threads"),
        "inter_op_thread_count": options.get("inter_op_num_threads"),
        "execution_mode": {"ORT_SEQUENTIAL": 0, "ORT_PARALLEL": 1}.get(options.get("execution_mode", "")),
    }
    for key, value in parameters.items():
        if value is not None:
            lines.append(f'parameters {{ key: "{key}" value: {{ string_value: "{value}" }} }}')
    return lines


def _runs_on_cpu(runtime: dict[str, Any]) -> bool:
    providers = runtime.get("providers") or ["CPUExecutionProvider"]
    device = str(runtime.get("device", "CPU")).upper()
    return providers[0] == "CPUExecutionProvider" and device.startswith("CPU")
