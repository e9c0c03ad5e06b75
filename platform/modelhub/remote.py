"""Read a model from an object-store URI: s3://bucket/key, or oss://bucket/key
(Alibaba OSS speaks the S3 API at its own endpoint)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings

from .ingest import CHUNK, ModelRejected

SCHEMES = ("s3", "oss")
# S3's and OSS's bucket naming rule. The endpoint is the operator's (MODELHUB_S3_ENDPOINT_URL,
# MODELHUB_OSS_ENDPOINT_URL); the user names only a bucket and a key, and with virtual-host
# addressing the bucket becomes part of the host name: "host:port", "user@host" or an IP
# address must never get that far.
_BUCKET = re.compile(r"^(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def parse(uri: str) -> tuple[str, str, str]:
    parsed = urlparse(uri)
    bucket, key = parsed.netloc, parsed.path.lstrip("/")
    if parsed.scheme not in SCHEMES or not bucket or not key or key.endswith("/"):
        raise ModelRejected(
            f"{uri!r} is not an object URI the ModelHub can read: expected s3://bucket/key or oss://bucket/key "
            "naming one object (a model file or an archive).", field="uri")
    if not _BUCKET.match(bucket):
        raise ModelRejected(
            f"{bucket!r} is not a bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, not an IP "
            "address. The server reads only from its configured object store endpoint.", field="uri")
    return parsed.scheme, bucket, key


def check_allowed(uri: str) -> None:
    """The server reads with its own credentials: never from its own bucket (other users'
    models live there), and only from the allowed buckets when the operator lists them."""
    _, bucket, _ = parse(uri)
    if settings.S3_BUCKET and bucket == settings.S3_BUCKET:
        raise ModelRejected(f"{uri} is inside the ModelHub's own storage bucket; register a model from your own "
                            "bucket, or add a version to a model you can see.", field="uri", status_code=403)
    allowed = settings.MODELHUB_URI_ALLOWED_BUCKETS
    if allowed and bucket not in allowed:
        raise ModelRejected(f"This server registers models only from the buckets {', '.join(sorted(allowed))} "
                            f"(MODELHUB_URI_ALLOWED_BUCKETS); {bucket!r} is not one of them.", field="uri",
                            status_code=403)


def object_name(uri: str) -> str:
    return parse(uri)[2].rsplit("/", 1)[-1]


def _client(scheme: str):
    import boto3
    from botocore.config import Config

    if scheme == "oss":
        endpoint = settings.MODELHUB_OSS_ENDPOINT_URL
        if not endpoint:
            raise ModelRejected("oss:// URIs need MODELHUB_OSS_ENDPOINT_URL (the bucket region's S3-compatible "
                                "endpoint, e.g. https://oss-cn-hangzhou.aliyuncs.com) on the server.", field="uri")
        style = "virtual"
    else:
        endpoint = settings.MODELHUB_S3_ENDPOINT_URL or None
        style = settings.MODELHUB_S3_ADDRESSING_STYLE
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=settings.MODELHUB_URI_ACCESS_KEY_ID or None,
        aws_secret_access_key=settings.MODELHUB_URI_SECRET_ACCESS_KEY or None,
        region_name=settings.MODELHUB_URI_REGION,
        config=Config(s3={"addressing_style": style}, connect_timeout=10, read_timeout=60,
                      retries={"max_attempts": 2}),
    )


def download(uri: str, target: Path, *, limit: int) -> tuple[int, str]:
    """Fetch the object to `target`, hashing it; ModelRejected names any failure."""
    from botocore.exceptions import BotoCoreError, ClientError

    scheme, bucket, key = parse(uri)
    check_allowed(uri)
    client = _client(scheme)
    try:
        head = client.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "error")
        reason = {"404": "no such object", "NoSuchKey": "no such object", "NoSuchBucket": "no such bucket",
                  "403": "access denied to the server's credentials", "AccessDenied": "access denied"}.get(code, code)
        raise ModelRejected(f"Could not read {uri}: {reason}. Nothing was registered.", field="uri") from exc
    except (BotoCoreError, ValueError) as exc:
        raise ModelRejected(f"Could not read {uri}: {exc}. Nothing was registered.", field="uri") from exc
    size = int(head.get("ContentLength", 0))
    if size > limit:
        raise ModelRejected(f"{uri} is {size} bytes; the largest accepted model is {limit} bytes "
                            "(WHETSTONE_MAX_UPLOAD_BYTES).", field="uri", status_code=413)
    digest = hashlib.sha256()
    written = 0
    try:
        body = client.get_object(Bucket=bucket, Key=key)["Body"]
        with open(target, "wb") as out:
            for chunk in iter(lambda: body.read(CHUNK), b""):
                written += len(chunk)
                if written > limit:
                    raise ModelRejected(f"{uri} grew past {limit} bytes while it was read.", field="uri",
                                        status_code=413)
                digest.update(chunk)
                out.write(chunk)
    except (ClientError, BotoCoreError) as exc:
        raise ModelRejected(f"Could not read {uri}: {exc}. Nothing was registered.", field="uri") from exc
    if written != size:
        raise ModelRejected(f"{uri}: read {written} of {size} bytes; the object changed or the read was cut short.",
                            field="uri")
    return written, digest.hexdigest()
