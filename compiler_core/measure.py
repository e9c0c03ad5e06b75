"""Latency measurement: interleaved, warmed up, paired, with an honest noise estimate.

The machine is shared, so absolute times drift by tens of percent within a minute.
Running the baseline and a candidate alternately, in the same run, exposes both to
the same drift; the speed-up is the ratio of their median block latencies, and the
notches (1.58 IQR / sqrt(n), the median's confidence interval in a notched box plot)
give the noise a gain has to beat. The ratio of a low percentile ("quiet" latency)
is kept as a second opinion: a gain must not vanish when the host is quiet either.

Runners alternate in short blocks, each opened by one untimed run: an engine's
worker threads keep spinning for a while after a call, and would otherwise be
timed as part of the next engine's call (measured here: OpenVINO looked 3x slower
when called right after onnxruntime).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .errors import Cancelled

# A block of consecutive runs of one runner lasts about this long (a few runs for big models).
BLOCK_TARGET_MS = 30.0
BLOCK_MAX_RUNS = 100
# Below this relative gain a speed-up is not worth shipping a different graph for.
MIN_MEANINGFUL_GAIN = 0.03


@dataclass
class LatencyStats:
    samples_ms: list[float] = field(default_factory=list)

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.samples_ms, q)) if self.samples_ms else float("nan")

    def as_dict(self) -> dict:
        return {
            "p50_ms": round(self.percentile(50), 4),
            "p90_ms": round(self.percentile(90), 4),
            "p99_ms": round(self.percentile(99), 4),
            "mean_ms": round(float(np.mean(self.samples_ms)), 4) if self.samples_ms else None,
            "runs": len(self.samples_ms),
        }


# The percentile of block medians that stands for "the machine was quiet".
QUIET_PERCENTILE = 20


def quiet_latency(block_medians: list[float]) -> float:
    return float(np.percentile(block_medians, QUIET_PERCENTILE))


@dataclass
class Comparison:
    """Baseline vs candidate, measured in the same interleaved rounds."""

    baseline: LatencyStats
    candidate: LatencyStats
    baseline_blocks: list[float]
    candidate_blocks: list[float]

    @property
    def speedup(self) -> float:
        """Ratio of the median block latencies taken in the same interleaved run.

        The median is what the notch (the noise) is a confidence interval of. The 20th
        percentile was used before, to rank engines by what a quiet core sees, but on a
        2-vCPU VM it was the noisier estimator: identical onnxruntime sessions read
        0.55x-1.0x of each other by it in one run, and within +-9% by the median.
        """
        if not self.baseline_blocks or not self.candidate_blocks:
            return float("nan")
        return float(np.median(self.baseline_blocks) / np.median(self.candidate_blocks))

    @property
    def quiet_speedup(self) -> float:
        """The same ratio at the 20th percentile of the blocks: what the quiet moments saw."""
        if not self.baseline_blocks or not self.candidate_blocks:
            return float("nan")
        return float(quiet_latency(self.baseline_blocks) / quiet_latency(self.candidate_blocks))

    @property
    def noise(self) -> float:
        """Relative half-width of the speed-up's notch: each median's notch (1.58 IQR / sqrt n), combined."""
        if len(self.baseline_blocks) < 4:
            return 1.0  # too few rounds to claim anything

        def notch(values):
            q75, q25 = np.percentile(values, [75, 25])
            return 1.58 * (q75 - q25) / np.median(values) / np.sqrt(len(values))

        return float(np.hypot(notch(self.baseline_blocks), notch(self.candidate_blocks)))

    @property
    def significant_gain(self) -> bool:
        """A gain worth shipping, beyond its notch, that does not turn into a loss in quiet moments.

        Thread settings in particular win under one load and lose under another (one thread
        beats two while another job holds the second core); requiring the quiet ratio too keeps
        such a setting from shipping on the strength of a busy stretch alone.
        """
        return (self.speedup > 1.0 + MIN_MEANINGFUL_GAIN and self.speedup / (1.0 + self.noise) > 1.0
                and self.quiet_speedup >= 1.0)

    @property
    def significantly_slower(self) -> bool:
        return self.speedup < 1.0 / (1.0 + MIN_MEANINGFUL_GAIN) and self.speedup * (1.0 + self.noise) < 1.0

    def as_dict(self) -> dict:
        return {
            "speedup": round(self.speedup, 4),
            "quiet_speedup": round(self.quiet_speedup, 4),
            "noise": round(self.noise, 4),
            "baseline": self.baseline.as_dict(),
            "candidate": self.candidate.as_dict(),
        }


@dataclass
class MeasurePlan:
    """How long to measure: adapted to the model's latency and the remaining time budget."""

    seconds: float = 2.0
    min_rounds: int = 5
    max_rounds: int = 300
    warmup_seconds: float = 0.2

    @classmethod
    def for_latency(cls, latency_ms: float, seconds_available: float | None) -> "MeasurePlan":
        # Tiny models get a minimal mode: a fraction of a second already holds hundreds of runs.
        if latency_ms < 0.1:
            seconds = 0.1
        elif latency_ms < 1:
            seconds = 0.25
        elif latency_ms < 20:
            seconds = 1.5
        else:
            seconds = min(5.0, max(2.0, latency_ms * 40 / 1000))
        if seconds_available is not None:
            seconds = max(0.05, min(seconds, seconds_available))
        min_rounds = 5 if latency_ms < 500 else 3
        return cls(seconds=seconds, min_rounds=min_rounds, warmup_seconds=min(0.3, seconds / 4))


Run = Callable[[], object]


def _timed(run: Run) -> float:
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000.0


def single_latency_ms(run: Run, repeats: int = 3) -> float:
    """A quick estimate (after one warm-up run) to plan the real measurement."""
    run()
    return float(np.median([_timed(run) for _ in range(repeats)]))


def warm_up(runs: list[Run], seconds: float) -> None:
    for run in runs:
        run()  # the first run allocates and may compile; never time it
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        for run in runs:
            run()


def interleaved(
    runs: list[Run],
    plan: MeasurePlan,
    should_cancel: Callable[[], bool] | None = None,
) -> list[LatencyStats]:
    """Round-robin timing in blocks; the order rotates each round to cancel order effects."""
    stats, _ = interleaved_blocks(runs, plan, should_cancel)
    return stats


def interleaved_blocks(
    runs: list[Run],
    plan: MeasurePlan,
    should_cancel: Callable[[], bool] | None = None,
) -> tuple[list[LatencyStats], list[list[float]]]:
    """Per-runner latency stats, and per-runner block medians (one per round) for paired ratios."""
    warm_up(runs, plan.warmup_seconds)
    typical_ms = max(1e-3, min(_timed(run) for run in runs))
    block = int(min(BLOCK_MAX_RUNS, max(1, round(BLOCK_TARGET_MS / typical_ms))))
    stats = [LatencyStats() for _ in runs]
    block_medians: list[list[float]] = [[] for _ in runs]
    start = time.perf_counter()
    rounds = 0
    while rounds < plan.max_rounds:
        if rounds >= plan.min_rounds and time.perf_counter() - start > plan.seconds:
            break
        if should_cancel is not None and should_cancel():
            raise Cancelled("optimization cancelled during measurement")
        order = list(range(len(runs)))
        shift = rounds % len(runs)
        for index in order[shift:] + order[:shift]:
            if len(runs) > 1:
                for _ in range(max(1, block // 4)):
                    runs[index]()  # flush: let the previous engine's threads go quiet
            samples = [_timed(runs[index]) for _ in range(block)]
            stats[index].samples_ms.extend(samples)
            block_medians[index].append(float(np.median(samples)))
        rounds += 1
    return stats, block_medians


def compare(
    baseline: Run,
    candidate: Run,
    plan: MeasurePlan,
    should_cancel: Callable[[], bool] | None = None,
) -> Comparison:
    (base, cand), (base_blocks, cand_blocks) = interleaved_blocks([baseline, candidate], plan, should_cancel)
    return Comparison(baseline=base, candidate=cand, baseline_blocks=base_blocks, candidate_blocks=cand_blocks)
