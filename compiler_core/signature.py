"""Model signatures (names, dtypes, dims with symbolic names) and the inputs we feed them.

Generated inputs must look like data the model expects, or accuracy checks are
meaningless: token ids have to stay inside the embedding table, attention masks are
ones, images are roughly normalised. The rules below read that from the graph.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import onnx
from onnx import helper

from .frontends.onnx_normalize import is_placeholder_dim, tensor_type_of

Dim = int | str | None
# How many elements a generated sequence input holds.
SEQUENCE_LENGTH = 3


def _dims(value_info: onnx.ValueInfoProto) -> list[Dim]:
    tensor_type = tensor_type_of(value_info)[1]
    if not tensor_type.HasField("shape"):
        return []
    dims: list[Dim] = []
    for dim in tensor_type.shape.dim:
        # -1, 0 and placeholder names ('?') are how exporters say "unknown": each such axis is its
        # own dynamic dim, named input:axis (frontends/onnx_normalize.py clears them in the graph too).
        if dim.HasField("dim_value") and dim.dim_value > 0:
            dims.append(int(dim.dim_value))
        elif dim.HasField("dim_param") and dim.dim_param and not is_placeholder_dim(dim.dim_param):
            dims.append(dim.dim_param)
        else:
            dims.append(None)
    return dims


def _dtype_name(value_info: onnx.ValueInfoProto) -> str:
    elem = tensor_type_of(value_info)[1].elem_type
    try:
        return np.dtype(helper.tensor_dtype_to_np_dtype(elem)).name
    except Exception:
        return onnx.TensorProto.DataType.Name(elem).lower()


def graph_inputs(model: onnx.ModelProto) -> list[onnx.ValueInfoProto]:
    """Real inputs: graph inputs that are not initializers (old exporters list weights as inputs)."""
    initializers = {init.name for init in model.graph.initializer}
    return [i for i in model.graph.input if i.name not in initializers]


def signature_of(model: onnx.ModelProto) -> dict[str, Any]:
    def describe(values):
        described = []
        for value in values:
            entry = {"name": value.name, "dtype": _dtype_name(value), "shape": _dims(value)}
            kind = tensor_type_of(value)[0]
            if kind != "tensor":
                # dtype and shape are then those of each element (a sequence's) or of the value when present.
                entry["type"] = kind
            described.append(entry)
        return described

    return {"inputs": describe(graph_inputs(model)), "outputs": describe(model.graph.output)}


def dynamic_dims(signature: dict[str, Any]) -> list[str]:
    """Names of symbolic dims (unknown dims are named `input:axis`), in order of appearance."""
    names: list[str] = []
    for spec in signature["inputs"]:
        for axis, dim in enumerate(spec["shape"]):
            name = dim if isinstance(dim, str) else (f"{spec['name']}:{axis}" if dim is None else None)
            if name and name not in names:
                names.append(name)
    return names


def index_bounds(model: onnx.ModelProto) -> dict[str, int]:
    """For integer inputs used as Gather indices into a weight table: the table's row count."""
    tables = {init.name: list(init.dims) for init in model.graph.initializer}
    bounds: dict[str, int] = {}
    for node in model.graph.node:
        if node.op_type == "Gather" and len(node.input) >= 2 and node.input[0] in tables:
            axis = next((a.i for a in node.attribute if a.name == "axis"), 0)
            rows = tables[node.input[0]][axis] if tables[node.input[0]] else 0
            if rows:
                bounds[node.input[1]] = min(bounds.get(node.input[1], rows), rows)
    return bounds


def concrete_shape(spec: dict[str, Any], dim_values: dict[str, int], default: int = 1) -> list[int]:
    shape = []
    for axis, dim in enumerate(spec["shape"]):
        if isinstance(dim, int):
            shape.append(dim)
        else:
            key = dim if isinstance(dim, str) else f"{spec['name']}:{axis}"
            shape.append(int(dim_values.get(key, default)))
    return shape


def dims_of(feeds: dict[str, np.ndarray], signature: dict[str, Any]) -> dict[str, int]:
    """Values of the dynamic dims in a batch of real inputs."""
    values: dict[str, int] = {}
    for spec in signature["inputs"]:
        array = feeds.get(spec["name"])
        if isinstance(array, (list, tuple)):  # a sequence: its elements carry the dims
            array = array[0] if array else None
        if array is None:
            continue
        for axis, dim in enumerate(spec["shape"]):
            if not isinstance(dim, int) and axis < np.ndim(array):
                values.setdefault(dim if isinstance(dim, str) else f"{spec['name']}:{axis}", int(np.shape(array)[axis]))
    return values


GENERATED_DRAW_BYTES = 8
GENERATED_TEXT_BYTES = 128


def generated_bytes(signature: dict[str, Any], dim_values: dict[str, int]) -> int:
    """What one generate_inputs batch at `dim_values` takes, known before anything is allocated: a
    caller that took the dims from a file it does not trust (the engine, from a package's report)
    can refuse a batch of a terabyte."""
    total = 0
    for spec in signature["inputs"]:
        count = 1
        for dim in concrete_shape(spec, dim_values):
            count *= max(int(dim), 0)
        dtype = np.dtype(spec["dtype"]) if spec["dtype"] in np.sctypeDict else np.dtype("float32")
        # The draw itself is float64 or int64, then cast; a text or object dtype holds far more
        # than its itemsize says (numpy's str of a float is 32 characters of 4 bytes).
        each = GENERATED_DRAW_BYTES + (dtype.itemsize if dtype.kind in "biufc" else GENERATED_TEXT_BYTES)
        total += count * each * (SEQUENCE_LENGTH if spec.get("type") == "sequence" else 1)
    return total


def generate_inputs(
    model: onnx.ModelProto,
    signature: dict[str, Any],
    dim_values: dict[str, int],
    *,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """One batch of plausible inputs for the given values of the dynamic dims."""
    rng = np.random.default_rng(seed)
    bounds = index_bounds(model)
    feeds: dict[str, np.ndarray] = {}
    for spec in signature["inputs"]:
        shape = concrete_shape(spec, dim_values)
        dtype = np.dtype(spec["dtype"]) if spec["dtype"] in np.sctypeDict else np.dtype("float32")
        lowered = spec["name"].lower()
        if dtype == np.bool_:
            feeds[spec["name"]] = np.ones(shape, dtype=bool)
        elif np.issubdtype(dtype, np.integer):
            if "mask" in lowered:
                feeds[spec["name"]] = np.ones(shape, dtype=dtype)
            elif "type" in lowered or "segment" in lowered or "position" in lowered and spec["name"] not in bounds:
                feeds[spec["name"]] = np.zeros(shape, dtype=dtype)
            else:
                high = bounds.get(spec["name"], 2)
                feeds[spec["name"]] = rng.integers(0, max(1, high), size=shape).astype(dtype)
        else:
            feeds[spec["name"]] = rng.standard_normal(shape).astype(dtype)
        if spec.get("type") == "sequence":
            # A few elements like the one built above (a sequence's length is data, not a dim).
            first = feeds[spec["name"]]
            feeds[spec["name"]] = [first] + [np.ascontiguousarray(np.roll(first, k)) for k in range(1, SEQUENCE_LENGTH)]
    return feeds


def initializer_parameters(model: onnx.ModelProto) -> int:
    total = 0
    for init in model.graph.initializer:
        count = 1
        for dim in init.dims:
            count *= int(dim)
        total += count
    for node in model.graph.node:  # weights stored as Constant nodes count too
        if node.op_type == "Constant":
            for attr in node.attribute:
                if attr.name == "value" and attr.t is not None:
                    count = 1
                    for dim in attr.t.dims:
                        count *= int(dim)
                    total += count
    return total


__all__ = [
    "signature_of", "dynamic_dims", "generate_inputs", "concrete_shape", "index_bounds",
    "initializer_parameters", "graph_inputs",
]
