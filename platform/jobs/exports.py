"""Exports of a job's package for other servers: a Triton model repository written
beside the package under the job's prefix, and a KServe InferenceService that serves the package.

    packages/<job>/attempt-<token>/    the package (model.onnx, runtime.json, ...): job.package_prefix
    packages/<job>/triton/<name>/      config.pbtxt and 1/model.onnx: Triton's
                                       --model-repository is packages/<job>/triton

Whatever copies the package (deploy, download, register as a model) leaves
`triton/` out: it is not part of the package. The work is deploy.exports';
this module finds the package, checks the names and stores the result.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from compiler_core.contracts import ContractError, Runtime, Signature
from deploy.exports.kserve import DNS_1035_LABEL, inference_service_manifest

from .runner import package_root
from deploy.exports.triton import CONFIG_FILE, check_model_name, export_notes, model_config, model_files
from jobs.models import Job
from whetstone import objectstore

TRITON_FOLDER = "triton"
EXPORT_FOLDERS = (TRITON_FOLDER,)
PACKAGE_DESCRIPTION = ("runtime.json", "signature.json")  # what an export is written from


class ExportRejected(Exception):
    def __init__(self, message: str, *, field: str = "non_field_errors", status_code: int = 400):
        super().__init__(message)
        self.field, self.status_code = field, status_code


def get_package(job: Job, directory: Path) -> Path:
    """The package's files, without the exports stored beside them."""
    return objectstore.get_dir(job.package_prefix, directory, skip=EXPORT_FOLDERS)


def package_keys(job: Job) -> list[str]:
    return objectstore.list_keys(job.package_prefix, skip=EXPORT_FOLDERS)


def default_export_name(job: Job) -> str:
    """The model's name, made a Triton and Kubernetes name: lowercase letters, digits and '-'."""
    name = re.sub(r"[^a-z0-9]+", "-", job.model_version.model.name.lower()).strip("-")[:50].rstrip("-")
    if not name:
        return f"job-{job.pk}"
    return name if name[0].isalpha() else f"m-{name}"


def job_export_triton(*, job: Job, name: str | None = None, max_batch_size: int = 8) -> dict:
    """Write (or rewrite) the package as Triton model `name` under the package's prefix.

    Only runtime.json and signature.json come to this process; the model's files are
    copied by the object store itself, so a large model costs the request no transfer."""
    _check_exportable(job)
    name = name or default_export_name(job)
    try:
        check_model_name(name)
    except ValueError as exc:
        raise ExportRejected(str(exc), field="name") from exc
    # At the job's root, not inside the attempt's package: the address Triton is given stays
    # packages/<job>/triton, whichever attempt published the package.
    prefix, repository = job.package_prefix, f"{package_root(job_id=job.pk)}/{TRITON_FOLDER}"
    stored = [key[len(prefix) + 1:] for key in package_keys(job)]
    missing = [f for f in PACKAGE_DESCRIPTION if f not in stored]
    if missing:
        raise ExportRejected(f"Job {job.pk}'s package in object storage has no {' or '.join(missing)}: "
                             "it is incomplete, and there is nothing to describe to Triton.", status_code=409)
    try:
        # Through their contracts: a package whose runtime.json or signature.json is wrong is named, not a 500.
        runtime = Runtime.read(objectstore.read_text(f"{prefix}/runtime.json"))
        signature = Signature.read(objectstore.read_text(f"{prefix}/signature.json"))
    except ContractError as exc:
        raise ExportRejected(f"Job {job.pk}'s package in object storage is damaged: {exc}", status_code=409) from exc
    try:
        config = model_config(name, signature, runtime, max_batch_size=max_batch_size)
        files = model_files(runtime, [path for path in stored if "/" not in path])
    except ValueError as exc:  # what Triton could not load, named
        raise ExportRejected(str(exc)) from exc
    except FileNotFoundError as exc:  # runtime.json names a model file the package lacks
        raise ExportRejected(f"Job {job.pk}'s package in object storage is incomplete: {exc.filename} is missing.",
                             status_code=409) from exc
    # A rewrite replaces the model folder whole: no file of an earlier export lingers.
    model_prefix = f"{repository}/{name}"
    objectstore.delete_prefix(model_prefix)
    for source, target in files.items():
        objectstore.copy(f"{prefix}/{source}", f"{model_prefix}/{target}")
    objectstore.put_stream(f"{model_prefix}/{CONFIG_FILE}", io.BytesIO(config.encode()))
    return {
        "name": name,
        "model_repository": objectstore.address(repository, endpoint_in_path=True),
        "files": sorted([f"{name}/{target}" for target in files.values()] + [f"{name}/{CONFIG_FILE}"]),
        "config_pbtxt": config,
        "notes": export_notes(runtime),
    }


def job_kserve_manifest(*, job: Job, name: str | None = None, namespace: str | None = None,
                        service_account_name: str | None = None) -> dict:
    """A KServe InferenceService for the package, read by KServe's storage initializer from S3."""
    _check_exportable(job)
    name = name or default_export_name(job)
    if not DNS_1035_LABEL.match(name):
        raise ExportRejected(f"InferenceService name {name!r} must be lowercase letters, digits and '-', start "
                             "with a letter and be at most 63 characters.", field="name")
    storage_uri = objectstore.address(job.package_prefix)
    if not storage_uri.startswith("s3://"):
        raise ExportRejected("KServe reads packages from S3, and this server keeps its objects on its own disk "
                             "(no S3_BUCKET is set).", status_code=409)
    return inference_service_manifest(name, storage_uri, namespace=namespace or None,
                                      service_account_name=service_account_name or None)


def _check_exportable(job: Job) -> None:
    if job.status != Job.Status.SUCCEEDED or not job.package_prefix:
        raise ExportRejected(f"Job {job.pk} has no package to export (status: {job.status}).", status_code=409)
