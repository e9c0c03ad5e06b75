"""Pick the front end for a file and hand back one self-contained ONNX model."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import onnx

from ..candidates.base import save_model
from ..errors import InvalidModelError
from .onnx_file import load_onnx
from .onnx_normalize import normalize

TORCH_SUFFIXES = (".pt2", ".pt", ".pth", ".torchscript", ".ts")


@dataclass
class LoadedModel:
    model: onnx.ModelProto
    onnx_path: Path        # a self-contained copy in the work dir
    sha256: str            # of the user's file: the tuning cache key
    source_format: str     # onnx | pytorch-export | torchscript | pytorch-pickle | pytorch-module
    shapes_consumed: bool = False  # the shapes argument named the PyTorch inputs, not dynamic dims
    notes: list[str] = field(default_factory=list)  # what onnx_normalize changed, for the job's log


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _is_torch_file(path: Path) -> bool:
    """A PyTorch file under another name (model.bin, model.onnx) still goes to the PyTorch front end,
    so a pickle is refused as a pickle rather than misread as a broken ONNX file."""
    from .torch_files import UnsafeTorchFile, classify

    try:
        return path.is_file() and classify(path) is not None
    except (UnsafeTorchFile, OSError):
        return True


def load_model_any(path, work_dir: Path, shapes=None) -> LoadedModel:
    if hasattr(path, "forward") and hasattr(path, "state_dict"):  # a live torch.nn.Module
        from .pytorch import export_module

        onnx_path = export_module(path, work_dir, shapes)
        return LoadedModel(load_onnx(onnx_path), onnx_path, file_sha256(onnx_path), "pytorch-module",
                           shapes_consumed=True)
    path = Path(path)
    if path.suffix.lower() in TORCH_SUFFIXES or _is_torch_file(path):
        from .pytorch import convert_to_onnx

        if not path.is_file() or path.stat().st_size == 0:
            raise InvalidModelError(f"{path.name}: the file is empty or missing")
        onnx_path, source_format = convert_to_onnx(path, work_dir, shapes)
        model = load_onnx(onnx_path)
        # A .pt2 names its own inputs; the shapes argument is then the dynamic dims' shape set.
        return LoadedModel(model, onnx_path, file_sha256(path), source_format,
                           shapes_consumed=source_format != "pytorch-export")
    model, notes = normalize(load_onnx(path))
    copy_path = save_model(model, work_dir / "original.onnx")
    return LoadedModel(model, copy_path, file_sha256(path), "onnx", notes=notes)
