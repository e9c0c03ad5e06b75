"""INT8 accuracy fallback: keep the nodes that cost the most accuracy in fp32.

Sensitivity is measured, not guessed: each quantized node's output is compared with
the fp32 original's value of the same tensor on the same inputs, minus the error
already on its inputs. After each fallback step the ranking is measured again,
because keeping one node in fp32 changes what its successors see (an outlier
activation can make the next layer's quantization the new culprit). Nodes fall back
in growing steps (1, 2, 4, ...) until the budget holds; past half of the quantizable
nodes the candidate is rejected, since it would be an fp32 model paying for
quantize/dequantize.

Before any ranking, the heads of the outputs that miss the budget are tried in float, alone: the
last quantizable layers on every path to such an output (a detector's box and class convolutions
before its decode, a classifier's last Gemm before the softmax). Their error reaches the output
undamped, the verdicts that fail are about them (class scores, decoded symbols, detections), and
the ranking by local error, which sees every node alike, reaches them last on a deep backbone.
When the heads alone are not enough they are quantized again and the ranking decides.
"""

from __future__ import annotations

import time
from collections import deque

import onnx

from . import accuracy as acc
from .runtime import open_model

MAX_FALLBACK_SHARE = 0.5
# Sensitivity is ranked on this many accuracy batches (each costs two extra model runs).
RANKING_BATCHES = 2


def fallback_until_budget(pipeline, result, candidate, ctx, accuracy_feeds, reference, runner, reserve_s: float = 0.0):
    """`reserve_s`: the time at the end of the budget that no step may start into (the runoff's)."""
    rank = candidate.extra.get("rank_sensitivity")
    if rank is None:
        return runner, candidate
    excluded: list[str] = []
    quantizable = None
    step = 1
    # Each step rebuilds the candidate: until one has run, its build is what a step is expected to take.
    step_seconds = float(getattr(result, "build_seconds", 0.0) or 0.0)
    stopped = ""
    heads: list[str] = []
    heads_tried = False
    failing = [name for name, entry in result.accuracy.per_output.items() if not entry.get("passes", False)]

    def rebuilt(nodes: list[str]):
        pipeline.progress("accuracy", 0, f"{result.name}: keeping {len(nodes)} sensitive node(s) in fp32")
        built = candidate.rebuild_excluding(nodes)
        opened = open_model(built.model_path, built.runtime, ctx.signature)
        verdict = acc.compare_outputs(reference, [opened.run(f) for f in accuracy_feeds], result.accuracy.budget,
                                      result.accuracy.kinds)
        return built, opened, verdict

    while not result.accuracy.passes:
        pipeline.check_cancel()
        # Each step re-ranks and rebuilds (NNCF re-calibrates): on a real encoder that is a minute
        # per candidate on 2 cores, so a step that would not finish in the budget is not started, nor
        # one that would run into the reserve: openvino_int8's twelve nodes kept in fp32 took all-MiniLM-L6's
        # search from 56 s to 84 s of a 90 s budget, and its runoff to 106 s.
        remaining = pipeline.deadline.remaining()
        if remaining is not None and (remaining <= reserve_s or not pipeline.deadline.allows(step_seconds + reserve_s)):
            stopped = "; fallback stopped by the time budget"
            break
        started = time.monotonic()
        ranking = [name for name in candidate.extra["rank_sensitivity"](accuracy_feeds[:RANKING_BATCHES])
                   if name not in excluded]
        if quantizable is None:
            quantizable = len(ranking)
        limit = int(quantizable * MAX_FALLBACK_SHARE)
        if not ranking or len(excluded) >= limit:
            break
        if not heads_tried and failing:
            # The heads alone, once: kept only when they are enough, so that a culprit elsewhere (an
            # outlier layer in the backbone) does not also cost the head its INT8 kernels.
            heads_tried = True
            heads = [name for name in head_nodes(ctx.model, failing, set(ranking))][:limit]
            if heads:
                tried = rebuilt(heads)
                step_seconds = time.monotonic() - started
                if tried[2].passes:
                    candidate, runner, result.accuracy = tried
                    excluded = list(heads)
                    break
                heads = []
                continue
        excluded = excluded + ranking[: min(step, limit - len(excluded))]
        step *= 2
        candidate, runner, result.accuracy = rebuilt(excluded)
        step_seconds = time.monotonic() - started
    candidate.extra["fallback_nodes"] = list(excluded)
    candidate.extra["fallback_stopped_by_time_budget"] = bool(stopped)
    candidate.extra["fallback_heads"] = list(heads)
    result.candidate = candidate
    kept = f"; {len(excluded)} node(s) kept in fp32: {', '.join(excluded[:10])}" if excluded else ""
    if heads:
        kept += f" (the head{'s' if len(failing) > 1 else ''} of {', '.join(failing)})"
    result.detail = candidate.detail + kept + stopped
    return runner, candidate


# How far back from an output a head is looked for (nodes visited per output).
HEAD_SEARCH_LIMIT = 400


def head_nodes(model: onnx.ModelProto, outputs: list[str], quantizable: set[str]) -> list[str]:
    """The quantizable nodes nearest to each of `outputs`: walking back from the output through
    nodes that are not quantizable (decode, concat, softmax, sigmoid, reshapes), the first
    quantizable node on every path, and no further. In the order found, without repeats."""
    producer = {tensor: node for node in model.graph.node for tensor in node.output}
    found: list[str] = []
    for output in outputs:
        queue, seen, visited = deque([output]), {output}, 0
        while queue and visited < HEAD_SEARCH_LIMIT:
            node = producer.get(queue.popleft())
            if node is None:
                continue  # a graph input or an initializer
            visited += 1
            if node.name in quantizable:
                if node.name not in found:
                    found.append(node.name)
                continue
            for tensor in node.input:
                if tensor and tensor not in seen:
                    seen.add(tensor)
                    queue.append(tensor)
    return found
