"""Step 3, search: build each candidate, check its accuracy against the fp32 original, and measure it
against the baseline (interleaved), at every shape of the set.

The fp32 graph passes first, then static shapes and the session settings on top of the best of
them, then the INT8 searches where they can pay (see Search.run). On a tuning-cache hit only what
served last time is rebuilt and re-measured: its graph pass, then its settings, picked by their specs.
"""

from __future__ import annotations

import contextlib
import io
import logging
import math
import time
import traceback
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from .. import accuracy as acc
from ..cache import TuningCache, cache_key
from ..calibration import MAX_CALIBRATION_BATCHES, generated_batches
from ..candidates import (BuildContext, Candidate, CandidateSpec, CandidateUnavailable, apply_setting, build_graph,
                          search_specs, session_variants)
from ..candidates.onnxruntime_fp32 import original_model
from ..candidates.spec import StaticShapesConfig
from ..errors import Cancelled
from ..kernels import ort_kernel_table
from ..measure import QUIET_POLL_S, QUIET_WAIT_S, Comparison, MeasurePlan, compare, interleaved_seconds
from ..report import CACHED_CANDIDATE_FIELDS
from ..runtime import open_model
from .baseline import (CONFIRM_CONFIDENCE, CONFIRM_MAX_S, WINNER_LOOK_MAX_S, confirmation_rows,
                       winner_look_seconds)
from .runoff import RUNOFF_PRIMARY_ONLY, RUNOFF_SIZE, deciding_plan

if TYPE_CHECKING:
    from .baseline import Baseline
    from .inspect import Inspected
    from .route import Route
    from .run import Optimization

log = logging.getLogger(__name__)


# The INT8 searches run only where the compute kernels are at least this share of the baseline's
# profiled time (Search.int8_outlook): below it, 4x faster kernels give at most 1.18x.
INT8_MIN_COMPUTE_SHARE = 0.2
# How many settings `_tune` tries on one graph (static shapes and up to five session settings).
SETTINGS_TRIED = 6
# How a candidate refused by the winner's look (Search.holds_on_more_rows) is reported.
LOOK_REFUSAL = "misses the accuracy budget on more rows, judged before it shipped"
# A candidate's fixed cost (build, session creation, the accuracy check's setup), in seconds.
CANDIDATE_OVERHEAD_S = 1.0
# No search is shorter than this (the platform's own lower bound for time_budget_s).
MIN_SEARCH_S = 10.0


def runoff_seconds(baseline: "Baseline") -> float:
    """The runoff (the baseline and up to RUNOFF_SIZE + RUNOFF_PRIMARY_ONLY contenders), its
    confirmation and a head-to-head duel at the primary shape, as measure.interleaved_blocks spends
    them (measure.interleaved_seconds), at the plan the runoff decides by (runoff.deciding_plan).

    Counted by the plan's seconds and the runs alone, the reserve left out each block's untimed run
    and quiet wait: all-MiniLM-L6's runoff, confirmation and duel took 18 s against 15 s kept for
    them, and 90 s budgets ended at 101-106 s on the Zen 2 host (6bfcb0a)."""
    ms = baseline.ms[baseline.primary_label]
    plan = deciding_plan(MeasurePlan.for_latency(ms, None), ms)
    # A session with a thread pool spins after each block until the quiet wait sees it stop.
    spinning = int((baseline.runtime.get("session_options") or {}).get("intra_op_num_threads") or 0) != 1
    quiet_s = QUIET_WAIT_S if spinning else QUIET_POLL_S
    return sum(interleaved_seconds(ms, runners, plan, quiet_s)  # the runoff, the confirmation, a duel
               for runners in (1 + RUNOFF_SIZE + RUNOFF_PRIMARY_ONLY, 2, 2))


def minimum_search_s(opt: "Optimization", baseline: "Baseline", candidates: int) -> float:
    """The least time budget in which `candidates` cheap candidates and the runoff fit, from now on:
    each is built, checked for accuracy on the accuracy inputs and measured at every shape."""
    primary_ms = baseline.ms[baseline.primary_label]
    accuracy_s = 2 * len(baseline.accuracy_feeds) * primary_ms / 1000
    timing_s = sum(MeasurePlan.for_latency(ms, None).seconds for ms in baseline.ms.values())
    needed = opt.deadline.elapsed() + candidates * (CANDIDATE_OVERHEAD_S + accuracy_s + timing_s)
    return max(MIN_SEARCH_S, needed + runoff_seconds(baseline))

@dataclass
class CandidateResult:
    # The pipeline gives every result its spec, and `name` is the spec's name. A result made by hand
    # with a name only (tests of the report and of routing) has no spec, so no known parent.
    name: str = ""
    spec: CandidateSpec | None = None
    engine: str = ""
    precision: str = ""
    status: str = "pending"           # passed | rejected | failed | skipped
    reason: str = ""
    detail: str = ""
    accuracy: acc.AccuracyResult | None = None
    comparisons: dict[str, Comparison] = field(default_factory=dict)
    candidate: Candidate | None = None
    build_seconds: float = 0.0
    complete: bool = False            # measured on every shape of the set
    runner: Any = None                # kept only while the candidate can still win
    runoff_speedup: float | None = None
    runoff: Comparison | None = None
    confirmation: Comparison | None = None
    # A setting on top of another candidate, measured head to head against that candidate.
    parent_name: str | None = None
    against_parent: Comparison | None = None

    def __post_init__(self) -> None:
        if self.spec is not None:
            if self.name and self.name != self.spec.name:
                raise ValueError(f"result named {self.name!r} for the spec of {self.spec.name!r}")
            self.name = self.spec.name
        elif not self.name:
            raise ValueError("a candidate result needs a spec or a name")

    @property
    def speedup(self) -> float | None:
        if not self.comparisons:
            return None
        values = [c.speedup for c in self.comparisons.values()]
        return float(math.exp(np.mean(np.log(values))))

    @property
    def noise(self) -> float:
        return max((c.noise for c in self.comparisons.values()), default=1.0)

    @property
    def all_round(self) -> bool:
        """Measured at every shape of the set and clearly slower at none: safe as the package's default."""
        return (self.status == "passed" and self.complete
                and not any(c.significantly_slower for c in self.comparisons.values()))

    def wins(self) -> bool:
        if not self.all_round or not self.comparisons:
            return False
        gain_ok = any(c.significant_gain for c in self.comparisons.values()) and self.speedup > 1.0 + 0.03
        return gain_ok


@dataclass
class Remembered:
    """A tuning-cache entry: what served last time (the default and each routed shape's candidate),
    and the first search's candidates as the report listed them."""
    winner: CandidateSpec | None
    routes: dict[str, CandidateSpec]
    entry: dict                        # as stored: the report lists its `candidates` and `when`

    @property
    def served(self) -> set[CandidateSpec]:
        return ({self.winner} if self.winner is not None else set()) | set(self.routes.values())

    @property
    def graphs(self) -> set[CandidateSpec]:
        """The graph passes (alone) of what served: the only ones a cache hit rebuilds."""
        return {spec.root for spec in self.served}

    @classmethod
    def from_entry(cls, entry: Any) -> "Remembered | None":
        """None (a miss) for an entry this version did not write: a full search costs time, a wrong
        reading of an old entry would cost the decision."""
        try:
            winner = entry["winner"]
            return cls(winner=None if winner is None else CandidateSpec.from_json(winner),
                       routes={str(label): CandidateSpec.from_json(spec) for label, spec in entry["routes"].items()},
                       entry=entry)
        except (KeyError, TypeError, AttributeError, ValueError):
            log.info("tuning-cache entry not readable as this version's; searching in full")
            return None


class Search:
    def __init__(self, opt: "Optimization", inspected: "Inspected", baseline: "Baseline"):
        self.opt = opt
        self.inspected = inspected
        self.baseline = baseline
        self.results: list[CandidateResult] = []
        # Graphs whose second look before shipping broke the budget, and the candidate it judged: a
        # setting on the same graph (its parent, another thread count) has that graph's numerics.
        self.failed_looks: dict[Any, str] = {}
        self.ctx = BuildContext(
            model=inspected.model, model_path=inspected.path, signature=inspected.signature,
            work_dir=opt.work_dir, threads=opt.threads, hardware=opt.hardware, workload=inspected.workload,
            calibration=self._calibration_batches, accuracy_budget=opt.budget, shape_set=baseline.shape_set,
        )
        examples = opt.examples(inspected.signature)
        self.key = cache_key(inspected.loaded.sha256, opt.recipe, opt.requested_budget, baseline.shape_set,
                             opt.threads, inspected.output_kinds, examples.digest if examples else None)
        self.cache = TuningCache()
        entry = self.cache.get(self.key)
        self.remembered = Remembered.from_entry(entry) if entry is not None else None

    def run(self) -> "Search":
        """Cheap and likely first, so that a time budget cuts only the long shots:

        1. the fp32 graph passes (fusions, OpenVINO f32/bf16): lossless, seconds to build;
        2. static shapes and the session settings on top of the best of them;
        3. the INT8 searches (calibration, per-node fallback: minutes on a large model), only when
           the baseline's kernel mix says they can pay (`int8_outlook`), in what is left of the
           budget after a reserve for the runoff;
        4. the session settings again on an INT8 graph that beat everything in steps 1-2.

        A time budget below what steps 1-2 and the runoff need at this model's latency is raised to
        that minimum (`minimum_search_s`), and the report says so: a shorter search would measure
        nothing worth shipping. On all-MiniLM-L6-v2 a 240 s budget once ran out in the INT8 searches
        before any session setting was tried."""
        remembered = self.remembered
        specs = search_specs(self.opt.recipe)
        if remembered:
            # Rebuild only what served last time (its graph, then its session settings).
            specs = [spec for spec in specs if spec in remembered.graphs]
        floating = [spec for spec in specs if not spec.graph.quantizes]
        int8 = [spec for spec in specs if spec.graph.quantizes]
        if not remembered:  # a cache hit rebuilds one or two candidates: its budget is the caller's
            self.opt.deadline.raise_to(minimum_search_s(self.opt, self.baseline, len(floating) + SETTINGS_TRIED),
                                       "the fp32 passes, static shapes, session settings and the runoff at "
                                       "this model's latency")
            deadline = self.opt.deadline
            if deadline.raised_because:
                self.opt.progress("candidates", 15, f"time budget raised from {deadline.requested:g} s to "
                                                    f"{deadline.seconds:.0f} s, the least that fits {deadline.raised_because}")
        self.opt.announce_time_budget()

        self._try_graphs(floating, first_percent=15, last_percent=40)
        best_floating = self.choose(self._only_remembered())
        tuned = self._tune(best_floating.candidate if best_floating is not None else original_model(self.ctx), 45)

        outlook = self.int8_outlook() if int8 else None
        if outlook is not None:
            for spec in int8:
                self.results.append(CandidateResult(spec=spec, status="skipped", reason=outlook))
        else:
            # Read again before each: a lossy pass that would need the winner's look adds its time.
            self._try_graphs(int8, first_percent=50, last_percent=75, reserve=self._runoff_reserve_s)
        quantized = [r for r in self.results if r.wins() and r.spec.graph.quantizes and r.spec.parent is None]
        if quantized:
            best_int8 = max(quantized, key=lambda r: r.speedup)
            if tuned is None or best_int8.speedup > tuned.speedup:
                self._tune(best_int8.candidate, 78)
        return self

    def _only_remembered(self) -> set[CandidateSpec] | None:
        """On a tuning-cache hit, the graph that won last time: the one settings are tried on."""
        remembered = self.remembered
        if not remembered:
            return None
        return {remembered.winner.root} if remembered.winner is not None else set()

    def _try_graphs(self, specs: list[CandidateSpec], *, first_percent: int, last_percent: int,
                    reserve: Callable[[], float] | None = None) -> None:
        for index, spec in enumerate(specs):
            self.opt.check_cancel()
            reserve_s = reserve() if reserve is not None else 0.0
            if reserve_s and not self.opt.deadline.allows(reserve_s):
                self.results.append(CandidateResult(
                    spec=spec, status="skipped",
                    reason=f"time budget: the last {reserve_s:.0f} s are kept for the runoff that decides"))
                continue
            percent = first_percent + int((last_percent - first_percent) * index / max(1, len(specs)))
            self.results.append(self.try_candidate(spec, lambda ctx, s=spec: build_graph(s, ctx), percent))

    def _tune(self, base: Candidate, percent: int) -> CandidateResult | None:
        """Static shapes, then the session settings, on `base`; the best of them that wins (or
        `base`'s own result when none does)."""
        remembered = self.remembered
        own = next((r for r in self.results if r.spec == base.spec), None)
        best = own if own is not None and own.wins() else None
        if not remembered or any(spec.has_setting(StaticShapesConfig) for spec in remembered.served):
            self.opt.check_cancel()
            specialized = self.try_candidate(base.spec.with_setting(StaticShapesConfig()),
                                             lambda ctx: apply_setting(base, StaticShapesConfig(), ctx), percent)
            self.results.append(specialized)
            if specialized.wins() and (best is None or specialized.speedup > best.speedup):
                base, best = specialized.candidate, specialized
        variants = session_variants(base, self.ctx)
        if remembered:
            variants = [v for v in variants if v.spec in remembered.served]
        for variant in variants:
            self.opt.check_cancel()
            result = self.try_candidate(variant.spec, lambda _ctx, v=variant: v, percent + 2)
            self.results.append(result)
            if result.wins() and (best is None or result.speedup > best.speedup):
                best = result
        return best

    def int8_outlook(self) -> str | None:
        """Why the INT8 searches cannot pay on this model here, or None to run them.

        INT8 speeds up the compute kernels (Conv, MatMul, Gemm, the recurrent cells) and adds
        (de)quantization around them. Where those kernels are a small share of the baseline's
        profiled time, even 4x faster kernels leave the model within the noise of the runoff, and the
        searches (calibration, per-node fallback) would take the budget's largest part for nothing."""
        if self.remembered or self.opt.recipe != "auto":
            return None  # a user who asked for INT8 by name gets it tried
        baseline = self.baseline
        try:
            table = ort_kernel_table(self.inspected.path, baseline.runtime,
                                     baseline.timing_feeds[baseline.primary_label])
        except Exception:  # noqa: BLE001 - a profile that cannot be read only costs the shortcut
            log.info("kernel profile failed; trying the INT8 searches", exc_info=True)
            return None
        times = table["time_ms"]
        if not times.get("total"):
            return None
        share = times["compute"] / times["total"]
        if share >= INT8_MIN_COMPUTE_SHARE:
            return None
        bound = 1.0 / ((1.0 - share) + share / 4.0)
        return (f"the compute kernels INT8 speeds up (Conv, MatMul, Gemm, recurrent cells) are {100 * share:.0f}% of "
                f"the baseline's profiled time: even 4x faster they would make it at most {bound:.2f}x faster")

    def _runoff_reserve_s(self) -> float:
        """What the search keeps for the runoff, and for the winner's second look once a candidate
        that would need one (holds_on_more_rows) has passed: kept from the start, the look's 11 s on
        bert_encoder on a Zen 4 host left its INT8 candidates no time, while every lossy pass there
        had had its second look in the search already."""
        if self.opt.deadline.seconds is None:
            return 0.0
        look_s = winner_look_seconds(self.inspected, self.baseline) if self._a_pass_needs_a_look() else 0.0
        return runoff_seconds(self.baseline) + look_s

    def _a_pass_needs_a_look(self) -> bool:
        """A lossy pass that may still win (it keeps its session) and that the look would judge."""
        return not self.opt.calibration_dir and any(
            r.status == "passed" and r.runner is not None and r.precision != "fp32" and r.accuracy is not None
            and acc.unproven_at(r.accuracy, CONFIRM_CONFIDENCE) for r in self.results)

    def remember(self, winner: CandidateResult | None, routes: list["Route"], report: dict) -> None:
        """After a full search: what served, for the next run with the same key. A search the time
        budget cut short is not remembered (the budget is not part of the key): a later run with more
        time would otherwise replay "nothing won" without trying what was skipped."""
        if self.remembered or self.cut_short:
            return
        self.cache.put(self.key, {
            "winner": winner.spec.to_json() if winner else None,
            "routes": {route.label: route.result.spec.to_json() for route in routes},
            "speedup": winner.speedup if winner else None, "when": time.time(),
            "candidates": [{k: entry.get(k) for k in CACHED_CANDIDATE_FIELDS} for entry in report["candidates"]],
        })

    @property
    def cut_short(self) -> bool:
        return any(r.status == "skipped" and r.reason.startswith("time budget") for r in self.results)

    # -- one candidate ------------------------------------------------------------------------
    def try_candidate(self, spec: CandidateSpec, builder: Callable[[BuildContext], Candidate],
                      percent: int) -> CandidateResult:
        opt, baseline, ctx = self.opt, self.baseline, self.ctx
        name = spec.name
        result = CandidateResult(spec=spec)
        estimated_s = 2 * sum(baseline.ms.values()) / 1000 * 40
        if not opt.deadline.allows(estimated_s):
            result.status, result.reason = "skipped", "time budget exhausted"
            return result
        opt.progress("candidates", percent, f"building {name}")
        started = time.monotonic()
        try:
            # Quantizers print calibration chatter and progress bars; the CLI's stdout is for results.
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                candidate = builder(ctx)
        except CandidateUnavailable as exc:
            result.status, result.reason = "skipped", str(exc)
            return result
        except Cancelled:
            raise
        except Exception as exc:
            return self._failed(result, "build failed", exc)
        if candidate.spec != spec:
            raise AssertionError(f"building {name} made {candidate.name}")
        result.candidate = candidate
        result.engine, result.precision, result.detail = candidate.engine, candidate.precision, candidate.detail
        result.build_seconds = time.monotonic() - started
        opt.check_cancel()
        opt.progress("accuracy", percent, f"checking {name} against the fp32 original")
        try:
            runner = open_model(candidate.model_path, candidate.runtime, ctx.signature)
            outputs = [runner.run(f) for f in baseline.accuracy_feeds]
            result.accuracy = acc.compare_outputs(baseline.reference, outputs, opt.budget, self.inspected.output_kinds)
            self._confirm(result, runner, outputs)
        except Cancelled:
            raise
        except Exception as exc:
            return self._failed(result, "could not run", exc)
        if not result.accuracy.passes and candidate.rebuild_excluding is not None:
            try:
                with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                    runner, candidate = self._accuracy_fallback(result, candidate, runner)
                self._confirm(result, runner)
            except Cancelled:
                raise
            except Exception as exc:
                return self._failed(result, "accuracy fallback failed", exc)
        if not result.accuracy.passes:
            result.status, result.reason = "rejected", "misses the accuracy budget: " + result.accuracy.why_not()
            if result.candidate is not None and result.candidate.extra.get("fallback_stopped_by_time_budget"):
                result.reason += " (its fp32 fallback was stopped by the time budget)"
            return result
        opt.progress("candidates", percent, f"measuring {name} against the baseline")
        labels = list(baseline.timing_feeds)  # the primary shape first
        for position, label in enumerate(labels):
            opt.check_cancel()
            feeds = baseline.timing_feeds[label]
            plan = opt.plan(baseline.ms[label], len(baseline.timing_feeds), 2)
            try:
                result.comparisons[label] = compare(lambda: baseline.run(feeds), lambda: runner.run(feeds),
                                                    plan, opt.should_cancel)
            except Cancelled:
                raise
            except Exception as exc:
                return self._failed(result, f"fails at shape {label}", exc)
            if position == 0 and len(labels) > 1 and self._hopeless(result.comparisons[label]):
                break  # other shapes would only cost time: it already lost at the primary shape
        else:
            result.complete = True
        result.status = "passed"
        if not result.comparisons[labels[0]].significantly_slower:
            result.runner = runner  # may still meet the others in the runoff
            self._keep_runoff_runners(labels[0], result)
        return result

    def choose(self, only: set[CandidateSpec] | None = None) -> CandidateResult | None:
        """The graph that static shapes and session settings are tried on: the best safe winner
        (on a tuning-cache hit, `only` holds the one that won last time: it, when it still wins)."""
        winners = [r for r in self.results if r.wins()]
        if only is not None:
            winners = [r for r in winners if r.spec in only]
        if not winners:
            return None
        return max(winners, key=lambda r: r.speedup)

    def _keep_runoff_runners(self, label: str, newest: CandidateResult) -> None:
        """Only the runoff's likely contenders keep their sessions (each holds a copy of the weights)."""
        holding = [r for r in self.results + [newest] if r.runner is not None]
        holding.sort(key=lambda r: r.comparisons[label].speedup, reverse=True)
        safe = [r for r in holding if r.all_round]
        primary_only = [r for r in holding if not r.all_round]
        for result in safe[RUNOFF_SIZE:] + primary_only[RUNOFF_PRIMARY_ONLY:]:
            result.runner = None

    @staticmethod
    def _hopeless(primary: Comparison) -> bool:
        # Only a clear loss to the baseline stops it: against the other candidates load swings
        # decide too much, so that is left to the runoff.
        return primary.significantly_slower

    def _confirm(self, result: CandidateResult, runner, outputs: list[dict] | None = None, *,
                 seconds: float | None = None) -> None:
        """A pass with a changed top-1 row, judged again on CONFIRM_ROWS generated rows (the first
        rows with them) at CONFIRM_CONFIDENCE: at 80% confidence one changed row in 256 lets a
        candidate that changes 1.6% of rows through about one time in ten. Only where the check's
        inputs are generated: the user's examples are the data to judge by, and random rows sit near
        a decision far more often than real ones do (a text-line classifier's 0/180). `outputs`: the
        runner's, on the check's inputs, where they are at hand (after a fallback the runner is
        another). `seconds`: what making the rows and the runs on them may each take (the winner's
        look, holds_on_more_rows, which judges a pass with no changed row too); else _confirm_seconds."""
        if self.opt.calibration_dir or not result.accuracy.passes:
            return
        if seconds is None and not acc.changed_a_row(result.accuracy):
            return
        step_s = self._confirm_seconds() if seconds is None else seconds
        feeds, reference = confirmation_rows(self.inspected, self.baseline, step_s)
        if not feeds:
            return
        baseline = self.baseline
        if outputs is None:
            outputs = [runner.run(f) for f in baseline.accuracy_feeds]
        more, began = [], time.monotonic()
        seconds = self._confirm_seconds() if seconds is None else seconds
        for feed in feeds:  # as many as the time allows: the rows judged do not depend on the answers
            if time.monotonic() - began > seconds:
                break
            self.opt.check_cancel()
            more.append(runner.run(feed))
        log.info("judged %s again on %d of %d more generated batches at %.0f%% confidence", result.name, len(more),
                 len(feeds), 100 * CONFIRM_CONFIDENCE)
        result.accuracy = acc.compare_outputs(baseline.reference + reference[:len(more)], outputs + more,
                                              self.opt.budget, self.inspected.output_kinds, CONFIRM_CONFIDENCE)

    def holds_on_more_rows(self, result: CandidateResult) -> bool:
        """The runoff's winner, before it ships (runoff.decide): a lossy pass whose check does not
        prove the budget at CONFIRM_CONFIDENCE (no row changed among 256: no second look in the
        search) is judged on the confirmation rows now, within what the search kept for it
        (WINNER_LOOK_MAX_S). False, with the result rejected and the reason, when a changed row there
        breaks the budget at 95%; then every other unproven candidate on its graph (a setting on top
        of it) is refused too, and a tuning-cache entry that named it is dropped. fp32 candidates, the
        user's examples and a pass proven at 95% already are left as judged."""
        if (self.opt.calibration_dir or result.precision == "fp32" or result.accuracy is None
                or not acc.unproven_at(result.accuracy, CONFIRM_CONFIDENCE)):
            return True
        graph = result.spec.graph if result.spec is not None else None
        if graph is not None and graph in self.failed_looks:
            return self._refused(result, f"its graph did as {self.failed_looks[graph]}")
        if result.runner is None or not result.accuracy.passes:
            return self._refused(result, "it cannot be judged on more rows")
        remaining = self.opt.deadline.remaining()
        step_s = WINNER_LOOK_MAX_S / 2 if remaining is None else max(0.0, min(WINNER_LOOK_MAX_S, remaining) / 2)
        self.opt.progress("accuracy", 89, f"judging {result.name} on more generated rows before it ships")
        try:
            self._confirm(result, result.runner, seconds=step_s)
        except Cancelled:
            raise
        except Exception as exc:  # noqa: BLE001 - as in the search: a candidate that fails to run is out
            return self._refused(result, f"it failed on them: {type(exc).__name__}: {exc}")
        if result.accuracy.passes:
            # No changed row on every row the look could judge passes, as everywhere else: the look's
            # time and memory cap a model of large inputs at a few hundred rows (resnet_like: 191 rows
            # of 224x224 images). Refused at 4e0b869, every lossy candidate of resnet_like was, and the
            # original shipped against a peer at 1.82x.
            return True
        why = result.accuracy.why_not()
        if graph is not None:
            self.failed_looks[graph] = result.name
            for other in self.results:
                if (other is not result and other.status == "passed" and other.spec is not None
                        and other.spec.graph == graph and other.accuracy is not None
                        and acc.unproven_at(other.accuracy, CONFIRM_CONFIDENCE)):
                    self._refused(other, f"its graph did as {result.name}")
        return self._refused(result, why)

    def _refused(self, result: CandidateResult, why: str) -> bool:
        result.status = "rejected"
        result.reason = f"{LOOK_REFUSAL}: {why}"
        if getattr(self, "remembered", None) is not None:
            self.cache.forget(self.key)  # replayed, it would ship the original each time: search again
        return False

    def _confirm_seconds(self) -> float:
        """What one step of a second look may take: CONFIRM_MAX_S, and none of the runoff's reserve. On
        a 90 s budget two second looks of 2,048 rows each took bert_encoder's search to 111 s."""
        remaining = self.opt.deadline.remaining()
        if remaining is None:
            return CONFIRM_MAX_S
        return max(0.0, min(CONFIRM_MAX_S, remaining - self._runoff_reserve_s()))

    def _accuracy_fallback(self, result, candidate, runner):
        """Keep the most accuracy-sensitive quantized nodes in fp32 until the budget holds."""
        from ..sensitivity import fallback_until_budget

        return fallback_until_budget(self.opt, result, candidate, self.ctx, self.baseline.accuracy_feeds,
                                     self.baseline.reference, runner, self._runoff_reserve_s())

    @staticmethod
    def _failed(result: CandidateResult, what: str, exc: Exception) -> CandidateResult:
        result.status = "failed"
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        result.reason = f"{what}: {type(exc).__name__}: {message[:400]}"
        log.debug("candidate %s failed:\n%s", result.name, traceback.format_exc())
        return result

    def _calibration_batches(self) -> list[dict]:
        opt, inspected = self.opt, self.inspected
        if opt.calibration_dir:  # the half of the examples the accuracy check does not judge
            return opt.examples(inspected.signature).calibration[:MAX_CALIBRATION_BATCHES]
        return generated_batches(inspected.model, inspected.signature, self.baseline.shape_set[0], 16, seed=1000)
