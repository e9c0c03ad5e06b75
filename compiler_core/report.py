"""The report (shape from DESIGN.md, after PAI-Blade's optimization report)."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from .hardware import software_context
from .shapes import shape_label

REPORT_VERSION = 1


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


def _optimization_entry(result, winner, primary: str, routes=()) -> dict:
    routed = [route.result for route in routes]
    is_routed = any(result is r for r in routed)
    effective = result.wins() or is_routed
    status = {"passed": "effective" if effective else "ineffective", "rejected": "ineffective",
              "failed": "failed", "skipped": "skipped"}.get(result.status, "skipped")
    comparison = result.comparisons.get(primary)
    detail = result.detail
    if result is winner:
        detail = f"{detail} (chosen)"
    elif is_routed:
        detail = f"{detail} (serves {', '.join(r.label for r in routes if r.result is result)})"
    elif result.status != "passed" or not result.wins():
        detail = f"{detail}; {_why_lost(result, winner, routed)}".strip("; ")
    return {
        "name": result.name,
        "status": status,
        "speedup": _round(result.speedup),
        "pre_run_ms": _round(comparison.baseline.percentile(50)) if comparison else None,
        "post_run_ms": _round(comparison.candidate.percentile(50)) if comparison else None,
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
                 workload, time_budget_s, primary_feeds, routes=()) -> dict:
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
            comparison = measured[label]
            shapes.append({"shape": shape, "label": label, "baseline_ms": _round(comparison.baseline.percentile(50)),
                           "optimized_ms": _round(comparison.candidate.percentile(50)),
                           "speedup": _round(comparison.speedup)})
        elif winner is None:  # the original answers this shape
            shapes.append({"shape": shape, "label": label, "baseline_ms": _round(baseline_ms.get(label)),
                           "optimized_ms": _round(baseline_ms.get(label)), "speedup": 1.0})
    for entry in shapes:
        served_by = next((route.result.name for route in routes if route.label == entry["label"]), None)
        entry["served_by"] = served_by or (winner.name if winner is not None else "original")
    if measured:
        geomean = float(np.exp(np.mean(np.log([entry["speedup"] for entry in shapes]))))
        overall = {"baseline_ms": shapes[0]["baseline_ms"], "optimized_ms": shapes[0]["optimized_ms"],
                   "speedup": _round(geomean), "noise": _round(max(c.noise for c in measured.values())),
                   "median_speedup": _round(measured[primary].speedup) if primary in measured else None,
                   "quiet_speedup": _round(measured[primary].quiet_speedup) if primary in measured else None}
        serving = ([winner] if winner is not None else []) + [route.result for route in routes]
        # The package is as accurate as its least accurate graph.
        accuracy = min((r.accuracy for r in serving), key=lambda a: a.cosine).as_dict()
    else:
        overall = {"baseline_ms": _round(baseline_ms.get(primary)), "optimized_ms": _round(baseline_ms.get(primary)),
                   "speedup": 1.0, "noise": None}
        accuracy = {"metric": "cosine", "value": 1.0, "budget": budget, "max_abs_diff": 0.0, "cosine": 1.0,
                    "top1_agreement": None, "passes": True}
    overall.update({"shape": primary, "chosen": chosen.name, "engine": chosen.runtime.get("engine"),
                    "precision": chosen.precision,
                    "speedup_is": ("geometric mean over the shape set of the ratios of median block latencies "
                                   "(interleaved blocks, each the median of consecutive runs); median_speedup: "
                                   "the same at the primary shape; quiet_speedup: the ratio of 20th percentiles"),
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
        "timing": {"elapsed_s": _round(elapsed_s, 2), "time_budget_s": time_budget_s, "cache_hit": bool(cached),
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
