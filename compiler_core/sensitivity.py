"""INT8 accuracy fallback: keep the nodes that cost the most accuracy in fp32.

Sensitivity is measured, not guessed: each quantized node's output is compared with
the fp32 original's value of the same tensor on the same inputs; nodes are excluded
from quantization in order of decreasing error, in growing batches, until the
candidate meets the budget or too much of the graph is back in fp32 to be worth it.
"""

from __future__ import annotations

from . import accuracy as acc
from .runtime import open_model

# Give up when more than this share of the quantizable nodes is back in fp32: the
# candidate would be an fp32 model with quantize/dequantize overhead.
MAX_FALLBACK_SHARE = 0.5


def fallback_until_budget(pipeline, result, candidate, ctx, accuracy_feeds, reference, runner):
    ranking = candidate.extra.get("sensitivity")
    if ranking is None:
        ranking_fn = candidate.extra.get("rank_sensitivity")
        if ranking_fn is None:
            return runner, candidate
        ranking = ranking_fn(accuracy_feeds[:2])
    quantizable = max(1, len(ranking))
    excluded: list[str] = []
    step = 1
    while not result.accuracy.passes and len(excluded) < quantizable * MAX_FALLBACK_SHARE:
        pipeline.check_cancel()
        excluded = ranking[: len(excluded) + step]
        step *= 2  # 1, 2, 4, ... nodes more each round: few rebuilds even for large graphs
        pipeline.progress("accuracy", 50, f"{result.name}: keeping {len(excluded)} sensitive node(s) in fp32")
        candidate = candidate.rebuild_excluding(excluded)
        runner = open_model(candidate.model_path, candidate.runtime, ctx.signature)
        result.accuracy = acc.compare_outputs(reference, [runner.run(f) for f in accuracy_feeds], result.accuracy.budget)
    candidate.extra["fallback_nodes"] = list(excluded)
    result.candidate = candidate
    result.detail = candidate.detail + (f"; {len(excluded)} node(s) kept in fp32" if excluded else "")
    return runner, candidate
