"""The original graph under onnxruntime's defaults: the baseline, and what ships when nothing wins."""

from __future__ import annotations

from .base import BuildContext, Candidate, GraphPass, ort_runtime
from .spec import ORIGINAL, OriginalConfig


class Original(GraphPass[OriginalConfig]):
    config_type = OriginalConfig

    def _build(self, ctx: BuildContext, config: OriginalConfig) -> Candidate:
        return Candidate(
            spec=ORIGINAL,
            engine="onnxruntime",
            precision="fp32",
            model_path=ctx.model_path,
            runtime=ort_runtime(ctx.threads),
            detail="the original graph, onnxruntime defaults (ORT_ENABLE_ALL)",
        )


def original_model(ctx: BuildContext) -> Candidate:
    """The baseline itself: what ships when nothing wins."""
    return Original().build(ctx, OriginalConfig())
