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


def check_package_on_this_engine(package_dir: Path, runner) -> dict[str, Any]:
    """The verdict of the package in `package_dir` (opened as `runner`) against its staged fp32
    original, on this machine. `passes` is False when it misses the report's accuracy budget."""
    import numpy as np
    import onnx
    import onnxruntime

    from compiler_core.accuracy import DEFAULT_COSINE_BUDGET, TOP1_MIN_ROWS, compare_outputs, top1_rows
    from compiler_core.calibration import generated_batches, load_npz_dir
    from compiler_core.hardware import describe_hardware
    from compiler_core.output_kinds import OutputKind

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
        model = onnx.load(str(original), load_external_data=False)
        feeds = generated_batches(model, signature, primary_shape(report), GENERATED_BATCHES)
        source = "inputs generated from the signature"
    # The original as the worker's baseline ran it: plain onnxruntime, fp32, on the CPU.
    session = onnxruntime.InferenceSession(str(original), providers=["CPUExecutionProvider"])
    names = [output.name for output in session.get_outputs()]
    expected = [dict(zip(names, session.run(None, feed))) for feed in feeds]
    # Each output judged by the kind the worker judged it by (its report's verdicts), not guessed again.
    verdicts = section(report, "accuracy").get("per_output")
    kinds = {name: OutputKind.from_verdict(entry, names)
             for name, entry in (verdicts.items() if isinstance(verdicts, dict) else ()) if name in names}
    rows = top1_rows(expected[0], kinds) if expected else 0
    if rows and source == "inputs generated from the signature":
        # Top-1 agreement is a claim about flips per hundred rows: as in the worker's own check, it
        # takes TOP1_MIN_ROWS rows, or one near-tie in a few rows would refuse a package that holds.
        wanted = min(MAX_GENERATED_BATCHES, -(-TOP1_MIN_ROWS // rows))
        feeds += generated_batches(model, signature, primary_shape(report), wanted - len(feeds),
                                   seed=100 + len(feeds)) if wanted > len(feeds) else []
        expected += [dict(zip(names, session.run(None, feed))) for feed in feeds[len(expected):]]
    served = [{name: np.asarray(value) for name, value in runner.run(feed).items()} for feed in feeds]
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
