"""Step 1, inspect: read the model (ONNX, or a PyTorch file exported to ONNX), its signature, what kind
of workload it is, and the shapes to measure."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import onnx

from ..frontends.loader import LoadedModel, load_model_any
from ..errors import OptimizationError
from ..model_kind import op_histogram, workload_kind
from ..output_kinds import OutputKind, OutputKindError, infer_output_kinds, parse_output_kinds
from ..shapes import parse_shapes
from ..signature import signature_of

if TYPE_CHECKING:
    from .run import Optimization


@dataclass
class Inspected:
    loaded: LoadedModel
    signature: dict[str, Any]
    ops: dict[str, int]
    workload: str
    shape_set: list[dict[str, int]]   # as named or derived; the baseline step bounds it
    shapes_spec: Any                  # the user's shapes, or None where a PyTorch file's inputs used them up
    output_kinds: dict[str, OutputKind]  # how each output's accuracy is judged (output_kinds.py)

    @property
    def model(self) -> onnx.ModelProto:
        return self.loaded.model

    @property
    def path(self) -> Path:
        """The original as ONNX on disk."""
        return self.loaded.onnx_path


def inspect_model(opt: "Optimization", work_dir: Path) -> Inspected:
    opt.progress("inspect", 0, f"reading {getattr(opt.model_path, 'name', type(opt.model_path).__name__)}")
    loaded = load_model_any(opt.model_path, work_dir, opt.shapes_spec)
    for note in loaded.notes:  # what onnx_normalize changed so that onnxruntime runs the file
        opt.progress("inspect", 1, note)
    shapes_spec = None if loaded.shapes_consumed else opt.shapes_spec
    signature = signature_of(loaded.model)
    ops = op_histogram(loaded.model)
    workload = workload_kind(ops)
    shape_set = parse_shapes(shapes_spec, signature, field=opt.terms.field("shapes"))
    try:
        output_kinds = {**infer_output_kinds(loaded.model, signature), **parse_output_kinds(
            opt.output_kinds_spec, [spec["name"] for spec in signature["outputs"]])}
    except OutputKindError as exc:
        raise OptimizationError(f"{opt.terms.field('output_kinds')}: {exc}") from exc
    opt.check_cancel()
    opt.progress("inspect", 5, f"{workload} model, {sum(ops.values())} nodes, {len(shape_set)} shape(s)")
    return Inspected(loaded=loaded, signature=signature, ops=ops, workload=workload, shape_set=shape_set,
                     shapes_spec=shapes_spec, output_kinds=output_kinds)
