"""Input batches for accuracy checks and INT8 calibration: the user's data (split between the two), or
generated."""

from __future__ import annotations

import hashlib
import io
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnx

from .errors import OptimizationError
from .signature import generate_inputs

# INT8 calibration reads at most this many batches, and the accuracy check at most as many: the
# example files beyond twice this (in name order) are not read.
MAX_CALIBRATION_BATCHES = 64
MAX_EXAMPLE_FILES = 2 * MAX_CALIBRATION_BATCHES
# Recipes with a candidate that calibrates on examples (static INT8, OpenVINO's NNCF INT8).
CALIBRATING_RECIPES = ("auto", "int8")


@dataclass(frozen=True)
class Examples:
    """The user's example inputs, read once: what the accuracy check judges, what INT8 calibrates on,
    and the batch timing starts from.

    Judged on its own calibration data, an INT8 graph is judged where its ranges were fitted: the
    verdict flatters it. Where a calibrating candidate may run, the files are split in two: ordered by
    a hash of their names (pseudo-random, so that both halves hold the same mix however the files are
    named: cat_001..cat_100, or 000_cat, 000_dog, 001_cat...), every other one to each half, the
    judged half taking the odd one out. Files with the same bytes count once: a copy must not land on
    both sides. A single file does both, and `shared` says so. Read once and kept, so that the data
    judged, calibrated on and keyed in the tuning cache are the same bytes, whatever happens to the
    directory during the run."""

    judged: list[dict[str, np.ndarray]]
    calibration: list[dict[str, np.ndarray]]
    first: dict[str, np.ndarray]   # the first file by name: it sets the primary shape for timing
    digest: str                    # of every file read, by half: the tuning cache's key
    split: bool                    # a calibrating recipe: the halves are apart (or `shared`)
    skipped: int = 0               # files beyond MAX_EXAMPLE_FILES, or duplicates

    @property
    def shared(self) -> bool:
        return self.split and self.judged is self.calibration

    def describe(self, judged: int) -> str:
        """What the report says of the data, `judged` the batches the check took of the judged half."""
        text = f"{judged} batch{'es' if judged > 1 else ''}"
        if self.shared:
            text += (", which also calibrates INT8: give two or more different files to judge INT8 on examples "
                     "it was not calibrated on")
        elif self.split:
            others = min(len(self.calibration), MAX_CALIBRATION_BATCHES)
            text += f" judged; {others} other{'s' if others > 1 else ''} kept for INT8's calibration"
        return text + (f"; {self.skipped} file{'s' if self.skipped > 1 else ''} not read (duplicates, or beyond "
                       f"{MAX_EXAMPLE_FILES})" if self.skipped else "")


def example_inputs(directory: str | Path, signature: dict[str, Any], *, split: bool) -> Examples:
    """Read and check every example file up front: one the model cannot take is refused here, naming
    the file, before anything is measured (a bad file in the calibration half once failed INT8 quietly)."""
    files = _npz_files(directory)
    read, seen, skipped = [], set(), max(0, len(files) - MAX_EXAMPLE_FILES)
    for path in files[:MAX_EXAMPLE_FILES]:
        content = _regular_file_bytes(path)
        digest = hashlib.sha256(content).hexdigest()
        if digest in seen:
            skipped += 1
            continue
        seen.add(digest)
        read.append((path.name, digest, _parse(path.name, content, signature)))
    first = read[0][2]
    if split and len(read) > 1:
        judged_names, _ = halves([name for name, _, _ in read])
        judged = [entry for entry in read if entry[0] in judged_names]
        calibration = [entry for entry in read if entry[0] not in judged_names]
    else:
        judged = calibration = read
    key = hashlib.sha256()
    for half in (judged, calibration):
        for name, digest, _ in half:
            key.update(f"{name}\0{digest}\0".encode())
        key.update(b"\1")
    judged_batches = [batch for _, _, batch in judged]
    return Examples(judged=judged_batches,
                    calibration=judged_batches if calibration is judged else [batch for _, _, batch in calibration],
                    first=first, digest=key.hexdigest(), split=split, skipped=skipped)


def halves(names: list[str]) -> tuple[set[str], set[str]]:
    """(judged, calibration): the names ordered by their hash, every other one to each half, the
    judged half taking the odd one out."""
    order = sorted(names, key=lambda name: hashlib.sha256(name.encode()).hexdigest())
    return set(order[0::2]), set(order[1::2])


def load_npz_dir(directory: str | Path, signature: dict[str, Any], limit: int = 64) -> list[dict[str, np.ndarray]]:
    """The first `limit` batches of a directory, in name order."""
    return [_parse(path.name, _regular_file_bytes(path), signature) for path in _npz_files(directory)[:limit]]


def _npz_files(directory: str | Path) -> list[Path]:
    directory = Path(directory)
    if not directory.is_dir():
        raise OptimizationError(f"calibration directory not found: {directory}")
    files = sorted(directory.glob("*.npz"))
    if not files:
        raise OptimizationError(f"calibration directory {directory} holds no .npz files")
    return files


def _regular_file_bytes(path: Path) -> bytes:
    """A file's bytes, where it is a regular file: a FIFO or a link to /dev/zero would never end."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise OptimizationError(f"{path.name} is not a regular file; each example must be an .npz file")
        return path.read_bytes()
    except OSError as exc:
        raise OptimizationError(f"{path.name} cannot be read: {exc.strerror or exc}") from exc


def _parse(name: str, content: bytes, signature: dict[str, Any]) -> dict[str, np.ndarray]:
    """One batch: arrays named like the model's inputs, of their ranks and fixed dims."""
    wanted = {spec["name"]: spec for spec in signature["inputs"]}
    try:
        data = np.load(io.BytesIO(content), allow_pickle=False)  # never unpickle user files
    except Exception as exc:  # noqa: BLE001 - any failure here is the file's
        raise OptimizationError(f"{name} is not a numpy .npz file ({exc})") from exc
    if not hasattr(data, "files"):
        raise OptimizationError(f"{name} holds one array, not an .npz of arrays named {sorted(wanted)}")
    with data:
        missing = set(wanted) - set(data.files)
        if missing:
            raise OptimizationError(
                f"{name} lacks inputs {sorted(missing)}; each .npz must hold arrays named {sorted(wanted)}")
        try:
            batch = {key: data[key].astype(np.dtype(spec["dtype"])) for key, spec in wanted.items()}
        except ValueError as exc:
            raise OptimizationError(
                f"{name}: {exc}; store strings as fixed-width unicode arrays (np.str_), "
                "since pickled object arrays are never loaded") from exc
    for key, spec in wanted.items():
        shape = spec.get("shape")
        if not isinstance(shape, list):
            continue
        got = list(batch[key].shape)
        if len(got) != len(shape) or any(isinstance(d, int) and d > 0 and d != g for d, g in zip(shape, got)):
            raise OptimizationError(f"{name}: input {key} is {got}, and the model takes {shape}")
    return batch


def generated_batches(model: onnx.ModelProto, signature: dict[str, Any], shape: dict[str, int],
                      count: int, seed: int = 100) -> list[dict[str, np.ndarray]]:
    return [generate_inputs(model, signature, shape, seed=seed + i) for i in range(count)]
