"""Writes to the ModelHub."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import transaction

from whetstone import objectstore

from .models import ModelVersion, RegisteredModel

logger = logging.getLogger(__name__)


class ModelRejected(Exception):
    """The uploaded file cannot be registered; the message says why."""


def model_storage_key(*, model_id: int, version: int) -> str:
    return f"models/{model_id}/v{version}/model.onnx"


def _inspect_upload(upload: BinaryIO, size: int) -> dict:
    """Inspect the upload from a file on disk (onnx reads paths; uploads past
    2.5 MB already are temporary files, smaller ones are copied)."""
    if size == 0:
        raise ModelRejected("The file is empty: expected an ONNX model (.onnx).")
    if size > settings.WHETSTONE_MAX_UPLOAD_BYTES:
        raise ModelRejected(
            f"The file is {size} bytes; the largest accepted upload is "
            f"{settings.WHETSTONE_MAX_UPLOAD_BYTES} bytes."
        )
    # Imported here: onnx and onnxruntime are only needed when a model arrives.
    from compiler_core import inspect_model
    from compiler_core.errors import InvalidModelError

    path = getattr(upload, "temporary_file_path", None)
    try:
        if path is not None:
            return inspect_model(Path(path()))
        with tempfile.NamedTemporaryFile(suffix=".onnx") as copy:
            for chunk in iter(lambda: upload.read(objectstore.CHUNK), b""):
                copy.write(chunk)
            copy.flush()
            return inspect_model(Path(copy.name))
    except InvalidModelError as exc:
        raise ModelRejected(str(exc)) from exc
    finally:
        upload.seek(0)


def model_register(*, owner, name: str, description: str, upload: BinaryIO, size: int) -> RegisteredModel:
    """Register a new model with its first version.

    The file is inspected before anything is written, and the database row is
    only committed once the object is stored: a rejected or failed upload
    leaves neither a row nor an object behind.
    """
    inspection = _inspect_upload(upload, size)
    sha256 = objectstore.sha256_of(upload)
    key = None
    try:
        with transaction.atomic():
            model = RegisteredModel.objects.create(owner=owner, name=name, description=description)
            key = model_storage_key(model_id=model.id, version=1)
            stored_key = objectstore.put_stream(key, upload)
            ModelVersion.objects.create(
                model=model,
                number=1,
                format=inspection.get("format", "onnx"),
                framework="onnx",
                storage_key=stored_key,
                size_bytes=size,
                sha256=sha256,
                signature=inspection["signature"],
                inspection=inspection,
            )
    except Exception:
        if key is not None:
            objectstore.delete_prefix(key.rsplit("/", 2)[0])
        raise
    return model
