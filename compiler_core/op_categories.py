"""Operator categories: the three columns of the FusionStitching table.

compute: math-bound kernels (GEMM/conv families); memory: memory-bound kernels
(elementwise, reductions, normalisations, activations); data_movement: copies and
layout changes (Transpose/Reshape/Concat/Gather/Cast...). Everything else (control
flow, shape arithmetic that runs on the host, custom ops we do not know) is "other".
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

COMPUTE = frozenset({
    "MatMul", "MatMulInteger", "QLinearMatMul", "Gemm", "Conv", "ConvInteger", "QLinearConv",
    "ConvTranspose", "FusedConv", "FusedGemm", "FusedMatMul", "MatMulIntegerToFloat",
    "DynamicQuantizeMatMul", "MatMulNBits", "Attention", "MultiHeadAttention", "QAttention",
    "GroupQueryAttention", "LSTM", "GRU", "RNN", "DynamicQuantizeLSTM", "Einsum", "NhwcConv",
    "NchwcConv", "QLinearConvTranspose", "MatMulBnb4", "QGemm", "QOrderedMatMul",
    "DecoderMaskedMultiHeadAttention", "SparseAttention", "PackedAttention",
})

MEMORY = frozenset({
    # elementwise
    "Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Exp", "Log", "Abs", "Neg", "Reciprocal", "Erf",
    "Tanh", "Sigmoid", "Relu", "LeakyRelu", "Elu", "Selu", "Gelu", "FastGelu", "BiasGelu",
    "HardSigmoid", "HardSwish", "Softplus", "Softsign", "PRelu", "Clip", "Min", "Max", "Sum",
    "Mean", "Where", "Equal", "Greater", "Less", "GreaterOrEqual", "LessOrEqual", "Not", "And",
    "Or", "Xor", "Floor", "Ceil", "Round", "Sign", "Sin", "Cos", "Mod", "QuickGelu", "BiasAdd",
    "Mish", "IsNaN", "IsInf", "BitShift", "Celu", "ThresholdedRelu", "Shrink", "BiasSoftmax",
    # reductions and normalisations
    "Softmax", "LogSoftmax", "Hardmax", "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin",
    "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare",
    "ArgMax", "ArgMin", "LayerNormalization", "SkipLayerNormalization", "SimplifiedLayerNormalization",
    "SkipSimplifiedLayerNormalization", "EmbedLayerNormalization", "BatchNormalization",
    "InstanceNormalization", "GroupNormalization", "LpNormalization", "MeanVarianceNormalization",
    "RMSNormalization", "LRN", "TopK", "CumSum",
    # pooling reads a window, writes less: memory-bound on CPU
    "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "LpPool", "Resize", "Upsample",
    "RoiAlign", "MaxRoiPool",
    # (de)quantization is a per-element scale
    "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "QLinearAdd", "QLinearMul",
    "QLinearSigmoid", "QLinearLeakyRelu", "QLinearGlobalAveragePool", "QLinearAveragePool",
    "QLinearSoftmax", "QLinearConcat",
})

DATA_MOVEMENT = frozenset({
    "Transpose", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Concat", "Split", "Slice",
    "Gather", "GatherElements", "GatherND", "Scatter", "ScatterElements", "ScatterND", "Cast",
    "CastLike", "Expand", "Tile", "Pad", "Identity", "DepthToSpace", "SpaceToDepth", "Compress",
    "Shape", "Size", "ConstantOfShape", "Range", "NonZero", "OneHot", "ReverseSequence",
    "Trilu", "EyeLike", "ReorderInput", "ReorderOutput", "Col2Im",
})


def category_of(op_type: str) -> str:
    if op_type in COMPUTE:
        return "compute"
    if op_type in MEMORY:
        return "memory"
    if op_type in DATA_MOVEMENT:
        return "data_movement"
    return "other"


def count_by_category(op_types: Iterable[str]) -> dict[str, int]:
    counts = Counter(category_of(op) for op in op_types)
    result = {name: counts.get(name, 0) for name in ("compute", "memory", "data_movement", "other")}
    result["total"] = sum(result.values())
    return result
