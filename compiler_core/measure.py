"""Latency measurement: interleaved, warmed up, paired, with an honest noise estimate.

The machine is shared, so absolute times drift by tens of percent within a minute.
Running the baseline and a candidate alternately, in the same run, exposes both to
the same drift; the speed-up is the ratio of their median block latencies, and the
notches (1.58 IQR / sqrt(n), the median's confidence interval in a notched box plot)
give the noise a gain has to beat. The ratio of a low percentile ("quiet" latency)
is kept as a second opinion: a gain must not vanish when the host is quiet either.

Runners alternate in short blocks, each opened by one untimed run (caches and
allocators warm up for this model again).

After each block the process waits until its engines' threads stop spinning (see
wait_until_quiet): onnxruntime's workers spin on for about 40 ms after a call, and
on 2 vCPUs that halved the speed of whichever engine was timed next.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .errors import Cancelled

# A block of consecutive runs of one runner lasts about this long (a few runs for big models).
BLOCK_TARGET_MS = 30.0
BLOCK_MAX_RUNS = 100
# Runs timed to size a runner's first blocks (probe_latency_ms).
PROBE_RUNS = 5
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

    @classmethod
    def of(cls, stats: list[LatencyStats], blocks: list[list[float]]) -> "Comparison":
        """From interleaved_blocks' answer for [baseline, candidate]."""
        return cls(baseline=stats[0], candidate=stats[1], baseline_blocks=blocks[0], candidate_blocks=blocks[1])

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
    def faster(self) -> bool:
        """The candidate's median is the lower one: the point estimate, for choosing between two
        runners that have each already proved a gain over the baseline."""
        return self.speedup > 1.0

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


# After a block, wait until this process uses less than this share of one CPU...
QUIET_CPU_SHARE = 0.1
QUIET_POLL_S = 0.005
# ...but no longer than this (a busy neighbour thread must not stall the measurement).
QUIET_MAX_WAIT_S = 0.25
# What the wait typically takes after a block of a session with a thread pool (onnxruntime's spin,
# about 40 ms, and a poll), for planning; a single-threaded session is quiet at the first poll.
QUIET_WAIT_S = 0.045


def wait_until_quiet() -> float:
    """Wait for the engines' worker threads in this process to stop spinning; seconds waited.

    onnxruntime's workers spin for about 40 ms after a call (measured: 41 ms of CPU in the
    second after the last run of a 9 ms encoder). On 2 vCPUs the next engine timed in that
    window ran at half speed: an A/A control read 0.5x-1.9x of its identical twin, depending
    on which engine happened to run before it. Spinning within a block is kept: it is what
    back-to-back calls to one model get in serving too.
    """
    started = time.perf_counter()
    while time.perf_counter() - started < QUIET_MAX_WAIT_S:
        cpu = time.process_time()
        time.sleep(QUIET_POLL_S)
        if time.process_time() - cpu < QUIET_CPU_SHARE * QUIET_POLL_S:
            break
    return time.perf_counter() - started


def time_block(run: Run, runs: int, flush: int = 0) -> list[float]:
    """`flush` untimed calls, then `runs` timed ones (ms each); then wait for the threads to go quiet."""
    for _ in range(flush):
        run()
    samples = [timed_ms(run) for _ in range(runs)]
    wait_until_quiet()
    return samples


def timed_ms(run: Run) -> float:
    """One call of `run`, in milliseconds."""
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000.0


def single_latency_ms(run: Run, repeats: int = 3) -> float:
    """A quick estimate (after one warm-up run) to plan the real measurement."""
    return float(np.median(time_block(run, repeats, flush=1)))


def probe_latency_ms(run: Run) -> float:
    """A runner's latency, to size its first blocks: the quickest of up to PROBE_RUNS runs, fewer once
    they took BLOCK_TARGET_MS (a slow runner's block is one run anyway). A run held up on a busy host
    only reads slower, so the quickest is the one to trust."""
    samples: list[float] = []
    while len(samples) < PROBE_RUNS and sum(samples) < BLOCK_TARGET_MS:
        samples.append(timed_ms(run))
    return min(samples)


def _block_sizes(typical_ms: list[float], of_equal_time: bool) -> list[int]:
    return [int(min(BLOCK_MAX_RUNS, max(1, round(BLOCK_TARGET_MS / max(1e-3, ms)))))
            for ms in (typical_ms if of_equal_time else [min(typical_ms)] * len(typical_ms))]


def warm_up(runs: list[Run], seconds: float) -> None:
    for run in runs:
        run()  # the first run allocates and may compile; never time it
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        for run in runs:
            run()
    wait_until_quiet()


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
    *,
    blocks_of_equal_time: bool = False,
) -> tuple[list[LatencyStats], list[list[float]]]:
    """Per-runner latency stats, and per-runner block medians (one per round) for paired ratios.

    Blocks hold the same number of runs, sized by the fastest runner; `blocks_of_equal_time` sizes
    each runner's block by its own latency instead, so that a runner hundreds of times slower than
    the others does not make a round last hundreds of times longer (the engine's check on load).

    Sizes follow each runner's quickest block so far, not only the first probe: a probe held up on a
    busy host (one preemption reads a whole time slice) sizes a fast runner's blocks at a few runs
    where the others' hold a hundred, and the first runs of every block, which wake the session's
    threads after the quiet wait, then weigh in its medians. Measured on an 18 us model: blocks of 7
    runs against blocks of 100 read 0.77x, an A/A control beside them 0.99x; the engine's check on
    load called a package identical to its original slower that way."""
    warm_up(runs, plan.warmup_seconds)
    typical = [probe_latency_ms(run) for run in runs]
    sizes = _block_sizes(typical, blocks_of_equal_time)
    # One untimed call re-warms caches for this model after the previous runner's block.
    flush = 1 if len(runs) > 1 else 0
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
            samples = time_block(runs[index], sizes[index], flush)
            stats[index].samples_ms.extend(samples)
            block_medians[index].append(float(np.median(samples)))
            typical[index] = min(typical[index], block_medians[index][-1])
        sizes = _block_sizes(typical, blocks_of_equal_time)
        rounds += 1
    return stats, block_medians


def interleaved_seconds(ms: float, runners: int, plan: MeasurePlan, quiet_s: float) -> float:
    """About how long interleaved_blocks takes for `runners` runners of about `ms` each, for planning:
    the warm-up, each runner's first run and probe, then rounds of blocks until the plan's seconds and
    rounds are in; each block an untimed run, about BLOCK_TARGET_MS of runs (one at least) and a quiet
    wait of `quiet_s`."""
    block_s = (ms + max(BLOCK_TARGET_MS, ms)) / 1000 + quiet_s
    first_s = (ms + min(PROBE_RUNS * ms, BLOCK_TARGET_MS + ms)) / 1000
    rounds = max(plan.min_rounds, math.ceil(plan.seconds / (runners * block_s)))
    return plan.warmup_seconds + quiet_s + runners * first_s + rounds * runners * block_s


def compare(
    baseline: Run,
    candidate: Run,
    plan: MeasurePlan,
    should_cancel: Callable[[], bool] | None = None,
) -> Comparison:
    return Comparison.of(*interleaved_blocks([baseline, candidate], plan, should_cancel))
