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


def _why_lost(result, winner) -> str | None:
    if winner is not None and result is winner:
        return None
    if result.status != "passed":
        return result.reason or result.status
    if result.confirmation is not None and not result.confirmation.significant_gain:
        return (f"won the runoff ({result.runoff_speedup:.3f}x) but the confirmation run measured "
                f"{result.confirmation.speedup:.3f}x (median {result.confirmation.median_speedup:.3f}x): "
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


def _candidate_entry(result, winner) -> dict:
    extra = result.candidate.extra if result.candidate else {}
    return {
        "name": result.name,
        "engine": result.engine or None,
        "precision": result.precision or None,
        "status": "chosen" if result is winner else (
            "lost" if result.status == "passed" else result.status),
        "speedup": _round(result.speedup),
        "runoff_speedup": _round(result.runoff_speedup),
        "confirmation_speedup": _round(result.confirmation.speedup) if result.confirmation else None,
        "noise": _round(result.noise) if result.comparisons else None,
        "latency": {label: c.candidate.as_dict() for label, c in result.comparisons.items()},
        "baseline_latency": {label: c.baseline.as_dict() for label, c in result.comparisons.items()},
        "accuracy": result.accuracy.as_dict() if result.accuracy else None,
        "why_lost": _why_lost(result, winner),
        "detail": result.detail,
        "build_seconds": _round(result.build_seconds, 3),
        "fallback_nodes": extra.get("fallback_nodes", []),
    }


def _optimization_entry(result, winner, primary: str) -> dict:
    status = {"passed": "effective" if result.wins() else "ineffective", "rejected": "ineffective",
              "failed": "failed", "skipped": "skipped"}.get(result.status, "skipped")
    comparison = result.comparisons.get(primary)
    detail = result.detail
    if result is winner:
        detail = f"{detail} (chosen)"
    elif result.status != "passed" or not result.wins():
        detail = f"{detail}; {_why_lost(result, winner)}".strip("; ")
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
                 workload, time_budget_s, primary_feeds) -> dict:
    primary = shape_label(shape_set[0])
    dynamic = any(not isinstance(d, int) for spec in signature["inputs"] for d in spec["shape"])
    if winner is not None:
        # The primary shape's numbers come from the final runoff: the run the decision was made on.
        measured = dict(winner.comparisons)
        if winner.runoff is not None:
            measured[primary] = winner.runoff
        shapes = [{"shape": shape, "label": shape_label(shape),
                   "baseline_ms": _round(measured[shape_label(shape)].baseline.percentile(50)),
                   "optimized_ms": _round(measured[shape_label(shape)].candidate.percentile(50)),
                   "speedup": _round(measured[shape_label(shape)].speedup)}
                  for shape in shape_set if shape_label(shape) in measured]
        geomean = float(np.exp(np.mean(np.log([c.speedup for c in measured.values()]))))
        overall = {"baseline_ms": shapes[0]["baseline_ms"], "optimized_ms": shapes[0]["optimized_ms"],
                   "speedup": _round(geomean), "noise": _round(max(c.noise for c in measured.values())),
                   "median_speedup": _round(measured[primary].median_speedup) if primary in measured else None}
        accuracy = winner.accuracy.as_dict()
    else:
        shapes = [{"shape": shape, "label": shape_label(shape), "baseline_ms": _round(baseline_ms.get(shape_label(shape))),
                   "optimized_ms": _round(baseline_ms.get(shape_label(shape))), "speedup": 1.0} for shape in shape_set]
        overall = {"baseline_ms": _round(baseline_ms.get(primary)), "optimized_ms": _round(baseline_ms.get(primary)),
                   "speedup": 1.0, "noise": None}
        accuracy = {"metric": "cosine", "value": 1.0, "budget": budget, "max_abs_diff": 0.0, "cosine": 1.0,
                    "top1_agreement": None, "passes": True}
    overall.update({"shape": primary, "chosen": chosen.name, "engine": chosen.runtime.get("engine"),
                    "precision": chosen.precision,
                    "speedup_is": ("geometric mean over the shape set of quiet-latency ratios (20th percentile "
                                   "of interleaved block medians); median_speedup: the same at the median"),
                    "shipped_original": winner is None})
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
        "optimizations": [_optimization_entry(r, winner, primary) for r in results],
        "overall": overall,
        "kernels": _kernels(original_path, chosen, primary_feeds),
        "accuracy": dict(accuracy, budget=budget, requested_budget=requested_budget),
        "shapes": shapes,
        "candidates": [_candidate_entry(r, winner) for r in results],
        "fallback_nodes": (chosen.extra or {}).get("fallback_nodes", []),
        "failures": failures + [{"name": r.name, "detail": r.reason} for r in results if r.status == "failed"],
        "timing": {"elapsed_s": _round(elapsed_s, 2), "time_budget_s": time_budget_s, "cache_hit": cached},
        "runtime": chosen.runtime,
    }
