"""Example inputs of a model version: batches of real inputs, attached once, used by every job.

Some models cannot be driven by inputs generated from their signature (a shape tensor, indices,
lengths that must agree): their owner attaches example inputs (.npz files, each one batch of
arrays named like the model's inputs) to the version, and each job of that version that brings
no calibration data of its own uses them for its accuracy check, INT8 calibration and primary
shape.

Each set is stored under a prefix of its own (models/<model>/examples/v<n>/<set>/NNN.npz), next
to the version's files rather than among them, so that fetching a version's files never fetches
its examples. A job copies the set into its own calibration prefix when it is created: attaching
another set later, or removing this one, never changes what a queued job uses. Everything lies
under models/<model>/, so deleting the model purges it.
"""

from __future__ import annotations

import hashlib
import logging
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from whetstone import objectstore

from .ingest import ModelRejected
from .models import ModelVersion

logger = logging.getLogger(__name__)

# What a job records in its options when it uses its version's example inputs.
EXAMPLES_SOURCE = "model version examples"


def examples_root(*, model_id: int, number: int) -> str:
    return f"models/{model_id}/examples/v{number}"


def examples_how_to_attach(version: ModelVersion) -> str:
    """How a platform user attaches example inputs to `version`, in console and API terms."""
    return (f"Attach example inputs to version {version.number} of this model, then optimize again: in the console, "
            f"the model page's \"Example inputs\" section; with the API, PUT /api/v1/models/{version.model_id}/"
            f"versions/{version.number}/examples/ (multipart, one or more `files`).")


def examples_summary(version: ModelVersion) -> dict:
    """What the API shows of a version's example inputs (count 0 when there are none)."""
    files = (version.examples or {}).get("files", [])
    distinct = []
    for row in files:
        if row["shapes"] not in distinct:
            distinct.append(row["shapes"])
    return {
        "count": len(files),
        "size_bytes": sum(row["size_bytes"] for row in files),
        "shapes": distinct,
        "files": [{key: row[key] for key in ("name", "size_bytes", "sha256", "shapes")} for row in files],
        "updated_at": (version.examples or {}).get("updated_at"),
    }


def _input_names(version: ModelVersion) -> list[str]:
    return [spec["name"] for spec in (version.signature or {}).get("inputs", [])]


def _check(version: ModelVersion, files: list) -> list[dict]:
    """Refuse what a job could not use, exactly as a job's own calibration files are refused."""
    from jobs.services import JobRejected, calibration_validate

    if version.status != ModelVersion.Status.READY:
        raise ModelRejected(f"Version {version.number} is {version.status}: example inputs are checked against its "
                            "signature, which inspection has not produced.", field="files", status_code=409)
    inputs = _input_names(version)
    what = f"Example inputs are .npz files, each one batch of arrays named {inputs}."
    if not files:
        raise ModelRejected(f"Send one or more files. {what} To remove the example inputs, DELETE them.",
                            field="files")
    limit = settings.MODELHUB_MAX_EXAMPLE_FILES
    if len(files) > limit:
        raise ModelRejected(f"{len(files)} files sent; a version holds at most {limit} example batches "
                            "(MODELHUB_MAX_EXAMPLE_FILES).", field="files")
    total, size_limit = sum(upload.size for upload in files), settings.WHETSTONE_MAX_CALIBRATION_BYTES
    if total > size_limit:
        raise ModelRejected(f"The example inputs are {total} bytes; at most {size_limit} bytes are accepted "
                            "(WHETSTONE_MAX_CALIBRATION_BYTES), since every job copies them.", field="files",
                            status_code=413)
    try:
        shapes = calibration_validate(model_version=version, files=files)
    except JobRejected as exc:
        message = str(exc)
        raise ModelRejected(message if str(inputs) in message else f"{message} {what}", field="files") from exc
    return [{name: list(shape) for name, shape in held.items() if name in inputs} for held in shapes]


def version_examples_replace(*, version: ModelVersion, files: list) -> ModelVersion:
    """Store `files` as the version's example inputs, in place of any it had."""
    shapes = _check(version, files)
    prefix = f"{examples_root(model_id=version.model_id, number=version.number)}/{secrets.token_hex(6)}"
    rows = []
    try:
        for index, (upload, held) in enumerate(zip(files, shapes)):
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            key = objectstore.put_stream(f"{prefix}/{index:03d}.npz", upload)
            rows.append({"name": upload.name[:255], "key": key, "size_bytes": upload.size,
                         "sha256": digest.hexdigest(), "shapes": held})
        with transaction.atomic():
            # The lock orders this against a job being created from the old set (job_create copies under it).
            locked = ModelVersion.objects.select_for_update().get(pk=version.pk)
            old_prefix = (locked.examples or {}).get("prefix", "")
            locked.examples = {"prefix": prefix, "files": rows,
                               "updated_at": timezone.now().isoformat(timespec="seconds")}
            locked.save(update_fields=["examples"])
            if old_prefix:
                transaction.on_commit(lambda: _remove(old_prefix))
    except BaseException:
        _remove(prefix)
        raise
    return locked


def version_examples_clear(*, version: ModelVersion) -> ModelVersion:
    with transaction.atomic():
        locked = ModelVersion.objects.select_for_update().get(pk=version.pk)
        old_prefix = (locked.examples or {}).get("prefix", "")
        locked.examples = {}
        locked.save(update_fields=["examples"])
        if old_prefix:
            transaction.on_commit(lambda: _remove(old_prefix))
    return locked


def version_examples_copy(*, version: ModelVersion, prefix: str) -> dict | None:
    """Inside the caller's transaction: copy the version's example inputs below `prefix` (a job's
    calibration prefix), as they are now. Returns what was copied (version, files' sha256), or
    None when the version has none."""
    locked = ModelVersion.objects.select_for_update().get(pk=version.pk)
    rows = (locked.examples or {}).get("files", [])
    if not rows:
        return None
    try:
        for index, row in enumerate(rows):
            objectstore.copy(row["key"], f"{prefix}/batch-{index:03d}.npz")
    except Exception:
        _remove(prefix)
        raise
    return {"version": locked.number, "sha256": [row["sha256"] for row in rows]}


def _remove(prefix: str) -> None:
    try:
        objectstore.delete_prefix(prefix)
    except Exception:  # the model's purge removes what is left
        logger.exception("could not remove example inputs under %s", prefix)
