"""Object storage for models and packages, over Django's storage API.

The backend is chosen in settings: django-storages' S3 backend for any S3 API
(AWS, MinIO, Ceph RGW, OSS), or the local file system under var/ for `make run`.
Keys are the same on both: models/<id>/v<n>/model.onnx, packages/<job>/...
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from django.core.files import File
from django.core.files.storage import default_storage

CHUNK = 1024 * 1024


def put_stream(key: str, stream: BinaryIO) -> str:
    """Store `stream` under `key`; returns the key actually written."""
    return default_storage.save(key, File(stream, name=Path(key).name))


def put_file(key: str, path: Path) -> str:
    with open(path, "rb") as handle:
        return put_stream(key, handle)


def put_dir(prefix: str, directory: Path) -> list[str]:
    """Upload every file under `directory` below `prefix`/, keeping relative paths."""
    keys = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        keys.append(put_file(f"{prefix}/{path.relative_to(directory).as_posix()}", path))
    return keys


def get_to_path(key: str, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with default_storage.open(key, "rb") as source, open(path, "wb") as target:
        shutil.copyfileobj(source, target, CHUNK)
    return path


def list_keys(prefix: str, *, skip: tuple[str, ...] = ()) -> list[str]:
    """Every key below `prefix`/, recursively, but those below `prefix`/`folder`/ for each folder in `skip`."""
    try:
        directories, files = default_storage.listdir(prefix)
    except FileNotFoundError:
        return []
    keys = [f"{prefix}/{name}" for name in files]
    for directory in directories:
        if directory not in skip:
            keys.extend(list_keys(f"{prefix}/{directory}"))
    return keys


def get_dir(prefix: str, directory: Path, *, skip: tuple[str, ...] = ()) -> Path:
    """Download every key below `prefix`/ (as list_keys lists them, `skip` included)."""
    for key in list_keys(prefix, skip=skip):
        get_to_path(key, directory / key[len(prefix) + 1 :])
    return directory


def read_text(key: str) -> str:
    with default_storage.open(key, "rb") as source:
        return source.read().decode()


def copy(source: str, target: str) -> None:
    """Copy one object to another key without bringing it here: the S3 server copies it
    (in parts when large); a local store copies the file."""
    bucket = getattr(default_storage, "bucket", None)
    if bucket is not None:
        bucket.copy({"Bucket": bucket.name, "Key": source}, target)
        return
    destination = Path(default_storage.path(target))
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(default_storage.path(source), destination)


def address(key: str, *, endpoint_in_path: bool = False) -> str:
    """Where a key lies for tools outside the platform: s3://bucket/key, or a path on this machine.

    `endpoint_in_path`: Triton's form for an S3 API other than AWS's, which names the
    server in the path (s3://host:port/bucket/key, https:// before the host for TLS);
    KServe and the AWS tools take the endpoint from their own settings instead."""
    bucket = getattr(default_storage, "bucket_name", None)
    if not bucket:
        return default_storage.path(key)
    endpoint = getattr(default_storage, "endpoint_url", None) if endpoint_in_path else None
    if not endpoint:
        return f"s3://{bucket}/{key}"
    url = urlsplit(endpoint)
    tls = url.scheme == "https"
    return f"s3://{'https://' if tls else ''}{url.hostname}:{url.port or (443 if tls else 80)}/{bucket}/{key}"


def delete_prefix(prefix: str) -> int:
    keys = list_keys(prefix)
    for key in keys:
        default_storage.delete(key)
    return len(keys)


def delete_key(key: str) -> None:
    default_storage.delete(key)


def listdir(prefix: str) -> tuple[list[str], list[str]]:
    """The folders and files directly below `prefix`; FileNotFoundError when there is nothing."""
    return default_storage.listdir(prefix)


def modified_at(key: str):
    return default_storage.get_modified_time(key)


def exists(key: str) -> bool:
    return default_storage.exists(key)


def sha256_of(stream: BinaryIO) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(CHUNK), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def open_key(key: str):
    return default_storage.open(key, "rb")
