"""Make a valid ONNX file as frameworks write it into one onnxruntime runs, without changing its maths.

Exporters disagree on how to say "this dim is not fixed": paddle2onnx writes `-1` as a dim value and
`?` as a dim name for every unknown axis (so `[-1, 3, '?', '?']` says height equals width, which it
does not mean); other exporters write `0`. onnxruntime takes a dim value literally, so an input
declared `[0, 16]` refuses every real batch, and the optimizer would build a `-1` sized array. Such
dims are cleared here to "unknown", and each becomes its own dynamic dim, addressed as `input:axis`
(see signature.py). A real name shared by several axes (`batch` on two inputs) is kept: in ONNX
that means the sizes are equal.

Opsets below onnxruntime's oldest kernels (opset 7) are up-converted with onnx's version converter.

Each change is described in words, for the job's log: the package holds the normalised graph.
"""

from __future__ import annotations

import onnx
from onnx import version_converter

from ..errors import InvalidModelError

# Dim names exporters write for "unknown", shared across unrelated axes.
PLACEHOLDER_DIM_NAMES = frozenset({"?", "-1", "none", "null", "unk", "unknown", "dynamic", "*"})
# onnxruntime registers no kernel older than opset 7 for most operators.
OLDEST_RUNNABLE_OPSET = 7
UPCONVERT_TO_OPSET = 17


def is_placeholder_dim(name: str) -> bool:
    return name.strip().lower() in PLACEHOLDER_DIM_NAMES


def tensor_type_of(value: onnx.ValueInfoProto) -> tuple[str, onnx.TypeProto.Tensor]:
    """What kind of value this is (tensor, sequence or optional: the outermost) and the tensor type it
    holds (empty where it holds none, e.g. a map)."""
    type_proto, kind = value.type, "tensor"
    while type_proto.HasField("sequence_type") or type_proto.HasField("optional_type"):
        outer = "sequence" if type_proto.HasField("sequence_type") else "optional"
        kind = outer if kind == "tensor" else kind
        type_proto = (type_proto.sequence_type.elem_type if outer == "sequence"
                      else type_proto.optional_type.elem_type)
    return kind, type_proto.tensor_type


def _clear_dims(value: onnx.ValueInfoProto) -> list[int]:
    """Clear the unknown-in-disguise dims of one tensor's declared shape; returns the axes cleared."""
    tensor_type = tensor_type_of(value)[1]
    if not tensor_type.HasField("shape"):
        return []
    cleared = []
    for axis, dim in enumerate(tensor_type.shape.dim):
        if (dim.HasField("dim_value") and dim.dim_value <= 0) or (
                dim.HasField("dim_param") and is_placeholder_dim(dim.dim_param)):
            dim.Clear()
            cleared.append(axis)
    return cleared


def _name_nodes(graph: onnx.GraphProto) -> int:
    """Give each nameless node of the main graph a name no other node has; how many were named."""
    taken = {node.name for node in graph.node if node.name}
    named = 0
    for index, node in enumerate(graph.node):
        if node.name:
            continue
        name = f"{node.op_type}_{index}"
        while name in taken:
            name += "_"
        node.name = name
        taken.add(name)
        named += 1
    return named


def default_opset(model: onnx.ModelProto) -> int:
    return next((int(entry.version) for entry in model.opset_import if entry.domain in ("", "ai.onnx")), 0)


def normalize(model: onnx.ModelProto) -> tuple[onnx.ModelProto, list[str]]:
    """The model onnxruntime and the optimizer can run, and what was changed (empty when nothing)."""
    notes: list[str] = []
    graph = model.graph
    for kind, values in (("input", graph.input), ("output", graph.output), ("value", graph.value_info)):
        for value in values:
            axes = _clear_dims(value)
            if axes and kind != "value":
                notes.append(f"{kind} {value.name}: axes {', '.join(map(str, axes))} declared as -1, 0 or a "
                             f"placeholder name are treated as dynamic dims "
                             f"({', '.join(f'{value.name}:{a}' for a in axes)})")
    named = _name_nodes(graph)
    if named:
        # The quantizers and the INT8 fallback address nodes by name (nodes_to_quantize, ignored
        # scopes); a nameless Conv or MatMul could not be quantized, or kept in float, at all.
        notes.append(f"{named} nameless node(s) named <op_type>_<index> so that they can be quantized and "
                     "addressed in the report")
    opset = default_opset(model)
    if 0 < opset < OLDEST_RUNNABLE_OPSET:
        try:
            model = version_converter.convert_version(model, UPCONVERT_TO_OPSET)
        except Exception as exc:
            raise InvalidModelError(
                f"the model uses opset {opset}, older than onnxruntime runs (opset {OLDEST_RUNNABLE_OPSET}), "
                f"and onnx's version converter could not bring it to opset {UPCONVERT_TO_OPSET}: {exc}. "
                "Export it again with a current exporter.") from exc
        notes.append(f"up-converted from opset {opset} to opset {UPCONVERT_TO_OPSET} with onnx's version "
                     f"converter (onnxruntime runs opset {OLDEST_RUNNABLE_OPSET} and later)")
    return model, notes
