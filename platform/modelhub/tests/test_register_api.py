from __future__ import annotations

import io

import pytest

from modelhub.models import ModelVersion, RegisteredModel
from tests.support.models import tiny_mlp

pytestmark = pytest.mark.django_db


def upload(api, content: bytes, name: str = "m"):
    return api.post(
        "/api/v1/models/",
        {"file": io.BytesIO(content), "name": name, "description": "d"},
        format="multipart",
    )


def stored_objects(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_register_returns_signature_with_symbolic_dims_and_node_counts(api, tmp_path, local_object_store):
    content = tiny_mlp(tmp_path / "m.onnx").read_bytes()
    response = upload(api, content, name="classifier")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "classifier"
    assert body["signature"]["inputs"][0]["shape"] == ["batch", 16]
    assert body["signature"]["outputs"][0]["shape"] == ["batch", 4]
    assert body["node_counts"]["compute"] == 2
    version = ModelVersion.objects.get()
    assert version.size_bytes == len(content)
    assert (local_object_store / version.storage_key).read_bytes() == content


@pytest.mark.parametrize(
    "content, expected_words",
    [
        (b"", "empty"),
        (b"this is plainly a text file, not a model\n" * 10, "onnx"),
        ("truncated", "truncated"),
    ],
    ids=["empty", "not-onnx", "truncated"],
)
def test_bad_files_get_400_naming_the_problem_and_store_nothing(api, tmp_path, local_object_store, content, expected_words):
    if content == "truncated":
        whole = tiny_mlp(tmp_path / "m.onnx").read_bytes()
        content = whole[: len(whole) // 2]
    response = upload(api, content)
    assert response.status_code == 400, response.content
    message = " ".join(response.json()["errors"]["file"]).lower()
    assert expected_words in message, message
    assert expected_words in response.json()["detail"].lower()
    assert RegisteredModel.objects.count() == 0
    assert stored_objects(local_object_store) == []


def test_oversized_upload_is_refused_with_the_limit(api, settings, tmp_path, local_object_store):
    settings.WHETSTONE_MAX_UPLOAD_BYTES = 100
    response = upload(api, tiny_mlp(tmp_path / "m.onnx").read_bytes())
    assert response.status_code == 413  # refused before the body is read
    assert "100 bytes" in response.json()["errors"]["file"][0]
    assert RegisteredModel.objects.count() == 0 and stored_objects(local_object_store) == []


def test_models_are_private_to_their_owner(api, other_user, tmp_path):
    assert upload(api, tiny_mlp(tmp_path / "m.onnx").read_bytes()).status_code == 201
    from rest_framework.test import APIClient

    other = APIClient()
    other.force_authenticate(other_user)
    assert other.get("/api/v1/models/").json()["count"] == 0
    model_id = RegisteredModel.objects.get().id
    assert other.get(f"/api/v1/models/{model_id}/").status_code == 404
    assert other.post(f"/api/v1/models/{model_id}/optimizations/", {"recipe": "lossless"}, format="json").status_code == 404


def test_anonymous_requests_are_refused():
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/models/").status_code in (401, 403)


def test_search_finds_by_name(api, tmp_path):
    content = tiny_mlp(tmp_path / "m.onnx").read_bytes()
    upload(api, content, name="resnet-ish")
    upload(api, content, name="bert-ish")
    names = [m["name"] for m in api.get("/api/v1/models/", {"search": "bert"}).json()["results"]]
    assert names == ["bert-ish"]
