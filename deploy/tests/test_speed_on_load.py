"""An engine times a package against its fp32 original when it loads it, on its own hardware, and
says whether the package is slower there than the model it replaces (it serves it either way).

The slow packages are the original with a branch of 512x512 matrix products added to its output
times zero (tiny_packages.with_a_slow_branch): their outputs are the original's to the bit (they
pass the accuracy check), and each product makes a run slower.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import threading
import time
from pathlib import Path

import numpy as np
import onnx
import pytest

from compiler_core import measure
from compiler_core.candidates.base import ort_runtime
from compiler_core.measure import interleaved_blocks
from compiler_core.tests.models import mlp
from deploy.serving.accuracy_on_load import REFERENCE_DIR, REFERENCE_FILE
from deploy.serving import speed_on_load
from deploy.serving.runtime import _speed_on_engine
from deploy.serving.speed_on_load import describe_speed, measure_package_on_this_engine
from deploy.tests.test_accuracy_on_load import (ENGINE_CLASS, MEASURED_ON, engine_declaring_avx2,  # noqa: F401
                                                 load, mlp_package)
from deploy.tests.tiny_packages import with_a_slow_branch

CLAIMED = 1.7


@pytest.fixture(autouse=True)
def short_measurement(monkeypatch):
    monkeypatch.setenv("WHETSTONE_SPEED_ON_LOAD_S", "0.5")


def slowed(tmp_path: Path, original: Path, products: int) -> Path:
    path = tmp_path / f"slow-{products}.onnx"
    onnx.save(with_a_slow_branch(onnx.load(str(original)), features=64, products=products), str(path))
    return path


# The packages' threads, which the original is timed with too. One: two onnxruntime threads on this
# 2-vCPU host spin after every block until the quiet wait's cap (measure.wait_until_quiet), and 0.5 s
# then held 5 rounds, whose noise (up to +-50%) hid a 1.5x loss about one run in three.
THREADS = 1


def fp32_package(tmp_path: Path, original: Path, model: Path | None = None, *, with_reference: bool = True) -> Path:
    """`model` (else the original) packaged as a worker of THREADS threads packages an fp32 graph."""
    return mlp_package(
        tmp_path, original, lambda path: shutil.copy(model or original, path), ort_runtime(THREADS),
        hardware_context={"hardware_class": MEASURED_ON, "cpu_generation": "family 25 model 17"},
        accuracy={"budget": 0.99}, overall={"speedup": CLAIMED}, with_reference=with_reference)


def test_a_package_slower_here_than_its_original_is_served_and_called_slower(tmp_path):
    original = mlp(tmp_path / "mlp.onnx")
    model = load(fp32_package(tmp_path, original, slowed(tmp_path, original, 20)))
    assert model.accuracy_on_engine["passes"] is True  # the same outputs: only its speed is wrong
    verdict = model.speed_on_engine
    assert verdict["checked"] and verdict["slower_than_original"] is True, verdict
    assert verdict["speedup"] < 0.5 and verdict["rounds"] >= 5
    assert verdict["claimed_speedup"] == CLAIMED and verdict["baseline_threads"] == THREADS
    assert verdict["hardware_class"] == ENGINE_CLASS and verdict["measured_on"] == MEASURED_ON
    assert verdict["measured_on_generation"] == "family 25 model 17"
    assert verdict["inputs"] == "a batch generated at the report's primary shape" and verdict["shape"] == {"x": [4, 64]}
    metadata = asyncio.run(model.metadata())
    assert metadata.parameters.speed_on_engine["slower_than_original"] is True
    # While load() runs (an engine's start, the speed check waiting its turn), MLServer already answers
    # for the model: no verdicts then, or the platform would take the accuracy one alone.
    model.ready = False
    parameters = asyncio.run(model.metadata()).parameters
    assert parameters.speed_on_engine == {} and parameters.accuracy_on_engine == {}
    message = describe_speed(verdict)
    assert f"On this engine ({ENGINE_CLASS}" in message and "slower than the model it replaces" in message
    assert f"its report's 1.70x was measured on {MEASURED_ON}, family 25 model 17" in message


def test_a_package_a_little_slower_is_called_slower_too(tmp_path):
    """Not only a package hundreds of times slower: 12 products against the original's 8 (measured: 0.67x)."""
    original = slowed(tmp_path, mlp(tmp_path / "mlp.onnx"), 8)
    verdict = load(fp32_package(tmp_path, original, slowed(tmp_path, original, 4))).speed_on_engine
    assert verdict["slower_than_original"] is True and 0.5 < verdict["speedup"] < 0.85, verdict


def test_the_original_served_as_its_own_package_is_not_called_slower(tmp_path, monkeypatch):
    """A package that is the original's graph under the worker's own session settings: what auto ships
    when nothing wins. Timed for the engine's default time: in 0.5 s (5 rounds) CI's load made this
    package read 0.75x, its verdict's noise wide enough to say nothing, and a reading that far off is
    what a user would see as the engine's word on a package."""
    monkeypatch.setenv(speed_on_load.SECONDS_ENV, str(speed_on_load.DEFAULT_SECONDS))
    original = slowed(tmp_path, mlp(tmp_path / "mlp.onnx"), 8)
    verdict = load(fp32_package(tmp_path, original)).speed_on_engine
    assert verdict["checked"] and verdict["slower_than_original"] is False, verdict
    assert 0.8 < verdict["speedup"] < 1.25 and verdict["rounds"] >= 5, verdict
    # The reading is as honest as it says: the truth (1.0) lies within its stated noise, give or take
    # the margin the verdict allows itself.
    band = (1 + verdict["noise"]) * (1 + speed_on_load.SLOWER_MARGIN)
    assert verdict["speedup"] / band <= 1.0 <= verdict["speedup"] * band, verdict


def test_it_times_the_first_staged_input_where_it_has_the_headlines_shape(tmp_path):
    original = mlp(tmp_path / "mlp.onnx")
    package = fp32_package(tmp_path, original)
    inputs = package / REFERENCE_DIR / "inputs"
    inputs.mkdir()
    np.savez(inputs / "batch-0.npz", x=np.ones((4, 64), np.float32))
    np.savez(inputs / "batch-1.npz", x=np.ones((3, 64), np.float32))
    verdict = load(package).speed_on_engine
    assert verdict["inputs"] == "the first batch staged with the package" and verdict["shape"] == {"x": [4, 64]}
    # A first example of another batch than the report's primary shape (batch=4): the headline was not
    # timed on it, so a batch of that shape is generated.
    (inputs / "batch-0.npz").unlink()
    (tmp_path / "other").mkdir()
    verdict = load(_with_inputs(fp32_package(tmp_path / "other", original), package)).speed_on_engine
    assert verdict["inputs"] == "a batch generated at the report's primary shape" and verdict["shape"] == {"x": [4, 64]}


def _with_inputs(package: Path, source: Path) -> Path:
    shutil.copytree(source / REFERENCE_DIR / "inputs", package / REFERENCE_DIR / "inputs")
    return package


class SleepingPackage:
    """A package runner that takes `seconds` a run: the latencies of the time limits' tests are known."""

    signature = {"inputs": [{"name": "x", "dtype": "float32", "shape": ["batch", 64]}],
                 "outputs": [{"name": "logits", "dtype": "float32", "shape": ["batch", 10]}]}
    runtime: dict = {}

    def __init__(self, seconds: float):
        self.seconds = seconds

    def run(self, feed, cancel_with=None):
        stopped = threading.Event()
        if cancel_with is not None:
            cancel_with(stopped.set)
        if stopped.wait(self.seconds):
            raise RuntimeError("stopped")
        return {"logits": np.zeros((4, 10), np.float32)}


def test_a_package_too_slow_for_the_full_measurement_is_still_caught_by_single_runs(tmp_path, monkeypatch):
    """Eighteen quiet waits alone may take 4.5 s, over the 0.5 s allowed: three alternating single runs
    are timed instead, and a package hundreds of times slower than its original is called so."""
    monkeypatch.setenv("WHETSTONE_SPEED_ON_LOAD_MAX_S", "0.5")
    package = fp32_package(tmp_path, mlp(tmp_path / "mlp.onnx"))
    verdict = measure_package_on_this_engine(package, SleepingPackage(0.04))
    assert verdict["checked"] and verdict["coarse"] and verdict["slower_than_original"] is True, verdict
    assert verdict["rounds"] == 3 and verdict["speedup"] < 0.1 and verdict["noise"] is None
    assert "3 alternating single runs were timed instead" in verdict["reason"]
    assert "(a coarse timing of single runs)" in describe_speed(verdict)


def test_a_package_too_slow_even_for_single_runs_is_not_timed_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("WHETSTONE_SPEED_ON_LOAD_MAX_S", "0.5")
    package = fp32_package(tmp_path, mlp(tmp_path / "mlp.onnx"))
    started = time.perf_counter()
    verdict = measure_package_on_this_engine(package, SleepingPackage(0.3))
    assert time.perf_counter() - started < 1.5  # its first run, and nothing more
    assert verdict["checked"] is False and verdict["slower_than_original"] is None
    assert "even 3 pairs would not fit the time allowed" in verdict["reason"]


def test_a_check_waits_for_another_only_within_its_time(tmp_path, monkeypatch):
    """At its start an engine loads every model at once; checks take turns, and one that cannot have
    its turn in time says so instead of holding the load."""
    monkeypatch.setenv("WHETSTONE_SPEED_ON_LOAD_MAX_S", "0.2")
    package = fp32_package(tmp_path, mlp(tmp_path / "mlp.onnx"))
    with speed_on_load._ONE_AT_A_TIME:
        verdict = measure_package_on_this_engine(package, SleepingPackage(0.0))
    assert verdict["checked"] is False and "other models' checks held the engine" in verdict["reason"]


def test_without_an_original_or_switched_off_nothing_is_timed_and_the_verdict_says_why(tmp_path, monkeypatch):
    original = mlp(tmp_path / "mlp.onnx")
    verdict = load(fp32_package(tmp_path, original, with_reference=False)).speed_on_engine
    assert verdict["checked"] is False and "no fp32 original" in verdict["reason"]
    monkeypatch.setenv("WHETSTONE_SPEED_ON_LOAD", "0")
    (tmp_path / "off").mkdir()
    verdict = load(fp32_package(tmp_path / "off", original)).speed_on_engine
    assert verdict["checked"] is False and "switched off" in verdict["reason"]


def test_a_reference_naming_a_file_outside_the_package_is_not_opened(tmp_path):
    original = mlp(tmp_path / "mlp.onnx")
    package = fp32_package(tmp_path, original)
    for outside in (str(original), "../../mlp.onnx"):
        (package / REFERENCE_DIR / REFERENCE_FILE).write_text(json.dumps({"model": outside}))
        model = load(package)
        for verdict in (model.accuracy_on_engine, model.speed_on_engine):
            assert verdict["checked"] is False and "does not name a model inside reference/" in verdict["reason"]


def test_a_measurement_that_breaks_is_said_and_the_package_still_loads(tmp_path):
    """A staged input the original refuses (a wrong rank): the accuracy check is switched off here,
    so only the timing meets it."""
    original = mlp(tmp_path / "mlp.onnx")
    package = fp32_package(tmp_path, original)
    (package / REFERENCE_DIR / "inputs").mkdir()
    np.savez(package / REFERENCE_DIR / "inputs" / "batch-0.npz", x=np.ones((2, 64, 1), np.float32))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WHETSTONE_ACCURACY_ON_LOAD", "0")
        model = load(package)
    assert model.speed_on_engine["checked"] is False and model.speed_on_engine["slower_than_original"] is None
    assert model.speed_on_engine["reason"]


def test_a_verdict_with_odd_values_still_reads_as_one_line():
    """The report's fields come from the package: a number where a name goes, a list, NaN."""
    line = describe_speed({"hardware_class": 7, "cpu_generation": ["a", "b"], "measured_on": {"x": 1},
                           "claimed_speedup": float("nan"), "speedup": "fast", "noise": None})
    assert line.startswith("On this engine (this engine) the package runs 0.00x") and "report's" not in line


def test_a_report_of_odd_shapes_and_sections_reads_as_none_given():
    from deploy.serving.accuracy_on_load import primary_shape

    assert primary_shape({"overall": {"shape": "a"}, "shapes": ["x", None, {"label": "a", "shape": {"b": True}}]}) == {}
    assert primary_shape({"overall": ["a"], "shapes": {"a": 1}}) == {}
    assert primary_shape({"overall": {"shape": "a"}, "shapes": [{"label": "a", "shape": {"batch": 2}}]}) == {"batch": 2}


def test_a_package_whose_first_run_never_ends_is_not_timed_and_lets_the_next_check_go(tmp_path, monkeypatch):
    """The first runs were not held to anything: a package whose run never ended held this load,
    and the speed check of every model behind it, for good."""
    monkeypatch.setenv("WHETSTONE_SPEED_ON_LOAD_MAX_S", "0.5")
    package = fp32_package(tmp_path, mlp(tmp_path / "mlp.onnx"))

    began = time.monotonic()
    verdict = _speed_on_engine(package, SleepingPackage(3600))

    assert time.monotonic() - began < 10
    assert verdict["checked"] is False, verdict
    assert "RunTimedOut" in verdict["reason"] and "the engine's WHETSTONE_SPEED_ON_LOAD_MAX_S sets it" in verdict["reason"]
    assert measure_package_on_this_engine(package, SleepingPackage(0.001))["checked"]  # the lock is free again


class HeldUp:
    """A package runner held up 20 ms on the calls numbered in `calls` (from 1), as a run preempted on
    a busy host is: the check's first run is call 1, the warm-up's call 2, and the latency probe
    follows."""

    def __init__(self, runner, calls: set[int]):
        self.runner, self.calls, self.made = runner, calls, 0
        self.signature, self.runtime = runner.signature, runner.runtime

    def run(self, feed, cancel_with=None):
        self.made += 1
        if self.made in self.calls:
            time.sleep(0.02)
        return self.runner.run(feed, cancel_with=cancel_with)


def test_a_package_held_up_while_its_latency_is_probed_is_not_called_slower(tmp_path, monkeypatch):
    """CI at 01be71f: a package identical to its 18 us original, served with two threads, was called
    0.76x (noise +-3%). One held-up run had sized its blocks at a few runs against the original's
    hundred (measure.interleaved_blocks), and the first runs of each block, which wake the session's
    threads, then weighed in its medians. What is held here is that: the package's blocks are as full
    as the original's, and the verdict is not "slower". Its ratio is not: in CI's long-lived test
    process three identical sessions of this 7-18 us model read 7.5, 8.3 and 10.2 us through one
    whole check (26 interleaved rounds), any of the three the slow one (SLOWER_MIN_MS)."""
    from compiler_core.runtime import load_package

    package = mlp_package(tmp_path, mlp(tmp_path / "mlp.onnx"), lambda path: shutil.copy(tmp_path / "mlp.onnx", path),
                          ort_runtime(2), hardware_context={"hardware_class": MEASURED_ON},
                          accuracy={"budget": 0.99}, overall={"speedup": 1.0})
    measured = []

    def recorded(*args, **kwargs):
        measured.append(interleaved_blocks(*args, **kwargs))
        return measured[-1]

    monkeypatch.setattr(measure, "interleaved_blocks", recorded)
    verdict = measure_package_on_this_engine(package, HeldUp(load_package(package), {3, 4}))
    assert verdict["checked"] and verdict["slower_than_original"] is False, verdict
    stats, blocks = measured[0]  # [original, package, control]
    original, held_up = (len(stats[i].samples_ms) / len(blocks[i]) for i in (0, 1))
    assert held_up >= 0.7 * original and original >= 20, (original, held_up, verdict)


class Padded:
    """A package runner that spends `ms` more a run than the package it wraps."""

    def __init__(self, runner, ms: float):
        self.runner, self.seconds = runner, ms / 1000
        self.signature, self.runtime = runner.signature, runner.runtime

    def run(self, feed, cancel_with=None):
        end = time.perf_counter() + self.seconds
        while time.perf_counter() < end:
            pass
        return self.runner.run(feed, cancel_with=cancel_with)


def test_a_package_slower_by_microseconds_only_is_not_called_slower(tmp_path):
    """The engine's own path adds 0.3-0.4 ms to a call: a package a few microseconds slower a run than
    a microseconds-fast original changes no caller's latency, however large the ratio reads."""
    from compiler_core.runtime import load_package

    package = mlp_package(tmp_path, mlp(tmp_path / "mlp.onnx"), lambda path: shutil.copy(tmp_path / "mlp.onnx", path),
                          ort_runtime(THREADS), hardware_context={"hardware_class": MEASURED_ON},
                          accuracy={"budget": 0.99}, overall={"speedup": 1.0})
    runner = load_package(package)
    barely = measure_package_on_this_engine(package, Padded(runner, 0.02))
    assert barely["checked"] and barely["slower_than_original"] is False, barely
    assert barely["extra_ms"] < speed_on_load.SLOWER_MIN_MS
    clearly = measure_package_on_this_engine(package, Padded(runner, 0.5))
    assert clearly["slower_than_original"] is True and clearly["extra_ms"] > speed_on_load.SLOWER_MIN_MS, clearly
