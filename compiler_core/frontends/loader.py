"""Pick the front end for a file and hand back one self-contained ONNX model."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import onnx

from ..candidates.base import save_model
from ..errors import InvalidModelError
from .onnx_file import load_onnx

TORCH_SUFFIXES = (".pt", ".pth", ".torchscript", ".ts")


@dataclass
class LoadedModel:
    model: onnx.ModelProto
    onnx_path: Path        # a self-contained copy in the work dir
    sha256: str            # of the user's file: the tuning cache key
    source_format: str     # onnx | torchscript | pytorch-pickle
    shapes_consumed: bool = False  # the shapes argument named the PyTorch inputs, not dynamic dims


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_model_any(path, work_dir: Path, shapes=None) -> LoadedModel:
    if hasattr(path, "forward") and hasattr(path, "state_dict"):  # a live torch.nn.Module
        from .pytorch import export_module

        onnx_path = export_module(path, work_dir, shapes)
        return LoadedModel(load_onnx(onnx_path), onnx_path, file_sha256(onnx_path), "pytorch-module",
                           shapes_consumed=True)
    path = Path(path)
    if path.suffix.lower() in TORCH_SUFFIXES:
        from .pytorch import convert_to_onnx

        if not path.is_file() or path.stat().st_size == 0:
            raise InvalidModelError(f"{path.name}: the file is empty or missing")
        onnx_path, source_format = convert_to_onnx(path, work_dir, shapes)
        model = load_onnx(onnx_path)
        return LoadedModel(model, onnx_path, file_sha256(path), source_format, shapes_consumed=True)
    model = load_onnx(path)
    copy_path = save_model(model, work_dir / "original.onnx")
    return LoadedModel(model, copy_path, file_sha256(path), "onnx")
