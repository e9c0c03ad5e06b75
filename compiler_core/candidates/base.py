"""What every candidate is: a model file plus the runtime.json that runs it.

A builder gets a BuildContext and returns a Candidate, or raises
CandidateUnavailable (not applicable here: reported as `skipped`); any other
exception becomes a `failed` entry in the report and the pipeline moves on.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import onnx


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
    # Intermediate models several candidates build on (e.g. the fused graph INT8 quantizes).
    shared: dict[str, Any] = field(default_factory=dict)

    def path_for(self, name: str) -> Path:
        return self.work_dir / f"{name}.onnx"


@dataclass
class Candidate:
    name: str
    engine: str
    precision: str
    model_path: Path
    runtime: dict[str, Any]
    detail: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    # Rebuilds this candidate with some nodes kept in fp32 (INT8 accuracy fallback).
    rebuild_excluding: Callable[[list[str]], "Candidate"] | None = None


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
