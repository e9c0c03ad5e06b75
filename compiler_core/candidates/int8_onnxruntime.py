"""INT8 on onnxruntime: dynamic (weights INT8, activations quantized per call) and static QDQ.

Choices follow the ISA: with VNNI (or AMX) the u8s8 dot product has no overflow
problem, so the full 8-bit range is used; without it reduce_range keeps weights to
7 bits so VPMADDUBSW cannot saturate. Dynamic INT8 is only offered where it pays:
on convolutions onnxruntime's ConvInteger measured 2-12x slower than fp32 here.
"""

from __future__ import annotations

import copy
import logging

import numpy as np
import onnx

from .base import BuildContext, Candidate, CandidateUnavailable, GraphPass, ort_runtime
from .spec import CandidateSpec, Int8DynamicConfig, Int8StaticConfig
from ..model_kind import op_histogram
from .graph_fusions import onnxscript_fused_model, transformer_fused_model

# Dynamic quantization pays off for these ops (MatMul-heavy workloads); not for Conv.
DYNAMIC_OPS = ["MatMul", "Gemm", "Attention", "LSTM", "EmbedLayerNormalization", "Gather"]
STATIC_OPS = ["Conv", "MatMul", "Gemm"]


def static_op_types(workload: str) -> list[str]:
    """What static QDQ quantizes: on CNNs, everything onnxruntime has an INT8 kernel for.

    With only Conv/MatMul/Gemm quantized, a CNN pays a dequantize and a quantize around
    every residual Add, pooling and concat: measured here on a depthwise-separable CNN,
    0.91x of fp32 that way and 1.39x with every supported op (ResNet-like: 1.84x and
    1.81x; detector-like: 0.93x and 1.20x), cosine 0.9999 both ways. In transformers
    the weight-bearing ops stay the only ones: Softmax and LayerNorm lose too much in 8 bits.
    """
    if workload != "convolutional":
        return STATIC_OPS
    from onnxruntime.quantization.registry import QDQRegistry, QLinearOpsRegistry

    return sorted(set(QDQRegistry) | set(QLinearOpsRegistry))


def _quiet():
    logging.getLogger("onnxruntime.quantization").setLevel(logging.ERROR)
    logging.getLogger("root").setLevel(logging.ERROR)


def _fp32_source(ctx: BuildContext) -> tuple[onnx.ModelProto, str]:
    """Quantize the best fused fp32 graph when there is one: fused Attention quantizes to QAttention."""
    if ctx.workload == "transformer":
        for name, builder in (("ort_transformers", transformer_fused_model), ("onnxscript_fusions", onnxscript_fused_model)):
            try:
                return builder(ctx), name
            except Exception:
                continue
    return ctx.model, "original"


def _prepared(ctx: BuildContext, model: onnx.ModelProto) -> onnx.ModelProto:
    """Shape inference lets the quantizer see tensor types; failure just means fewer annotations."""
    try:
        return onnx.shape_inference.infer_shapes(model)
    except Exception:
        return model


class Int8Dynamic(GraphPass[Int8DynamicConfig]):
    """Dynamic INT8: weights s8, activations quantized per call.

    Per tensor (`per_channel=False`) measured faster where it is accurate enough (AVX2: a 2-layer
    LSTM tagger 2.37x over fp32 per tensor and 2.05x per channel, a BERT-like encoder 1.37x and
    1.31x, both within cosine 0.999). On trained weights per-tensor scales can be far off
    (all-MiniLM-L6-v2: cosine 0.73), so that variant gets no fp32 fallback: per channel is the
    accurate one. `fused_graph` quantizes the transformer-fused graph (Attention becomes QAttention);
    which of the two is faster depends on the model and the machine, so both are measured.
    """

    config_type = Int8DynamicConfig

    def why_not(self, ctx: BuildContext, config: Int8DynamicConfig) -> str | None:
        if config.fused_graph and ctx.workload != "transformer":
            return "no fused transformer graph to quantize"
        if ctx.workload == "convolutional":
            return "dynamic INT8 uses ConvInteger for convolutions, measured 2-12x slower on this CPU class"
        return None

    def _build(self, ctx: BuildContext, config: Int8DynamicConfig) -> Candidate:
        if config.fused_graph:
            source, source_name = _fp32_source(ctx)
            if source_name == "original":
                raise CandidateUnavailable("no transformer fusion applied to this graph")
        else:
            source, source_name = ctx.model, "original"
        return _int8_dynamic(ctx, source, source_name, CandidateSpec(graph=config), per_channel=config.per_channel)


def _int8_dynamic(ctx: BuildContext, source: onnx.ModelProto, source_name: str, spec: CandidateSpec,
                  per_channel: bool) -> Candidate:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    _quiet()
    source = _prepared(ctx, source)
    reduce_range = not ctx.hardware.get("has_vnni", False)
    quantizable = [n.name for n in source.graph.node if n.op_type in DYNAMIC_OPS and n.name]

    def build(excluded: list[str]) -> Candidate:
        path = ctx.path_for(f"{spec.name}_{len(excluded)}")
        quantize_dynamic(copy.deepcopy(source), str(path), weight_type=QuantType.QInt8,
                         # Per-channel weight scales: on all-MiniLM-L6-v2 (trained weights) the sentence
                         # embedding's cosine went 0.73 -> 0.98 with reduce_range, 0.89 -> 0.98 without,
                         # at the same latency.
                         op_types_to_quantize=DYNAMIC_OPS, per_channel=per_channel, reduce_range=reduce_range,
                         nodes_to_exclude=list(excluded),
                         # Fused contrib ops defeat shape inference; their tensors are float.
                         extra_options={"MatMulConstBOnly": True, "DefaultTensorType": onnx.TensorProto.FLOAT})
        candidate = Candidate(
            spec=spec, engine="onnxruntime", precision="int8" if not excluded else "mixed",
            model_path=path, runtime=ort_runtime(ctx.threads, precision="int8" if not excluded else "mixed"),
            detail=(f"onnxruntime dynamic INT8 (weights s8 per {'channel' if per_channel else 'tensor'}"
                    f"{', reduce_range' if reduce_range else ''}) on the {source_name} graph"),
        )
        if per_channel:
            candidate.extra["rank_sensitivity"] = lambda feeds: rank_by_local_error(source, path, feeds, quantizable)
            candidate.rebuild_excluding = build
        return candidate

    # onnxruntime's quantizer descends into If/Loop/Scan branches (Silero VAD's LSTM lives in one),
    # and op_histogram counts them too.
    if not any(op_histogram(source)[op] for op in DYNAMIC_OPS):
        raise CandidateUnavailable("no MatMul/Gemm/LSTM nodes to quantize")
    return build([])


class Int8Static(GraphPass[Int8StaticConfig]):
    """Static QDQ INT8 on the original graph, calibrated on the calibration batches."""

    config_type = Int8StaticConfig

    def why_not(self, ctx: BuildContext, config: Int8StaticConfig) -> str | None:
        if ctx.workload in ("recurrent", "other"):
            return f"static QDQ does not cover {ctx.workload} workloads (LSTM stays fp32)"
        return None

    def _build(self, ctx: BuildContext, config: Int8StaticConfig) -> Candidate:
        return _int8_static(ctx, CandidateSpec(graph=config))


def _int8_static(ctx: BuildContext, spec: CandidateSpec) -> Candidate:
    from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType, quantize_static

    _quiet()
    source = _prepared(ctx, ctx.model)
    batches = ctx.calibration()
    reduce_range = not ctx.hardware.get("has_vnni", False)
    op_types = static_op_types(ctx.workload)
    quantizable = [n.name for n in source.graph.node if n.op_type in op_types and n.name]
    if not quantizable:
        raise CandidateUnavailable("no Conv/MatMul/Gemm nodes to quantize")

    class Reader(CalibrationDataReader):
        def __init__(self):
            self._iter = iter(batches)

        def get_next(self):
            return next(self._iter, None)

    def build(excluded: list[str]) -> Candidate:
        path = ctx.path_for(f"int8_static_{len(excluded)}")
        quantize_static(
            copy.deepcopy(source), str(path), Reader(), quant_format=QuantFormat.QDQ,
            op_types_to_quantize=op_types, per_channel=True, reduce_range=reduce_range,
            activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, nodes_to_exclude=list(excluded),
            # Percentile ignores the outliers that make MinMax ranges too wide for 8 bits.
            calibrate_method=CalibrationMethod.Percentile,
            extra_options={"CalibPercentile": 99.99, "WeightSymmetric": True, "ActivationSymmetric": False},
        )
        candidate = Candidate(
            spec=spec, engine="onnxruntime", precision="int8" if not excluded else "mixed",
            model_path=path, runtime=ort_runtime(ctx.threads, precision="int8" if not excluded else "mixed"),
            detail=(f"onnxruntime static INT8 QDQ (u8 activations, per-channel s8 weights, percentile calibration "
                    f"on {len(batches)} batches; {'every op with an INT8 kernel' if op_types != STATIC_OPS else 'Conv, MatMul, Gemm'})"),
            extra={"rank_sensitivity": lambda feeds: rank_by_local_error(source, path, feeds, quantizable)},
        )
        candidate.rebuild_excluding = build
        return candidate

    return build([])


def _with_outputs(model: onnx.ModelProto, names: list[str]) -> onnx.ModelProto:
    model = copy.deepcopy(model)
    existing = {o.name for o in model.graph.output}
    for name in names:
        if name not in existing:
            model.graph.output.append(onnx.ValueInfoProto(name=name))
    return model


def rank_by_local_error(fp32: onnx.ModelProto, quantized_path, feeds: list[dict], node_names: list[str]) -> list[str]:
    """Quantized nodes, most accuracy-costly first.

    A node's cost is the error of its output against the fp32 model's same tensor,
    minus the error already present on its inputs, so errors inherited from earlier
    nodes are not blamed on later ones.
    """
    import onnxruntime as ort

    from ..accuracy import cosine

    by_name = {n.name: n for n in fp32.graph.node}
    nodes = [by_name[n] for n in node_names if n in by_name]
    tensors = sorted({t for n in nodes for t in list(n.output) + list(n.input) if t})
    initializers = {i.name for i in fp32.graph.initializer}
    tensors = [t for t in tensors if t not in initializers]
    quantized = onnx.load(str(quantized_path))
    quantized_tensors = {t for n in quantized.graph.node for t in n.output}
    tensors = [t for t in tensors if t in quantized_tensors or t in {i.name for i in fp32.graph.input}]

    def run(model):
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL  # keep tensors addressable
        options.log_severity_level = 3
        session = ort.InferenceSession(_with_outputs(model, tensors).SerializeToString(), options,
                                       providers=["CPUExecutionProvider"])
        names = [o.name for o in session.get_outputs()]
        return [dict(zip(names, session.run(None, f))) for f in feeds]

    reference, got = run(fp32), run(quantized)
    error: dict[str, float] = {}
    for tensor in tensors:
        try:
            error[tensor] = float(np.mean([1 - cosine(r[tensor], g[tensor]) for r, g in zip(reference, got)]))
        except Exception:
            error[tensor] = 0.0
    cost = {}
    for node in nodes:
        out_error = max((error.get(t, 0.0) for t in node.output), default=0.0)
        in_error = max((error.get(t, 0.0) for t in node.input if t in error), default=0.0)
        cost[node.name] = out_error - in_error
    return sorted(cost, key=cost.get, reverse=True)
