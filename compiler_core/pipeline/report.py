"""Step 7, report: what was tried, what won, why, and the one-line message; `compiler_core.report`
builds the report's sections from these, and the package step writes it into the package."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..candidates.base import Candidate
from ..report import build_report
from ..shapes import shape_label

if TYPE_CHECKING:
    from .baseline import Baseline
    from .inspect import Inspected
    from .route import Route, Routing
    from .run import Optimization
    from .search import CandidateResult, Search


def compose(opt: "Optimization", inspected: "Inspected", baseline: "Baseline", search: "Search",
            *, winner: "CandidateResult | None", routes: list["Route"], chosen: Candidate, message: str) -> dict:
    return build_report(
        recipe=opt.recipe, budget=opt.budget, requested_budget=opt.requested_budget,
        hardware=opt.hardware, signature=inspected.signature, shape_set=baseline.shape_set, baseline_ms=baseline.ms,
        baseline_runtime=baseline.runtime, results=search.results, winner=winner, routes=routes,
        chosen=chosen, message=message, data_source=baseline.data_source,
        original_model=inspected.model, original_path=inspected.path, failures=opt.failures,
        threads=opt.threads, elapsed_s=opt.deadline.elapsed(),
        cached=search.remembered.entry if search.remembered else None,
        model_sha256=inspected.loaded.sha256, source_format=inspected.loaded.source_format,
        workload=inspected.workload, time_budget_s=opt.deadline.seconds,
        requested_time_budget_s=opt.deadline.requested, time_budget_raised_because=opt.deadline.raised_because,
        primary_feeds=baseline.timing_feeds[baseline.primary_label], output_kinds=inspected.output_kinds,
    )


def message(routing: "Routing", shape_set, search: "Search") -> str:
    deadline = search.opt.deadline
    text = _decision(routing, shape_set, search)
    if deadline.raised_because:
        text += (f"; the requested time budget of {deadline.requested:g} s was raised to {deadline.seconds:.0f} s, "
                 f"the least that fits {deadline.raised_because}")
    return text


def _decision(routing: "Routing", shape_set, search: "Search") -> str:
    winner, routes = routing.default, routing.routes
    primary = shape_label(shape_set[0])
    parts = []
    if winner is not None:
        decided = winner.runoff_speedup if winner.runoff_speedup is not None else winner.speedup
        parts.append(f"{winner.name} is {decided:.2f}x faster than onnxruntime defaults at {primary} "
                     "(final interleaved runoff), is not slower at any shape of the set, and meets the "
                     "accuracy budget")
    elif not routes:
        return _no_gain_message(search)
    else:
        parts.append("no candidate was faster at every shape of the set, so the original model answers "
                     "every shape not routed below")
    for route in routes:
        over = f"{route.gain_over_default:.2f}x over the default there" if winner is not None else "over the original"
        parts.append(f"{route.label} is routed to {route.result.name} ({route.comparison.speedup:.2f}x "
                     f"faster than onnxruntime defaults at that shape, {over})")
    return "; ".join(parts)


def _no_gain_message(search: "Search") -> str:
    if search.remembered and search.remembered.winner is None:
        return ("no gain (tuning cache: an earlier run on this hardware found no candidate faster than the "
                "baseline); the package is the original model with onnxruntime's default session settings")
    measured = [r for r in search.results if r.status == "passed"]
    if not measured:
        return ("no candidate met the accuracy budget and ran; the package is the original model "
                "with onnxruntime's default session settings")
    best = max(measured, key=lambda r: r.speedup)
    from .search import LOOK_REFUSAL

    # A faster one that its look before shipping refused is not "nothing beat the baseline".
    refused = [r.name for r in search.results if r.status == "rejected" and r.reason.startswith(LOOK_REFUSAL)]
    looked = f"{', '.join(refused)} {LOOK_REFUSAL}; of the rest " if refused else ""
    return (f"no gain: {looked}nothing beat the baseline by more than the measured noise (best was {best.name} at "
            f"{best.speedup:.3f}x, noise ±{100 * best.noise:.1f}%); the package is the original model with "
            f"onnxruntime's default session settings")
