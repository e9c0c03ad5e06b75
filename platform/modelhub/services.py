"""Writes to the ModelHub."""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO, Iterator

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, Value
from django.db.models.functions import Concat, Now
from django.utils import timezone

from accounts.models import Team
from outbox.services import message_sends
from whetstone import objectstore
from whetstone.taskqueue import send_on_commit

from . import ingest, remote
from .ingest import ModelRejected, StagedModel
from .models import ModelVersion, RegisteredModel, Source, Tag, Visibility
from .tasks import INSPECT_TIME_LIMIT_S

SENT_AS_MAX_LENGTH = ModelVersion._meta.get_field("sent_as").max_length

logger = logging.getLogger(__name__)

INSPECT_TASK = "whetstone.modelhub.inspect"
# How often an inspection is sent before the version fails (one sent and four resends, over about
# ten minutes at the default grace): an inspection interrupted every time is not transient.
INSPECT_MAX_SENDS = 5
PURGE_TASK = "whetstone.modelhub.purge"
TAG_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,49}$")

__all__ = ["ModelRejected", "model_register", "model_version_add", "model_update", "model_delete", "model_purge"]


def model_storage_prefix(*, model_id: int, version: int) -> str:
    return f"models/{model_id}/v{version}"


def model_storage_key(*, model_id: int, version: int) -> str:
    return f"{model_storage_prefix(model_id=model_id, version=version)}/model.onnx"


# --- staging: what the user sent, checked on local disk ------------------------

@contextmanager
def staged_upload(*, upload: BinaryIO, filename: str, expected_sha256: str | None = None,
                  extra_files: list | None = None) -> Iterator[StagedModel]:
    """Stream an upload to a private temporary folder, check it and say what it is."""
    root = Path(tempfile.mkdtemp(prefix="whetstone-upload-"))
    try:
        received = root / "received"
        size, sha256 = ingest.copy_stream(upload, received, limit=ingest.max_upload_bytes())
        ingest.check_sha256(expected=expected_sha256, actual=sha256, size=size)
        extras = []
        for index, extra in enumerate(extra_files or []):
            path = root / f"extra-{index}"
            ingest.copy_stream(extra, path, limit=ingest.max_upload_bytes())
            extras.append((getattr(extra, "name", f"data-{index}"), path))
        yield ingest.stage(root=root, received=received, filename=filename or "model.onnx", size=size,
                           sha256=sha256, extra_files=extras)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def staged_uri(*, uri: str, expected_sha256: str | None = None) -> Iterator[StagedModel]:
    """Read an s3:// (or oss://) object once, to check it, and stage a copy of it."""
    root = Path(tempfile.mkdtemp(prefix="whetstone-uri-"))
    try:
        received = root / "received"
        size, sha256 = remote.download(uri, received, limit=ingest.max_upload_bytes())
        ingest.check_sha256(expected=expected_sha256, actual=sha256, size=size)
        yield ingest.stage(root=root, received=received, filename=remote.object_name(uri), size=size, sha256=sha256)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _prepare(staged: StagedModel) -> None:
    """Inspect now, or leave it to a worker when the file is large."""
    if staged.format == "onnx" and staged.size_bytes > settings.MODELHUB_INLINE_INSPECTION_MAX_BYTES:
        staged.inspect_later = True
        return
    staged.inspection = ingest.inspect_staged(staged)


# --- register ---------------------------------------------------------------

def _clean_tags(tags: list[str] | None) -> list[str]:
    cleaned = []
    for tag in tags or []:
        tag = str(tag).strip().lower()
        if not TAG_RE.match(tag):
            raise ModelRejected(
                f"The tag {tag!r} is not valid: tags are 1-50 lower-case letters, digits, '-', '_' or '.'.",
                field="tags",
            )
        if tag not in cleaned:
            cleaned.append(tag)
    return cleaned


def _search_text(model: RegisteredModel, tags: list[str]) -> str:
    return " ".join([model.name, model.description, *tags]).lower()


def _set_tags(model: RegisteredModel, tags: list[str]) -> None:
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=tags)}
    for name in tags:
        if name not in existing:
            existing[name], _ = Tag.objects.get_or_create(name=name)
    model.tags.set([existing[name] for name in tags])
    model.search_text = _search_text(model, tags)
    model.save(update_fields=["search_text"])


def _check_visibility(*, user, visibility: str, team: Team | None) -> None:
    if visibility == Visibility.OFFICIAL and not user.is_staff:
        raise ModelRejected("Only staff can publish official models.", field="visibility", status_code=403)
    if visibility == Visibility.TEAM:
        if team is None:
            raise ModelRejected("Sharing with a team needs the team's id.", field="team")
        if not user.is_staff and not team.members.filter(pk=user.pk).exists():
            raise ModelRejected("You can only share with a team you belong to.", field="team")


def _store_version(*, model: RegisteredModel, staged: StagedModel, written: list[str], user, source: str,
                   source_uri: str = "",
                   source_version: ModelVersion | None = None, source_job=None) -> ModelVersion:
    """Inside a transaction: the next number, the objects, the row. The caller
    removes the objects if the transaction fails."""
    RegisteredModel.objects.select_for_update().filter(pk=model.pk).first()
    number = (model.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    prefix = model_storage_prefix(model_id=model.pk, version=number)
    written.append(prefix)
    # A retried request must never mix files of two uploads under one prefix.
    objectstore.delete_prefix(prefix)
    for staged_file in staged.files:
        objectstore.put_file(f"{prefix}/{staged_file.path}", staged.root / "content" / staged_file.path)
    ready = not staged.inspect_later
    version = ModelVersion.objects.create(
        model=model,
        number=number,
        format=staged.format,
        framework=staged.framework,
        status=ModelVersion.Status.READY if ready else ModelVersion.Status.PENDING,
        status_message="" if ready else "Stored; signature and graph statistics are being computed by a worker.",
        storage_key=f"{prefix}/{staged.main}",
        sent_as=staged.sent_as[:SENT_AS_MAX_LENGTH],  # an s3:// object's name may be longer; it is only shown
        files=staged.file_rows(),
        size_bytes=staged.size_bytes,
        sha256=staged.sha256,
        source=source,
        source_uri=source_uri,
        source_version=source_version,
        source_job=source_job,
        created_by=user,
        signature=staged.inspection.get("signature", {}) if ready else {},
        node_counts=staged.inspection.get("node_counts") if ready else None,
        inspection=staged.inspection if ready else {},
    )
    model.framework, model.format, model.source = staged.framework, staged.format, source
    if ready:
        model.latest_version = version
    model.save(update_fields=["framework", "format", "source", "latest_version", "updated_at"])
    if not ready:
        _send(INSPECT_TASK, version.pk)
    return version


def _key(task: str, object_id: int) -> str:
    """The outbox key of a task about one row: while one waits, another is not added (the reapers')."""
    return f"{task}:{object_id}"


def _send(task: str, object_id: int) -> None:
    send_on_commit(task, args=[object_id], queue=settings.MODELHUB_TASK_QUEUE, key=_key(task, object_id))


@contextmanager
def _cleanup_on_failure() -> Iterator[list[str]]:
    """Yields a list for the prefixes written; on failure they are emptied, so nothing is half-stored."""
    written: list[str] = []
    try:
        yield written
    except BaseException:
        for prefix in written:
            try:
                objectstore.delete_prefix(prefix)
            except Exception:  # the purge sweep catches what is left
                logger.exception("could not remove %s after a failed registration", prefix)
        raise


def model_register(*, owner, name: str, description: str = "", upload: BinaryIO | None = None, size: int | None = None,
                   filename: str = "", uri: str = "", sha256: str | None = None, tags: list[str] | None = None,
                   card: str = "", visibility: str = Visibility.PRIVATE, team: Team | None = None,
                   extra_files: list | None = None, source: str | None = None, staging=None) -> RegisteredModel:
    """Register a new model with its first version, from an upload or an s3:// / oss:// URI.

    The input is checked before anything is written, and the row is only
    committed once the objects are stored: a rejected or failed registration
    leaves neither a row nor an object behind.
    """
    tags = _clean_tags(tags)
    _check_visibility(user=owner, visibility=visibility, team=team)
    if RegisteredModel.objects.filter(owner=owner, name=name, deleted_at__isnull=True).exists():
        raise ModelRejected(
            f"You already have a model named {name!r}; add a version to it with POST /api/v1/models/<id>/versions/.",
            field="name", status_code=409,
        )
    if staging is None:
        staging = staged_uri(uri=uri, expected_sha256=sha256) if uri else staged_upload(
            upload=upload, filename=filename or getattr(upload, "name", ""), expected_sha256=sha256,
            extra_files=extra_files)
    with staging as staged, _cleanup_on_failure() as written:
        _prepare(staged)
        try:
            with transaction.atomic():
                model = RegisteredModel.objects.create(
                    owner=owner, name=name, description=description, card=card, visibility=visibility,
                    team=team if visibility == Visibility.TEAM else None,
                )
                _set_tags(model, tags)
                _store_version(model=model, staged=staged, written=written, user=owner, source=source or (Source.URI if uri else Source.UPLOAD),
                               source_uri=uri)
        except IntegrityError as exc:
            raise ModelRejected(f"You already have a model named {name!r}.", field="name", status_code=409) from exc
    return model


def model_version_add(*, model: RegisteredModel, user, upload: BinaryIO | None = None, filename: str = "",
                      uri: str = "", sha256: str | None = None, extra_files: list | None = None,
                      source: str | None = None, staging=None) -> ModelVersion:
    """A new immutable version (number = the highest so far + 1)."""
    if staging is None:
        staging = staged_uri(uri=uri, expected_sha256=sha256) if uri else staged_upload(
            upload=upload, filename=filename or getattr(upload, "name", ""), expected_sha256=sha256,
            extra_files=extra_files)
    with staging as staged, _cleanup_on_failure() as written:
        _prepare(staged)
        with transaction.atomic():
            version = _store_version(model=model, staged=staged, written=written, user=user,
                                     source=source or (Source.URI if uri else Source.UPLOAD), source_uri=uri)
    return version


def model_version_from_job(*, model: RegisteredModel, user, job) -> ModelVersion:
    """Register a succeeded job's optimized package as a new version, with its lineage."""
    if job.status != "succeeded" or not job.package_prefix:
        raise ModelRejected(f"Job {job.pk} has no package to register (status: {job.status}).", field="job",
                            status_code=409)
    from jobs.exports import get_package

    root = Path(tempfile.mkdtemp(prefix="whetstone-package-"))
    try:
        get_package(job, root / "content")  # the package, not the exports stored beside it
        files = []
        for path in sorted(p for p in (root / "content").rglob("*") if p.is_file()):
            files.append(ingest.StagedFile(path.relative_to(root / "content").as_posix(), path.stat().st_size,
                                           ingest.file_sha256(path)))
        if not any(f.path == "model.onnx" for f in files):
            raise ModelRejected(f"Job {job.pk}'s package has no model.onnx.", field="job", status_code=409)
        main = next(f for f in files if f.path == "model.onnx")
        staged = StagedModel(root=root, main="model.onnx", files=files, size_bytes=main.size_bytes,
                             sha256=main.sha256)
        with _cleanup_on_failure() as written:
            _prepare(staged)
            with transaction.atomic():
                version = _store_version(model=model, staged=staged, written=written, user=user, source=Source.OPTIMIZED,
                                         source_version=job.model_version, source_job=job)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return version


def model_version_inspect(*, version_id: int) -> ModelVersion | None:
    """Worker task: compute a large version's signature and statistics."""
    if not _claim_inspection(version_id):
        # Done, or another copy of this message is inspecting it now (the broker's redelivery, the
        # reaper's resend beside a late original).
        return ModelVersion.objects.filter(pk=version_id).first()
    version = ModelVersion.objects.select_related("model").get(pk=version_id)
    root = Path(tempfile.mkdtemp(prefix="whetstone-inspect-"))
    try:
        objectstore.get_dir(version.storage_prefix, root / "content")
        main = version.storage_key[len(version.storage_prefix) + 1:]
        staged = StagedModel(root=root, main=main, files=[], size_bytes=version.size_bytes, sha256=version.sha256,
                             format=version.format, framework=version.framework, sent_as=version.sent_as)
        try:
            inspection = ingest.inspect_staged(staged)
        except (ModelRejected, SoftTimeLimitExceeded) as exc:
            message = str(exc) if isinstance(exc, ModelRejected) else (
                f"Inspection took longer than {INSPECT_TIME_LIMIT_S - 100} s; the file is too large or too "
                "complex to inspect here.")
            version.status, version.status_message = ModelVersion.Status.FAILED, message
            version.save(update_fields=["status", "status_message"])
            objectstore.delete_prefix(version.storage_prefix)
            return version
        with transaction.atomic():
            version.inspection, version.signature = inspection, inspection.get("signature", {})
            version.node_counts = inspection.get("node_counts")
            version.status, version.status_message = ModelVersion.Status.READY, ""
            version.save(update_fields=["inspection", "signature", "node_counts", "status", "status_message"])
            model = RegisteredModel.objects.select_for_update().get(pk=version.model_id)
            if model.latest_version_id is None or model.latest_version.number < version.number:
                model.latest_version = version
                model.save(update_fields=["latest_version", "updated_at"])
    except Exception as exc:
        # The object store or the database away for a moment: the reaper sends the inspection again
        # (model_version_reap), a few times, then fails the version with this reason.
        ModelVersion.objects.filter(pk=version_id, status=ModelVersion.Status.INSPECTING).update(
            status=ModelVersion.Status.PENDING, inspecting_since=None,
            status_message=f"Inspection was interrupted ({type(exc).__name__}: {exc})"[:1000])
        raise
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return version


def _claim_inspection(version_id: int) -> bool:
    """Take the version for one inspection: a pending one, or one whose inspection began longer ago
    than the task may run (its worker died: the task's own time limit has stopped any other)."""
    stale = Now() - timedelta(seconds=INSPECT_TIME_LIMIT_S)  # the database's clock, which every worker shares
    return ModelVersion.objects.filter(
        Q(status=ModelVersion.Status.PENDING)
        | Q(status=ModelVersion.Status.INSPECTING) & (Q(inspecting_since__lt=stale) | Q(inspecting_since__isnull=True)),
        pk=version_id,
    ).update(status=ModelVersion.Status.INSPECTING, inspecting_since=Now()) == 1


def model_version_reap(*, now=None) -> int:
    """Send again the inspection of each version still waiting for one, or whose inspection's worker
    died: a lost message would leave it pending for good (outbox.services.MessageSends.presumed_lost says
    when). Run by the reaper process (`manage.py reap_jobs`). Returns the number sent."""
    now = now or timezone.now()
    grace = settings.WHETSTONE_LOST_MESSAGE_GRACE_S
    limit_s = timedelta(seconds=INSPECT_TIME_LIMIT_S)
    waiting = (ModelVersion.objects.filter(model__deleted_at__isnull=True)
               .filter(Q(status=ModelVersion.Status.PENDING, created_at__lt=now - timedelta(seconds=grace))
                       | Q(status=ModelVersion.Status.INSPECTING, inspecting_since__lt=now - limit_s)
                       # begun before inspections were timed: nothing says it still runs
                       | Q(status=ModelVersion.Status.INSPECTING, inspecting_since__isnull=True))
               .order_by("created_at").values_list("pk", "status", "created_at", "inspecting_since"))
    sent = 0
    for version_id, status, created_at, inspecting_since in waiting:
        since = inspecting_since + limit_s if inspecting_since else created_at
        sends = message_sends(_key(INSPECT_TASK, version_id))
        if not sends.presumed_lost(since=since, now=now, grace_s=grace):
            continue
        if sends.count >= INSPECT_MAX_SENDS:
            ModelVersion.objects.filter(pk=version_id, status=status).update(
                status=ModelVersion.Status.FAILED, inspecting_since=None,
                status_message=Concat(Value(f"Inspection did not finish after {INSPECT_MAX_SENDS} tries. "),
                                      "status_message"))
            continue
        logger.warning("model version %s is still %s; sending its inspection again", version_id, status)
        with transaction.atomic():
            _send(INSPECT_TASK, version_id)
        sent += 1
    return sent


# --- edit, delete -------------------------------------------------------------

def model_update(*, model: RegisteredModel, user, **changes) -> RegisteredModel:
    """Change the name, description, card, tags, visibility, preprocessing or labels; the files never change."""
    tags = _clean_tags(changes.pop("tags")) if "tags" in changes else None
    visibility = changes.get("visibility", model.visibility)
    team = changes.get("team", model.team)
    if "visibility" in changes or "team" in changes:
        _check_visibility(user=user, visibility=visibility, team=team)
        changes["team"] = team if visibility == Visibility.TEAM else None
    for field_name in ("name", "description", "card", "visibility", "team", "preprocessing", "labels"):
        if field_name in changes:
            setattr(model, field_name, changes[field_name])
    try:
        with transaction.atomic():
            model.save()
            _set_tags(model, tags if tags is not None else [tag.name for tag in model.tags.all()])
    except IntegrityError as exc:
        raise ModelRejected(f"You already have a model named {model.name!r}.", field="name", status_code=409) from exc
    return model


def model_delete(*, model: RegisteredModel) -> None:
    """Hide the model at once; a worker purges its objects and rows."""
    from deployments.models import Deployment  # read-only: a served model must be undeployed first

    live = Deployment.objects.filter(job__model_version__model=model).exclude(
        status__in=[Deployment.Status.STOPPED, Deployment.Status.FAILED])
    if live.exists():
        raise ModelRejected(
            f"Model {model.pk} is deployed ({', '.join(live.values_list('name', flat=True)[:5])}); "
            "stop its deployments first.", field="model", status_code=409)
    with transaction.atomic():
        RegisteredModel.objects.filter(pk=model.pk).update(deleted_at=timezone.now())
        _send(PURGE_TASK, model.pk)


def model_purge(*, model_id: int) -> int:
    """Remove a deleted model's objects (versions and its jobs' packages), then its rows.

    Idempotent: run twice, or after a crash half-way, it finishes the job.
    Returns the number of objects removed.
    """
    from jobs.models import Job
    from jobs.runner import package_root

    model = RegisteredModel.objects.filter(pk=model_id, deleted_at__isnull=False).first()
    if model is None:
        return 0
    removed = objectstore.delete_prefix(f"models/{model.pk}")
    # Every attempt's objects of every job, published or not, and the published packages.
    prefixes = set()
    for job_id, published in Job.objects.filter(model_version__model=model).values_list("pk", "package_prefix"):
        prefixes.add(package_root(job_id=job_id))
        if published and not published.startswith(package_root(job_id=job_id) + "/"):
            prefixes.add(published)
    for prefix in sorted(prefixes):
        removed += objectstore.delete_prefix(prefix)
    model.delete()
    logger.info("purged model %s: %s objects", model_id, removed)
    return removed


def model_purge_reap(*, now=None) -> int:
    """Send again the purge of each deleted model still here: a broker can lose the message (Redis
    killed before it wrote it down, or with it reserved by a worker whose connection it dropped), and
    a deleted model's objects and rows may not stay for good (outbox.services.MessageSends.presumed_lost
    says when). Run by the reaper process (`manage.py reap_jobs`). Returns the number sent."""
    now = now or timezone.now()
    grace = settings.WHETSTONE_LOST_MESSAGE_GRACE_S
    sent = 0
    deleted = RegisteredModel.objects.filter(deleted_at__lt=now - timedelta(seconds=grace)).order_by("deleted_at")
    for model_id, deleted_at in deleted.values_list("pk", "deleted_at"):
        if message_sends(_key(PURGE_TASK, model_id)).presumed_lost(since=deleted_at, now=now, grace_s=grace):
            logger.warning("model %s was deleted at %s and is not purged yet; sending its purge again", model_id,
                           deleted_at.isoformat(timespec="seconds"))
            with transaction.atomic():
                _send(PURGE_TASK, model_id)
            sent += 1
    return sent


def model_purge_deleted() -> int:
    """Sweep every deleted model (a purge message may have been lost)."""
    ids = list(RegisteredModel.objects.filter(deleted_at__isnull=False).values_list("pk", flat=True))
    return sum(model_purge(model_id=model_id) for model_id in ids)


# --- official templates ---------------------------------------------------------

OFFICIAL_OWNER = "whetstone"


def official_owner():
    """The system account that owns official models: staff, and unable to log in."""
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(
        username=OFFICIAL_OWNER, defaults={"is_staff": True, "is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def official_models_seed(*, work_dir: Path) -> list[tuple[str, str]]:
    """Register each official template, or a new version when its file changed; nothing when it is current."""
    from .official import TEMPLATES

    owner = official_owner()
    outcomes = []
    for template in TEMPLATES:
        path = template.build(work_dir / f"{template.name}.onnx")
        digest = ingest.file_sha256(path)
        existing = RegisteredModel.objects.filter(owner=owner, name=template.name, deleted_at__isnull=True).first()
        with open(path, "rb") as handle:
            if existing is None:
                model_register(owner=owner, name=template.name, description=template.description,
                               upload=handle, filename=path.name, tags=list(template.tags), card=template.card,
                               visibility=Visibility.OFFICIAL, source=Source.OFFICIAL)
                outcomes.append((template.name, "registered"))
            elif existing.versions.filter(sha256=digest).exists():
                outcomes.append((template.name, "up to date"))
            else:
                model_version_add(model=existing, user=owner, upload=handle, filename=path.name,
                                  source=Source.OFFICIAL)
                outcomes.append((template.name, "new version"))
    return outcomes


def model_sweep_orphans(*, older_than) -> int:
    """Remove version objects no row points at: an upload cut off before its row was committed (the
    web process killed mid-request), or the objects of a model whose rows are gone. Only objects
    older than `older_than` are removed, so an upload in progress is never touched."""
    cutoff = timezone.now() - older_than
    try:
        folders, _ = objectstore.listdir("models")
    except FileNotFoundError:
        return 0
    ids = [int(name) for name in folders if name.isdigit()]
    numbers: dict[int, set[int]] = {model_id: set() for model_id in
                                    RegisteredModel.objects.filter(pk__in=ids).values_list("pk", flat=True)}
    example_sets: set[str] = set()
    tokenizer_sets: set[str] = set()
    for model_id, number, examples, tokenizer in ModelVersion.objects.filter(model_id__in=ids).values_list(
            "model_id", "number", "examples", "tokenizer"):
        numbers[model_id].add(number)
        if (examples or {}).get("prefix"):
            example_sets.add(examples["prefix"])
        if (tokenizer or {}).get("prefix"):
            tokenizer_sets.add(tokenizer["prefix"])
    removed = 0
    for model_id in ids:
        if model_id in numbers:
            versions, _ = objectstore.listdir(f"models/{model_id}")
            orphans = [f"models/{model_id}/{name}" for name in versions
                       if name.startswith("v") and name[1:].isdigit() and int(name[1:]) not in numbers[model_id]]
            # Example-input sets no version holds: replaced or removed while the store was away, or
            # written by a request that died before its row was saved. (Jobs hold copies of their own.)
            if "examples" in versions:
                for key in objectstore.list_keys(f"models/{model_id}/examples"):
                    if key.rsplit("/", 1)[0] not in example_sets and objectstore.modified_at(key) < cutoff:
                        objectstore.delete_key(key)
                        removed += 1
            # Tokenizers no version holds, for the same reasons.
            if "tokenizers" in versions:
                for key in objectstore.list_keys(f"models/{model_id}/tokenizers"):
                    if key.rsplit("/", 1)[0] not in tokenizer_sets and objectstore.modified_at(key) < cutoff:
                        objectstore.delete_key(key)
                        removed += 1
        else:
            orphans = [f"models/{model_id}"]
        for prefix in orphans:
            for key in objectstore.list_keys(prefix):
                if objectstore.modified_at(key) < cutoff:
                    objectstore.delete_key(key)
                    removed += 1
    return removed
