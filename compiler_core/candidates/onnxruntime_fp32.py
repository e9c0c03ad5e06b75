"""The original graph under onnxruntime's defaults: the baseline, and what ships when nothing wins."""

from __future__ import annotations

from .base import BuildContext, Candidate, ort_runtime


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
