"""Candidate builders, and which of them each recipe tries (in this order)."""

from __future__ import annotations

from typing import Callable

from .base import BuildContext, Candidate, CandidateUnavailable
from . import onnxruntime_fp32

Builder = Callable[[BuildContext], Candidate]

RECIPES = ("lossless", "bf16", "int8", "auto")


def lossless_builders() -> list[tuple[str, Builder]]:
    return [
        ("ort_parallel_execution", onnxruntime_fp32.ort_parallel_execution),
        ("ort_no_spinning", onnxruntime_fp32.ort_no_spinning),
        ("ort_single_thread", onnxruntime_fp32.ort_single_thread),
    ]


def builders_for(recipe: str, workload: str, hardware: dict) -> list[tuple[str, Builder]]:
    builders = lossless_builders()
    return builders


__all__ = ["BuildContext", "Candidate", "CandidateUnavailable", "builders_for", "RECIPES"]
