"""Input batches for accuracy checks and INT8 calibration: the user's data, or generated."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import onnx

from .errors import OptimizationError
from .signature import generate_inputs


def load_npz_dir(directory: str | Path, signature: dict[str, Any], limit: int = 64) -> list[dict[str, np.ndarray]]:
    """Each .npz file holds one batch: arrays named like the model's inputs."""
    directory = Path(directory)
    if not directory.is_dir():
        raise OptimizationError(f"calibration directory not found: {directory}")
    files = sorted(directory.glob("*.npz"))[:limit]
    if not files:
        raise OptimizationError(f"calibration directory {directory} holds no .npz files")
    wanted = {spec["name"]: spec for spec in signature["inputs"]}
    batches = []
    for file in files:
        with np.load(file, allow_pickle=False) as data:  # never unpickle user files
            missing = set(wanted) - set(data.files)
            if missing:
                raise OptimizationError(
                    f"{file.name} lacks inputs {sorted(missing)}; each .npz must hold arrays named {sorted(wanted)}")
            try:
                batches.append({name: data[name].astype(np.dtype(spec["dtype"])) for name, spec in wanted.items()})
            except ValueError as exc:
                raise OptimizationError(
                    f"{file.name}: {exc}; store strings as fixed-width unicode arrays (np.str_), "
                    "since pickled object arrays are never loaded") from exc
    return batches


def generated_batches(model: onnx.ModelProto, signature: dict[str, Any], shape: dict[str, int],
                      count: int, seed: int = 100) -> list[dict[str, np.ndarray]]:
    return [generate_inputs(model, signature, shape, seed=seed + i) for i in range(count)]
