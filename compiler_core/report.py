"""The report (shape from DESIGN.md, after PAI-Blade's optimization report)."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from .contracts.report import REPORT_VERSION
from .hardware import software_context
from .shapes import shape_label


def _clean(value: Any) -> Any:
    """JSON has no inf/nan and no numpy scalars; the worker stores this in a JSON column."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def to_json(value: Any) -> str:
    return json.dumps(_clean(value), indent=2, sort_keys=False, allow_nan=False)


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), digits)


# What a tuning-cache entry keeps of each candidate of the full search, for the reports of later hits.
CACHED_CANDIDATE_FIELDS = ("name", "engine", "precision", "status", "speedup", "runoff_speedup", "why_lost")


def _why_lost(result, winner, routed=()) -> str | None:
    if winner is not None and result is winner:
        return None
    if any(result is r for r in routed):  # identity: results are dataclasses, == compares fields
        return None
    if result.status != "passed":
        return result.reason or result.status
    if result.against_parent is not None and not result.against_parent.faster:
        return (f"head to head against {result.parent_name}, the same candidate without its last setting, it "
                f"measured {result.against_parent.speedup:.3f}x (noise ±{100 * result.against_parent.noise:.1f}%): "
                "the setting did not earn its place")
    if result.confirmation is not None and not result.confirmation.significant_gain:
        return (f"won the runoff ({result.runoff_speedup:.3f}x) but the confirmation run measured "
                f"{result.confirmation.speedup:.3f}x (quiet moments {result.confirmation.quiet_speedup:.3f}x): "
                "not a gain that holds")
    if result.runoff is not None:
        if not result.runoff.significant_gain:
            return (f"in the final interleaved runoff its gain {result.runoff_speedup:.3f}x was within the noise "
                    f"(±{100 * result.runoff.noise:.1f}%) or below 3%")
        if any(c.significantly_slower for c in result.comparisons.values()):
            slow = [label for label, c in result.comparisons.items() if c.significantly_slower]
            return f"slower than the baseline at {', '.join(slow)}"
        if winner is not None:
            return (f"slower than {winner.name} in the final interleaved runoff "
                    f"({result.runoff_speedup:.3f}x vs {winner.runoff_speedup:.3f}x)")
    if result.wins() and winner is not None:
        if result.runoff_speedup is not None and winner.runoff_speedup is not None:
            return (f"slower than {winner.name} in the final interleaved runoff "
                    f"({result.runoff_speedup:.3f}x vs {winner.runoff_speedup:.3f}x)")
        return f"slower than {winner.name} ({result.speedup:.3f}x vs {winner.speedup:.3f}x)"
    if result.status == "passed" and not result.complete:
        return "clearly slower at the primary shape; the other shapes were not measured"
    if any(c.significantly_slower for c in result.comparisons.values()):
        slow = [label for label, c in result.comparisons.items() if c.significantly_slower]
        return f"slower than the baseline at {', '.join(slow)}"
    return f"gain {result.speedup:.3f}x is within the measured noise (±{100 * result.noise:.1f}%) or below 3%"


def _candidate_entry(result, winner, routes=()) -> dict:
    extra = result.candidate.extra if result.candidate else {}
    serves = [route.label for route in routes if route.result is result]
    status = "lost" if result.status == "passed" else result.status
    if serves:
        status = "routed"
    if result is winner:
        status = "chosen"
    return {
        "name": result.name,
        "engine": result.engine or None,
        "precision": result.precision or None,
        "status": status,
        # The shapes this candidate answers in the package besides (or instead of) the default.
        "serves_shapes": serves,
        "speedup": _round(result.speedup),
        "runoff_speedup": _round(result.runoff_speedup),
        "confirmation_speedup": _round(result.confirmation.speedup) if result.confirmation else None,
        "noise": _round(result.noise) if result.comparisons else None,
        "latency": {label: c.candidate.as_dict() for label, c in result.comparisons.items()},
        "baseline_latency": {label: c.baseline.as_dict() for label, c in result.comparisons.items()},
        "accuracy": result.accuracy.as_dict() if result.accuracy else None,
        "why_lost": _why_lost(result, winner, [route.result for route in routes]),
        "detail": result.detail,
        "build_seconds": _round(result.build_seconds, 3),
        "fallback_nodes": extra.get("fallback_nodes", []),
    }


def _timing(comparison) -> dict:
    """Before, after and their ratio from one paired comparison: the median block latencies,
    the statistic the speed-up and its noise are computed from, so that every speed-up in the
    report is exactly (up to rounding) the ratio of the two latencies printed beside it."""
    if comparison is None or not comparison.baseline_blocks or not comparison.candidate_blocks:
        return {"baseline_ms": None, "optimized_ms": None, "speedup": None}
    before = float(np.median(comparison.baseline_blocks))
    after = float(np.median(comparison.candidate_blocks))
    # Six decimals: a 10 µs model must still show its ratio in its latencies.
    return {"baseline_ms": _round(before, 6), "optimized_ms": _round(after, 6), "speedup": _round(before / after)}


def _optimization_entry(result, winner, primary: str, routes=()) -> dict:
    routed = [route.result for route in routes]
    serves = [route for route in routes if route.result is result]
    # One final status, the one the runoff (and the routing after it) decided: only what the
    # package runs is effective. A candidate that beat the baseline in its own comparison but
    # lost the runoff is not, whatever its earlier numbers said.
    effective = result is winner or bool(serves)
    status = {"passed": "effective" if effective else "ineffective", "rejected": "ineffective",
              "failed": "failed", "skipped": "skipped"}.get(result.status, "skipped")
    detail = result.detail
    if result is winner:
        detail = f"{detail} (chosen)"
    elif serves:
        detail = f"{detail} (serves {', '.join(route.label for route in serves)})"
    else:
        detail = f"{detail}; {_why_lost(result, winner, routed)}".strip("; ")
    # The row's before/after: the run that decided (the final runoff) where it took part, else its
    # own paired comparison; at the primary shape, or, for a candidate that serves only other
    # shapes, at the first shape it serves.
    paired = "paired comparison with the baseline"
    if result is not winner and serves and all(route.label != primary for route in serves):
        shape, comparison, measured_in = serves[0].label, serves[0].comparison, paired
    elif result.runoff is not None:
        shape, comparison, measured_in = primary, result.runoff, "final runoff"
    else:
        shape, comparison, measured_in = primary, result.comparisons.get(primary), paired
    timing = _timing(comparison)
    return {
        "name": result.name,
        "status": status,
        "speedup": timing["speedup"],
        "pre_run_ms": timing["baseline_ms"],
        "post_run_ms": timing["optimized_ms"],
        "shape": shape if comparison is not None else None,
        "measured_in": measured_in if comparison is not None else None,
        # What the row's speedup meant before report_version 2: the geometric mean over the
        # shapes this candidate was measured at.
        "shape_set_speedup": _round(result.speedup),
        "detail": detail,
    }


def _kernels(original_path, chosen, primary_feeds) -> dict:
    from .kernels import openvino_kernel_table, ort_kernel_table
    from .candidates.base import ort_runtime

    table: dict[str, Any] = {}
    try:
        table["before"] = ort_kernel_table(original_path, ort_runtime(1, level="ORT_DISABLE_ALL"), primary_feeds)
        table["before"]["graph"] = "the exported graph, onnxruntime graph optimizations off, 1 thread"
    except Exception as exc:
        table["before"] = {"error": f"{type(exc).__name__}: {exc}"}
    # A routed package: the table is for the graph that answers the primary shape.
    chosen = chosen.extra.get("primary_candidate", chosen)
    try:
        if chosen.engine == "openvino":
            table["after"] = openvino_kernel_table(chosen.model_path, chosen.runtime)
            table["after"]["graph"] = "OpenVINO's compiled graph (layer counts; no per-layer times)"
        else:
            runtime = dict(chosen.runtime)
            runtime["session_options"] = dict(runtime["session_options"], intra_op_num_threads=1)
            table["after"] = ort_kernel_table(chosen.model_path, runtime, primary_feeds)
            table["after"]["graph"] = "the graph onnxruntime executes for the package, 1 thread"
    except Exception as exc:
        table["after"] = {"error": f"{type(exc).__name__}: {exc}"}
    return table


def build_report(*, recipe, budget, requested_budget, hardware, signature, shape_set, baseline_ms,
                 baseline_runtime, results, winner, chosen, message, data_source, original_model,
                 original_path, failures, threads, elapsed_s, cached, model_sha256, source_format,
                 workload, time_budget_s, primary_feeds, routes=(), output_kinds=None,
                 requested_time_budget_s=None, time_budget_raised_because=None) -> dict:
    primary = shape_label(shape_set[0])
    dynamic = any(not isinstance(d, int) for spec in signature["inputs"] for d in spec["shape"])
    # Each shape's numbers come from the candidate that serves it; the primary shape's from the
    # final runoff, the run the decision was made on.
    measured = {}
    if winner is not None:
        measured = dict(winner.comparisons)
        if winner.runoff is not None:
            measured[primary] = winner.runoff
    for route in routes:
        measured[route.label] = route.comparison
    shapes = []
    for shape in shape_set:
        label = shape_label(shape)
        if label in measured:
            shapes.append({"shape": shape, "label": label, **_timing(measured[label])})
        elif winner is None:  # the original answers this shape
            shapes.append({"shape": shape, "label": label, "baseline_ms": _round(baseline_ms.get(label)),
                           "optimized_ms": _round(baseline_ms.get(label)), "speedup": 1.0})
    for entry in shapes:
        served_by = next((route.result.name for route in routes if route.label == entry["label"]), None)
        entry["served_by"] = served_by or (winner.name if winner is not None else "original")
    # The headline is the primary shape's own before/after (the shape the user named first): a
    # user deciding, or a CI gate failing a build, on "1.9x faster" must see 1.9x at the shape
    # they asked about, not a mean that other shapes carried. The shape set's geometric mean is
    # the second, labelled figure.
    headline = next((entry for entry in shapes if entry["label"] == primary), {})
    if measured:
        geomean = float(np.exp(np.mean(np.log([entry["speedup"] for entry in shapes]))))
        overall = {"baseline_ms": headline.get("baseline_ms"), "optimized_ms": headline.get("optimized_ms"),
                   "speedup": headline.get("speedup"), "noise": _round(max(c.noise for c in measured.values())),
                   "shape_set_speedup": _round(geomean),
                   "median_speedup": _round(measured[primary].speedup) if primary in measured else None,
                   "quiet_speedup": _round(measured[primary].quiet_speedup) if primary in measured else None}
        serving = ([winner] if winner is not None else []) + [route.result for route in routes]
        # The package is as accurate as its least accurate graph.
        accuracy = min((r.accuracy for r in serving), key=lambda a: a.cosine).as_dict()
    else:
        overall = {"baseline_ms": _round(baseline_ms.get(primary)), "optimized_ms": _round(baseline_ms.get(primary)),
                   "speedup": 1.0, "noise": None, "shape_set_speedup": 1.0}
        # The original ships: every output is the original's own, and says which kind it was judged as.
        accuracy = {"metric": "cosine", "value": 1.0, "budget": budget, "max_abs_diff": 0.0, "cosine": 1.0,
                    "top1_agreement": None, "passes": True,
                    "per_output": {name: {**kind.describe_verdict(), "passes": True, "cosine": 1.0, "max_abs_diff": 0.0}
                                   for name, kind in (output_kinds or {}).items()}}
    overall.update({"shape": primary, "shape_set": [entry["label"] for entry in shapes],
                    "chosen": chosen.name, "engine": chosen.runtime.get("engine"),
                    "precision": chosen.precision,
                    "speedup_is": ("baseline_ms / optimized_ms at the primary shape (overall.shape): the medians "
                                   "of interleaved blocks, each the median of consecutive runs; median_speedup: "
                                   "the same; quiet_speedup: the ratio of 20th percentiles of the blocks; "
                                   "shape_set_speedup: the geometric mean of shapes[].speedup over "
                                   "overall.shape_set"),
                    "shipped_original": winner is None and not routes,
                    "routes": [{"shape": route.label, "candidate": route.result.name,
                                "speedup": _round(route.comparison.speedup),
                                "over_default": _round(route.gain_over_default)} for route in routes]})
    return {
        "report_version": REPORT_VERSION,
        "recipe": recipe,
        "model": {"sha256": model_sha256, "source_format": source_format, "workload": workload},
        "software_context": software_context(),
        "hardware_context": hardware,
        "diagnosis": {
            "shape_variation": "dynamic" if dynamic else "static",
            "test_data_source": data_source,
            "message": message,
            "threads": threads,
            "baseline": "the original model under onnxruntime defaults (ORT_ENABLE_ALL) with the same threads",
        },
        "optimizations": [_optimization_entry(r, winner, primary, routes) for r in results],
        "overall": overall,
        "kernels": _kernels(original_path, chosen, primary_feeds),
        "accuracy": dict(accuracy, budget=budget, requested_budget=requested_budget),
        "shapes": shapes,
        "candidates": [_candidate_entry(r, winner, routes) for r in results] + _from_cache(cached, results),
        "fallback_nodes": (chosen.extra or {}).get("fallback_nodes", []),
        "failures": failures + [{"name": r.name, "detail": r.reason} for r in results if r.status == "failed"],
        "timing": {"elapsed_s": _round(elapsed_s, 2), "time_budget_s": time_budget_s,
                   **({"requested_time_budget_s": requested_time_budget_s,
                       "time_budget_raised_because": time_budget_raised_because} if time_budget_raised_because else {}),
                   "cache_hit": bool(cached),
                   "cache_entry_measured_at": (cached or {}).get("when")},
        "runtime": chosen.runtime,
    }


def _from_cache(cached: dict | None, results) -> list[dict]:
    """On a tuning-cache hit only the earlier winners are rebuilt and re-measured; the rest of that
    first search is listed from the cache entry, marked as such, so the report still says what
    was tried and why it lost."""
    if not cached:
        return []
    rebuilt = {r.name for r in results}
    entries = []
    for entry in cached.get("candidates") or []:
        if entry.get("name") in rebuilt:
            continue
        why = entry.get("why_lost")
        entries.append({**{k: entry.get(k) for k in CACHED_CANDIDATE_FIELDS}, "from_cache": True,
                        "why_lost": f"(first run, from the tuning cache) {why}" if why else
                        "(first run, from the tuning cache)"})
    return entries
