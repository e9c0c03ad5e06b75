"""The signature's contract: a model's inputs and outputs, as `signature.json` holds them.

`compiler_core.signature.signature_of` writes it (from the ONNX graph; `pt2_signature` from a
torch.export program's JSON); it is the package's `signature.json` (validated strictly before it is
written), the model version's stored `signature` in the platform (its OpenAPI component `Signature`
is this module's JSON Schema), and what serving checks request tensors against.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import ConfigDict, Field

from ._base import Contract, Strict

# One axis: a size, the name of a dynamic dim ("batch"), or null for a dynamic dim the graph leaves unnamed.
Dim = int | str | None


class TensorSpec(Strict):
    model_config = ConfigDict(extra="forbid", title="TensorSpec")

    name: str = Field(description="the graph's name for the tensor; serving's request tensors use it")
    dtype: str = Field(description="numpy's name for the element type (float32, int64, bool, ...); ONNX's "
                                   "lower-case name where numpy has none (bfloat16, string)")
    shape: list[Dim] = Field(description="one entry per axis: a size, the name of a dynamic dim, or null for "
                                         "an unnamed dynamic dim; empty for a scalar or an unknown rank")
    type: Literal["sequence", "optional"] | None = Field(
        default=None, description="absent for a tensor; 'sequence' (a list of tensors, each of dtype and shape) or "
                                  "'optional' (a tensor that may be left out)")


class Signature(Contract):
    """A model's inputs (graph inputs that are not weights) and outputs, in the graph's order."""

    model_config = ConfigDict(extra="forbid", title="Signature")
    NAME: ClassVar[str] = "signature.json"

    inputs: list[TensorSpec]
    outputs: list[TensorSpec]


def signature_json_schema() -> dict:
    return Signature.model_json_schema()
