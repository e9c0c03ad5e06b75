"""What every candidate is: a model file plus the runtime.json that runs it, and the passes that make one.

A pass is a class with a typed config (spec.py). A graph pass builds a Candidate from the
original model (`GraphPass.build(ctx, config)`); a setting pass builds one from another candidate
(`SettingPass.build(ctx, base, config)`). Either raises CandidateUnavailable when it does not apply
to this model or machine (reported as `skipped`, with `why_not`'s reason, or a reason found while
building); any other exception becomes a `failed` entry in the report and the pipeline moves on.
"""

from __future__ import annotations

import copy
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, ClassVar, Generic, TypeVar

import onnx

from .spec import CandidateSpec


class CandidateUnavailable(Exception):
    """The candidate does not apply to this model or machine; the message says why."""


@dataclass
class BuildContext:
    model: onnx.ModelProto          # the original fp32 model (external data loaded)
    model_path: Path                # the original on disk (a self-contained copy in work_dir)
    signature: dict[str, Any]
    work_dir: Path
    threads: int
    hardware: dict[str, Any]
    workload: str
    calibration: Callable[[], list[dict]]  # lazily built calibration batches
    accuracy_budget: float
    # The shapes measured, the primary first (static shapes compiles a graph for each).
    shape_set: list[dict[str, int]] = field(default_factory=list)
    # Intermediate models several candidates build on (e.g. the fused graph INT8 quantizes).
    shared: dict[str, Any] = field(default_factory=dict)

    def path_for(self, name: str) -> Path:
        return self.work_dir / f"{name}.onnx"


@dataclass
class Candidate:
    spec: CandidateSpec
    engine: str
    precision: str
    model_path: Path
    runtime: dict[str, Any]
    detail: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    # Rebuilds this candidate with some nodes kept in fp32 (INT8 accuracy fallback).
    rebuild_excluding: Callable[[list[str]], "Candidate"] | None = None
    # What the package calls a candidate that is more than its spec (a default with routed shapes).
    label: str | None = None

    @property
    def name(self) -> str:
        return self.label or self.spec.name


Config = TypeVar("Config")


class GraphPass(ABC, Generic[Config]):
    """Makes a candidate from the original model, configured by `config_type`."""

    config_type: ClassVar[type]

    def why_not(self, ctx: BuildContext, config: Config) -> str | None:
        """Why this pass does not apply to this model or machine, from what is known before building."""
        return None

    def applies(self, ctx: BuildContext, config: Config) -> bool:
        return self.why_not(ctx, config) is None

    def build(self, ctx: BuildContext, config: Config) -> Candidate:
        reason = self.why_not(ctx, config)
        if reason is not None:
            raise CandidateUnavailable(reason)
        return self._build(ctx, config)

    @abstractmethod
    def _build(self, ctx: BuildContext, config: Config) -> Candidate:
        """The candidate (may still raise CandidateUnavailable for what only building finds out)."""


class SettingPass(ABC, Generic[Config]):
    """Makes a candidate from another one (same weights, other options); the result's spec is
    `base.spec.with_setting(config)`, so it knows its parent."""

    config_type: ClassVar[type]

    @abstractmethod
    def offered(self, ctx: BuildContext, base: Candidate) -> list[Config]:
        """The configs worth trying on `base`, in the order they are tried."""

    def why_not(self, ctx: BuildContext, base: Candidate, config: Config) -> str | None:
        return None

    def applies(self, ctx: BuildContext, base: Candidate, config: Config) -> bool:
        return self.why_not(ctx, base, config) is None

    def build(self, ctx: BuildContext, base: Candidate, config: Config) -> Candidate:
        reason = self.why_not(ctx, base, config)
        if reason is not None:
            raise CandidateUnavailable(reason)
        return self._build(ctx, base, config)

    @abstractmethod
    def _build(self, ctx: BuildContext, base: Candidate, config: Config) -> Candidate:
        """The candidate, with spec `base.spec.with_setting(config)`."""


def ort_runtime(threads: int, *, level: str = "ORT_ENABLE_ALL", mode: str = "ORT_SEQUENTIAL",
                inter_threads: int = 1, precision: str = "fp32", config_entries: dict | None = None) -> dict:
    return {
        "engine": "onnxruntime",
        "model": "model.onnx",
        "precision": precision,
        "providers": ["CPUExecutionProvider"],
        "session_options": {
            "intra_op_num_threads": threads,
            "inter_op_num_threads": inter_threads,
            "graph_optimization_level": level,
            "execution_mode": mode,
            "config_entries": dict(config_entries or {}),
        },
        "custom_op_libraries": [],
    }


def openvino_runtime(threads: int, precision_hint: str, precision: str) -> dict:
    return {
        "engine": "openvino",
        "model": "model.onnx",
        "precision": precision,
        "device": "CPU",
        "config": {
            "INFERENCE_PRECISION_HINT": precision_hint,
            "PERFORMANCE_HINT": "LATENCY",
            "INFERENCE_NUM_THREADS": threads,
        },
    }


def save_model(model: onnx.ModelProto, path: Path) -> Path:
    """Save, moving weights to an external file when the proto would pass protobuf's 2 GB limit."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if model.ByteSize() > 1_500_000_000:
        onnx.save_model(copy.deepcopy(model), str(path), save_as_external_data=True,
                        all_tensors_to_one_file=True, location=path.name + ".data")
    else:
        onnx.save_model(model, str(path))
    return path
