"""Speed on the serving machine: when the engine loads a package, it times it against its fp32
original on this engine's hardware, and says whether the package is slower here than the model it
replaces.

A package's report gives the speed-up the worker measured on its own machine. A hardware class is
a set of ISA flags, and CPU generations with the same flags rank engines differently (on an AVX2
Zen 1 host OpenVINO ran a YOLOv8n at par with onnxruntime, on a Zen 3 host 1.7x faster), and a
package measured on another class (allow_other_class) may run other kernels altogether. So the
headline may not hold where the package is served; this check says what does.

What runs: the original as the worker's baseline ran it (onnxruntime, fp32, with the threads the
worker timed with: the report's diagnosis.threads, which the package's own runtime pins too), the
package, and an A/A control (a second session of the original, opened apart: two identical sessions
read up to 9% apart on a 2-vCPU VM, and a comparison whose control shares the baseline's session
cannot see that), interleaved (compiler_core.measure), each block sized by its own runner's latency,
for WHETSTONE_SPEED_ON_LOAD_S seconds (default 2) and at least MIN_ROUNDS rounds. On one batch at
the report's primary shape, the one its headline was measured at: the first input staged with the
package (accuracy_on_load.py) where it has that shape, else one generated from the signature with
the worker's baseline seed.

The whole check, from the moment it is asked, waits for any other model's check (one at a time: at
its start MLServer loads every model at once) and runs within WHETSTONE_SPEED_ON_LOAD_MAX_S (default
20). Where the full measurement would not fit, it times COARSE_PAIRS alternating single runs of the
original and the package instead, and calls the package slower only when it is COARSE_FACTOR times
slower in every pair (a package eight times slower must not escape because it is slow); where not
even those fit, or the time runs out, nothing is called, and the verdict says why.

The package is called slower than the original only when it is more than SLOWER_MARGIN slower even
at the top of the noise, and the A/A control's distance from 1 counts as noise too, and only when it
takes more than SLOWER_MIN_MS longer a run (`extra_ms`): less is below what a call can show. The engine
serves the package either way (it holds its accuracy, and the user chose it); the platform puts the
finding in the deployment's message.

The verdict is served in the model's metadata (`parameters.speed_on_engine`).
WHETSTONE_SPEED_ON_LOAD=0 switches the check off (the verdict then says so).
"""

from __future__ import annotations

import itertools
import math
import os
import threading
import time
from pathlib import Path
from typing import Any

from .accuracy_on_load import (INPUTS_DIR, REFERENCE_DIR, package_report, primary_shape, section, staged_reference,
                               too_large_to_generate)
from .run_deadline import WATCHDOG

SWITCH_ENV = "WHETSTONE_SPEED_ON_LOAD"
SECONDS_ENV = "WHETSTONE_SPEED_ON_LOAD_S"
MAX_SECONDS_ENV = "WHETSTONE_SPEED_ON_LOAD_MAX_S"
DEFAULT_SECONDS = 2.0
DEFAULT_MAX_SECONDS = 20.0
# Below four rounds the measurement has no noise estimate (measure.Comparison.noise); five give one.
MIN_ROUNDS = 5
# A package is called slower only when it is slower by more than this share, beyond the noise.
SLOWER_MARGIN = 0.10
# Nor is it called slower when it takes less than this much longer a run (ms): the engine's own path
# adds 0.3-0.4 ms to every call on the 2-vCPU hosts (bench/RESULTS.md), so a difference of a few
# microseconds changes no caller's latency. It also covers what one session of a microseconds-fast model
# reads: in CI's long-lived test process (1,700 tests in), three identical sessions of a 7 us model
# read 7.5, 8.3 and 10.2 us through one whole check of 26 interleaved rounds, and which one is slow is
# drawn anew each check (the original, the control or the package: a package identical to its 18 us
# original has read 0.68x-0.76x while the control read 1.00x). Eighteen sessions opened in a fresh
# process, with or without a fragmented heap, read within 3%; what in onnxruntime differs between
# sessions there is not found yet, and the single A/A control cannot size it for the package's session.
SLOWER_MIN_MS = 0.05
# Where the full measurement does not fit: this many alternating pairs, and slower only by this much in each.
COARSE_PAIRS = 3
COARSE_FACTOR = 2.0
# The control is a second session of the original up to this size; above it, the baseline's own.
CONTROL_SESSION_MAX_BYTES = 512 * 2**20

_ONE_AT_A_TIME = threading.Lock()
# How a slower package's warning begins: the platform and the CLI tell it from other messages by it.
WARNING_PREFIX = "On this engine ("


def measure_package_on_this_engine(package_dir: Path, runner) -> dict[str, Any]:
    """The package in `package_dir` (opened as `runner`) timed against its staged fp32 original on
    this machine. `slower_than_original` is True only when the package is slower here beyond the
    noise; None when nothing was timed, or too little to tell."""
    from compiler_core.hardware import describe_hardware

    deadline = time.perf_counter() + _seconds(MAX_SECONDS_ENV, DEFAULT_MAX_SECONDS)
    package_dir = Path(package_dir)
    report = package_report(package_dir)
    here = describe_hardware()
    measured_on = section(report, "hardware_context")
    verdict: dict[str, Any] = {
        "hardware_class": here["hardware_class"], "cpu_generation": here.get("cpu_generation"),
        "measured_on": _text(measured_on.get("hardware_class")),
        "measured_on_generation": _text(measured_on.get("cpu_generation")),
        "claimed_speedup": _number(section(report, "overall").get("speedup")),
        "checked": False, "slower_than_original": None}
    reference, why_not = staged_reference(package_dir, SWITCH_ENV)
    if reference is None:
        return {**verdict, "reason": why_not}
    if not _ONE_AT_A_TIME.acquire(timeout=max(0.0, deadline - time.perf_counter())):
        return {**verdict, "reason": "not timed: other models' checks held the engine for the whole time allowed "
                                     f"({MAX_SECONDS_ENV})"}
    try:
        return {**verdict, **_timed(package_dir / REFERENCE_DIR, reference["model"], runner, report, deadline)}
    finally:
        _ONE_AT_A_TIME.release()


def _timed(reference_dir: Path, original: str, runner, report: dict, deadline: float) -> dict[str, Any]:
    from compiler_core.candidates.base import ort_runtime
    from compiler_core.errors import Cancelled
    from compiler_core.measure import (BLOCK_MAX_RUNS, BLOCK_TARGET_MS, PROBE_RUNS, Comparison, MeasurePlan,
                                       interleaved_blocks, timed_ms, wait_until_quiet)
    from compiler_core.runtime import open_model

    threads = _baseline_threads(report, runner)
    path = reference_dir / original
    baseline = open_model(path, ort_runtime(threads), runner.signature)
    feed, source = _one_batch(reference_dir, original, runner.signature, report)
    if feed is None:
        return {"reason": source}
    timed = {"inputs": source, "shape": {name: list(getattr(value, "shape", ())) for name, value in feed.items()},
             "baseline_threads": threads}
    pair = [lambda: baseline.run(feed), lambda: runner.run(feed)]
    # Each one's first, untimed-quality call, held to the check's own time (run_deadline.py): the
    # estimate below keeps every later run within it, but a first run that never ends would hold
    # this load, and every other model's check behind it, for good.
    first_ms = [timed_ms(lambda r=r: WATCHDOG.bounded(r.run, max(0.001, deadline - time.perf_counter()),
                                                      MAX_SECONDS_ENV)(feed)) for r in (baseline, runner)]
    quiet_s = max(0.01, wait_until_quiet())  # what a wait after a block costs here now (live traffic: more)
    first_ms.append(first_ms[0])  # the control is the original again
    left_s = deadline - time.perf_counter()
    # What interleaved_blocks spends: a warm-up pass and its quiet wait, a latency probe of each runner
    # (measure.probe_latency_ms), then each round an untimed call and a block (about BLOCK_TARGET_MS)
    # of each runner, each block followed by a quiet wait.
    blocks_ms = [min(BLOCK_MAX_RUNS * ms, max(BLOCK_TARGET_MS, ms)) for ms in first_ms]
    probes_ms = [min(PROBE_RUNS * ms, BLOCK_TARGET_MS + ms) for ms in first_ms]
    fixed_s = (sum(first_ms) + sum(probes_ms)) / 1000 + quiet_s
    round_s = (sum(first_ms) + sum(blocks_ms)) / 1000 + len(first_ms) * quiet_s
    full_s = fixed_s + (MIN_ROUNDS + 1) * round_s  # the deadline is read as a round starts: one may overrun
    if full_s > left_s:
        return {**timed, **_coarse(*pair, first_ms, left_s, full_s)}
    # A second session of the original, opened apart, where the machine can hold it twice.
    small = _staged_bytes(reference_dir) <= CONTROL_SESSION_MAX_BYTES
    control = open_model(path, ort_runtime(threads), runner.signature) if small else baseline
    timed["control"] = ("a second session of the original" if small
                        else "the baseline's own session (the original is too large to open twice)")
    runs = [*pair, lambda: control.run(feed)]
    left_s = deadline - time.perf_counter()
    plan = MeasurePlan(seconds=max(0.0, min(_seconds(SECONDS_ENV, DEFAULT_SECONDS), left_s - fixed_s - round_s)),
                       min_rounds=MIN_ROUNDS, warmup_seconds=0.0)
    rounds_begun = itertools.count()

    def out_of_time() -> bool:
        # Asked as each round begins. Once MIN_ROUNDS are in, the plan's time ends the loop instead: a
        # measurement that has its rounds is not thrown away for a round that ran over.
        return next(rounds_begun) < MIN_ROUNDS and time.perf_counter() > deadline

    try:
        stats, blocks = interleaved_blocks(runs, plan, out_of_time, blocks_of_equal_time=True)
    except Cancelled:
        return {**timed, "reason": f"not timed: {MIN_ROUNDS} rounds did not finish in the time allowed "
                                   f"({MAX_SECONDS_ENV})"}
    package = Comparison.of(stats[:2], blocks[:2])
    control_ratio = Comparison.of([stats[0], stats[2]], [blocks[0], blocks[2]]).speedup
    # The control's distance from 1 is noise too: on a busy host it is the larger part.
    noise = max(package.noise, abs(math.log(control_ratio)) if control_ratio > 0 else 1.0)
    speedup = package.speedup
    # Slower by more than the margin even at the top of the noise, and by more than a call to the
    # engine could show; else not shown to be slower.
    extra_ms = stats[1].percentile(50) - stats[0].percentile(50)
    slower = speedup * (1.0 + noise) < 1.0 / (1.0 + SLOWER_MARGIN) and extra_ms > SLOWER_MIN_MS
    return {**timed, "checked": True, "speedup": round(speedup, 4), "noise": round(noise, 4),
            "extra_ms": round(extra_ms, 4),
            "control_speedup": round(control_ratio, 4), "slower_than_original": slower, "rounds": len(blocks[0])}


def _staged_bytes(reference_dir: Path) -> int:
    """The original as staged, its external data included (the whole model folder: an upper bound)."""
    return sum(path.stat().st_size for path in reference_dir.rglob("*")
               if path.is_file() and INPUTS_DIR not in path.relative_to(reference_dir).parts[:1])


def _coarse(original, package, first_ms: list[float], left_s: float, full_s: float) -> dict[str, Any]:
    """Alternating single runs, where the full measurement does not fit: enough to catch a package
    several times slower, nothing finer."""
    from compiler_core.measure import timed_ms

    why = f"the full measurement would take about {full_s:.0f} s"
    if COARSE_PAIRS * (first_ms[0] + first_ms[1]) / 1000 > left_s:
        return {"reason": f"not timed: one run of the original took {first_ms[0]:.0f} ms and one of the package "
                          f"{first_ms[1]:.0f} ms; {why}, and even {COARSE_PAIRS} pairs would not fit the time "
                          f"allowed ({MAX_SECONDS_ENV})"}
    ratios = sorted(timed_ms(original) / max(1e-6, timed_ms(package)) for _ in range(COARSE_PAIRS))
    slower = ratios[-1] < 1.0 / COARSE_FACTOR
    return {"checked": True, "coarse": True, "speedup": round(ratios[len(ratios) // 2], 4), "noise": None,
            "slower_than_original": slower, "rounds": COARSE_PAIRS,
            "reason": f"{why}, so {COARSE_PAIRS} alternating single runs were timed instead; they call a package "
                      f"slower only when it is {COARSE_FACTOR:g} times slower in each"}


def _baseline_threads(report: dict, runner) -> int:
    """The threads the worker timed the original and the package with (the package pins them too)."""
    from compiler_core.hardware import usable_cpus

    threads = section(report, "diagnosis").get("threads")
    if not (isinstance(threads, int) and not isinstance(threads, bool) and 0 < threads <= 1024):
        options = (getattr(runner, "runtime", None) or {}).get("session_options") or {}
        threads = options.get("intra_op_num_threads") if isinstance(options, dict) else None
    return threads if isinstance(threads, int) and not isinstance(threads, bool) and 0 < threads <= 1024 \
        else usable_cpus()


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
    speedup, noise = _number(verdict.get("speedup")) or 0.0, _number(verdict.get("noise"))
    how = f"noise ±{noise:.0%}" if noise is not None else "a coarse timing of single runs"
    return (f"{WARNING_PREFIX}{where}) the package runs {speedup:.2f}x the speed of its fp32 original "
            f"({how}): slower than the model it replaces{report}. Optimize the model on a "
            f"worker of this engine's class and generation, or deploy the original.")


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


def _number(value) -> float | None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    return value if ok else None


def _seconds(variable: str, default: float) -> float:
    try:
        seconds = float(os.environ.get(variable, default))
    except ValueError:
        return default
    return min(600.0, max(0.01, seconds)) if math.isfinite(seconds) else default


def _one_batch(reference_dir: Path, original: str, signature: dict, report: dict) -> tuple[dict | None, str]:
    """The batch the report's headline was timed on, as near as the engine can have it: the first
    staged input where it has the primary shape (the worker times its first example when the job
    gave examples and no shapes), else one generated at that shape with the worker's seed."""
    import onnx

    from compiler_core.calibration import load_npz_dir
    from compiler_core.signature import dims_of, generate_inputs

    shape = primary_shape(report)
    inputs_dir = reference_dir / INPUTS_DIR
    if inputs_dir.is_dir() and any(inputs_dir.glob("*.npz")):
        first = load_npz_dir(inputs_dir, signature, limit=1)[0]
        if not shape or dims_of(first, signature) == shape:
            return first, "the first batch staged with the package"
    too_large = too_large_to_generate(signature, shape, 1)
    if too_large:
        return None, too_large.replace("not checked", "not timed", 1)
    model = onnx.load(str(reference_dir / original), load_external_data=False)
    return generate_inputs(model, signature, shape, seed=0), "a batch generated at the report's primary shape"
