"""Speed on the serving machine: when the engine loads a package, it times it against its fp32
original on this engine's hardware, and says whether the package is slower here than the model it
replaces.

A package's report gives the speed-up the worker measured on its own machine. A hardware class is
a set of ISA flags, and CPU generations with the same flags rank engines differently (on an AVX2
Zen 1 host OpenVINO ran a YOLOv8n at par with onnxruntime, on a Zen 3 host 1.7x faster), and a
package measured on another class (allow_other_class) may run other kernels altogether. So the
headline may not hold where the package is served; this check says what does.

What runs: the original as the worker's baseline ran it (onnxruntime, fp32, with as many threads as
this engine may use: hardware.usable_cpus), the package, and an A/A control (the original again, in
blocks of its own), interleaved (compiler_core.measure), each block sized by its own runner's
latency, for WHETSTONE_SPEED_ON_LOAD_S seconds (default 2) and at least MIN_ROUNDS rounds; a check
that cannot finish those rounds within HARD_LIMIT_FACTOR times that time is not run, or stopped,
and says so (a load must not take minutes more for a model that runs seconds per call). On one
batch at the report's primary shape, the one its headline was measured at: the first input staged
with the package (accuracy_on_load.py) where it has that shape, as the worker timed the first
example, else one generated from the signature with the worker's seed.

The package is called slower than the original only when it is more than SLOWER_MARGIN slower even
at the top of the noise, and the A/A control's distance from 1 counts as noise too. The engine
serves the package either way (it holds its accuracy, and the user chose it); the platform puts the
finding in the deployment's message. One check runs at a time in an engine (at its start MLServer
loads every model at once, and checks timed side by side would time each other).

The verdict is served in the model's metadata (`parameters.speed_on_engine`).
WHETSTONE_SPEED_ON_LOAD=0 switches the check off (the verdict then says so).
"""

from __future__ import annotations

import math
import os
import threading
import time
from pathlib import Path
from typing import Any

from .accuracy_on_load import INPUTS_DIR, REFERENCE_DIR, package_report, primary_shape, staged_reference

SWITCH_ENV = "WHETSTONE_SPEED_ON_LOAD"
SECONDS_ENV = "WHETSTONE_SPEED_ON_LOAD_S"
DEFAULT_SECONDS = 2.0
# Below four rounds the measurement has no noise estimate (measure.Comparison.noise); five give one.
MIN_ROUNDS = 5
# The check gives up (verdict null) rather than run past this many times WHETSTONE_SPEED_ON_LOAD_S.
HARD_LIMIT_FACTOR = 5
# A package is called slower only when it is slower by more than this share, beyond the noise.
SLOWER_MARGIN = 0.05

_ONE_AT_A_TIME = threading.Lock()


def measure_package_on_this_engine(package_dir: Path, runner) -> dict[str, Any]:
    """The package in `package_dir` (opened as `runner`) timed against its staged fp32 original on
    this machine. `slower_than_original` is True only when the package is slower here beyond the
    noise; None when nothing was timed, or too little to tell."""
    from compiler_core.hardware import describe_hardware

    package_dir = Path(package_dir)
    report = package_report(package_dir)
    here = describe_hardware()
    measured_on = report.get("hardware_context") if isinstance(report.get("hardware_context"), dict) else {}
    overall = report.get("overall") if isinstance(report.get("overall"), dict) else {}
    verdict: dict[str, Any] = {
        "hardware_class": here["hardware_class"], "cpu_generation": here.get("cpu_generation"),
        "measured_on": _text(measured_on.get("hardware_class")),
        "measured_on_generation": _text(measured_on.get("cpu_generation")),
        "claimed_speedup": _number(overall.get("speedup")),
        "checked": False, "slower_than_original": None}
    reference, why_not = staged_reference(package_dir, SWITCH_ENV)
    if reference is None:
        return {**verdict, "reason": why_not}
    with _ONE_AT_A_TIME:
        return {**verdict, **_timed(package_dir / REFERENCE_DIR, reference["model"], runner, report)}


def _timed(reference_dir: Path, original: str, runner, report: dict) -> dict[str, Any]:
    from compiler_core.errors import Cancelled
    from compiler_core.hardware import usable_cpus
    from compiler_core.candidates.base import ort_runtime
    from compiler_core.measure import Comparison, MeasurePlan, interleaved_blocks
    from compiler_core.runtime import open_model

    seconds = _seconds()
    hard_limit = HARD_LIMIT_FACTOR * seconds
    threads = usable_cpus()
    baseline = open_model(reference_dir / original, ort_runtime(threads), runner.signature)
    feed, source = _one_batch(reference_dir, original, runner.signature, report)
    runs = [lambda: baseline.run(feed), lambda: runner.run(feed), lambda: baseline.run(feed)]
    # One run each first (it also warms them up): a model that takes seconds a call is not timed.
    started = time.perf_counter()
    first_ms = [_ms(run) for run in runs]
    # Each round runs a block (about 30 ms, one run at least) of each runner, plus one untimed call.
    rounds_cost_s = MIN_ROUNDS * sum(2 * max(ms, 30.0) for ms in first_ms) / 1000
    timed = {"inputs": source, "shape": {name: list(getattr(value, "shape", ())) for name, value in feed.items()},
             "baseline_threads": threads}
    if rounds_cost_s > hard_limit:
        return {**timed, "reason": f"not timed: one run took {max(first_ms):.0f} ms, so {MIN_ROUNDS} rounds would take "
                                   f"about {rounds_cost_s:.0f} s, over the {hard_limit:g} s a load may spend on it "
                                   f"({SECONDS_ENV}={seconds:g})"}
    deadline = started + hard_limit
    plan = MeasurePlan(seconds=seconds, min_rounds=MIN_ROUNDS, warmup_seconds=min(0.3, seconds / 4))
    try:
        stats, blocks = interleaved_blocks(runs, plan, lambda: time.perf_counter() > deadline,
                                           blocks_of_equal_time=True)
    except Cancelled:
        return {**timed, "reason": f"not timed: {MIN_ROUNDS} rounds did not finish within {hard_limit:g} s"}
    package = Comparison.of(stats[:2], blocks[:2])
    control = Comparison.of([stats[0], stats[2]], [blocks[0], blocks[2]]).speedup
    # The control's distance from 1 is noise too: on a busy host it is the larger part.
    noise = max(package.noise, abs(math.log(control)) if control > 0 else 1.0)
    speedup = package.speedup
    # Slower by more than the margin even at the top of the noise; else not shown to be slower.
    slower = speedup * (1.0 + noise) < 1.0 / (1.0 + SLOWER_MARGIN)
    return {**timed, "checked": True, "speedup": round(speedup, 4), "noise": round(noise, 4),
            "control": round(control, 4), "slower_than_original": slower, "rounds": len(blocks[0])}


def describe_speed(verdict: dict[str, Any]) -> str:
    """One line for a deployment's message, when the package is slower here than its original."""
    where = _text(verdict.get("hardware_class")) or "this engine"
    if _text(verdict.get("cpu_generation")):
        where += f", {verdict['cpu_generation']}"
    claimed = _number(verdict.get("claimed_speedup"))
    measured_on = _text(verdict.get("measured_on")) or "the worker"
    if _text(verdict.get("measured_on_generation")):
        measured_on += f", {verdict['measured_on_generation']}"
    report = f"; its report's {claimed:.2f}x was measured on {measured_on}" if claimed else ""
    speedup, noise = _number(verdict.get("speedup")) or 0.0, _number(verdict.get("noise")) or 0.0
    return (f"On this engine ({where}) the package runs {speedup:.2f}x the speed of its fp32 original "
            f"(noise ±{noise:.0%}): slower than the model it replaces{report}. Optimize the model on a "
            f"worker of this engine's class and generation, or deploy the original.")


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


def _number(value) -> float | None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    return value if ok else None


def _ms(run) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


def _seconds() -> float:
    try:
        seconds = float(os.environ.get(SECONDS_ENV, DEFAULT_SECONDS))
    except ValueError:
        return DEFAULT_SECONDS
    return min(30.0, max(0.01, seconds)) if math.isfinite(seconds) else DEFAULT_SECONDS


def _one_batch(reference_dir: Path, original: str, signature: dict, report: dict) -> tuple[dict, str]:
    """The batch the report's headline was timed on, as near as the engine can have it: the first
    staged input where it has the primary shape (the worker timed its first example), else one
    generated at that shape with the worker's seed."""
    import onnx

    from compiler_core.calibration import load_npz_dir
    from compiler_core.signature import dims_of, generate_inputs

    shape = primary_shape(report)
    inputs_dir = reference_dir / INPUTS_DIR
    if inputs_dir.is_dir() and any(inputs_dir.glob("*.npz")):
        first = load_npz_dir(inputs_dir, signature, limit=1)[0]
        if not shape or dims_of(first, signature) == shape:
            return first, "the first batch staged with the package"
    model = onnx.load(str(reference_dir / original), load_external_data=False)
    return generate_inputs(model, signature, shape, seed=0), "a batch generated at the report's primary shape"
