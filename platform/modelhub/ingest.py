"""Turn what a user sends (a file, an archive, several files) into checked files on
local disk, ready to be stored: size limits, checksums, safe archive extraction,
and the model's format and framework.

Nothing here writes to object storage or the database; a rejected upload leaves
nothing behind but a temporary directory that the caller removes.
"""

from __future__ import annotations

import hashlib
import importlib.util
import lzma
import os
import posixpath
import shutil
import stat
import struct
import tarfile
import zipfile
import zlib
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


# What a file system and an object store take: one name up to 255 bytes (ext4, xfs), and a
# whole path short enough that "models/<id>/v<n>/" + path stays inside S3's 1024-byte keys.
MAX_MEMBER_NAME_BYTES = 255
MAX_MEMBER_PATH_BYTES = 512


def _member_path(name: str, archive_name: str) -> str:
    """The member's relative path, refused when it escapes, names nothing, or cannot be a file name here."""
    relative = _safe_member_path(name)
    if "\x00" in name or relative in ("", "."):
        raise ModelRejected(f"{archive_name}: the archive member {name!r} is not a file name; every member "
                            "needs a name of its own (not '.', not empty).")
    if (len(relative.encode()) > MAX_MEMBER_PATH_BYTES
            or any(len(part.encode()) > MAX_MEMBER_NAME_BYTES for part in relative.split("/"))):
        raise ModelRejected(f"{archive_name}: the archive member {name[:60]!r}... has a name too long to store: "
                            f"at most {MAX_MEMBER_NAME_BYTES} bytes per name and {MAX_MEMBER_PATH_BYTES} bytes "
                            "per path are accepted.")
    return relative


class _Layout:
    """The folders and files an archive lays out: refuses a path that is both, or a file twice,
    before anything is written (the disk would refuse it half-way through)."""

    def __init__(self, archive_name: str):
        self.archive_name = archive_name
        self.files: set[str] = set()
        self.folders: set[str] = set()

    def _conflict(self, path: str) -> ModelRejected:
        return ModelRejected(f"{self.archive_name}: {path!r} is both a file and a folder in the archive; "
                             "a path can be only one of them.")

    def add(self, relative: str, *, is_folder: bool) -> None:
        parts = relative.split("/")
        parents = {"/".join(parts[:i]) for i in range(1, len(parts))}
        clash = parents & self.files
        if clash:
            raise self._conflict(min(clash))
        if is_folder:
            if relative in self.files:
                raise self._conflict(relative)
            self.folders.add(relative)
        else:
            if relative in self.files:
                raise ModelRejected(f"{self.archive_name} holds {relative!r} twice; each path may appear once.")
            if relative in self.folders:
                raise self._conflict(relative)
            self.files.add(relative)
        self.folders |= parents


# Raised while reading a member's bytes out of a damaged archive (bz2 and gzip raise OSError).
_DAMAGED_READ = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, tarfile.TarError, struct.error, OSError)


def _damaged(archive_name: str, member: str, exc: BaseException) -> ModelRejected:
    return ModelRejected(f"{archive_name}: the member {member!r} is damaged and cannot be unpacked ({exc}); the "
                         "archive was corrupted or cut short on the way. Nothing was stored.")


def _archive_limits() -> tuple[int, int]:
    return settings.MODELHUB_ARCHIVE_MAX_MEMBERS, settings.MODELHUB_ARCHIVE_MAX_EXPANDED_BYTES


def _copy_bounded(source: BinaryIO, target: Path, *, budget: int, archive_name: str,
                  member: str) -> tuple[int, str]:
    """Copy one member, counting real bytes (declared sizes can lie). A read that fails is a
    damaged archive (the user's); a write that fails is the server's and is not disguised."""
    digest = hashlib.sha256()
    size = 0
    target.parent.mkdir(parents=True, exist_ok=True)

    def read() -> bytes:
        try:
            return source.read(CHUNK)
        except _DAMAGED_READ as exc:
            raise _damaged(archive_name, member, exc) from exc

    with open(target, "wb") as out:
        for chunk in iter(read, b""):
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
        members, layout = [], _Layout(archive_name)
        for info in infos:
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise ModelRejected(f"The archive member {info.filename!r} is a symbolic link; links are not accepted.")
            if info.filename.endswith("/"):  # ZipInfo.is_dir() fails on an empty name
                relative = _safe_member_path(info.filename)
                if relative != ".":
                    layout.add(_member_path(info.filename, archive_name), is_folder=True)
                continue
            relative = _member_path(info.filename, archive_name)
            layout.add(relative, is_folder=False)
            members.append((info, relative))
        if sum(info.file_size for info, _ in members) > limit:
            raise ModelRejected(_expands_message(archive_name))
        staged, budget = [], limit
        for info, relative in members:
            with _open_zip_member(archive, info, archive_name) as source:
                size, digest = _copy_bounded(source, into / relative, budget=budget, archive_name=archive_name,
                                             member=info.filename)
            budget -= size
            staged.append(StagedFile(relative, size, digest))
    return staged


def _open_zip_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, archive_name: str) -> BinaryIO:
    try:
        return archive.open(info)
    except NotImplementedError as exc:
        raise ModelRejected(f"{archive_name}: the member {info.filename!r} uses a compression method this server "
                            f"cannot read ({exc}); use stored, deflate, bzip2 or lzma.") from exc
    except RuntimeError as exc:  # zipfile's words for "encrypted, password required"
        raise ModelRejected(f"{archive_name}: the member {info.filename!r} is encrypted; send an archive "
                            "without a password.") from exc
    except (zipfile.BadZipFile, ValueError, *_DAMAGED_READ) as exc:
        raise _damaged(archive_name, info.filename, exc) from exc


def extract_tar(path: Path, into: Path, *, archive_name: str) -> list[StagedFile]:
    _, limit = _archive_limits()
    max_members, _ = _archive_limits()
    staged, budget, count, layout = [], limit, 0, _Layout(archive_name)
    with tarfile.open(path, "r:*") as archive:
        for member in archive:  # streamed: a huge member list is refused before it is all read
            count += 1
            _check_member_count(count, archive_name)
            relative = _safe_member_path(member.name)
            if member.issym() or member.islnk():
                raise ModelRejected(f"The archive member {member.name!r} is a link; links are not accepted.")
            if member.isdir():
                if relative != ".":
                    layout.add(_member_path(member.name, archive_name), is_folder=True)
                continue
            if not member.isfile():
                raise ModelRejected(f"The archive member {member.name!r} is not a regular file.")
            relative = _member_path(member.name, archive_name)
            layout.add(relative, is_folder=False)
            if member.size > budget:
                raise ModelRejected(_expands_message(archive_name))
            source = archive.extractfile(member)
            size, digest = _copy_bounded(source, into / relative, budget=budget, archive_name=archive_name,
                                         member=member.name)
            budget -= size
            staged.append(StagedFile(relative, size, digest))
    return staged


def _is_tar(path: Path) -> bool:
    try:
        return tarfile.is_tarfile(path)
    except (OSError, tarfile.TarError):
        return False


# --- formats ----------------------------------------------------------------

def _torch_file_or_reject(path: Path, name: str):
    """The PyTorch kind of `path` (None when it is not a PyTorch file), read as data: a pickle is
    judged by its opcodes and never unpickled here. Files that would run code are refused."""
    from compiler_core.frontends.torch_files import (
        UnsafeTorchFile, check_pt2_archive, classify, refusal_message, unsafe_pt2_message,
    )

    try:
        found = classify(path)
    except UnsafeTorchFile as exc:
        raise ModelRejected(f"{name} looks like a PyTorch file but cannot be read as data: {exc}. Export the "
                            'model: torch.export.save(torch.export.export(model, example_inputs), "model.pt2")'
                            ) from exc
    if found is not None and found.kind == "pt2":
        try:
            check_pt2_archive(path)
        except UnsafeTorchFile as exc:
            raise ModelRejected(unsafe_pt2_message(name, str(exc))) from exc
    if found is not None and found.kind in ("pickle", "weights"):
        raise ModelRejected(refusal_message(found.kind, name, unsafe_globals=found.unsafe_globals))
    return found


# What each accepted PyTorch kind is stored as, and its ModelVersion.format.
_TORCH_STORED = {"pt2": ("model.pt2", "pytorch-export"), "torchscript": ("model.pt", "torchscript")}


def _tensorflow_or_reject(kind: str, name: str) -> None:
    """TensorFlow files are refused whatever is installed: the compiler core has no TensorFlow front
    end, and a SavedModel is a program (its graph may read and write files) that would have to be run
    to convert it. Once `make bench` installed tensorflow and tf2onnx into the same environment, this
    door used to accept SavedModels that no job could then optimize."""
    raise ModelRejected(
        f"{name} is a TensorFlow {kind}; Whetstone takes ONNX and PyTorch exports. Convert it to ONNX on "
        "your side, where running it is safe: python -m tf2onnx.convert --saved-model DIR --output model.onnx "
        "(or --graphdef for a frozen graph, --tflite for a .tflite file).")


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
        raise ModelRejected(f"{filename}: the file is empty. Expected an ONNX model (.onnx), a PyTorch "
                            "exported program (.pt2, torch.export.save) or TorchScript file (.pt), or an archive (.zip, .tar.gz) of an ONNX model with "
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
        except (zipfile.BadZipFile, ValueError, struct.error, OverflowError, EOFError) as exc:
            raise ModelRejected(f"{filename} starts like a zip archive but cannot be read ({exc}): it is "
                                "truncated or damaged.") from exc
        for name in names:
            _safe_member_path(name)
        torch_file = _torch_file_or_reject(received, filename)
        if torch_file is not None:
            # A .pt2 or TorchScript file is a zip by design: stored as it is, never unpacked or loaded here.
            main, base.format = _TORCH_STORED[torch_file.kind]
            shutil.move(received, content / main)
            base.main, base.files, base.framework = main, [StagedFile(main, size, sha256)], "pytorch"
            return base
        files = extract_zip(received, content, archive_name=filename)
        return _classify_archive(base, files, filename)
    if head.startswith(b"\x1f\x8b") or _looks_like_archive_name(filename) or _is_tar(received):
        if not _is_tar(received):
            raise ModelRejected(f"{filename} is not a readable tar or zip archive: it is truncated or damaged.")
        try:
            files = extract_tar(received, content, archive_name=filename)
        except (tarfile.TarError, EOFError, OSError, zlib.error, lzma.LZMAError) as exc:
            raise ModelRejected(f"{filename} could not be unpacked ({exc}): the archive is truncated or damaged.") from exc
        return _classify_archive(base, files, filename)
    if head.startswith(b"\x80"):
        _torch_file_or_reject(received, filename)  # a raw pickle is never accepted; this says why
        raise ModelRejected(f"{filename} is a Python pickle that Whetstone does not read. Export the model: "
                            'torch.export.save(torch.export.export(model, example_inputs), "model.pt2")')
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
    if staged.format == "pytorch-export":
        from compiler_core.frontends.torch_files import pt2_signature

        try:
            # Read from the program's JSON (already checked at staging), never by loading it.
            signature = pt2_signature(staged.root / "content" / staged.main)
        except (KeyError, TypeError, ValueError, AttributeError, OSError):
            signature = {"inputs": [], "outputs": []}
        return {"format": staged.format, "framework": staged.framework, "signature": signature,
                "note": "Graph statistics are computed when the model is converted to ONNX."}
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
