"""Export a package as a Triton Inference Server model repository.

    <out_dir>/<name>/config.pbtxt
    <out_dir>/<name>/1/model.onnx      (+ external data files, if any)

Triton serves it with its onnxruntime backend. The session options the worker
measured (threads, execution mode, graph level) are carried into config.pbtxt
so that Triton runs the package the way it was benchmarked. An OpenVINO package
runs there through onnxruntime's OpenVINO execution provider; what Triton cannot
carry over (OpenVINO's precision hint, shape specializations) is listed by
`export_notes`, so nobody takes the report's speed-up for Triton's.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from compiler_core.contracts import Runtime, Signature
from deploy.serving.datatypes import V2_TO_TRITON, is_fixed_dim, v2_datatype
from deploy.serving.repository import MODEL_NAME_PATTERN

CONFIG_FILE = "config.pbtxt"
MODEL_VERSION = "1"
TRITON_MODEL_FILE = "model.onnx"
PACKAGE_METADATA = {"runtime.json", "signature.json", "report.json"}

# Triton's onnxruntime backend numbers graph levels its own way; ORT_ENABLE_ALL
# is its default and needs no entry.
TRITON_GRAPH_LEVEL = {"ORT_ENABLE_BASIC": -1, "ORT_ENABLE_EXTENDED": 1, "ORT_DISABLE_ALL": 2}
# bfloat16 has no Open Inference Protocol datatype, but Triton has a type for it.
BFLOAT16_SPELLINGS = {"bfloat16", "tensor(bfloat16)", "bf16"}


def check_model_name(name: str) -> None:
    """A Triton model name is a folder name in the repository: the engine's rule for model
    names keeps it one plain folder (no '/', no '..', nothing that breaks config.pbtxt's quotes)."""
    if not MODEL_NAME_PATTERN.match(name or ""):
        raise ValueError(
            f"Triton model name {name!r} must be letters, digits, '_', '.' or '-' (at most 128), "
            "starting with a letter or digit"
        )


def text_string(value: str, what: str) -> str:
    """`value` as a protobuf text-format string: a tensor name comes from the package's signature.json,
    which the compile child wrote, and a quote in it would have added fields of its choosing to the
    config Triton reads (another model file, a thousand instances)."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise ValueError(f"{what} name {value!r} holds a control character, which Triton's config cannot carry")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def triton_data_type(dtype: str) -> str:
    if str(dtype).strip().lower() in BFLOAT16_SPELLINGS:
        return "TYPE_BF16"
    return V2_TO_TRITON[v2_datatype(dtype)]


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
    check_model_name(name)
    batched = max_batch_size > 0 and batch_dim_name(signature) is not None
    lines = [f'name: "{name}"', 'platform: "onnxruntime_onnx"', f"max_batch_size: {max_batch_size if batched else 0}"]
    for section, tensors in (("input", signature.get("inputs", [])), ("output", signature.get("outputs", []))):
        for tensor in tensors:
            shape = list(tensor.get("shape") or [])
            dims = shape[1:] if batched else shape  # with batching, Triton adds the batch dim itself
            dims_text = ", ".join(str(d) if is_fixed_dim(d) else "-1" for d in dims)
            if dims:
                reshape = ""
            elif batched:
                # A scalar per batch item; Triton wants one dim, and reshape to none.
                dims_text, reshape = "1", " reshape: { shape: [ ] }"
            else:
                # Triton refuses an empty reshape in an unbatched model, and has no "any rank".
                raise ValueError(
                    f"{section} {tensor['name']!r} has no dims in the signature (a scalar, or a tensor of "
                    "unknown rank), which Triton cannot describe in a model without a batch dim"
                )
            data_type = triton_data_type(tensor["dtype"])
            lines.append(
                f'{section} {{ name: {text_string(tensor["name"], section)} data_type: {data_type} '
                f'dims: [ {dims_text} ]{reshape} }}'
            )
    if batched:
        lines.append("dynamic_batching { }")
    lines.extend(_session_option_lines(runtime))
    if runtime.get("engine") == "openvino":
        lines.append('optimization { execution_accelerators { cpu_execution_accelerator: [ { name: "openvino" } ] } }')
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
    # Read through their contracts: a field of the wrong type is named here (ContractError, a ValueError).
    runtime = Runtime.read((package_dir / "runtime.json").read_text())
    signature = Signature.read((package_dir / "signature.json").read_text())
    # Checked before anything is removed: the folder below is replaced whole.
    config = model_config(name, signature, runtime, max_batch_size=max_batch_size)
    files = model_files(runtime, [p.name for p in package_dir.iterdir() if p.is_file()])
    model_dir = out_dir / name
    if model_dir.exists():
        shutil.rmtree(model_dir)
    (model_dir / MODEL_VERSION).mkdir(parents=True)
    for source, target in files.items():
        shutil.copy2(package_dir / source, model_dir / target)
    (model_dir / CONFIG_FILE).write_text(config)
    return model_dir


def model_config(name: str, signature: dict[str, Any], runtime: dict[str, Any], *, max_batch_size: int) -> str:
    """config.pbtxt for a package, or ValueError for one Triton could not serve."""
    engine = runtime.get("engine", "onnxruntime")
    if engine not in ("onnxruntime", "openvino"):
        raise ValueError(f"runtime.json names engine {engine!r}; Triton export needs an ONNX model")
    return config_pbtxt(name, signature, runtime, max_batch_size=max_batch_size)


def model_files(runtime: dict[str, Any], package_files: list[str]) -> dict[str, str]:
    """Which of the package's top-level files go where in the model folder: the model as
    1/model.onnx, its external weight files beside it (referenced by relative name).
    FileNotFoundError when the package lacks the model runtime.json names."""
    model_file = runtime.get("model", TRITON_MODEL_FILE)
    if model_file not in package_files:
        raise FileNotFoundError(2, "the package has no model file", model_file)
    files = {model_file: f"{MODEL_VERSION}/{TRITON_MODEL_FILE}"}
    for extra in package_files:
        if extra not in PACKAGE_METADATA | {model_file} | _specialization_files(runtime):
            files[extra] = f"{MODEL_VERSION}/{extra}"
    return files


def export_notes(runtime: dict[str, Any]) -> list[str]:
    """Where Triton will not run the package the way the worker measured it."""
    notes = []
    if runtime.get("engine") == "openvino":
        config = runtime.get("config") or {}
        notes.append("The package runs on OpenVINO; Triton runs it through onnxruntime's OpenVINO execution "
                     "provider, with the provider's own settings"
                     + (f" (the package's {', '.join(f'{k}={v}' for k, v in sorted(config.items()))} are not carried)"
                        if config else "") + ".")
    if runtime.get("specializations"):
        shapes = ", ".join(s.get("shape", "?") for s in runtime["specializations"])
        notes.append(f"The package carries graphs compiled for fixed shapes ({shapes}); Triton serves the dynamic "
                     "graph for every shape.")
    return notes


def _specialization_files(runtime: dict[str, Any]) -> set[str]:
    # Graphs for fixed shapes that only our engine routes to; Triton would never open them.
    return {s["model"] for s in runtime.get("specializations") or [] if s.get("model")}


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
