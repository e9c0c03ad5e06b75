"""fp32 candidates on onnxruntime: its own graph levels, and session tuning.

The original graph under onnxruntime's defaults is the baseline; these variants
change only how the session runs it, so they are lossless by construction.
"""

from __future__ import annotations

from .base import BuildContext, Candidate, CandidateUnavailable, ort_runtime


def original_model(ctx: BuildContext) -> Candidate:
    """The baseline itself: what ships when nothing wins."""
    return Candidate(
        name="original",
        engine="onnxruntime",
        precision="fp32",
        model_path=ctx.model_path,
        runtime=ort_runtime(ctx.threads),
        detail="the original graph, onnxruntime defaults (ORT_ENABLE_ALL)",
    )


def ort_parallel_execution(ctx: BuildContext) -> Candidate:
    """Independent branches (multi-head detectors, two-tower models) can run concurrently."""
    if ctx.threads < 2:
        raise CandidateUnavailable("parallel execution needs at least 2 threads")
    return Candidate(
        name="ort_parallel_execution",
        engine="onnxruntime",
        precision="fp32",
        model_path=ctx.model_path,
        runtime=ort_runtime(ctx.threads, mode="ORT_PARALLEL", inter_threads=2),
        detail="ORT_PARALLEL execution mode, 2 inter-op threads",
    )


def ort_no_spinning(ctx: BuildContext) -> Candidate:
    """Spinning worker threads burn cycles other work on a shared host needs; small models can win without it."""
    if ctx.threads < 2:
        raise CandidateUnavailable("spinning only matters with more than one intra-op thread")
    return Candidate(
        name="ort_no_spinning",
        engine="onnxruntime",
        precision="fp32",
        model_path=ctx.model_path,
        runtime=ort_runtime(ctx.threads, config_entries={"session.intra_op.allow_spinning": "0"}),
        detail="intra-op threads do not spin while waiting",
    )


def ort_single_thread(ctx: BuildContext) -> Candidate:
    """Tiny models lose more to thread hand-off than they gain from a second core."""
    if ctx.threads < 2:
        raise CandidateUnavailable("already single-threaded")
    return Candidate(
        name="ort_single_thread",
        engine="onnxruntime",
        precision="fp32",
        model_path=ctx.model_path,
        runtime=ort_runtime(1),
        detail="one intra-op thread (less synchronisation on small kernels)",
    )
