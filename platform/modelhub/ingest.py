"""Turn what a user sends (a file, an archive, several files) into checked files on
local disk, ready to be stored: size limits, checksums, safe archive extraction,
and the model's format and framework.

Nothing here writes to object storage or the database; a rejected upload leaves
nothing behind but a temporary directory that the caller removes.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import posixpath
import shutil
import stat
import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Iterable

from django.conf import settings

CHUNK = 1024 * 1024


class ModelRejected(Exception):
    """The input cannot be registered; the message says why and what would be accepted."""

    status_code = 400

    def __init__(self, message: str, *, field: str = "file", status_code: int | None = None):
        super().__init__(message)
        self.field = field
        if status_code is not None:
            self.status_code = status_code


@dataclass
class StagedFile:
    path: str            # relative, posix
    size_bytes: int
    sha256: str


@dataclass
class StagedModel:
    """Checked files in `root`, and what they are."""

    root: Path
    main: str                                # relative path of the file a runtime opens
    files: list[StagedFile]
    size_bytes: int                          # of what the user sent
    sha256: str                              # of what the user sent
    format: str = "onnx"
    framework: str = "onnx"
    inspect_later: bool = False              # large ONNX: inspected by a worker task
    inspection: dict = field(default_factory=dict)
    sent_as: str = ""                        # the file's name as sent, where `main` renames it

    def file_rows(self) -> list[dict]:
        return [{"path": f.path, "size_bytes": f.size_bytes, "sha256": f.sha256} for f in self.files]


def max_upload_bytes() -> int:
    return settings.WHETSTONE_MAX_UPLOAD_BYTES


def _limit_message(size: int | str) -> str:
    return (f"The upload is {size} bytes; the largest accepted upload is {max_upload_bytes()} bytes "
            "(WHETSTONE_MAX_UPLOAD_BYTES). Larger files go through a presigned multipart upload.")


def copy_stream(stream: BinaryIO, target: Path, *, limit: int) -> tuple[int, str]:
    """Copy `stream` to `target` in chunks, hashing as it goes; refuse past `limit` bytes."""
    digest = hashlib.sha256()
    size = 0
    with open(target, "wb") as out:
        for chunk in iter(lambda: stream.read(CHUNK), b""):
            size += len(chunk)
            if size > limit:
                raise ModelRejected(_limit_message(f"more than {limit}"), status_code=413)
            digest.update(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_sha256(*, expected: str | None, actual: str, size: int) -> None:
    if expected and expected.strip().lower() != actual:
        raise ModelRejected(
            f"Checksum mismatch: you sent sha256 {expected.strip().lower()}, the server received {size} bytes "
            f"with sha256 {actual}. The file was changed or cut short on the way; nothing was stored.",
            field="sha256",
        )


# --- archives -----------------------------------------------------------------

def _safe_member_path(name: str) -> str:
    """The member's path inside the archive's folder, or ModelRejected if it escapes it."""
    normalized = posixpath.normpath(name.replace("\\", "/"))
    if (name.startswith(("/", "\\")) or PurePosixPath(normalized).is_absolute() or normalized == ".."
            or normalized.startswith("../") or (len(name) > 1 and name[1] == ":")):
        raise ModelRejected(
            f"The archive member {name!r} points outside the archive's folder; archives must hold relative "
            "paths only (no '..', no absolute paths)."
        )
    return normalized


def _archive_limits() -> tuple[int, int]:
    return settings.MODELHUB_ARCHIVE_MAX_MEMBERS, settings.MODELHUB_ARCHIVE_MAX_EXPANDED_BYTES


def _copy_bounded(source: BinaryIO, target: Path, *, budget: int, archive_name: str) -> tuple[int, str]:
    """Copy one member, counting real bytes (declared sizes can lie)."""
    digest = hashlib.sha256()
    size = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as out:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            size += len(chunk)
            if size > budget:
                raise ModelRejected(_expands_message(archive_name))
            digest.update(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def _expands_message(archive_name: str) -> str:
    _, limit = _archive_limits()
    return (f"{archive_name} expands to more than {limit} bytes (MODELHUB_ARCHIVE_MAX_EXPANDED_BYTES); "
            "it looks like an archive bomb, or the model is too large for an archive upload.")


def _check_member_count(count: int, archive_name: str) -> None:
    max_members, _ = _archive_limits()
    if count > max_members:
        raise ModelRejected(f"{archive_name} has {count} members; at most {max_members} are accepted.")


def extract_zip(path: Path, into: Path, *, archive_name: str) -> list[StagedFile]:
    _, limit = _archive_limits()
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        _check_member_count(len(infos), archive_name)
        members = []
        for info in infos:
            relative = _safe_member_path(info.filename)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise ModelRejected(f"The archive member {info.filename!r} is a symbolic link; links are not accepted.")
            if not info.is_dir():
                members.append((info, relative))
        if sum(info.file_size for info, _ in members) > limit:
            raise ModelRejected(_expands_message(archive_name))
        staged, budget = [], limit
        for info, relative in members:
            with archive.open(info) as source:
                size, digest = _copy_bounded(source, into / relative, budget=budget, archive_name=archive_name)
            budget -= size
            staged.append(StagedFile(relative, size, digest))
    return staged


def extract_tar(path: Path, into: Path, *, archive_name: str) -> list[StagedFile]:
    _, limit = _archive_limits()
    max_members, _ = _archive_limits()
    staged, budget, count = [], limit, 0
    with tarfile.open(path, "r:*") as archive:
        for member in archive:  # streamed: a huge member list is refused before it is all read
            count += 1
            _check_member_count(count, archive_name)
            relative = _safe_member_path(member.name)
            if member.issym() or member.islnk():
                raise ModelRejected(f"The archive member {member.name!r} is a link; links are not accepted.")
            if member.isdir():
                continue
            if not member.isfile():
                raise ModelRejected(f"The archive member {member.name!r} is not a regular file.")
            if member.size > budget:
                raise ModelRejected(_expands_message(archive_name))
            source = archive.extractfile(member)
            size, digest = _copy_bounded(source, into / relative, budget=budget, archive_name=archive_name)
            budget -= size
            staged.append(StagedFile(relative, size, digest))
    return staged


def _is_tar(path: Path) -> bool:
    try:
        return tarfile.is_tarfile(path)
    except (OSError, tarfile.TarError):
        return False


# --- formats ----------------------------------------------------------------

def _torch_zip_kind(names: Iterable[str]) -> str | None:
    """torch.save and torch.jit.save both write a zip with <root>/data.pkl; TorchScript adds code/."""
    names = list(names)
    if not any(n.endswith("/data.pkl") or n == "data.pkl" for n in names):
        return None
    if any("/code/" in n or n.endswith("/constants.pkl") for n in names):
        return "torchscript"
    return "pytorch"


def _tensorflow_converter_installed() -> bool:
    return importlib.util.find_spec("tf2onnx") is not None and importlib.util.find_spec("tensorflow") is not None


def _tensorflow_or_reject(kind: str, name: str) -> None:
    if not _tensorflow_converter_installed():
        raise ModelRejected(
            f"{name} is a TensorFlow {kind}, but this server has no TensorFlow converter (tensorflow + tf2onnx) "
            "installed. Convert it to ONNX first (python -m tf2onnx.convert), or ask your operator to install one."
        )


def _pick_onnx(files: list[StagedFile], name: str) -> str:
    onnx_files = [f.path for f in files if f.path.lower().endswith(".onnx")]
    if len(onnx_files) == 1:
        return onnx_files[0]
    if not onnx_files:
        listing = ", ".join(sorted(f.path for f in files)[:10]) or "nothing"
        raise ModelRejected(
            f"{name} holds no model the ModelHub recognises (found: {listing}). Accepted archives: an ONNX model "
            "with its external data files, a TensorFlow SavedModel (saved_model.pb) or frozen graph (.pb)."
        )
    top = [p for p in onnx_files if "/" not in p]
    if len(top) == 1:
        return top[0]
    raise ModelRejected(f"{name} holds several ONNX models ({', '.join(sorted(onnx_files)[:5])}); send one per version.")


def _looks_like_archive_name(name: str) -> bool:
    return name.lower().endswith((".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz"))


def stage(*, root: Path, received: Path, filename: str, size: int, sha256: str,
          extra_files: list[tuple[str, Path]] | None = None) -> StagedModel:
    """Decide what `received` is and lay the model's files out under root/content."""
    if size == 0:
        raise ModelRejected(f"{filename}: the file is empty. Expected an ONNX model (.onnx), a TorchScript or "
                            "PyTorch module file (.pt), or an archive (.zip, .tar.gz) of an ONNX model with "
                            "external data or a TensorFlow SavedModel.")
    content = root / "content"
    content.mkdir(parents=True, exist_ok=True)
    with open(received, "rb") as handle:
        head = handle.read(8)
    is_zip = head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06")
    base = StagedModel(root=root, main="", files=[], size_bytes=size, sha256=sha256)

    if is_zip:
        try:
            with zipfile.ZipFile(received) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile as exc:
            raise ModelRejected(f"{filename} starts like a zip archive but cannot be read ({exc}): it is "
                                "truncated or damaged.") from exc
        torch_kind = _torch_zip_kind(names)
        if torch_kind:
            # A TorchScript/PyTorch file is a zip by design: stored as it is, never unpacked or unpickled here.
            for name in names:
                _safe_member_path(name)
            main = "model.pt"
            shutil.move(received, content / main)
            base.main, base.files = main, [StagedFile(main, size, sha256)]
            base.format, base.framework = torch_kind, "pytorch"
            return base
        files = extract_zip(received, content, archive_name=filename)
        return _classify_archive(base, files, filename)
    if head.startswith(b"\x1f\x8b") or _looks_like_archive_name(filename) or _is_tar(received):
        if not _is_tar(received):
            raise ModelRejected(f"{filename} is not a readable tar or zip archive: it is truncated or damaged.")
        try:
            files = extract_tar(received, content, archive_name=filename)
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise ModelRejected(f"{filename} could not be unpacked ({exc}): the archive is truncated or damaged.") from exc
        return _classify_archive(base, files, filename)
    if head.startswith(b"\x80"):
        main = "model.pt"
        shutil.move(received, content / main)
        base.main, base.files = main, [StagedFile(main, size, sha256)]
        base.format, base.framework = "pytorch", "pytorch"
        return base
    if filename.lower().endswith(".pb"):
        _tensorflow_or_reject("frozen graph", filename)
        main = "frozen_graph.pb"
        shutil.move(received, content / main)
        base.main, base.files = main, [StagedFile(main, size, sha256)]
        base.format, base.framework = "tf-frozen-graph", "tensorflow"
        return base

    # An ONNX file, perhaps with external data files sent beside it.
    main = _safe_basename(filename, default="model.onnx")
    if not main.lower().endswith(".onnx"):
        base.sent_as, main = main, "model.onnx"
    shutil.move(received, content / main)
    base.main, base.files = main, [StagedFile(main, size, sha256)]
    for name, path in extra_files or []:
        relative = _safe_basename(name, default="")
        if not relative or relative == main:
            raise ModelRejected(f"The external data file {name!r} needs a distinct plain file name.",
                                field="external_data")
        shutil.move(path, content / relative)
        base.files.append(StagedFile(relative, (content / relative).stat().st_size, file_sha256(content / relative)))
    return base


def _safe_basename(name: str, *, default: str) -> str:
    basename = os.path.basename((name or "").replace("\\", "/"))
    if basename in ("", ".", ".."):
        return default
    return basename


def _classify_archive(base: StagedModel, files: list[StagedFile], filename: str) -> StagedModel:
    base.files = files
    paths = {f.path for f in files}
    saved_model = [p for p in paths if p == "saved_model.pb" or p.endswith("/saved_model.pb")]
    if saved_model:
        _tensorflow_or_reject("SavedModel", filename)
        base.main, base.format, base.framework = saved_model[0], "tf-savedmodel", "tensorflow"
        return base
    if not any(p.lower().endswith(".onnx") for p in paths):
        frozen = [p for p in paths if p.endswith(".pb")]
        if len(frozen) == 1:
            _tensorflow_or_reject("frozen graph", filename)
            base.main, base.format, base.framework = frozen[0], "tf-frozen-graph", "tensorflow"
            return base
    base.main = _pick_onnx(files, filename)
    base.format, base.framework = "onnx", "onnx"
    return base


def inspect_staged(staged: StagedModel) -> dict:
    """Signature and graph statistics. ONNX is parsed here; other formats are only
    described (their conversion runs in the compiler core's sandbox, not in the web process)."""
    if staged.format != "onnx":
        return {"format": staged.format, "framework": staged.framework, "signature": {"inputs": [], "outputs": []},
                "note": "Signature and graph statistics are computed when the model is converted to ONNX."}
    from compiler_core import inspect_model
    from compiler_core.errors import InvalidModelError

    try:
        # Errors name the file as its owner sent it, not as it is stored.
        return inspect_model(staged.root / "content" / staged.main, shown_as=staged.sent_as or None)
    except InvalidModelError as exc:
        raise ModelRejected(str(exc)) from exc
