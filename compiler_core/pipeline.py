"""optimize(): inspect, measure the baseline, try candidates, guard accuracy, package.

Every decision here is made on numbers measured in this run on this machine: a
candidate is kept only if it meets the accuracy budget against the fp32 original on
the same inputs, and only wins if it beats the baseline (measured interleaved with
it) by more than the measured noise. Otherwise the original ships, and the report
says so.
"""

from __future__ import annotations

import contextlib
import io
import logging
import math
import shutil
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from . import accuracy as acc
from .cache import TuningCache, cache_key
from .calibration import generated_batches, load_npz_dir
from .candidates import BuildContext, Candidate, CandidateUnavailable, builders_for, session_variants, RECIPES
from .candidates.base import ort_runtime
from .candidates.onnxruntime_fp32 import original_model
from .candidates.specialization import specialize
from .deadline import Deadline
from .errors import Cancelled, CompilerCoreError, InvalidModelError, OptimizationError
from .frontends.loader import load_model_any
from .hardware import describe_hardware, usable_cpus
from .measure import Comparison, MeasurePlan, compare, interleaved_blocks, single_latency_ms
from .model_kind import op_histogram, workload_kind
from .package import write_package, verify_package
from .report import CACHED_CANDIDATE_FIELDS, build_report
from .runtime import open_model
from .shape_routing import Route, beats_in_runoff, plan_other_shapes, routed_candidate
from .shapes import dim_roles, parse_shapes, shape_label
from .signature import dims_of, generate_inputs, signature_of

log = logging.getLogger(__name__)

Progress = Callable[[str, int, str], None]

# How many generated batches check accuracy at the primary shape (plus one per other shape),
# and at most how many more are generated for class scores, to reach acc.TOP1_MIN_ROWS.
ACCURACY_BATCHES = 3
ACCURACY_BATCH_SIZE = 8
MAX_TOP1_BATCHES = 40
# How many of the best candidates meet again in the final interleaved runoff: the best safe at
# every shape, plus the best at the primary shape alone (it may serve that shape only).
RUNOFF_SIZE = 4
RUNOFF_PRIMARY_ONLY = 1
# Rounds (blocks per runner) of the runs that decide, the runoff and the head-to-heads after it,
# for models under DECIDING_ROUNDS_BELOW_MS. A seconds-based plan gave a 0.8 ms model about five
# rounds, since each block ends with a wait for the engine's threads to go quiet, and the
# runoff's notches came out at +-35-47%: the winner was whoever had the luckiest five blocks.
DECIDING_ROUNDS = 15
DECIDING_ROUNDS_BELOW_MS = 50.0
# A shape whose baseline run is slower than this is not worth measuring every candidate on.
SLOW_SHAPE_MS = 2000.0


@dataclass
class CandidateResult:
    name: str
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


class Optimization:
    def __init__(self, model_path, out_dir, *, recipe, accuracy_budget, shapes, calibration_dir,
                 time_budget_s, threads, progress, should_cancel):
        if recipe not in RECIPES:
            raise OptimizationError(f"unknown recipe {recipe!r}; choose one of {', '.join(RECIPES)}")
        if not 0 < accuracy_budget <= 1:
            raise OptimizationError(f"accuracy budget is a cosine similarity in (0, 1], got {accuracy_budget}")
        # A path, or a live torch.nn.Module (exported in-process: the caller already holds it).
        self.model_path = model_path if hasattr(model_path, "forward") else Path(model_path)
        self.out_dir = Path(out_dir)
        self.recipe = recipe
        self.budget = acc.LOSSLESS_COSINE_BUDGET if recipe == "lossless" else float(accuracy_budget)
        self.requested_budget = float(accuracy_budget)
        self.shapes_spec = shapes
        self.calibration_dir = calibration_dir
        self.deadline = Deadline(time_budget_s)
        self.threads = int(threads) if threads else usable_cpus()
        if self.threads < 1:
            raise OptimizationError(f"threads must be at least 1, got {threads}")
        self._progress = progress
        self._should_cancel = should_cancel
        self.hardware = describe_hardware()
        self.results: list[CandidateResult] = []
        self._best_primary = 0.0  # best speed-up at the primary shape so far
        self.failures: list[dict] = []

    # -- plumbing -------------------------------------------------------------------------
    def progress(self, stage: str, percent: int, message: str) -> None:
        percent = max(percent, getattr(self, "_last_percent", 0))  # progress never goes backwards
        self._last_percent = percent
        log.info("[%s %d%%] %s", stage, percent, message)
        if self._progress is None:
            return
        try:
            self._progress(stage, int(max(0, min(100, percent))), message)
        except Cancelled:
            raise
        except Exception:  # a broken progress sink must not cost the user their optimization
            log.exception("progress callback failed")

    def check_cancel(self) -> None:
        if self._should_cancel is not None and self._should_cancel():
            raise Cancelled("optimization cancelled")

    # -- stages ---------------------------------------------------------------------------
    def run(self) -> dict:
        work_dir = Path(tempfile.mkdtemp(prefix="whetstone-"))
        try:
            return self._run(work_dir)
        finally:
            shutil.rmtree(work_dir, ignore_errors=True)

    def _run(self, work_dir: Path) -> dict:
        self.progress("inspect", 0, f"reading {getattr(self.model_path, 'name', type(self.model_path).__name__)}")
        loaded = load_model_any(self.model_path, work_dir, self.shapes_spec)
        if loaded.shapes_consumed:
            self.shapes_spec = None
        model, original_path = loaded.model, loaded.onnx_path
        signature = signature_of(model)
        ops = op_histogram(model)
        workload = workload_kind(ops)
        shape_set = parse_shapes(self.shapes_spec, signature)
        self.check_cancel()
        self.progress("inspect", 5, f"{workload} model, {sum(ops.values())} nodes, {len(shape_set)} shape(s)")

        self.progress("baseline", 6, "opening the original model with onnxruntime defaults")
        baseline_runtime = ort_runtime(self.threads)
        try:
            baseline = open_model(original_path, baseline_runtime, signature)
        except Exception as exc:
            raise OptimizationError(
                f"onnxruntime cannot run the original model, so there is no baseline to compare with: {exc}") from exc
        timing_feeds = {shape_label(s): generate_inputs(model, signature, s, seed=0) for s in shape_set}
        if self.calibration_dir and self.shapes_spec is None:
            # Real data beats generated data for timing too (token ids, masks, index tensors are right).
            first = load_npz_dir(self.calibration_dir, signature, limit=1)[0]
            primary = dims_of(first, signature)
            shape_set = [primary] + [s for s in shape_set if s != primary]
            timing_feeds = {shape_label(primary): first,
                            **{k: v for k, v in timing_feeds.items() if k != shape_label(primary)}}
        baseline_ms = {}
        for label, feeds in list(timing_feeds.items()):
            try:
                baseline_ms[label] = single_latency_ms(lambda: baseline.run(feeds))
            except Exception as exc:
                if label == shape_label(shape_set[0]):
                    raise OptimizationError(f"the original model fails on generated inputs ({label}): {exc}") from exc
                self.failures.append({"name": f"shape {label}", "detail": f"baseline fails at this shape: {exc}"})
                del timing_feeds[label]
        shape_set = self._bound_shapes(shape_set, baseline_ms, timing_feeds)
        self.check_cancel()

        accuracy_feeds, data_source = self._accuracy_feeds(model, signature, shape_set)
        reference = [baseline.run(f) for f in accuracy_feeds]
        if not self.calibration_dir:
            # Seeds apart from the calibration batches (1000+): INT8 is not judged on its calibration data.
            more = top1_batches(model, signature, accuracy_feeds, reference, seed=5000)
            accuracy_feeds += more
            reference += [baseline.run(f) for f in more]
        self.progress("baseline", 15, "baseline: " + ", ".join(f"{k}: {v:.3f} ms" for k, v in baseline_ms.items()))

        ctx = BuildContext(
            model=model, model_path=original_path, signature=signature, work_dir=work_dir,
            threads=self.threads, hardware=self.hardware, workload=workload,
            calibration=lambda: self._calibration_batches(model, signature, shape_set),
            accuracy_budget=self.budget,
        )
        key = cache_key(loaded.sha256, self.recipe, self.requested_budget, shape_set, self.threads)
        cache = TuningCache()
        cached = cache.get(key)
        builders = builders_for(self.recipe, workload, self.hardware)
        cached_winner = (cached or {}).get("winner") or ""
        # What served last time: the default and each routed shape's winner.
        cached_names = {cached_winner, *((cached or {}).get("routes") or {}).values()} - {""}
        if cached:
            # Rebuild only what won last time (its graph, then its session settings).
            builders = [(n, b) for n, b in builders if n in {name.split("+")[0] for name in cached_names}]
        for index, (name, builder) in enumerate(builders):
            self.check_cancel()
            percent = 15 + int(60 * index / max(1, len(builders)))
            self.results.append(self._try_candidate(name, builder, ctx, baseline, timing_feeds, baseline_ms,
                                                    accuracy_feeds, reference, percent))

        best = self._choose(cached_winner.split("+")[0] if cached else None)
        tuned_base = best.candidate if best is not None else original_model(ctx)
        if not cached or any("+static_shapes" in name for name in cached_names):
            self.check_cancel()
            specialized = self._try_candidate(
                f"{tuned_base.name}+static_shapes", lambda _ctx: specialize(tuned_base, ctx, shape_set), ctx,
                baseline, timing_feeds, baseline_ms, accuracy_feeds, reference, 78)
            self.results.append(specialized)
            if specialized.wins() and (best is None or specialized.speedup > best.speedup):
                tuned_base = specialized.candidate
        variants = session_variants(tuned_base, ctx)
        if cached:
            variants = [v for v in variants if v.name in cached_names]
        for variant in variants:
            self.check_cancel()
            self.results.append(self._try_candidate(variant.name, lambda _ctx, v=variant: v, ctx, baseline,
                                                    timing_feeds, baseline_ms, accuracy_feeds, reference, 80))

        winner, primary_route = self._runoff(baseline, timing_feeds, baseline_ms)
        for result in self.results:
            result.runner = None  # sessions hold the weights: release them before packaging
        routes = self._routes(shape_set, winner, primary_route)
        default_candidate = winner.candidate if winner is not None else original_model(ctx)
        chosen_candidate = default_candidate
        if routes:
            chosen_candidate = routed_candidate(default_candidate, routes, signature, shape_label(shape_set[0]))
        message = self._message(winner, routes, shape_set, cached)

        self.check_cancel()
        self.progress("package", 90, f"writing the package ({chosen_candidate.name})")
        report = build_report(
            recipe=self.recipe, budget=self.budget, requested_budget=self.requested_budget,
            hardware=self.hardware, signature=signature, shape_set=shape_set, baseline_ms=baseline_ms,
            baseline_runtime=baseline_runtime, results=self.results, winner=winner, routes=routes,
            chosen=chosen_candidate, message=message, data_source=data_source,
            original_model=model, original_path=original_path, failures=self.failures,
            threads=self.threads, elapsed_s=self.deadline.elapsed(), cached=cached,
            model_sha256=loaded.sha256, source_format=loaded.source_format, workload=workload,
            time_budget_s=self.deadline.seconds, primary_feeds=timing_feeds[shape_label(shape_set[0])],
        )
        if not cached:
            cache.put(key, {"winner": winner.name if winner else None,
                            "routes": {route.label: route.result.name for route in routes},
                            "speedup": winner.speedup if winner else None, "when": time.time(),
                            "candidates": [{k: entry.get(k) for k in CACHED_CANDIDATE_FIELDS}
                                           for entry in report["candidates"]]})
        write_package(self.out_dir, chosen_candidate, signature, report)
        try:
            # Every accuracy feed: they include one at each shape of the set, so each route answers once.
            verify_package(self.out_dir, accuracy_feeds, reference, self.budget)
        except Exception as exc:
            # The measured winner did not survive packaging: ship the original rather than a broken package.
            if chosen_candidate.name == "original":
                raise OptimizationError(f"the packaged original model does not run: {exc}") from exc
            self.failures.append({"name": chosen_candidate.name, "detail": f"package check failed: {exc}"})
            fallback = original_model(ctx)
            report = build_report(
                recipe=self.recipe, budget=self.budget, requested_budget=self.requested_budget,
                hardware=self.hardware, signature=signature, shape_set=shape_set, baseline_ms=baseline_ms,
                baseline_runtime=baseline_runtime, results=self.results, winner=None,
                chosen=fallback, message=f"{chosen_candidate.name} failed its package check ({exc}); shipping the original",
                data_source=data_source, original_model=model, original_path=original_path,
                failures=self.failures, threads=self.threads, elapsed_s=self.deadline.elapsed(),
                cached=cached, model_sha256=loaded.sha256, source_format=loaded.source_format,
                workload=workload, time_budget_s=self.deadline.seconds,
                primary_feeds=timing_feeds[shape_label(shape_set[0])],
            )
            write_package(self.out_dir, fallback, signature, report)
            verify_package(self.out_dir, accuracy_feeds, reference, self.budget)
        self.progress("package", 100, message)
        return report

    def _bound_shapes(self, shape_set, baseline_ms, timing_feeds):
        """Keep the primary shape always; drop shapes too slow to measure within the budget."""
        kept = []
        spent_ms = 0.0
        remaining = self.deadline.remaining()
        for index, shape in enumerate(shape_set):
            label = shape_label(shape)
            if label not in baseline_ms:
                continue
            ms = baseline_ms[label]
            # Each candidate costs ~20 paired runs per shape; keep the total within a third of the budget.
            cost_s = (spent_ms + ms) * 40 * 6 / 1000
            if index and (ms > SLOW_SHAPE_MS or (remaining is not None and cost_s > remaining / 3)):
                self.failures.append({"name": f"shape {label}", "status": "skipped",
                                      "detail": f"baseline takes {ms:.1f} ms; not measured within the time budget"})
                timing_feeds.pop(label, None)
                continue
            spent_ms += ms
            kept.append(shape)
        return kept

    def _accuracy_feeds(self, model, signature, shape_set):
        if self.calibration_dir:
            batches = load_npz_dir(self.calibration_dir, signature, limit=8)
            return batches, f"user data ({len(batches)} batches from {self.calibration_dir})"
        # Top-1 agreement needs samples: prefer a batch of 8 where the batch dim is free.
        primary = dict(shape_set[0])
        for name, role in dim_roles(signature).items():
            if role == "batch" and primary.get(name) == 1:
                primary[name] = ACCURACY_BATCH_SIZE
        feeds = generated_batches(model, signature, primary, ACCURACY_BATCHES, seed=1)
        if primary != shape_set[0]:
            # Shape specializations answer only at their exact shapes: check them there too.
            feeds.append(generate_inputs(model, signature, shape_set[0], seed=49))
        for index, shape in enumerate(shape_set[1:]):
            feeds.append(generate_inputs(model, signature, shape, seed=50 + index))
        return feeds, "generated from the signature (random normal floats, in-range token ids)"

    def _calibration_batches(self, model, signature, shape_set):
        if self.calibration_dir:
            return load_npz_dir(self.calibration_dir, signature, limit=64)
        return generated_batches(model, signature, shape_set[0], 16, seed=1000)

    def _plan(self, latency_ms: float, shapes: int, candidates_left: int) -> MeasurePlan:
        remaining = self.deadline.remaining()
        available = None if remaining is None else remaining * 0.6 / max(1, shapes * candidates_left)
        return MeasurePlan.for_latency(latency_ms, available)

    def _try_candidate(self, name, builder, ctx, baseline, timing_feeds, baseline_ms,
                       accuracy_feeds, reference, percent) -> CandidateResult:
        result = CandidateResult(name=name)
        estimated_s = 2 * sum(baseline_ms.values()) / 1000 * 40
        if not self.deadline.allows(estimated_s):
            result.status, result.reason = "skipped", "time budget exhausted"
            return result
        self.progress("candidates", percent, f"building {name}")
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
        result.candidate = candidate
        result.engine, result.precision, result.detail = candidate.engine, candidate.precision, candidate.detail
        result.build_seconds = time.monotonic() - started
        self.check_cancel()
        self.progress("accuracy", percent, f"checking {name} against the fp32 original")
        try:
            runner = open_model(candidate.model_path, candidate.runtime, ctx.signature)
            result.accuracy = acc.compare_outputs(reference, [runner.run(f) for f in accuracy_feeds], self.budget)
        except Cancelled:
            raise
        except Exception as exc:
            return self._failed(result, "could not run", exc)
        if not result.accuracy.passes and candidate.rebuild_excluding is not None:
            try:
                with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                    runner, candidate = self._accuracy_fallback(result, candidate, ctx, accuracy_feeds, reference, runner)
            except Cancelled:
                raise
            except Exception as exc:
                return self._failed(result, "accuracy fallback failed", exc)
        if not result.accuracy.passes:
            result.status, result.reason = "rejected", "misses the accuracy budget: " + result.accuracy.why_not()
            if result.candidate is not None and result.candidate.extra.get("fallback_stopped_by_time_budget"):
                result.reason += " (its fp32 fallback was stopped by the time budget)"
            return result
        self.progress("candidates", percent, f"measuring {name} against the baseline")
        labels = list(timing_feeds)  # the primary shape first
        for position, label in enumerate(labels):
            self.check_cancel()
            feeds = timing_feeds[label]
            plan = self._plan(baseline_ms[label], len(timing_feeds), 2)
            try:
                result.comparisons[label] = compare(lambda: baseline.run(feeds), lambda: runner.run(feeds),
                                                    plan, self._should_cancel)
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
            self._best_primary = max(self._best_primary, result.comparisons[labels[0]].speedup)
            self._keep_runoff_runners(labels[0], result)
        return result

    def _keep_runoff_runners(self, label: str, newest: CandidateResult) -> None:
        """Only the runoff's likely contenders keep their sessions (each holds a copy of the weights)."""
        holding = [r for r in self.results + [newest] if r.runner is not None]
        holding.sort(key=lambda r: r.comparisons[label].speedup, reverse=True)
        safe = [r for r in holding if r.all_round]
        primary_only = [r for r in holding if not r.all_round]
        for result in safe[RUNOFF_SIZE:] + primary_only[RUNOFF_PRIMARY_ONLY:]:
            result.runner = None

    def _hopeless(self, primary: Comparison) -> bool:
        # Only a clear loss to the baseline stops it: against the other candidates load swings
        # decide too much, so that is left to the runoff.
        return primary.significantly_slower

    def _accuracy_fallback(self, result, candidate, ctx, accuracy_feeds, reference, runner):
        """Keep the most accuracy-sensitive quantized nodes in fp32 until the budget holds."""
        from .sensitivity import fallback_until_budget

        return fallback_until_budget(self, result, candidate, ctx, accuracy_feeds, reference, runner)

    def _failed(self, result: CandidateResult, what: str, exc: Exception) -> CandidateResult:
        result.status = "failed"
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        result.reason = f"{what}: {type(exc).__name__}: {message[:400]}"
        log.debug("candidate %s failed:\n%s", result.name, traceback.format_exc())
        return result

    def _choose(self, named: str | None = None) -> CandidateResult | None:
        """The graph that static shapes and session settings are tried on: the best safe winner
        (on a tuning-cache hit, the one that won last time, when it still wins)."""
        winners = [r for r in self.results if r.wins()]
        if named is not None:
            winners = [r for r in winners if r.name == named]
        if not winners:
            return None
        return max(winners, key=lambda r: r.speedup)

    def _runoff(self, baseline, timing_feeds, baseline_ms) -> tuple[CandidateResult | None, CandidateResult | None]:
        """Re-measure the best few together, interleaved with the baseline, and decide from that run.

        On a shared host the load changes between two candidates' measurements (measured
        here: the same onnxruntime baseline at 1.5 ms and at 6 ms minutes apart), and
        picking the maximum of noisy measurements favours whoever got lucky. One shared
        run exposes every contender to the same load.

        Returns the package's default (the best candidate safe at every shape) and, when one
        that is slower elsewhere beat it at the primary shape, that candidate, to serve the
        primary shape only (see shape_routing).
        """
        label = next(iter(timing_feeds))
        measured = [r for r in self.results if r.status == "passed" and r.runner is not None
                    and label in r.comparisons and not r.comparisons[label].significantly_slower]
        by_primary = sorted(measured, key=lambda r: r.comparisons[label].speedup, reverse=True)
        safe = [r for r in by_primary if r.all_round][:RUNOFF_SIZE]
        best_safe_primary = safe[0].comparisons[label].speedup if safe else 1.0
        primary_only = [r for r in by_primary if not r.all_round
                        and r.comparisons[label].speedup > best_safe_primary][:RUNOFF_PRIMARY_ONLY]
        contenders = safe + primary_only
        if not contenders:
            return None, None
        feeds = timing_feeds[label]
        self.progress("candidates", 85, "final runoff: " + ", ".join(r.name for r in contenders))
        plan = self._plan(baseline_ms[label], 1, 1)
        plan.seconds = plan.seconds * 2
        if baseline_ms[label] < DECIDING_ROUNDS_BELOW_MS:
            plan.min_rounds = max(plan.min_rounds, DECIDING_ROUNDS)
        runs = [lambda: baseline.run(feeds)] + [lambda r=r: r.runner.run(feeds) for r in contenders]
        stats, blocks = interleaved_blocks(runs, plan, self._should_cancel)
        for result, candidate_stats, candidate_blocks in zip(contenders, stats[1:], blocks[1:]):
            result.runoff = Comparison(baseline=stats[0], candidate=candidate_stats,
                                       baseline_blocks=blocks[0], candidate_blocks=candidate_blocks)
            result.runoff_speedup = result.runoff.speedup
        # Shapes other than the primary were compared earlier; the runoff must confirm the gain here.
        default = None
        for result in sorted((r for r in safe if r.runoff.significant_gain), key=lambda r: r.runoff_speedup,
                             reverse=True):
            if self._confirmed(result, baseline, feeds, plan):
                default = result
                break
        default = self._settings_that_earn_their_place(default, safe, feeds, plan)
        for result in primary_only:
            if beats_in_runoff(result, default) and self._confirmed(result, baseline, feeds, plan):
                return default, result
        return default, None

    def _settings_that_earn_their_place(self, winner: CandidateResult | None, safe: list[CandidateResult],
                                        feeds, plan: MeasurePlan) -> CandidateResult | None:
        def duel(parent: CandidateResult, challenger: CandidateResult) -> Comparison:
            self.progress("candidates", 87, f"does {challenger.name} beat {parent.name} head to head?")
            return compare(lambda: parent.runner.run(feeds), lambda: challenger.runner.run(feeds), plan,
                           self._should_cancel)

        return settings_that_earn_their_place(winner, safe, duel)

    def _routes(self, shape_set, default: CandidateResult | None,
                primary_route: CandidateResult | None) -> list[Route]:
        labels = [shape_label(s) for s in shape_set]
        routes = []
        if primary_route is not None:
            routes.append(Route(label=labels[0], shape=shape_set[0], result=primary_route,
                                comparison=primary_route.runoff,
                                default_speedup=default.runoff_speedup if default is not None else 1.0))
        if len(shape_set) > 1:
            routes += plan_other_shapes(shape_set, labels, default, self.results, routes)
        return routes

    def _message(self, winner: CandidateResult | None, routes: list[Route], shape_set, cached) -> str:
        primary = shape_label(shape_set[0])
        parts = []
        if winner is not None:
            decided = winner.runoff_speedup if winner.runoff_speedup is not None else winner.speedup
            parts.append(f"{winner.name} is {decided:.2f}x faster than onnxruntime defaults at {primary} "
                         "(final interleaved runoff), is not slower at any shape of the set, and meets the "
                         "accuracy budget")
        elif not routes:
            return self._no_gain_message(cached)
        else:
            parts.append("no candidate was faster at every shape of the set, so the original model answers "
                         "every shape not routed below")
        for route in routes:
            over = f"{route.gain_over_default:.2f}x over the default there" if winner is not None else "over the original"
            parts.append(f"{route.label} is routed to {route.result.name} ({route.comparison.speedup:.2f}x "
                         f"faster than onnxruntime defaults at that shape, {over})")
        return "; ".join(parts)

    def _confirmed(self, result: CandidateResult, baseline, feeds, plan: MeasurePlan) -> bool:
        """One more independent paired run: a gain that a burst of load produced rarely repeats."""
        self.progress("candidates", 88, f"confirming {result.name} against the baseline")
        confirmation = compare(lambda: baseline.run(feeds), lambda: result.runner.run(feeds), plan, self._should_cancel)
        result.confirmation = confirmation
        return confirmation.significant_gain

    def _no_gain_message(self, cached: dict | None) -> str:
        if cached and not cached.get("winner"):
            return ("no gain (tuning cache: an earlier run on this hardware found no candidate faster than the "
                    "baseline); the package is the original model with onnxruntime's default session settings")
        measured = [r for r in self.results if r.status == "passed"]
        if not measured:
            return ("no candidate met the accuracy budget and ran; the package is the original model "
                    "with onnxruntime's default session settings")
        best = max(measured, key=lambda r: r.speedup)
        return (f"no gain: nothing beat the baseline by more than the measured noise (best was {best.name} at "
                f"{best.speedup:.3f}x, noise ±{100 * best.noise:.1f}%); the package is the original model with "
                f"onnxruntime's default session settings")


def top1_batches(model, signature: dict, feeds: list[dict], reference: list[dict], seed: int) -> list[dict]:
    """More generated batches like the first, until the outputs that are judged by top-1
    agreement hold acc.TOP1_MIN_ROWS rows (at most MAX_TOP1_BATCHES more); none when no
    output is class scores or labels."""
    per_batch = acc.top1_rows(reference[0]) if reference else 0
    if per_batch == 0:
        return []
    missing = acc.TOP1_MIN_ROWS - sum(acc.top1_rows(r) for r in reference)
    count = min(MAX_TOP1_BATCHES, max(0, math.ceil(missing / per_batch)))
    return generated_batches(model, signature, dims_of(feeds[0], signature), count, seed=seed)


def settings_that_earn_their_place(
    winner: CandidateResult | None,
    safe: list[CandidateResult],
    duel: Callable[[CandidateResult, CandidateResult], Comparison],
) -> CandidateResult | None:
    """Take back each setting on top of the winner's graph (a thread count, static shapes, a
    graph level) that is not faster than the same candidate without it, head to head.

    A runoff ranks every contender against the baseline, so two that are a few percent apart
    are compared only through the baseline's noise, and thread settings in particular read
    better or worse with whatever else the host does. Measured on the AVX-512 host: an LSTM
    tagger's runoff put `int8_dynamic_per_tensor+single_thread` 9% ahead of
    `int8_dynamic_per_tensor`; four direct interleaved runs afterwards had it 10% behind. So a
    setting has to be faster than the candidate it was added to in a paired run of the two
    (`duel(parent, challenger)`: the challenger's speed-up over the parent). Both have already
    proved a gain over the baseline, so the duel's point estimate decides, not its significance:
    requiring significance took back real gains of about 10% that a short duel could not prove.
    """
    by_name = {result.name: result for result in safe}
    while winner is not None and "+" in winner.name:
        parent = by_name.get(winner.name.rsplit("+", 1)[0])
        if parent is None or parent.runner is None or parent.runoff is None or not parent.runoff.significant_gain:
            break  # nothing proven to fall back to: the winner stands on its own runoff
        winner.parent_name, winner.against_parent = parent.name, duel(parent, winner)
        if winner.against_parent.faster:
            break
        winner = parent
    return winner


def optimize(model_path, out_dir, *, recipe: str = "auto", accuracy_budget: float = acc.DEFAULT_COSINE_BUDGET,
             shapes: Any = None, calibration_dir=None, time_budget_s: float | None = None,
             threads: int | None = None, progress: Progress | None = None,
             should_cancel: Callable[[], bool] | None = None) -> dict:
    """Optimize `model_path` for this machine and write a package to `out_dir`; returns the report."""
    try:
        return Optimization(
            model_path, out_dir, recipe=recipe, accuracy_budget=accuracy_budget, shapes=shapes,
            calibration_dir=calibration_dir, time_budget_s=time_budget_s, threads=threads,
            progress=progress, should_cancel=should_cancel,
        ).run()
    except CompilerCoreError:
        raise
    except MemoryError as exc:
        raise OptimizationError("ran out of memory while optimizing; try a smaller shape set") from exc
    except Exception as exc:
        raise OptimizationError(f"optimization failed unexpectedly: {type(exc).__name__}: {exc}") from exc
