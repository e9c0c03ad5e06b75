"""PyTorch front end: a TorchScript file or a pickled nn.Module, exported to ONNX.

Both formats run code when loaded (TorchScript carries code; a pickle can execute
anything), so they are only ever opened in a child process: resource limits (CPU
time, address space, file size, open files), a wall-clock timeout, an environment
with no proxies or credentials, a scratch working directory, and, where the kernel
allows it, no network namespace. The parent only reads back an ONNX file.

Input shapes cannot be read from these formats, so the caller names them:
shapes="image:1x3x224x224" or "input_ids:1x128:int64;attention_mask:1x128:int64".
Axis 0 is exported as the dynamic dim "batch".
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from ..errors import InvalidModelError

SANDBOX_TIMEOUT_S = 600
SANDBOX_MEMORY_BYTES = 16 << 30
SANDBOX_CPU_SECONDS = 900
SANDBOX_FILE_BYTES = 4 << 30
# Only what Python and torch need; no proxies, tokens or cloud credentials reach the child.
_ENV_KEEP = ("PATH", "LANG", "LC_ALL", "TMPDIR", "OMP_NUM_THREADS")


def parse_input_specs(spec) -> list[dict]:
    if not spec or not isinstance(spec, str) or ":" not in spec:
        raise InvalidModelError(
            "a PyTorch model needs its input shapes: pass shapes like 'image:1x3x224x224' "
            "or 'input_ids:1x128:int64;attention_mask:1x128:int64'")
    inputs = []
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        pieces = part.split(":")
        if len(pieces) not in (2, 3):
            raise InvalidModelError(f"input spec {part!r} should be name:1x3x224x224[:dtype]")
        try:
            shape = [int(d) for d in pieces[1].lower().split("x")]
        except ValueError as exc:
            raise InvalidModelError(f"input spec {part!r}: dims must be integers joined by 'x'") from exc
        inputs.append({"name": pieces[0], "shape": shape, "dtype": pieces[2] if len(pieces) == 3 else "float32"})
    return inputs


def _limits():  # runs in the child before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (SANDBOX_MEMORY_BYTES, SANDBOX_MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (SANDBOX_CPU_SECONDS, SANDBOX_CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_FSIZE, (SANDBOX_FILE_BYTES, SANDBOX_FILE_BYTES))
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
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
    inputs = parse_input_specs(shapes)
    sandbox = work_dir / "torch-sandbox"
    sandbox.mkdir(parents=True, exist_ok=True)
    source = sandbox / ("model" + path.suffix)
    shutil.copyfile(path, source)  # the child sees only its scratch directory's copy
    out = sandbox / "exported.onnx"
    request = sandbox / "request.json"
    request.write_text(json.dumps({"model": str(source), "out": str(out), "inputs": inputs}))
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
