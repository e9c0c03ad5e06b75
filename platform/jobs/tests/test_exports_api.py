"""Exports of a job's package through the API: a Triton model repository stored under
the package's prefix, and a KServe InferenceService. The S3 path, with the
addresses Triton and KServe read, is covered in tests/e2e/test_register_optimize_deploy.py."""

from __future__ import annotations

import io
import zipfile
from types import SimpleNamespace

import pytest
from google.protobuf import text_format

from deploy.tests.test_exports import model_config_pb2
from deploy.tests.tiny_packages import FEATURES, write_tiny_package
from jobs.models import Job
from modelhub.models import ModelVersion, RegisteredModel
from modelhub.services import model_version_from_job
from whetstone import objectstore

pytestmark = pytest.mark.django_db


def make_job(user, tmp_path, *, name: str = "Fraud Scorer v2", status: str = Job.Status.SUCCEEDED) -> Job:
    model = RegisteredModel.objects.create(owner=user, name=name)
    version = ModelVersion.objects.create(model=model, number=1, storage_key="k", size_bytes=1, sha256="0" * 64)
    job = Job.objects.create(owner=user, model_version=version, recipe="lossless", status=status)
    if status == Job.Status.SUCCEEDED:
        job.package_prefix = f"packages/{job.pk}"
        job.save(update_fields=["package_prefix"])
        objectstore.put_dir(job.package_prefix, write_tiny_package(tmp_path / f"package-{job.pk}"))
    return job


def export_triton(api, job: Job, **body):
    return api.post(f"/api/v1/jobs/{job.pk}/exports/triton/", body, format="json")


def test_triton_export_is_stored_under_the_package_prefix(api, user, tmp_path, local_object_store):
    job = make_job(user, tmp_path)

    response = export_triton(api, job, max_batch_size=4)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "fraud-scorer-v2"  # the model's name, made a Triton and Kubernetes name
    repository = local_object_store / f"packages/{job.pk}/triton"
    assert body["model_repository"] == str(repository)
    assert sorted(body["files"]) == ["fraud-scorer-v2/1/model.onnx", "fraud-scorer-v2/config.pbtxt"]
    stored = (repository / "fraud-scorer-v2" / "config.pbtxt").read_text()
    assert stored == body["config_pbtxt"]
    config = text_format.Parse(stored, model_config_pb2.ModelConfig())
    assert config.name == "fraud-scorer-v2" and config.max_batch_size == 4
    assert list(config.input[0].dims) == [FEATURES]
    assert body["notes"] == []  # an onnxruntime package runs on Triton as it was measured


def test_the_package_stays_the_package_after_an_export(api, user, tmp_path):
    job = make_job(user, tmp_path)
    assert export_triton(api, job, name="scorer").status_code == 201

    archive = api.get(f"/api/v1/jobs/{job.pk}/package/")
    names = zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))).namelist()
    assert sorted(names) == ["model.onnx", "report.json", "runtime.json", "signature.json"]
    registered = model_version_from_job(model=job.model_version.model, user=user, job=job)
    assert sorted(f["path"] for f in registered.files) == ["model.onnx", "report.json", "runtime.json", "signature.json"]


def test_a_second_export_under_the_same_name_replaces_the_first_whole(api, user, tmp_path, local_object_store):
    job = make_job(user, tmp_path)
    assert export_triton(api, job, name="scorer").status_code == 201
    stale = local_object_store / f"packages/{job.pk}/triton/scorer/1/left-over.bin"
    stale.write_bytes(b"from an earlier export")

    again = export_triton(api, job, name="scorer", max_batch_size=0)

    assert again.status_code == 201
    assert not stale.exists()
    assert "max_batch_size: 0" in again.json()["config_pbtxt"]


@pytest.mark.parametrize("name", ["../elsewhere", "a/b", ".hidden", 'say"hi'])
def test_a_triton_name_that_is_not_one_plain_folder_is_refused_and_nothing_is_written(api, user, tmp_path,
                                                                                      local_object_store, name):
    job = make_job(user, tmp_path)
    before = sorted(p for p in local_object_store.rglob("*"))

    response = export_triton(api, job, name=name)

    assert response.status_code == 400, response.content
    assert "Triton model name" in response.json()["errors"]["name"][0]
    assert sorted(p for p in local_object_store.rglob("*")) == before


def test_a_job_without_a_package_has_nothing_to_export(api, user, tmp_path):
    job = make_job(user, tmp_path, status=Job.Status.RUNNING)
    response = export_triton(api, job)
    assert response.status_code == 409 and "no package" in response.json()["detail"]
    assert api.get(f"/api/v1/jobs/{job.pk}/exports/kserve/").status_code == 409


def test_another_users_job_cannot_be_exported(api, other_user, tmp_path):
    job = make_job(other_user, tmp_path)
    assert export_triton(api, job).status_code == 404
    assert api.get(f"/api/v1/jobs/{job.pk}/exports/kserve/").status_code == 404


def test_kserve_needs_the_package_in_s3(api, user, tmp_path):
    job = make_job(user, tmp_path)
    response = api.get(f"/api/v1/jobs/{job.pk}/exports/kserve/")
    assert response.status_code == 409 and "S3" in response.json()["detail"]


def test_kserve_refuses_a_name_kubernetes_would_refuse(api, user, tmp_path):
    job = make_job(user, tmp_path)
    response = api.get(f"/api/v1/jobs/{job.pk}/exports/kserve/", {"name": "Not_A_DNS_Label"})
    assert response.status_code == 400
    assert "lowercase" in response.json()["errors"]["name"][0]


def test_a_package_missing_from_object_storage_is_named_not_a_server_error(api, user, tmp_path, local_object_store):
    job = make_job(user, tmp_path)
    (local_object_store / f"packages/{job.pk}/runtime.json").unlink()
    response = export_triton(api, job)
    assert response.status_code == 409 and "has no runtime.json" in response.json()["detail"]
    (local_object_store / f"packages/{job.pk}/model.onnx").unlink()
    (local_object_store / f"packages/{job.pk}/runtime.json").write_text('{"engine": "onnxruntime", "precision": "fp32"}')
    response = export_triton(api, job)
    assert response.status_code == 409 and "model.onnx is missing" in response.json()["detail"]


def test_a_runtime_json_that_breaks_its_contract_is_named_not_a_server_error(api, user, tmp_path, local_object_store):
    """The export reads runtime.json through the runtime contract: a wrong field is named."""
    job = make_job(user, tmp_path)
    (local_object_store / f"packages/{job.pk}/runtime.json").write_text(
        '{"engine": "onnxruntime", "precision": "fp32", "session_options": {"intra_op_num_threads": "many"}}')
    response = export_triton(api, job)
    assert response.status_code == 409, response.content
    assert "session_options.intra_op_num_threads" in response.json()["detail"]


@pytest.mark.parametrize("endpoint, triton", [
    (None, "s3://models/packages/7/triton"),
    ("http://minio.internal:9000", "s3://minio.internal:9000/models/packages/7/triton"),
    ("https://oss-cn-hangzhou.aliyuncs.com", "s3://https://oss-cn-hangzhou.aliyuncs.com:443/models/packages/7/triton"),
])
def test_triton_is_given_the_s3_server_in_the_path_kserve_only_the_bucket(monkeypatch, endpoint, triton):
    # Triton's form for an S3 API other than AWS's; KServe takes the endpoint from its own settings.
    monkeypatch.setattr(objectstore, "default_storage", SimpleNamespace(bucket_name="models", endpoint_url=endpoint))
    assert objectstore.address("packages/7/triton", endpoint_in_path=True) == triton
    assert objectstore.address("packages/7") == "s3://models/packages/7"


def test_the_model_is_copied_by_the_object_store_not_through_the_web_process(api, user, tmp_path, monkeypatch):
    # A multi-GB model would hold the request for minutes; only runtime.json and signature.json are read.
    job = make_job(user, tmp_path)

    def no_download(key, path):
        raise AssertionError(f"{key} was brought to the web process")

    monkeypatch.setattr(objectstore, "get_to_path", no_download)
    response = export_triton(api, job, name="scorer")
    assert response.status_code == 201, response.content
