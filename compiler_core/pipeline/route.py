"""Step 5, route: each measured shape is served by the candidate that was fastest there.

No single candidate is best at every shape. Measured on this project's depthwise CNN,
onnxruntime's static QDQ graph was the fastest at batch 1 but no faster than fp32 at
batch 4, where OpenVINO INT8 won; asking one candidate to be safe at every shape gave
the batch-1 caller OpenVINO's slower answer. So the package keeps one *default*
candidate that is never slower at any shape of the set (it also answers every shape
outside the set), and routes a measured shape to another candidate only on evidence:

- the primary shape: the candidate won the final interleaved runoff against the
  default (same run, beyond the noise) and passed its own confirmation run;
- any other shape: its paired comparison with the baseline there is a significant
  gain, and it beats the default's ratio at that shape by more than both notches.

A routed shape is a `specializations` entry in runtime.json carrying the candidate's
own `runtime` (engine and options), so serving needs nothing new: the runner already
dispatches on each call's exact input shapes.
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass
from typing import Any

from ..candidates.base import BuildContext, Candidate
from ..candidates.onnxruntime_fp32 import original_model
from ..measure import Comparison
from ..shapes import shape_label
from ..signature import concrete_shape

# A route must gain at least this much over the shape's default to be worth a second graph in memory.
ROUTE_MARGIN = 0.05
# Each routed candidate holds its own copy of the weights while serving.
MAX_ROUTED_CANDIDATES = 2


@dataclass
class Route:
    label: str
    shape: dict[str, int]
    result: Any                  # the CandidateResult that serves this shape
    comparison: Comparison       # its evidence against the baseline at this shape
    default_speedup: float       # what the default candidate (or the original, 1.0) gave here

    @property
    def gain_over_default(self) -> float:
        return self.comparison.speedup / self.default_speedup


@dataclass
class Routing:
    default: Any                 # the CandidateResult that answers every shape not routed, or None: the original
    routes: list[Route]
    chosen: Candidate            # what the package runs: the default's candidate with the routes


def plan_routes(ctx: BuildContext, shape_set: list[dict[str, int]], results, default,
          primary_route) -> Routing:
    """The routes (the primary shape's from the runoff, the others' from the paired comparisons) and
    the candidate the package runs."""
    labels = [shape_label(s) for s in shape_set]
    routes = []
    if primary_route is not None:
        routes.append(Route(label=labels[0], shape=shape_set[0], result=primary_route,
                            comparison=primary_route.runoff,
                            default_speedup=default.runoff_speedup if default is not None else 1.0))
    if len(shape_set) > 1:
        routes += plan_other_shapes(shape_set, labels, default, results, routes)
    default_candidate = default.candidate if default is not None else original_model(ctx)
    chosen = default_candidate
    if routes:
        chosen = routed_candidate(default_candidate, routes, ctx.signature, labels[0])
    return Routing(default=default, routes=routes, chosen=chosen)


def _noise_at(result, label: str) -> float:
    comparison = result.comparisons.get(label) if result is not None else None
    return comparison.noise if comparison is not None else 0.0


def plan_other_shapes(shape_set: list[dict[str, int]], labels: list[str], default, results,
                      already: list[Route]) -> list[Route]:
    """Routes for the non-primary shapes, from each candidate's paired comparison there."""
    routes: list[Route] = []
    routed = {id(r.result) for r in already}
    for shape, label in list(zip(shape_set, labels))[1:]:
        default_speedup = default.comparisons[label].speedup if default is not None else 1.0
        best, best_comparison = None, None
        for result in results:
            comparison = result.comparisons.get(label)
            if (result is default or result.status != "passed" or comparison is None
                    or not comparison.significant_gain):
                continue
            if best_comparison is None or comparison.speedup > best_comparison.speedup:
                best, best_comparison = result, comparison
        if best is None:
            continue
        margin = max(ROUTE_MARGIN, math.hypot(best_comparison.noise, _noise_at(default, label)))
        if best_comparison.speedup <= default_speedup * (1.0 + margin):
            continue
        if id(best) not in routed and len(routed) >= MAX_ROUTED_CANDIDATES:
            continue
        routed.add(id(best))
        routes.append(Route(label=label, shape=shape, result=best, comparison=best_comparison,
                            default_speedup=default_speedup))
    return routes


def beats_in_runoff(challenger, default) -> bool:
    """Did `challenger` beat `default` (the original where None) in the same interleaved runoff, beyond
    both notches and by ROUTE_MARGIN? Over the original too: the route is a second graph in memory
    beside it all the same, and the other shapes' routes ask the margin over the original as well
    (a primary route at 1.047x over the original shipped in a CI run at d708754)."""
    if default is None:
        head_to_head = challenger.runoff
    else:
        head_to_head = Comparison(baseline=default.runoff.candidate, candidate=challenger.runoff.candidate,
                                  baseline_blocks=default.runoff.candidate_blocks,
                                  candidate_blocks=challenger.runoff.candidate_blocks)
    return head_to_head.significant_gain and head_to_head.speedup > 1.0 + ROUTE_MARGIN


def _stem(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def routed_candidate(default: Candidate, routes: list[Route], signature: dict[str, Any], primary_label: str) -> Candidate:
    """The default candidate's package, with each routed shape answered by its own winner."""
    routed_labels = {route.label for route in routes}
    runtime = copy.deepcopy(default.runtime)
    specializations = [s for s in runtime.get("specializations") or [] if s["shape"] not in routed_labels]
    files = dict(default.extra.get("package_files", {}))
    for index, route in enumerate(routes):
        candidate = route.result.candidate
        own = next((s for s in candidate.runtime.get("specializations") or [] if s["shape"] == route.label), None)
        source = candidate.extra["package_files"][own["model"]] if own else candidate.model_path
        file_name = f"route{index}.{_stem(candidate.name)}.onnx"
        files[file_name] = source
        route_runtime = {k: v for k, v in copy.deepcopy(candidate.runtime).items() if k != "specializations"}
        route_runtime["model"] = file_name
        specializations.append({
            "shape": route.label,
            "input_shapes": {spec["name"]: concrete_shape(spec, route.shape) for spec in signature["inputs"]},
            "model": file_name,
            "candidate": candidate.name,
            "runtime": route_runtime,
        })
    runtime["specializations"] = specializations
    serving = [default] + [route.result.candidate for route in routes]
    precisions = {c.precision for c in serving}
    extra = dict(default.extra, package_files=files, routes=[
        {"shape": route.label, "candidate": route.result.name, "speedup": round(route.comparison.speedup, 4),
         "default_speedup": round(route.default_speedup, 4)} for route in routes])
    primary = next((route.result.candidate for route in routes if route.label == primary_label), None)
    if primary is not None:
        extra["primary_candidate"] = primary
    described = "; ".join(f"{route.label} -> {route.result.name}" for route in routes)
    return Candidate(
        spec=default.spec,
        label=f"{default.name}+routes[{described}]",
        engine=default.engine,
        precision=precisions.pop() if len(precisions) == 1 else "mixed",
        model_path=default.model_path,
        runtime=runtime,
        detail=f"{default.detail}; shapes routed to their own winners: {described}",
        extra=extra,
    )
