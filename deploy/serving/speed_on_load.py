"""Speed on the serving machine: when the engine loads a package, it times it against its fp32
original on this engine's hardware, and says whether the package is slower here than the model it
replaces.

A package's report gives the speed-up the worker measured on its own machine. A hardware class is
a set of ISA flags, and CPU generations with the same flags rank engines differently (on an AVX2
Zen 1 host OpenVINO ran a YOLOv8n at par with onnxruntime, on a Zen 3 host 1.7x faster), and a
package measured on another class (allow_other_class) may run other kernels altogether. So the
headline may not hold where the package is served; this check says what does.

It runs the original (plain onnxruntime, fp32, as the worker's baseline ran it), the package and
an A/A control (the original again, in blocks of its own) in one interleaved measurement
(compiler_core.measure), for at most WHETSTONE_SPEED_ON_LOAD_S seconds (default 1.5; a fast model
takes less, a slow one at least three rounds), on one batch: the first of the inputs staged with the
package (accuracy_on_load.py), else inputs generated at the report's primary shape. The package is called slower than the original only when it is more than 5%
slower even at the top of the noise, and the A/A control's distance from 1 counts as noise too, so a
busy engine host does not brand a package slower.
The engine serves the package either way (it holds its accuracy, and the user chose it); the
platform puts the finding in the deployment's message.

The verdict is served in the model's metadata (`parameters.speed_on_engine`).
WHETSTONE_SPEED_ON_LOAD=0 switches the check off (the verdict then says so).
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

from .accuracy_on_load import INPUTS_DIR, REFERENCE_DIR, package_report, primary_shape, staged_reference

SWITCH_ENV = "WHETSTONE_SPEED_ON_LOAD"
SECONDS_ENV = "WHETSTONE_SPEED_ON_LOAD_S"
DEFAULT_SECONDS = 1.5
# A package is called slower only when it is slower by more than this share, beyond the noise.
SLOWER_MARGIN = 0.05


def measure_package_on_this_engine(package_dir: Path, runner) -> dict[str, Any]:
    """The package in `package_dir` (opened as `runner`) timed against its staged fp32 original on
    this machine. `slower_than_original` is True only when the package is slower here beyond the
    noise; None when nothing was timed."""
    import onnxruntime

    from compiler_core.hardware import describe_hardware
    from compiler_core.measure import Comparison, MeasurePlan, interleaved_blocks, single_latency_ms

    package_dir = Path(package_dir)
    report = package_report(package_dir)
    here = describe_hardware()
    measured_on = report.get("hardware_context") or {}
    claimed = (report.get("overall") or {}).get("speedup")
    verdict: dict[str, Any] = {
        "hardware_class": here["hardware_class"], "cpu_generation": here.get("cpu_generation"),
        "measured_on": measured_on.get("hardware_class"), "measured_on_generation": measured_on.get("cpu_generation"),
        "claimed_speedup": (claimed if isinstance(claimed, (int, float)) and not isinstance(claimed, bool)
                            and math.isfinite(claimed) else None),
        "checked": False, "slower_than_original": None}
    reference, why_not = staged_reference(package_dir, SWITCH_ENV)
    if reference is None:
        return {**verdict, "reason": why_not}
    reference_dir = package_dir / REFERENCE_DIR
    original = reference_dir / reference["model"]
    feed, source = _one_batch(reference_dir, original, runner.signature, report)
    # The original is timed twice in each round, as the baseline and as the control: how far two
    # blocks of the same runner read apart shows the host's noise right now. (One session, not two: an
    # engine holds the original beside the package while it loads, and a big model's memory counts.)
    original_session = onnxruntime.InferenceSession(str(original), providers=["CPUExecutionProvider"])
    runs = [lambda: original_session.run(None, feed), lambda: runner.run(feed),
            lambda: original_session.run(None, feed)]
    latency_ms = max(single_latency_ms(run, repeats=1) for run in runs)
    plan = MeasurePlan.for_latency(latency_ms, _seconds())
    stats, blocks = interleaved_blocks(runs, plan)
    package = Comparison.of(stats[:2], blocks[:2])
    control_ratio = Comparison.of([stats[0], stats[2]], [blocks[0], blocks[2]]).speedup
    # The control's distance from 1 is noise too: on a busy host it is the larger part.
    noise = max(package.noise, abs(math.log(control_ratio)) if control_ratio > 0 else 1.0)
    speedup = package.speedup
    # Slower by more than the margin even at the top of the noise; else not shown to be slower.
    slower = speedup * (1.0 + noise) < 1.0 / (1.0 + SLOWER_MARGIN)
    verdict.update(checked=True, speedup=round(speedup, 4), noise=round(noise, 4), control=round(control_ratio, 4),
                   slower_than_original=slower, rounds=len(blocks[0]), inputs=source,
                   shape={name: list(value.shape) for name, value in feed.items()})
    return verdict


def describe_speed(verdict: dict[str, Any]) -> str:
    """One line for a deployment's message, when the package is slower here than its original."""
    where = verdict.get("hardware_class") or "this engine"
    if verdict.get("cpu_generation"):
        where += f", {verdict['cpu_generation']}"
    claimed = verdict.get("claimed_speedup")
    measured_on = verdict.get("measured_on") or "the worker"
    if verdict.get("measured_on_generation"):
        measured_on += f", {verdict['measured_on_generation']}"
    report = f"; its report's {claimed:.2f}x was measured on {measured_on}" if claimed else ""
    return (f"On this engine ({where}) the package runs {verdict['speedup']:.2f}x the speed of its fp32 original "
            f"(noise ±{verdict['noise']:.0%}): slower than the model it replaces{report}. Optimize the model on a "
            f"worker of this engine's class and generation, or deploy the original.")


def _seconds() -> float:
    try:
        seconds = float(os.environ.get(SECONDS_ENV, DEFAULT_SECONDS))
    except ValueError:
        return DEFAULT_SECONDS
    return min(30.0, max(0.1, seconds)) if math.isfinite(seconds) else DEFAULT_SECONDS


def _one_batch(reference_dir: Path, original: Path, signature: dict, report: dict) -> tuple[dict, str]:
    """The batch to time on: the first staged input, else one generated at the report's primary shape."""
    import onnx

    from compiler_core.calibration import generated_batches, load_npz_dir

    inputs_dir = reference_dir / INPUTS_DIR
    if inputs_dir.is_dir() and any(inputs_dir.glob("*.npz")):
        return load_npz_dir(inputs_dir, signature, limit=1)[0], "the first batch staged with the package"
    model = onnx.load(str(original), load_external_data=False)
    return (generated_batches(model, signature, primary_shape(report), 1)[0],
            "a batch generated at the report's primary shape")
