"""Read an ONNX file (with external data) and say precisely why when it cannot be read.

Users upload the wrong file often (a .pt checkpoint, a zip, a truncated download);
the message must tell them which of those it was, not show a protobuf traceback.
"""

from __future__ import annotations

from pathlib import Path

import onnx

from ..errors import InvalidModelError

# Leading bytes of files people upload by mistake, and what to call them.
_MAGIC = (
    (b"PK\x05\x06", "an empty zip archive"),
    (b"PK\x03\x04", "a zip archive (a PyTorch .pt/.pth checkpoint or a Keras/TF bundle?)"),
    (b"\x80", "a Python pickle (a PyTorch or scikit-learn checkpoint?)"),
    (b"\x89HDF", "an HDF5 file (a Keras .h5 model?)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"GGUF", "a GGUF file (llama.cpp weights)"),
    (b"\x7fELF", "an executable (ELF)"),
    (b"%PDF", "a PDF document"),
)


def sniff_format(head: bytes) -> str | None:
    """Name the kind of file `head` starts with, when it is recognisably not ONNX."""
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    if head[:1] in (b"{", b"["):
        return "a JSON/text file"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text.isprintable() or all(c.isprintable() or c.isspace() for c in text):
        return "a text file"
    return None


def load_onnx(path: str | Path, *, check: bool = True, load_external_data: bool = True,
              shown_as: str | None = None) -> onnx.ModelProto:
    """Parse and check an ONNX model; raise InvalidModelError naming the problem, and the file
    as `shown_as` (the name its owner knows it by) where given."""
    path = Path(path)
    name = shown_as or path.name
    if not path.exists():
        raise InvalidModelError(f"model file not found: {path}")
    if path.is_dir():
        raise InvalidModelError(f"{path} is a directory; expected an .onnx file")
    size = path.stat().st_size
    if size == 0:
        raise InvalidModelError(f"{name}: the file is empty")
    with path.open("rb") as handle:
        head = handle.read(64)
    looks_like = sniff_format(head)
    if looks_like:
        raise InvalidModelError(f"{name} is not an ONNX model: it looks like {looks_like}")
    try:
        model = onnx.load(str(path), load_external_data=load_external_data)
    except onnx.onnx_cpp2py_export.checker.ValidationError as exc:  # external data out of bounds
        raise InvalidModelError(f"{name}: external data is missing or invalid: {exc}") from exc
    except (FileNotFoundError, OSError) as exc:
        raise InvalidModelError(f"{name}: external data could not be read: {exc}") from exc
    except Exception as exc:  # protobuf DecodeError and friends
        raise InvalidModelError(
            f"{name} could not be parsed as ONNX ({size} bytes): the file is truncated "
            f"or not an ONNX protobuf ({type(exc).__name__}: {exc})"
        ) from exc
    if not model.graph.node and not model.graph.output:
        raise InvalidModelError(
            f"{name} parsed as an empty ONNX graph (no nodes, no outputs): "
            "the file is truncated or not an ONNX model"
        )
    if check:
        try:
            # The path form checks models above 2 GB and resolves external data relative to the file.
            onnx.checker.check_model(str(path))
        except Exception as exc:
            raise InvalidModelError(f"{name} is not a valid ONNX graph: {exc}") from exc
    return model
