"""INT8 accuracy fallback: keep the nodes that cost the most accuracy in fp32.

Sensitivity is measured, not guessed: each quantized node's output is compared with
the fp32 original's value of the same tensor on the same inputs, minus the error
already on its inputs. After each fallback step the ranking is measured again,
because keeping one node in fp32 changes what its successors see (an outlier
activation can make the next layer's quantization the new culprit). Nodes fall back
in growing steps (1, 2, 4, ...) until the budget holds; past half of the quantizable
nodes the candidate is rejected, since it would be an fp32 model paying for
quantize/dequantize.
"""

from __future__ import annotations

import time

from . import accuracy as acc
from .runtime import open_model

MAX_FALLBACK_SHARE = 0.5
# Sensitivity is ranked on this many accuracy batches (each costs two extra model runs).
RANKING_BATCHES = 2


def fallback_until_budget(pipeline, result, candidate, ctx, accuracy_feeds, reference, runner):
    rank = candidate.extra.get("rank_sensitivity")
    if rank is None:
        return runner, candidate
    excluded: list[str] = []
    quantizable = None
    step = 1
    step_seconds = 0.0
    stopped = ""
    while not result.accuracy.passes:
        pipeline.check_cancel()
        # Each step re-ranks and rebuilds (NNCF re-calibrates): on a real encoder that is a minute
        # per candidate on 2 cores, so a step that would not finish in the budget is not started.
        remaining = pipeline.deadline.remaining()
        if remaining is not None and (remaining <= 0 or not pipeline.deadline.allows(step_seconds)):
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
        excluded = excluded + ranking[: min(step, limit - len(excluded))]
        step *= 2
        pipeline.progress("accuracy", 0, f"{result.name}: keeping {len(excluded)} sensitive node(s) in fp32")
        candidate = candidate.rebuild_excluding(excluded)
        runner = open_model(candidate.model_path, candidate.runtime, ctx.signature)
        result.accuracy = acc.compare_outputs(reference, [runner.run(f) for f in accuracy_feeds], result.accuracy.budget)
        step_seconds = time.monotonic() - started
    candidate.extra["fallback_nodes"] = list(excluded)
    candidate.extra["fallback_stopped_by_time_budget"] = bool(stopped)
    result.candidate = candidate
    result.detail = candidate.detail + (f"; {len(excluded)} node(s) kept in fp32: {', '.join(excluded[:10])}"
                                        if excluded else "") + stopped
    return runner, candidate
