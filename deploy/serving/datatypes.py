"""Translation between the dtypes a package's signature.json names and the
Open Inference Protocol (V2) datatypes on the wire.

signature.json is written by the compiler core; it may spell a dtype the numpy
way ("float32"), the ONNX way ("tensor(float)") or the V2 way ("FP32"), so all
three are accepted here rather than betting on one writer.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

V2_TO_NUMPY = {
    "BOOL": "bool",
    "UINT8": "uint8",
    "UINT16": "uint16",
    "UINT32": "uint32",
    "UINT64": "uint64",
    "INT8": "int8",
    "INT16": "int16",
    "INT32": "int32",
    "INT64": "int64",
    "FP16": "float16",
    "FP32": "float32",
    "FP64": "float64",
    "BYTES": "object",
}
NUMPY_TO_V2 = {numpy_name: v2 for v2, numpy_name in V2_TO_NUMPY.items()}

ONNX_TO_NUMPY = {
    "tensor(bool)": "bool",
    "tensor(uint8)": "uint8",
    "tensor(uint16)": "uint16",
    "tensor(uint32)": "uint32",
    "tensor(uint64)": "uint64",
    "tensor(int8)": "int8",
    "tensor(int16)": "int16",
    "tensor(int32)": "int32",
    "tensor(int64)": "int64",
    "tensor(float16)": "float16",
    "tensor(float)": "float32",
    "tensor(double)": "float64",
    "tensor(string)": "object",
}

# Triton's config.pbtxt spells types its own way; BYTES is TYPE_STRING there.
V2_TO_TRITON = {v2: f"TYPE_{v2}" for v2 in V2_TO_NUMPY}
V2_TO_TRITON["BYTES"] = "TYPE_STRING"


# Both run for every tensor of every request; a signature names few dtypes.
@lru_cache(maxsize=256)
def numpy_dtype(signature_dtype: str) -> np.dtype:
    """The numpy dtype for a dtype as signature.json spells it."""
    spelled = str(signature_dtype).strip()
    if spelled.upper() in V2_TO_NUMPY:
        return np.dtype(V2_TO_NUMPY[spelled.upper()])
    if spelled.lower() in ONNX_TO_NUMPY:
        return np.dtype(ONNX_TO_NUMPY[spelled.lower()])
    aliases = {"float": "float32", "double": "float64", "string": "object", "str": "object"}
    try:
        return np.dtype(aliases.get(spelled.lower(), spelled.lower()))
    except TypeError as exc:
        raise ValueError(f"signature names an unknown dtype {signature_dtype!r}") from exc


@lru_cache(maxsize=256)
def v2_datatype(signature_dtype: str | np.dtype) -> str:
    """The V2 datatype ("FP32", "INT64", ...) for a signature or numpy dtype."""
    dtype = signature_dtype if isinstance(signature_dtype, np.dtype) else numpy_dtype(signature_dtype)
    if dtype.kind in ("U", "S", "O"):
        return "BYTES"
    if dtype.name not in NUMPY_TO_V2:
        raise ValueError(f"dtype {dtype.name} has no Open Inference Protocol datatype")
    return NUMPY_TO_V2[dtype.name]


def is_fixed_dim(dim: Any) -> bool:
    """Symbolic dims are names (strings); None or negative numbers also mean "any"."""
    return isinstance(dim, int) and not isinstance(dim, bool) and dim >= 0


def v2_shape(signature_shape: list[Any]) -> list[int]:
    """The shape as V2 metadata and Triton write it: -1 for every dim that may vary."""
    return [dim if is_fixed_dim(dim) else -1 for dim in signature_shape]
