"""Presigned multipart uploads: large files go from the client straight to S3,
in parts, and a `complete` call registers them (checksum verified first)."""

from __future__ import annotations

import math
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Iterator

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from . import ingest
from .ingest import ModelRejected, StagedModel
from .models import PendingUpload

MIN_PART_BYTES = 5 * 1024**2      # S3's smallest part (except the last)
MAX_PARTS = 10_000                # S3's most parts


def _s3():
    """The S3 client and bucket of the object store, or ModelRejected when it is not S3."""
    connection = getattr(default_storage, "connection", None)
    bucket = getattr(default_storage, "bucket_name", None)
    if connection is None or not bucket:
        raise ModelRejected("Presigned uploads need S3 object storage (S3_BUCKET); this server stores objects "
                            "locally: upload the file to /api/v1/models/ instead.", field="upload", status_code=409)
    return connection.meta.client, bucket


def upload_start(*, owner, filename: str, size_bytes: int, sha256: str, part_size: int | None = None) -> tuple[
        PendingUpload, list[dict]]:
    limit = ingest.max_upload_bytes()
    if size_bytes > limit:
        raise ModelRejected(f"The file is {size_bytes} bytes; the largest accepted model is {limit} bytes "
                            "(WHETSTONE_MAX_UPLOAD_BYTES).", field="size_bytes", status_code=413)
    part_size = max(part_size or settings.MODELHUB_UPLOAD_PART_BYTES, MIN_PART_BYTES,
                    math.ceil(size_bytes / MAX_PARTS))
    client, bucket = _s3()
    # No user text in the key: the file's name is kept in the row (and used to detect its format).
    key = f"uploads/{uuid.uuid4().hex}/upload"
    upload_id = client.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    expires = settings.MODELHUB_UPLOAD_URL_EXPIRY_S
    pending = PendingUpload.objects.create(
        owner=owner, filename=filename, size_bytes=size_bytes, sha256=sha256.lower(), part_size=part_size,
        storage_key=key, upload_id=upload_id, expires_at=timezone.now() + timedelta(seconds=expires))
    parts = [
        {"part_number": number,
         "url": client.generate_presigned_url("upload_part", ExpiresIn=expires, Params={
             "Bucket": bucket, "Key": key, "UploadId": upload_id, "PartNumber": number})}
        for number in range(1, max(1, math.ceil(size_bytes / part_size)) + 1)
    ]
    return pending, parts


def upload_abort(*, pending: PendingUpload) -> None:
    client, bucket = _s3()
    try:
        client.abort_multipart_upload(Bucket=bucket, Key=pending.storage_key, UploadId=pending.upload_id)
    except Exception:  # already completed or aborted: the object is removed below either way
        pass
    client.delete_object(Bucket=bucket, Key=pending.storage_key)
    pending.delete()


@contextmanager
def staged_upload_of(*, pending: PendingUpload, parts: list[dict]) -> Iterator[StagedModel]:
    """Assemble the parts, read the object once to check its size and checksum, and stage it.
    The assembled object is removed whatever happens: registration stores its own copy."""
    from botocore.exceptions import ClientError

    client, bucket = _s3()
    root = Path(tempfile.mkdtemp(prefix="whetstone-multipart-"))
    try:
        try:
            client.complete_multipart_upload(
                Bucket=bucket, Key=pending.storage_key, UploadId=pending.upload_id,
                MultipartUpload={"Parts": [{"PartNumber": p["part_number"], "ETag": p["etag"]}
                                           for p in sorted(parts, key=lambda p: p["part_number"])]})
        except ClientError as exc:
            message = exc.response.get("Error", {}).get("Message") or str(exc)
            raise ModelRejected(f"The parts could not be assembled: {message}. Upload every part, then send "
                                "each part's number and ETag.", field="parts") from exc
        received = root / "received"
        body = client.get_object(Bucket=bucket, Key=pending.storage_key)["Body"]
        size, sha256 = ingest.copy_stream(body, received, limit=ingest.max_upload_bytes())
        if size != pending.size_bytes:
            raise ModelRejected(f"The upload was announced as {pending.size_bytes} bytes but {size} arrived.",
                                field="parts")
        ingest.check_sha256(expected=pending.sha256, actual=sha256, size=size)
        yield ingest.stage(root=root, received=received, filename=pending.filename, size=size, sha256=sha256)
    finally:
        shutil.rmtree(root, ignore_errors=True)
        try:
            client.delete_object(Bucket=bucket, Key=pending.storage_key)
        except Exception:
            pass
        PendingUpload.objects.filter(pk=pending.pk).delete()
