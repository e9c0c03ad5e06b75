"""What kind of workload a graph is: it decides which candidates are worth their time.

Measured on this class of CPU: onnxruntime's dynamic INT8 pays off on MatMul-heavy
models (transformers, LSTMs) but is several times slower on convolutions
(ConvInteger); OpenVINO's BF16 helps convolutions and matmuls alike where the CPU
has avx512_bf16; transformer fusions only matter when attention is present.
"""

from __future__ import annotations

from collections import Counter

import onnx


def op_histogram(model: onnx.ModelProto) -> Counter:
    counts: Counter = Counter()
    stack = [model.graph]
    while stack:
        graph = stack.pop()
        for node in graph.node:
            counts[node.op_type] += 1
            for attr in node.attribute:
                if attr.type == onnx.AttributeProto.GRAPH:
                    stack.append(attr.g)
                elif attr.type == onnx.AttributeProto.GRAPHS:
                    stack.extend(attr.graphs)
    return counts


def workload_kind(ops: Counter) -> str:
    """'transformer', 'recurrent', 'convolutional', 'dense', or 'other'."""
    conv = ops["Conv"] + ops["ConvTranspose"]
    matmul = ops["MatMul"] + ops["Gemm"] + ops["Attention"] + ops["MultiHeadAttention"]
    recurrent = ops["LSTM"] + ops["GRU"] + ops["RNN"] + ops["Scan"] + ops["Loop"]
    attention = ops["Softmax"] > 0 and ops["MatMul"] >= 2 or ops["Attention"] or ops["MultiHeadAttention"]
    if attention and matmul >= conv and (ops["LayerNormalization"] or ops["ReduceMean"] or ops["Attention"]):
        return "transformer"
    if recurrent:
        return "recurrent"
    if conv and conv >= matmul:
        return "convolutional"
    if matmul:
        return "dense"
    return "other"


def recommendations(kind: str, hardware: dict, openvino_available: bool, *, caller: str = "api") -> list[dict]:
    """What each recipe is likely to do for this model here; `caller` words the advice as the reader
    gives options ("cli": --calibration DIR; "api": attached calibration files)."""
    from .contracts.request import terms

    vnni = hardware.get("has_vnni", False)
    bf16 = hardware.get("has_bf16", False)
    recs = [{
        "recipe": "lossless",
        "helps": kind in ("transformer", "dense", "convolutional", "recurrent"),
        "why": {
            "transformer": "attention, GELU and LayerNorm subgraphs fuse into single kernels",
            "convolutional": "Conv+BN+activation fuse; gains are usually modest",
            "recurrent": "few fusions apply to RNNs; session tuning may still help",
            "dense": "MatMul+Add fuse into Gemm; modest gains",
        }.get(kind, "no known fusion pattern in this graph"),
    }]
    if kind in ("transformer", "recurrent", "dense"):
        recs.append({"recipe": "int8", "helps": True, "why": (
            "MatMul-heavy graph; dynamic INT8 runs 1.8-2.5x faster on this CPU class"
            + (" (VNNI present)" if vnni else " (no VNNI: gains smaller)"))})
    elif kind == "convolutional":
        recs.append({"recipe": "int8", "helps": openvino_available, "why": (
            "convolutions: onnxruntime's dynamic INT8 (ConvInteger) is 2-12x slower here; only static "
            "INT8 (QDQ or OpenVINO) can help, and with generated calibration data it often misses a 0.99 "
            f"cosine budget: {terms(caller).give_calibration}")})
    else:
        recs.append({"recipe": "int8", "helps": False, "why": "no MatMul/Conv work to quantize"})
    recs.append({"recipe": "bf16", "helps": bool(bf16 and openvino_available and kind != "other"), "why": (
        "avx512_bf16 present: OpenVINO BF16 runs 1.1-2.7x faster on this CPU" if bf16 and openvino_available
        else "needs avx512_bf16/AMX and OpenVINO")})
    recs.append({"recipe": "auto", "helps": True, "why": "tries all of the above and keeps the fastest within the accuracy budget"})
    return recs
