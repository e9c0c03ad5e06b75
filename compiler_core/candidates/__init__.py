"""Candidate builders, and which of them each recipe tries (in this order)."""

from __future__ import annotations

from typing import Callable

from .base import BuildContext, Candidate, CandidateUnavailable
from . import graph_fusions, int8_onnxruntime, openvino_engine
from .session_tuning import session_variants

Builder = Callable[[BuildContext], Candidate]

RECIPES = ("lossless", "bf16", "int8", "auto")


def builders_for(recipe: str, workload: str, hardware: dict) -> list[tuple[str, Builder]]:
    """Cheap, likely winners first: under a time budget the tail is what gets skipped."""
    builders = [
        ("ort_transformers", graph_fusions.ort_transformers),
        ("onnxscript_fusions", graph_fusions.onnxscript_fusions),
        ("openvino_f32", openvino_engine.openvino_f32),
    ]
    if recipe in ("bf16", "auto"):
        builders.append(("openvino_bf16", openvino_engine.openvino_bf16))
    if recipe in ("int8", "auto"):
        builders += [
            ("int8_dynamic", int8_onnxruntime.int8_dynamic),
            ("int8_dynamic_per_tensor", int8_onnxruntime.int8_dynamic_per_tensor),
            ("int8_dynamic_fused", int8_onnxruntime.int8_dynamic_fused),
            ("int8_dynamic_fused_per_tensor", int8_onnxruntime.int8_dynamic_fused_per_tensor),
            ("openvino_int8", openvino_engine.openvino_int8),
            ("int8_static", int8_onnxruntime.int8_static),
        ]
    return builders


__all__ = ["BuildContext", "Candidate", "CandidateUnavailable", "builders_for", "session_variants", "RECIPES"]
