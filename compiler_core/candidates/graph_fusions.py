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

from .base import BuildContext, Candidate, CandidateUnavailable, ort_runtime, save_model

ATTENTION_OPS = ("Attention", "MultiHeadAttention", "GroupQueryAttention", "PackedAttention")
FUSED_OPS = ATTENTION_OPS + ("SkipLayerNormalization", "EmbedLayerNormalization", "BiasGelu", "FastGelu", "Gelu",
                             "LayerNormalization", "SkipSimplifiedLayerNormalization", "SimplifiedLayerNormalization")


def _fused_counts(model: onnx.ModelProto) -> dict[str, int]:
    counts: dict[str, int] = {}
    for node in model.graph.node:
        if node.op_type in FUSED_OPS:
            counts[node.op_type] = counts.get(node.op_type, 0) + 1
    return counts


def _needs_attention_workload(ctx: BuildContext) -> None:
    if ctx.workload != "transformer":
        raise CandidateUnavailable(f"no attention in this {ctx.workload} graph: transformer fusions do not apply")


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


def ort_transformers(ctx: BuildContext) -> Candidate:
    model = transformer_fused_model(ctx)
    path = save_model(model, ctx.path_for("ort_transformers"))
    fused = _fused_counts(model)
    return Candidate(
        name="ort_transformers", engine="onnxruntime", precision="fp32", model_path=path,
        runtime=ort_runtime(ctx.threads),
        detail="onnxruntime.transformers BERT fusions: " + ", ".join(f"{k} x{v}" for k, v in sorted(fused.items())),
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


def onnxscript_fusions(ctx: BuildContext) -> Candidate:
    proto = onnxscript_fused_model(ctx)
    path = save_model(proto, ctx.path_for("onnxscript_fusions"))
    applied = ctx.shared["onnxscript_fusions_counts"]
    return Candidate(
        name="onnxscript_fusions", engine="onnxruntime", precision="fp32", model_path=path,
        runtime=ort_runtime(ctx.threads),
        detail="onnxscript rewriter ort_fusions: " + ", ".join(f"{k} x{v}" for k, v in sorted(applied.items())),
        extra={"fused": applied},
    )
