"""Session tuning: the same graph under different engine settings.

Applied to the best graph found (not only the original), because the right thread
count and execution mode depend on the kernels the graph ends up with.
"""

from __future__ import annotations

import copy

from .base import BuildContext, Candidate


def _variant(base: Candidate, suffix: str, detail: str, change) -> Candidate:
    runtime = copy.deepcopy(base.runtime)
    change(runtime)
    return Candidate(name=f"{base.name}+{suffix}", engine=base.engine, precision=base.precision,
                     model_path=base.model_path, runtime=runtime, detail=f"{base.detail}; {detail}",
                     extra=dict(base.extra))


def session_variants(base: Candidate, ctx: BuildContext) -> list[Candidate]:
    variants: list[Candidate] = []
    if base.engine == "onnxruntime":
        options = lambda r: r["session_options"]  # noqa: E731
        if ctx.threads >= 2:
            variants.append(_variant(base, "single_thread", "one intra-op thread (less synchronisation on small kernels)",
                                     lambda r: options(r).update(intra_op_num_threads=1)))
            variants.append(_variant(base, "no_spinning", "intra-op threads do not spin while waiting",
                                     lambda r: options(r)["config_entries"].update({"session.intra_op.allow_spinning": "0"})))
        if options(base.runtime).get("graph_optimization_level") == "ORT_ENABLE_ALL":
            # ENABLE_ALL adds layout transforms (NCHWc blocking) whose reorders can cost more than
            # they save on small tensors, and on graphs another fuser already rewrote.
            variants.append(_variant(base, "extended_graph", "graph level ORT_ENABLE_EXTENDED (no layout transforms)",
                                     lambda r: options(r).update(graph_optimization_level="ORT_ENABLE_EXTENDED")))
            variants.append(_variant(base, "basic_graph", "graph level ORT_ENABLE_BASIC (constant folding and "
                                     "redundant-node removal only)",
                                     lambda r: options(r).update(graph_optimization_level="ORT_ENABLE_BASIC")))
        if ctx.threads >= 2 and len(ctx.signature["outputs"]) >= 2:
            # Only graphs with several heads have branches to run concurrently; elsewhere the
            # inter-op pool only adds hand-offs (measured: up to 100x slower on a busy host).
            variants.append(_variant(base, "parallel", "ORT_PARALLEL execution mode, 2 inter-op threads",
                                     lambda r: options(r).update(execution_mode="ORT_PARALLEL", inter_op_num_threads=2)))
    elif base.engine == "openvino":
        if ctx.threads >= 2:
            variants.append(_variant(base, "single_thread", "one inference thread",
                                     lambda r: r["config"].update(INFERENCE_NUM_THREADS=1)))
        variants.append(_variant(base, "no_hyperthreading", "physical cores only, no CPU pinning",
                                 lambda r: r["config"].update(ENABLE_HYPER_THREADING=False, ENABLE_CPU_PINNING=False)))
    return variants
