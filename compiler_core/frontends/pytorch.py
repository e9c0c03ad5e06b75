"""PyTorch front end: a torch.export program (.pt2) or a TorchScript file, exported to ONNX.

A model file is data. Before any child process opens one, `torch_files` reads it as data
and refuses what would run code: a full pickle (`torch.save(model)`), and the parts of a
.pt2 that `torch.export.load` would unpickle, eval or dlopen. A state_dict is refused too:
it has no architecture, and rebuilding one would mean running the user's class.
An operator may let full pickles through (WHETSTONE_ALLOW_PICKLE_MODELS=1); they are then
loaded with `torch.load(weights_only=False)`, which runs the file's code in the child, so
only do it where the worker isolates the compile child.

The child process adds what a process can: resource limits (CPU time, address space, file
size, open files), a wall-clock timeout, an environment with no proxies or credentials, a
scratch working directory, and, where the kernel allows it, no network namespace. The
parent only reads back an ONNX file.

A .pt2 knows its inputs (names, dtypes, example sizes, dynamic dims); a TorchScript file
does not, so the caller names them: shapes="image:1x3x224x224" or
"input_ids:1x128:int64;attention_mask:1x128:int64". Axis 0 is exported as the dynamic dim "batch".
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from ..errors import InvalidModelError, UnsafeModelError
from .torch_files import UnsafeTorchFile, check_pt2_archive, classify, refusal_message, unsafe_pt2_message

SANDBOX_TIMEOUT_S = 600
SANDBOX_MEMORY_BYTES = 16 << 30
SANDBOX_CPU_SECONDS = 900
SANDBOX_FILE_BYTES = 4 << 30
# Only what Python and torch need; no proxies, tokens or cloud credentials reach the child.
_ENV_KEEP = ("PATH", "LANG", "LC_ALL", "TMPDIR", "OMP_NUM_THREADS")
# Off by default: a full pickle runs its own code when loaded. Read here, in the core, so the CLI,
# the worker and a library caller obey the same switch.
ALLOW_PICKLE_ENV = "WHETSTONE_ALLOW_PICKLE_MODELS"


def pickle_models_allowed() -> bool:
    return os.environ.get(ALLOW_PICKLE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def torch_file_kind(path: Path) -> str:
    """pt2 | torchscript | pickle (only where the operator allowed it); anything else is refused."""
    try:
        found = classify(path)
        if found is None:
            raise InvalidModelError(
                f"{path.name} is not a PyTorch file Whetstone reads: expected a torch.export program (.pt2) "
                "or a TorchScript file (torch.jit.save)")
        if found.kind == "weights":
            raise UnsafeModelError(refusal_message("weights", path.name))
        if found.kind == "pickle" and not pickle_models_allowed():
            raise UnsafeModelError(refusal_message("pickle", path.name, unsafe_globals=found.unsafe_globals)
                                   + f" (An operator can allow full pickles with {ALLOW_PICKLE_ENV}=1.)")
        if found.kind == "pt2":
            check_pt2_archive(path)
    except UnsafeTorchFile as exc:
        raise UnsafeModelError(unsafe_pt2_message(path.name, str(exc))) from exc
    return found.kind


# The dtypes an input spec may name (torch's names, as the sandbox builds its example inputs),
# with their size in bytes: the platform checks an input's size before a worker builds it. No bool:
# the sandbox fills float inputs with torch.randn, which has no bool form.
INPUT_DTYPES = {"float32": 4, "float16": 2, "bfloat16": 2, "float64": 8, "int64": 8, "int32": 4,
                "int16": 2, "int8": 1, "uint8": 1}
INPUT_SPEC_SYNTAX = "name:1x3x224x224[:dtype], several inputs joined by ';'"


def parse_input_specs(spec) -> list[dict]:
    if not spec or not isinstance(spec, str) or ":" not in spec:
        raise InvalidModelError(
            "a PyTorch model needs its input shapes: pass shapes like 'image:1x3x224x224' "
            "or 'input_ids:1x128:int64;attention_mask:1x128:int64'")
    inputs = []
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        pieces = [piece.strip() for piece in part.split(":")]
        if len(pieces) not in (2, 3) or not pieces[0]:
            raise InvalidModelError(f"input spec {part!r} should be {INPUT_SPEC_SYNTAX}")
        try:
            shape = [int(d) for d in pieces[1].lower().split("x")]
        except ValueError as exc:
            raise InvalidModelError(f"input spec {part!r}: dims must be integers joined by 'x'") from exc
        if any(d < 1 for d in shape):
            raise InvalidModelError(f"input spec {part!r}: every dim must be at least 1")
        dtype = pieces[2] if len(pieces) == 3 else "float32"
        if dtype not in INPUT_DTYPES:
            raise InvalidModelError(f"input spec {part!r}: dtype {dtype!r} is not one of {', '.join(INPUT_DTYPES)}")
        inputs.append({"name": pieces[0], "shape": shape, "dtype": dtype})
    return inputs


def _limits():  # runs in the child before exec
    import resource

    def lower(kind: int, value: int) -> None:
        # Only ever lower: inside the worker's sandbox the limits are already set, and an
        # unprivileged process may not raise a hard limit.
        _, hard = resource.getrlimit(kind)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(kind, (value, value))

    lower(resource.RLIMIT_AS, SANDBOX_MEMORY_BYTES)
    lower(resource.RLIMIT_CPU, SANDBOX_CPU_SECONDS)
    lower(resource.RLIMIT_FSIZE, SANDBOX_FILE_BYTES)
    lower(resource.RLIMIT_NOFILE, 256)
    lower(resource.RLIMIT_CORE, 0)
    os.setsid()


def _network_isolation() -> list[str]:
    """`unshare -rn` gives the child an empty network namespace where user namespaces are allowed."""
    unshare = shutil.which("unshare")
    if not unshare:
        return []
    try:
        probe = subprocess.run([unshare, "-rn", "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [unshare, "-rn"] if probe.returncode == 0 else []


def convert_to_onnx(path: Path, work_dir: Path, shapes) -> tuple[Path, str]:
    kind = torch_file_kind(path)
    # A .pt2 carries its own inputs; `shapes` then names the shape set for its dynamic dims.
    inputs = None if kind == "pt2" else parse_input_specs(shapes)
    sandbox = work_dir / "torch-sandbox"
    sandbox.mkdir(parents=True, exist_ok=True)
    source = sandbox / ("model.pt2" if kind == "pt2" else "model" + path.suffix)
    shutil.copyfile(path, source)  # the child sees only its scratch directory's copy
    out = sandbox / "exported.onnx"
    request = sandbox / "request.json"
    request.write_text(json.dumps({"model": str(source), "out": str(out), "inputs": inputs, "kind": kind,
                                   "allow_pickle": kind == "pickle"}))
    env = {k: os.environ[k] for k in _ENV_KEEP if k in os.environ}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    env["HOME"] = str(sandbox)
    # -s: no user site-packages; PYTHONPATH points only at this package's parent.
    command = _network_isolation() + [sys.executable, "-s", "-m", "compiler_core.frontends.torch_sandbox", str(request)]
    try:
        done = subprocess.run(command, cwd=sandbox, env=env, capture_output=True, text=True,
                              timeout=SANDBOX_TIMEOUT_S, preexec_fn=_limits)
    except subprocess.TimeoutExpired as exc:
        raise InvalidModelError(f"loading {path.name} took longer than {SANDBOX_TIMEOUT_S}s in the sandbox") from exc
    if done.returncode != 0 or not out.is_file():
        lines = [line for line in (done.stderr or "").strip().splitlines() if line.strip()]
        reason = lines[-1] if lines else f"exit code {done.returncode}"
        raise InvalidModelError(f"{path.name} could not be loaded and exported to ONNX: {reason}")
    source_format = json.loads((sandbox / "result.json").read_text()).get("format", "pytorch")
    return out, source_format


def export_module(module, work_dir: Path, shapes) -> Path:
    """An nn.Module object handed to optimize() in-process: the caller already trusts it."""
    import torch

    inputs = parse_input_specs(shapes)
    example = tuple(
        torch.zeros(spec["shape"], dtype=getattr(torch, spec["dtype"])) if "int" in spec["dtype"]
        else torch.randn(spec["shape"], dtype=getattr(torch, spec["dtype"]))
        for spec in inputs)
    names = [spec["name"] for spec in inputs]
    out = work_dir / "exported.onnx"
    module.eval()
    with torch.no_grad():
        torch.onnx.export(module, example, str(out), input_names=names, opset_version=17, dynamo=False,
                          dynamic_axes={name: {0: "batch"} for name in names})
    return out
