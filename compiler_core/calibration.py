"""Input batches for accuracy checks and INT8 calibration: the user's data (split between the two), or
generated."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnx

from .errors import OptimizationError
from .signature import generate_inputs

# INT8 calibration reads at most this many batches.
MAX_CALIBRATION_BATCHES = 64


@dataclass(frozen=True)
class Examples:
    """The user's example inputs, split: the accuracy check judges one half, INT8 calibrates on the other.

    Judged on its own calibration data, an INT8 graph is judged where its ranges were fitted: the
    verdict flatters it. Every other file (in name order) goes to each half, so that both hold the same
    mix however the files are named (cat_001..cat_100, dog_001..); the judged half takes the odd one
    out, since it judges every candidate. A single file does both, and `shared` says so."""

    judged: list[Path]
    calibration: list[Path]

    @property
    def shared(self) -> bool:
        return self.judged == self.calibration

    def digest(self) -> str:
        """What the tuning cache keys verdicts on: every file's name and bytes, in each half."""
        digest = hashlib.sha256()
        for half in (self.judged, self.calibration):
            for path in half:
                digest.update(f"{path.name}\0{path.stat().st_size}\0".encode())
                with path.open("rb") as data:
                    for chunk in iter(lambda: data.read(1 << 20), b""):
                        digest.update(chunk)
            digest.update(b"\1")
        return digest.hexdigest()

    def describe(self, judged: int) -> str:
        """What the report says of the data, `judged` the batches the check took of the judged half."""
        plural = "es" if judged > 1 else ""
        if self.shared:
            return (f"{judged} batch{plural}, which also calibrates INT8: give two or more to judge INT8 on "
                    f"examples it was not calibrated on")
        others = min(len(self.calibration), MAX_CALIBRATION_BATCHES)
        return f"{judged} batch{plural} judged; {others} other{'s calibrate' if others > 1 else ' calibrates'} INT8"


def example_inputs(directory: str | Path) -> Examples:
    files = _npz_files(directory)
    if len(files) == 1:
        return Examples(judged=files, calibration=files)
    return Examples(judged=files[0::2], calibration=files[1::2])


def load_npz_dir(directory: str | Path, signature: dict[str, Any], limit: int = 64) -> list[dict[str, np.ndarray]]:
    """The first `limit` batches of a directory, in name order."""
    return load_npz_files(_npz_files(directory)[:limit], signature)


def _npz_files(directory: str | Path) -> list[Path]:
    directory = Path(directory)
    if not directory.is_dir():
        raise OptimizationError(f"calibration directory not found: {directory}")
    files = sorted(directory.glob("*.npz"))
    if not files:
        raise OptimizationError(f"calibration directory {directory} holds no .npz files")
    return files


def load_npz_files(files: list[Path], signature: dict[str, Any]) -> list[dict[str, np.ndarray]]:
    """Each .npz file holds one batch: arrays named like the model's inputs."""
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
