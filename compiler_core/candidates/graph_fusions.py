"""fp32 graph rewrites beyond onnxruntime's built-in levels.

- onnxruntime.transformers' optimizer: fuses BERT-style attention, LayerNorm, GELU and
  embeddings into onnxruntime's contrib kernels (legacy TorchScript-exported graphs).
- onnxscript's rewriter, ort_fusions rule set: the same fusions for graphs from the
  dynamo exporter (SDPA), whose shapes onnxruntime's own fusions miss.
Both keep fp32 numerics (up to summation order).
"""

from __future__ import annotations

import copy
import logging

import onnx

from .base import BuildContext, Candidate, CandidateUnavailable, GraphPass, ort_runtime, save_model
from .spec import CandidateSpec, OnnxscriptFusionsConfig, OrtTransformersConfig

ATTENTION_OPS = ("Attention", "MultiHeadAttention", "GroupQueryAttention", "PackedAttention")
FUSED_OPS = ATTENTION_OPS + ("SkipLayerNormalization", "EmbedLayerNormalization", "BiasGelu", "FastGelu", "Gelu",
                             "LayerNormalization", "SkipSimplifiedLayerNormalization", "SimplifiedLayerNormalization")


def _fused_counts(model: onnx.ModelProto) -> dict[str, int]:
    counts: dict[str, int] = {}
    for node in model.graph.node:
        if node.op_type in FUSED_OPS:
            counts[node.op_type] = counts.get(node.op_type, 0) + 1
    return counts


def _without_attention(ctx: BuildContext) -> str | None:
    if ctx.workload != "transformer":
        return f"no attention in this {ctx.workload} graph: transformer fusions do not apply"
    return None


def _needs_attention_workload(ctx: BuildContext) -> None:
    reason = _without_attention(ctx)
    if reason is not None:
        raise CandidateUnavailable(reason)


def transformer_fused_model(ctx: BuildContext) -> onnx.ModelProto:
    """onnxruntime.transformers' BERT fusions (cached: INT8 candidates build on them)."""
    if "ort_transformers" in ctx.shared:
        return ctx.shared["ort_transformers"]
    _needs_attention_workload(ctx)
    from onnxruntime.transformers import optimizer

    logging.getLogger("onnxruntime.transformers").setLevel(logging.ERROR)
    # num_heads/hidden_size 0: detected from the graph. opt_level 0: only the python fusions;
    # the session still applies ORT_ENABLE_ALL at load time, on this machine.
    optimized = optimizer.optimize_model(copy.deepcopy(ctx.model), model_type="bert", num_heads=0, hidden_size=0, opt_level=0)
    model = optimized.model
    if not any(entry.domain == "com.microsoft" for entry in model.opset_import):
        # The fused contrib ops need their domain declared, or shape inference (and the quantizer) refuse the graph.
        model.opset_import.append(onnx.helper.make_opsetid("com.microsoft", 1))
    if not any(op in _fused_counts(model) for op in ATTENTION_OPS + ("SkipLayerNormalization",)):
        raise CandidateUnavailable("onnxruntime.transformers found no attention/LayerNorm pattern to fuse")
    ctx.shared["ort_transformers"] = model
    return model


class OrtTransformers(GraphPass[OrtTransformersConfig]):
    """onnxruntime.transformers' BERT fusions, run at onnxruntime's defaults."""

    config_type = OrtTransformersConfig

    def why_not(self, ctx: BuildContext, config: OrtTransformersConfig) -> str | None:
        return _without_attention(ctx)

    def _build(self, ctx: BuildContext, config: OrtTransformersConfig) -> Candidate:
        return _fused_candidate(ctx, CandidateSpec(graph=config), transformer_fused_model(ctx),
                                "onnxruntime.transformers BERT fusions")


def _fused_candidate(ctx: BuildContext, spec: CandidateSpec, model: onnx.ModelProto, what: str,
                     fused: dict[str, int] | None = None) -> Candidate:
    path = save_model(model, ctx.path_for(spec.name))
    fused = fused if fused is not None else _fused_counts(model)
    return Candidate(
        spec=spec, engine="onnxruntime", precision="fp32", model_path=path,
        runtime=ort_runtime(ctx.threads),
        detail=f"{what}: " + ", ".join(f"{k} x{v}" for k, v in sorted(fused.items())),
        extra={"fused": fused},
    )


def onnxscript_fused_model(ctx: BuildContext) -> onnx.ModelProto:
    if "onnxscript_fusions" in ctx.shared:
        return ctx.shared["onnxscript_fusions"]
    _needs_attention_workload(ctx)
    import onnx_ir as ir
    from onnxscript import optimizer as script_optimizer
    from onnxscript.rewriter import ort_fusions

    model = ir.from_proto(ctx.model)
    script_optimizer.optimize(model)  # constant folding and shape simplification first: fusions match more
    model, counts = ort_fusions.optimize_for_ort(model)
    applied = {name: n for name, n in counts.items() if n}
    if not applied:
        raise CandidateUnavailable("onnxscript's ort_fusions rules matched nothing in this graph")
    proto = ir.to_proto(model)
    ctx.shared["onnxscript_fusions"] = proto
    ctx.shared["onnxscript_fusions_counts"] = applied
    return proto


class OnnxscriptFusions(GraphPass[OnnxscriptFusionsConfig]):
    """onnxscript's ort_fusions rules (dynamo-exported graphs), run at onnxruntime's defaults."""

    config_type = OnnxscriptFusionsConfig

    def why_not(self, ctx: BuildContext, config: OnnxscriptFusionsConfig) -> str | None:
        return _without_attention(ctx)

    def _build(self, ctx: BuildContext, config: OnnxscriptFusionsConfig) -> Candidate:
        proto = onnxscript_fused_model(ctx)
        return _fused_candidate(ctx, CandidateSpec(graph=config), proto, "onnxscript rewriter ort_fusions",
                                fused=ctx.shared["onnxscript_fusions_counts"])
