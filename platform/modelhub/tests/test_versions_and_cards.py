from __future__ import annotations

import io

import pytest

from jobs.models import Job
from modelhub.models import ModelVersion
from tests.support.models import tiny_mlp
from whetstone import objectstore

pytestmark = pytest.mark.django_db


@pytest.fixture
def onnx(tmp_path) -> bytes:
    return tiny_mlp(tmp_path / "m.onnx").read_bytes()


def register(api, content: bytes, **fields):
    return api.post("/api/v1/models/", {"file": io.BytesIO(content), "name": "m", **fields}, format="multipart")


def test_versions_are_numbered_and_immutable(api, onnx, tmp_path, local_object_store):
    model = register(api, onnx, tags=["vision", "Edge"], card="# Tiny\nAn MLP.").json()
    assert model["latest_version"]["number"] == 1 and model["tags"] == ["edge", "vision"]
    assert model["card"].startswith("# Tiny")
    other = tiny_mlp(tmp_path / "m2.onnx", seed=1).read_bytes()
    v2 = api.post(f"/api/v1/models/{model['id']}/versions/", {"file": io.BytesIO(other)}, format="multipart")
    assert v2.status_code == 201, v2.content
    assert v2.json()["number"] == 2 and v2.json()["status"] == "ready"
    listed = api.get(f"/api/v1/models/{model['id']}/versions/").json()["results"]
    assert [v["number"] for v in listed] == [2, 1]
    # each version keeps its own file and checksum
    v1 = ModelVersion.objects.get(number=1)
    assert (local_object_store / v1.storage_key).read_bytes() == onnx
    download = api.get(f"/api/v1/models/{model['id']}/versions/1/download/")
    assert b"".join(download.streaming_content) == onnx
    assert api.get(f"/api/v1/models/{model['id']}/").json()["latest_version"]["number"] == 2
    # there is no way to overwrite a version
    assert api.put(f"/api/v1/models/{model['id']}/versions/1/", {}).status_code == 405
    assert api.delete(f"/api/v1/models/{model['id']}/versions/1/").status_code == 405


def test_the_signature_served_is_the_signature_contract_and_advice_speaks_the_apis_terms(api, onnx, tmp_path):
    """A version's signature (and the model's) is compiler_core's Signature, whatever was stored; the
    inspection's advice names options as API and console users give them."""
    from compiler_core.contracts import Signature
    from compiler_core.tests.models import conv_net

    model = register(api, onnx).json()
    version = api.get(f"/api/v1/models/{model['id']}/versions/1/").json()
    assert Signature.validate_written(version["signature"]).inputs[0].shape == ["batch", 16]
    assert Signature.validate_written(api.get(f"/api/v1/models/{model['id']}/").json()["signature"])
    ModelVersion.objects.update(signature={})  # before inspection has run
    assert api.get(f"/api/v1/models/{model['id']}/").json()["signature"] == {"inputs": [], "outputs": []}
    conv = api.post("/api/v1/models/", {"file": io.BytesIO(conv_net(tmp_path / "cnn.onnx").read_bytes()),
                                         "name": "cnn"}, format="multipart").json()
    inspection = api.get(f"/api/v1/models/{conv['id']}/versions/1/").json()["inspection"]
    advice = next(item["why"] for item in inspection["recommendations"] if item["recipe"] == "int8")
    assert "attach calibration data" in advice and "--calibration" not in advice


def test_card_tags_and_visibility_are_editable_by_the_owner(api, onnx, user):
    model = register(api, onnx).json()
    team = api.post("/api/v1/teams/", {"name": "nlp"}, format="json").json()
    changed = api.patch(f"/api/v1/models/{model['id']}/", {"card": "## Usage", "tags": ["bert"],
                                                            "visibility": "team", "team": team["id"]}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["card"] == "## Usage" and changed.json()["tags"] == ["bert"]
    assert changed.json()["visibility"] == "team" and changed.json()["team"] == team["id"]
    refused = api.patch(f"/api/v1/models/{model['id']}/", {"visibility": "official"}, format="json")
    assert refused.status_code == 403 and "staff" in refused.json()["detail"].lower()
    bad_tag = api.patch(f"/api/v1/models/{model['id']}/", {"tags": ["no spaces please"]}, format="json")
    assert bad_tag.status_code == 400 and "tag" in bad_tag.json()["detail"]


def test_duplicate_name_is_a_conflict_that_says_how_to_add_a_version(api, onnx):
    register(api, onnx)
    again = register(api, onnx)
    assert again.status_code == 409 and "/versions/" in again.json()["detail"]


def test_a_package_registered_from_a_job_points_to_its_source(api, onnx, user):
    model = register(api, onnx).json()
    source = ModelVersion.objects.get()
    job = Job.objects.create(owner=user, model_version=source, recipe="lossless", status=Job.Status.SUCCEEDED,
                             package_prefix="packages/lineage")
    objectstore.put_stream("packages/lineage/model.onnx", io.BytesIO(onnx))
    objectstore.put_stream("packages/lineage/runtime.json", io.BytesIO(b"{}"))
    made = api.post(f"/api/v1/models/{model['id']}/versions/from-job/", {"job": job.pk}, format="json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["source"] == "optimized"
    assert body["lineage"] == {"source_model": model["id"], "source_version": 1, "source_job": job.pk}
    assert {f["path"] for f in body["files"]} == {"model.onnx", "runtime.json"}
