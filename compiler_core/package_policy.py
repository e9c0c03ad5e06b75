"""What a package may make the process that opens it do: run its graphs, and nothing else.

A package is data (SECURITY.md). It was written by a compile child that ran on a user's file, and
code that ran there (a pickle the operator let through, a parser's bug) writes the package too. The
serving engine that opens it holds other tenants' models and the engine's credentials, so what
onnxruntime and OpenVINO would turn into an action beyond running a graph is refused here, by name,
before anything is opened:

- a shared library to load (`custom_op_libraries`): native code. Only libraries the operator lists
  in WHETSTONE_CUSTOM_OP_LIBRARIES may be named;
- a session option or config entry that writes a file (`optimized_model_filepath`, profiling,
  EP-context dumps), loads another format, or reaches the network (the Azure provider): only the
  options that tune how a graph runs are applied;
- an OpenVINO property that writes (CACHE_DIR) or reads (WEIGHTS_PATH) a path: only tuning
  properties;
- a model file outside the package folder (`../`, an absolute path, a link).

- a file beyond the package's own (its JSON documents, its graphs and their external data), or a
  folder: MLServer, for one, reads a `model-settings.json` anywhere below its models as a model to
  load and imports the class it names.

The compiler core writes nothing outside these lists. `runtime.load_package` applies the rules on
runtime.json to every package it opens (serving, `python -m compiler_core run`, the bench); the
worker applies all of them (`check_package`) before it publishes a package, so one that asks for
more fails its job instead, and the engine's staging (`deploy.serving.repository.stage_package`)
again before it copies one, and then copies only the files named.
ONNX external data that points outside the model's folder is refused by both engines themselves
(their own path checks); `deploy/tests/test_hostile_packages.py` holds them to it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from .errors import PackageError

CUSTOM_OP_LIBRARIES_ENV = "WHETSTONE_CUSTOM_OP_LIBRARIES"

# onnxruntime.SessionOptions attributes that only tune a run. Not here, on purpose:
# optimized_model_filepath (writes the graph to any path), enable_profiling and
# profile_file_prefix (write a trace to any path), and whatever a newer onnxruntime adds.
SESSION_OPTIONS = frozenset({
    "intra_op_num_threads", "inter_op_num_threads", "graph_optimization_level", "execution_mode",
    "config_entries", "enable_cpu_mem_arena", "enable_mem_pattern", "enable_mem_reuse",
    "use_deterministic_compute", "execution_order", "log_severity_level", "log_verbosity_level",
})

# Session config entries that tune kernels and threads. Not here: session.load_model_format and
# session.save_model_format, ep.context_* (write a compiled-context model to a path),
# session.optimized_model_external_initializers_file_name, the azure.* entries, and
# session.intra_op_thread_affinities (one tenant's package would pin the cores every model shares).
CONFIG_ENTRIES = frozenset({
    "session.intra_op.allow_spinning", "session.inter_op.allow_spinning", "session.force_spinning_stop",
    "session.set_denormal_as_zero", "session.disable_prepacking", "session.use_env_allocators",
    "session.use_device_allocator_for_initializers", "session.dynamic_block_base", "session.disable_quant_qdq", "session.enable_quant_qdq_cleanup",
    "session.disable_double_qdq_remover", "session.qdqisint8allowed", "session.x64quantprecision",
    "session.disable_aot_function_inlining", "session.disable_gemm_fast_gelu_fusion",
    "session.qdq_matmulnbits_accuracy_level", "optimization.enable_gelu_approximation",
    "optimization.disable_specified_optimizers", "mlas.enable_gemm_fastmath_arm64_bfloat16",
})

# Execution providers that run a graph on this machine's devices. Not here: the Azure provider
# (its operators call remote endpoints) and any provider this list does not name.
PROVIDERS = frozenset({
    "CPUExecutionProvider", "CUDAExecutionProvider", "TensorrtExecutionProvider", "ROCMExecutionProvider",
    "DnnlExecutionProvider", "OpenVINOExecutionProvider", "CoreMLExecutionProvider", "DmlExecutionProvider",
})

# OpenVINO compile_model properties that tune a run. Not here: CACHE_DIR (writes blobs to a path),
# WEIGHTS_PATH and CACHE_MODE (read weights from a path), ENABLE_CPU_RESERVATION (takes cores
# from every other model), and anything else.
OPENVINO_PROPERTIES = frozenset({
    "INFERENCE_PRECISION_HINT", "PERFORMANCE_HINT", "PERFORMANCE_HINT_NUM_REQUESTS", "INFERENCE_NUM_THREADS",
    "NUM_STREAMS", "ENABLE_HYPER_THREADING", "ENABLE_CPU_PINNING", "SCHEDULING_CORE_TYPE", "EXECUTION_MODE_HINT", "CPU_DENORMALS_OPTIMIZATION",
    "CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE", "DYNAMIC_QUANTIZATION_GROUP_SIZE", "KV_CACHE_PRECISION",
    "KEY_CACHE_PRECISION", "VALUE_CACHE_PRECISION", "MODEL_DISTRIBUTION_POLICY", "LOG_LEVEL",
})


OPENVINO_DEVICES = frozenset({"CPU"})

# Each session's threads, and graphs per package: far above what any machine or request gives (a
# request has at most 64 shapes), far below what would exhaust the engine's threads for everyone.
MAX_THREADS = 1024
MAX_SPECIALIZATIONS = 64
# Every graph opens a session with threads of its own: their sum, over the package's graphs.
MAX_TOTAL_THREADS = 2048
THREAD_SETTINGS = ("intra_op_num_threads", "inter_op_num_threads")
OPENVINO_COUNTS = ("INFERENCE_NUM_THREADS", "NUM_STREAMS", "PERFORMANCE_HINT_NUM_REQUESTS")


def allowed_custom_op_libraries() -> frozenset[str]:
    """The shared libraries the operator installed for packages to name (absolute paths)."""
    listed = os.environ.get(CUSTOM_OP_LIBRARIES_ENV, "")
    return frozenset(os.path.realpath(p) for p in listed.split(os.pathsep) if p.strip() and os.path.isabs(p))


def check_runtime(runtime: dict[str, Any], package_dir: str | Path) -> None:
    """Refuse (PackageError, naming the field) a runtime.json that asks for more than running its
    graphs from `package_dir`; its specializations' own runtimes are held to the same rules."""
    package_dir = Path(package_dir)
    _check_settings(runtime, "runtime.json")
    model_file(package_dir, runtime.get("model", "model.onnx"), "runtime.json's model")
    if len(runtime.get("specializations") or []) > MAX_SPECIALIZATIONS:
        raise PackageError(f"runtime.json names {len(runtime['specializations'])} specialized graphs; a package "
                           f"may have {MAX_SPECIALIZATIONS} at most")
    for spec in runtime.get("specializations") or []:
        where = f"runtime.json's specialization {spec.get('shape', '?')!r}"
        model_file(package_dir, spec.get("model", ""), f"{where} model")
        if spec.get("runtime"):
            _check_settings(spec["runtime"], where)
    graphs = [runtime] + [spec.get("runtime") or runtime for spec in runtime.get("specializations") or []]
    total = sum(_threads_asked(settings) for settings in graphs)
    if total > MAX_TOTAL_THREADS:
        raise PackageError(f"runtime.json asks for {total} threads over its {len(graphs)} graphs; a package may ask "
                           f"for {MAX_TOTAL_THREADS} in all")


def check_package(package_dir: str | Path, *, folders_beside: frozenset[str] = frozenset()) -> list[str]:
    """check_runtime on the package's own runtime.json, and the package's files held to what it
    needs (for a caller that publishes or stages it rather than opening it). Returns the files'
    names: a caller that copies the package copies these, and nothing else. `folders_beside`: the
    folders the caller itself put beside the package's files (not returned)."""
    from .contracts import Runtime
    from .runtime import RUNTIME_FILE, read_json

    package_dir = Path(package_dir)
    runtime = read_json(package_dir / RUNTIME_FILE, Runtime)
    check_runtime(runtime, package_dir)
    return package_files(package_dir, runtime, folders_beside)


def package_files(package_dir: Path, runtime: dict[str, Any], folders_beside: frozenset[str] = frozenset()) -> list[str]:
    """A package is its three JSON documents, the graphs runtime.json names and their ONNX external
    data (`<graph>.data`), all regular files at its top level. Anything else is refused by name: a
    folder, a link, and above all another file a reader might act on (MLServer reads any
    `model-settings.json` below its root as a model to load, and imports the class it names)."""
    from .runtime import REPORT_FILE, RUNTIME_FILE, SIGNATURE_FILE

    graphs = [runtime.get("model", "model.onnx")] + [s.get("model") for s in runtime.get("specializations") or []]
    needed = {RUNTIME_FILE, SIGNATURE_FILE, REPORT_FILE, *graphs, *(f"{g}.data" for g in graphs)}
    names = []
    for entry in sorted(os.scandir(package_dir), key=lambda e: e.name):
        if entry.name in folders_beside and entry.is_dir(follow_symlinks=False):
            continue
        if entry.name not in needed:
            raise PackageError(f"the package holds {entry.name!r}, which is none of its files (runtime.json, "
                               "signature.json, report.json, the graphs runtime.json names and their .data)")
        if not stat.S_ISREG(entry.stat(follow_symlinks=False).st_mode):
            raise PackageError(f"the package's {entry.name!r} is a link, folder or special file, not a regular file")
        names.append(entry.name)
    for required in (RUNTIME_FILE, SIGNATURE_FILE):
        if required not in names:
            raise PackageError(f"package is missing {required} (looked in {package_dir})")
    return names


def model_file(package_dir: Path, name: Any, what: str) -> Path:
    """`name` as a regular ONNX file directly in `package_dir`: no folder part, no `..`, no link, and
    no other format (an .ort or .pdmodel name would reach another parser)."""
    if (not isinstance(name, str) or not name.endswith(".onnx") or name == ".onnx" or "/" in name
            or "\\" in name):
        raise PackageError(f"{what} must be the name of an .onnx file in the package folder, not {name!r}")
    path = package_dir / name
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        raise PackageError(f"package is missing its model file {name} ({what})") from None
    if not stat.S_ISREG(mode):
        raise PackageError(f"{what} {name!r} is a link or a special file, not a regular file in the package")
    return path


def _check_settings(settings: dict[str, Any], where: str) -> None:
    engine = settings.get("engine", "onnxruntime")
    if engine == "openvino":
        if str(settings.get("device", "CPU")) not in OPENVINO_DEVICES:
            raise PackageError(f"{where} names the OpenVINO device {settings.get('device')!r}; a package runs on "
                               f"{', '.join(sorted(OPENVINO_DEVICES))}")
        config = settings.get("config") or {}
        for key in OPENVINO_COUNTS:
            _held_to_max(config.get(key), f"{where}'s OpenVINO {key}")
        _refuse_unlisted(where, config, OPENVINO_PROPERTIES, ("OpenVINO property", "OpenVINO properties"))
        return
    options = settings.get("session_options") or {}
    for key in THREAD_SETTINGS:
        _held_to_max(options.get(key), f"{where}'s {key}")
    _refuse_unlisted(where, options, SESSION_OPTIONS, ("session option", "session options"))
    _refuse_unlisted(where, options.get("config_entries") or {}, CONFIG_ENTRIES,
                     ("session config entry", "session config entries"))
    _refuse_unlisted(where, settings.get("providers") or [], PROVIDERS, ("execution provider", "execution providers"),
                     verb="names", use="use")
    allowed = allowed_custom_op_libraries()
    for library in settings.get("custom_op_libraries") or []:
        if not isinstance(library, str) or not os.path.isabs(library) or os.path.realpath(library) not in allowed:
            raise PackageError(
                f"{where} asks to load the shared library {library!r}; a package is data and loads no code "
                f"unless the engine's operator installed the library and lists its absolute path in "
                f"{CUSTOM_OP_LIBRARIES_ENV}")


def _held_to_max(value: Any, what: str) -> None:
    """A count a package sets (threads, streams): a number, at most MAX_THREADS ("AUTO" and other
    words are OpenVINO's own choice)."""
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip().lstrip("-").isdigit()):
        return
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise PackageError(f"{what} is {value!r}, not a count") from None
    if count > MAX_THREADS:
        raise PackageError(f"{what} is {count}; a package may ask for {MAX_THREADS} at most")


def _threads_asked(settings: dict[str, Any]) -> int:
    """The threads one graph's session asks for (a default, 0 or a word, counts as one: the engine's
    own count, which a package cannot raise)."""
    if settings.get("engine", "onnxruntime") == "openvino":
        counts = [(settings.get("config") or {}).get("INFERENCE_NUM_THREADS")]
    else:
        options = settings.get("session_options") or {}
        counts = [options.get(key) for key in THREAD_SETTINGS]
    return sum(max(1, value) if isinstance(value, int) and not isinstance(value, bool) else 1 for value in counts)


def _refuse_unlisted(where: str, asked, allowed: frozenset[str], noun: tuple[str, str], *, verb: str = "sets",
                     use: str = "set") -> None:
    """PackageError naming every one of `asked` not in `allowed`: a package only tunes how its graphs run."""
    refused = sorted(set(map(str, asked)) - allowed)
    if refused:
        raise PackageError(f"{where} {verb} the {noun[len(refused) > 1]} {', '.join(refused)}, which a package may "
                           f"not {use}: a package only tunes how its graphs run (allowed: {', '.join(sorted(allowed))})")
