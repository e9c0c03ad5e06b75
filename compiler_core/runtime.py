"""Load and run a package exactly as serving does.

`runtime.json` is the contract between the worker that measured a package and the
engine that serves it: the session options recorded there are the ones applied
here, so the speed measured on the worker is the speed served. Both serving
(deploy/serving) and `python -m compiler_core run` go through `load_package`, which first holds
what the package names to running its graphs (package_policy.py): a package is data.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol

import numpy as np

from .contracts.runtime import MODEL_FILE
from .errors import PackageError

RUNTIME_FILE = "runtime.json"
SIGNATURE_FILE = "signature.json"
REPORT_FILE = "report.json"


# A runner calls it, before a run, with the function that stops that run (a watchdog's hook).
CancelHook = Callable[[Callable[[], None]], Any]


class PackageRunner(Protocol):
    signature: dict[str, Any]
    runtime: dict[str, Any]

    def run(self, inputs: dict[str, np.ndarray], cancel_with: CancelHook | None = None) -> dict[str, np.ndarray]:
        """The outputs for `inputs`. With `cancel_with`, the run can be stopped from another thread:
        it is handed the stop function first, and a stopped run raises the engine's error."""


@dataclass
class OnnxRuntimeRunner:
    session: Any
    signature: dict[str, Any]
    runtime: dict[str, Any]
    output_names: list[str] = field(default_factory=list)

    def run(self, inputs: dict[str, np.ndarray], cancel_with: CancelHook | None = None) -> dict[str, np.ndarray]:
        if cancel_with is None:
            outputs = self.session.run(self.output_names, inputs)
        else:
            import onnxruntime as ort

            options = ort.RunOptions()
            cancel_with(lambda: setattr(options, "terminate", True))  # checked between nodes
            outputs = self.session.run(self.output_names, inputs, options)
        return dict(zip(self.output_names, outputs))


@dataclass
class OpenVinoRunner:
    compiled: Any
    signature: dict[str, Any]
    runtime: dict[str, Any]
    # One infer request per thread: creating one per call costs more than a small model's
    # inference, and a request must not be shared between concurrent callers.
    _local: threading.local = field(default_factory=threading.local, repr=False)

    def run(self, inputs: dict[str, np.ndarray], cancel_with: CancelHook | None = None) -> dict[str, np.ndarray]:
        request = getattr(self._local, "request", None)
        if request is None:
            request = self._local.request = self.compiled.create_infer_request()
        if cancel_with is not None:
            cancel_with(request.cancel)
        results = request.infer(inputs)
        return {name: np.asarray(results[index]) for index, name in enumerate(self._output_names())}

    def _output_names(self) -> list[str]:
        """Signature names for the compiled model's outputs, in its order (resolved once)."""
        names = getattr(self._local, "names", None)
        if names is None:
            wanted = [o["name"] for o in self.signature.get("outputs", [])]
            names = []
            for port in self.compiled.outputs:
                port_names = port.get_names()
                names.append(next((n for n in wanted if n in port_names), port.get_any_name()))
            self._local.names = names
        return names


def session_options_from(runtime: dict[str, Any]):
    """onnxruntime.SessionOptions from the `session_options` block of runtime.json."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    recorded = dict(runtime.get("session_options") or {})
    level = recorded.pop("graph_optimization_level", None)
    if level is not None:
        options.graph_optimization_level = getattr(ort.GraphOptimizationLevel, level)
    mode = recorded.pop("execution_mode", None)
    if mode is not None:
        options.execution_mode = getattr(ort.ExecutionMode, mode)
    for key, value in (recorded.pop("config_entries", None) or {}).items():
        options.add_session_config_entry(key, str(value))
    for key, value in recorded.items():
        if not hasattr(options, key):
            raise PackageError(f"runtime.json names an unknown session option {key!r}")
        setattr(options, key, value)
    for library in runtime.get("custom_op_libraries") or []:
        options.register_custom_ops_library(library)
    return options


def read_json(path: Path, contract) -> dict[str, Any]:
    """One of the package's JSON files, as written, checked against its contract (`Runtime`,
    `Signature`): leniently, so a field a newer writer added is kept, and a wrong one is named."""
    from .contracts import ContractError

    try:
        return contract.read(path.read_text())
    except FileNotFoundError as exc:
        raise PackageError(f"package is missing {path.name} (looked in {path.parent})") from exc
    except ContractError as exc:
        raise PackageError(f"{exc} (in {path.parent})") from exc


@dataclass
class ShapeDispatchRunner:
    """Routes each call to the graph specialized for its exact input shapes, else the dynamic one."""

    fallback: Any
    by_shapes: dict[tuple, Any]
    signature: dict[str, Any]
    runtime: dict[str, Any]

    @staticmethod
    def key(shapes: dict[str, Any]) -> tuple:
        return tuple(sorted((name, tuple(int(d) for d in shape)) for name, shape in shapes.items()))

    def run(self, inputs: dict[str, np.ndarray], cancel_with: CancelHook | None = None) -> dict[str, np.ndarray]:
        runner = self.by_shapes.get(self.key({k: np.shape(v) for k, v in inputs.items()}), self.fallback)
        return runner.run(inputs, cancel_with)


def open_model(model_path: str | Path, runtime: dict[str, Any], signature: dict[str, Any]) -> PackageRunner:
    """A runner for one model file under the engine and options `runtime` names.

    The optimizer measures candidates through this same function, so nothing differs
    between the session that was timed and the session that serves. Specializations
    (graphs for concrete input shapes) are files beside the main model; one that names
    its own `runtime` (a shape routed to the candidate that won there) runs under it.
    """
    main = _open_single(model_path, runtime, signature)
    specializations = runtime.get("specializations") or []
    if not specializations:
        return main
    folder = Path(model_path).parent
    by_shapes = {}
    for spec in specializations:
        path = folder / spec["model"]
        if not path.is_file():
            raise PackageError(f"package is missing the specialized model {spec['model']}")
        # A shape routed to another candidate carries that candidate's own engine and options.
        spec_runtime = spec.get("runtime") or runtime
        by_shapes[ShapeDispatchRunner.key(spec["input_shapes"])] = _open_single(path, spec_runtime, signature)
    return ShapeDispatchRunner(fallback=main, by_shapes=by_shapes, signature=signature, runtime=runtime)


def _open_single(model_path: str | Path, runtime: dict[str, Any], signature: dict[str, Any]) -> PackageRunner:
    engine = runtime.get("engine", "onnxruntime")
    if engine == "onnxruntime":
        import onnxruntime as ort

        providers = runtime.get("providers") or ["CPUExecutionProvider"]
        session = ort.InferenceSession(
            str(model_path), sess_options=session_options_from(runtime), providers=providers
        )
        return OnnxRuntimeRunner(
            session=session,
            signature=signature,
            runtime=runtime,
            output_names=[o.name for o in session.get_outputs()],
        )
    if engine == "openvino":
        import openvino as ov

        core = ov.Core()
        compiled = core.compile_model(
            str(model_path), runtime.get("device", "CPU"), runtime.get("config") or {}
        )
        return OpenVinoRunner(compiled=compiled, signature=signature, runtime=runtime)
    raise PackageError(f"runtime.json names engine {engine!r}; known engines: onnxruntime, openvino")


def load_package(package_dir: str | Path) -> PackageRunner:
    """Open the package in `package_dir` with the engine and options its runtime.json names."""
    package_dir = Path(package_dir)
    from .contracts import Runtime, Signature
    from .package_policy import check_runtime

    runtime = read_json(package_dir / RUNTIME_FILE, Runtime)
    signature = read_json(package_dir / SIGNATURE_FILE, Signature)
    # A package is data: nothing it names may load code, write a file or leave its folder.
    check_runtime(runtime, package_dir)
    return open_model(package_dir / runtime.get("model", MODEL_FILE), runtime, signature)
