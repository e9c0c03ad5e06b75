"""Accuracy on the serving machine: a package is checked against its fp32 original when the
engine loads it, on this engine's hardware, and refused if it misses its budget here.

The worker measured the package on its own machine. On another hardware class the same graph
may run other kernels (INT8 without VNNI saturates u8 x s8 products; a BF16 hint falls back to
f32 or rounds differently), so what the report promised may not hold where it is served. The
deploy task stages, beside the package, `reference/`: the fp32 original model (ONNX) and
`reference.json` naming it, and the inputs to check on (`reference/inputs/*.npz`: the job's
calibration data, or later the version's example inputs; without them, inputs generated from the
signature at the report's primary shape, as the worker's own check does). Each output is judged
by the kind the report's verdicts name (class scores by top-1, a detector's head by its detections...),
as the worker judged it; a report without them leaves the kinds to the values. The verdict is served
in the model's metadata (`parameters.accuracy_on_engine`), where the platform records it in the
deployment.

WHETSTONE_ACCURACY_ON_LOAD=0 switches the check off (the verdict then says so).
"""

from __future__ import annotations

import json
import math
import os
import threading
import time
from pathlib import Path
from typing import Any

from .switches import switched_on

REFERENCE_DIR = "reference"
REFERENCE_FILE = "reference.json"
INPUTS_DIR = "inputs"
SWITCH_ENV = "WHETSTONE_ACCURACY_ON_LOAD"
GENERATED_BATCHES = 4
MAX_GENERATED_BATCHES = 256
MAX_INPUT_BATCHES = 16
# What the engine's checks generate at most, in all: the report's shape is the package's word, and
# one engine serves every tenant (the platform takes requests of up to 1 GiB a batch).
MAX_GENERATED_BYTES = 1 << 30
_ONE_AT_A_TIME = threading.Lock()
MAX_SECONDS_ENV = "WHETSTONE_ACCURACY_ON_LOAD_MAX_S"
DEFAULT_MAX_SECONDS = 300.0
# In the refusal's text: the platform tells an accuracy refusal from other load failures by it.
MISSES_BUDGET = "misses its accuracy budget"


def primary_shape(report: dict) -> dict[str, int]:
    label = section(report, "overall").get("shape")
    shapes = report.get("shapes")
    for entry in shapes if isinstance(shapes, list) else []:
        if not isinstance(entry, dict):
            continue
        shape = entry.get("shape")
        if entry.get("label") == label and isinstance(shape, dict) and all(
                isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) for k, v in shape.items()):
            return shape
    return {}


def package_report(package_dir: Path) -> dict:
    """The package's report.json, or {} (the engine reads it for figures and kinds, and must not fail
    on one that is not what the worker writes)."""
    path = Path(package_dir) / "report.json"
    try:
        report = json.loads(path.read_text()) if path.is_file() else {}
    except (ValueError, OSError):
        return {}
    return report if isinstance(report, dict) else {}


def section(report: dict, key: str) -> dict:
    """One of the report's objects, or {} where it is something else."""
    value = report.get(key)
    return value if isinstance(value, dict) else {}


def staged_reference(package_dir: Path, switch: str) -> tuple[dict | None, str]:
    """What `reference.json` says of the staged original, or None and why a check by `switch` cannot run."""
    if not switched_on(switch):
        return None, f"the check is switched off on this engine ({switch}=0)"
    reference_dir = Path(package_dir) / REFERENCE_DIR
    described = reference_dir / REFERENCE_FILE
    if not described.is_file():
        return None, "no fp32 original was staged with the package (a model that is not ONNX, or a package staged by hand)"
    reference = json.loads(described.read_text())
    model = reference.get("model") if isinstance(reference, dict) else None
    # The platform writes it; a package from anywhere else must not make the engine open another file.
    if not isinstance(model, str) or not (reference_dir / model).resolve().is_relative_to(reference_dir.resolve()):
        return None, f"{REFERENCE_FILE} does not name a model inside {REFERENCE_DIR}/"
    return reference, ""


def too_large_to_generate(signature: dict, shape: dict[str, int], batches: int) -> str:
    """Why `batches` generated batches at `shape` are more than the engine's checks generate, or ""."""
    from compiler_core.signature import generated_bytes

    needed = generated_bytes(signature, shape) * batches
    if needed <= MAX_GENERATED_BYTES:
        return ""
    return (f"not checked: {batches} batch{'es' if batches > 1 else ''} generated at the report's primary shape "
            f"({', '.join(f'{k}={v}' for k, v in shape.items()) or 'its fixed dims'}) would take {needed >> 20} MiB, "
            f"more than the engine's checks generate ({MAX_GENERATED_BYTES >> 20} MiB); example inputs staged "
            "with the model are used instead where there are some")


def check_package_on_this_engine(package_dir: Path, runner) -> dict[str, Any]:
    """The verdict of the package in `package_dir` (opened as `runner`) against its staged fp32
    original, on this machine. `passes` is False when it misses the report's accuracy budget.
    One check at a time: at an engine's start every staged model loads at once, and each check
    holds its original's session, its inputs and both sets of outputs. The whole check, the wait
    for its turn included, is held to WHETSTONE_ACCURACY_ON_LOAD_MAX_S, and each run to the
    engine's run deadline: a check that cannot finish is "not checked", and the load goes on (a
    slow package only keeps its own check from running; every other model's load waits on it)."""
    from compiler_core.hardware import describe_hardware

    if staged_reference(package_dir, SWITCH_ENV)[0] is None:
        return _checked(package_dir, runner, deadline=math.inf)  # nothing to run: it says why at once
    deadline = time.monotonic() + _max_seconds()
    if not _ONE_AT_A_TIME.acquire(timeout=_max_seconds()):
        return {"hardware_class": describe_hardware()["hardware_class"], "checked": False, "passes": None,
                "reason": f"not checked: other models' checks held the engine for the whole time allowed "
                          f"({MAX_SECONDS_ENV})"}
    try:
        return _checked(package_dir, runner, deadline)
    except _OutOfTime as exc:
        return {"hardware_class": describe_hardware()["hardware_class"], "checked": False, "passes": None,
                "reason": f"not checked: {exc}"}
    finally:
        _ONE_AT_A_TIME.release()


class _OutOfTime(Exception):
    """The check's runs went past their deadline or the check's own."""


def _max_seconds() -> float:
    return float(os.environ.get(MAX_SECONDS_ENV, DEFAULT_MAX_SECONDS))


def _bounded_runs(deadline: float, package_run, session, names: list[str]):
    """The package's run and the original's, each held to the engine's run deadline (run_deadline.py),
    raising _OutOfTime past it or past the whole check's `deadline`."""
    import onnxruntime

    from .errors import RunTimedOut
    from .run_deadline import RUN_TIMEOUT_ENV, WATCHDOG, run_timeout_s

    def original_run(feed, cancel_with):
        options = onnxruntime.RunOptions()
        cancel_with(lambda: setattr(options, "terminate", True))
        return dict(zip(names, session.run(None, feed, options)))

    per_run = run_timeout_s() if run_timeout_s() > 0 else math.inf

    def held(run):
        def one(feed):
            left = deadline - time.monotonic()
            if left <= 0:
                raise _OutOfTime(f"the check ran out of its time ({MAX_SECONDS_ENV})")
            # Each run within what is left of the check, and within the engine's run deadline.
            seconds, setting = (per_run, RUN_TIMEOUT_ENV) if per_run <= left else (left, MAX_SECONDS_ENV)
            try:
                return WATCHDOG.bounded(run, seconds, setting)(feed)
            except RunTimedOut as exc:
                raise _OutOfTime(str(exc)) from None
        return one

    return held(package_run), held(original_run)


def _checked(package_dir: Path, runner, deadline: float) -> dict[str, Any]:
    import numpy as np
    import onnx
    import onnxruntime

    from compiler_core.accuracy import DEFAULT_COSINE_BUDGET, TOP1_MIN_ROWS, compare_outputs, top1_rows
    from compiler_core.calibration import generated_batches, load_npz_dir
    from compiler_core.hardware import describe_hardware
    from compiler_core.output_kinds import OutputKind
    from compiler_core.signature import generated_bytes

    package_dir = Path(package_dir)
    report = package_report(package_dir)
    measured_on = section(report, "hardware_context").get("hardware_class")
    verdict: dict[str, Any] = {"hardware_class": describe_hardware()["hardware_class"], "measured_on": measured_on,
                               "checked": False, "passes": None}
    reference, why_not = staged_reference(package_dir, SWITCH_ENV)
    if reference is None:
        return {**verdict, "reason": why_not}
    reference_dir = package_dir / REFERENCE_DIR
    original = reference_dir / reference["model"]
    budget = section(report, "accuracy").get("budget")
    budget = float(budget) if isinstance(budget, (int, float)) and not isinstance(budget, bool) and 0 < budget <= 1 \
        else DEFAULT_COSINE_BUDGET
    signature = runner.signature
    inputs_dir = reference_dir / INPUTS_DIR
    if inputs_dir.is_dir() and any(inputs_dir.glob("*.npz")):
        feeds = load_npz_dir(inputs_dir, signature, limit=MAX_INPUT_BATCHES)
        source = reference.get("inputs", "the inputs staged with the package")
    else:
        too_large = too_large_to_generate(signature, primary_shape(report), GENERATED_BATCHES)
        if too_large:
            return {**verdict, "reason": too_large}
        model = onnx.load(str(original), load_external_data=False)
        feeds = generated_batches(model, signature, primary_shape(report), GENERATED_BATCHES)
        source = "inputs generated from the signature"
    # The original as the worker's baseline ran it: plain onnxruntime, fp32, on the CPU.
    session = onnxruntime.InferenceSession(str(original), providers=["CPUExecutionProvider"])
    names = [output.name for output in session.get_outputs()]
    run_package, run_original = _bounded_runs(deadline, runner.run, session, names)
    expected = [run_original(feed) for feed in feeds]
    # Each output judged by the kind the worker judged it by (its report's verdicts), not guessed again.
    verdicts = section(report, "accuracy").get("per_output")
    kinds = {name: OutputKind.from_verdict(entry, names)
             for name, entry in (verdicts.items() if isinstance(verdicts, dict) else ()) if name in names}
    rows = top1_rows(expected[0], kinds) if expected else 0
    if rows and source == "inputs generated from the signature":
        # Top-1 agreement is a claim about flips per hundred rows: as in the worker's own check, it
        # takes TOP1_MIN_ROWS rows, or one near-tie in a few rows would refuse a package that holds.
        wanted = min(MAX_GENERATED_BATCHES, -(-TOP1_MIN_ROWS // rows),
                     MAX_GENERATED_BYTES // max(1, generated_bytes(signature, primary_shape(report))))
        feeds += generated_batches(model, signature, primary_shape(report), wanted - len(feeds),
                                   seed=100 + len(feeds)) if wanted > len(feeds) else []
        expected += [run_original(feed) for feed in feeds[len(expected):]]
    served = [{name: np.asarray(value) for name, value in run_package(feed).items()} for feed in feeds]
    result = compare_outputs(expected, served, budget, kinds)
    verdict.update(checked=True, passes=result.passes, cosine=round(result.cosine, 6), budget=budget,
                   top1_agreement=None if result.top1_agreement is None else round(result.top1_agreement, 6),
                   inputs=source, batches=len(feeds))
    if not result.passes:
        verdict["reason"] = (f"on this engine ({verdict['hardware_class']}) the package {MISSES_BUDGET} "
                             f"against the fp32 original: {result.why_not()}, over {len(feeds)} batches of {source}")
    return verdict


def describe_verdict(verdict: dict[str, Any]) -> str:
    """One line for a deployment's message."""
    where = verdict.get("hardware_class") or "this engine"
    if not verdict.get("checked"):
        return f"accuracy not re-checked on {where}: {verdict.get('reason', 'unknown reason')}"
    if verdict.get("passes"):
        return (f"accuracy re-checked on {where}: cosine {verdict['cosine']} within the budget {verdict['budget']} "
                f"({verdict['batches']} batches of {verdict['inputs']})")
    return verdict.get("reason", f"accuracy on {where} misses the budget")
