"""Large files: presigned multipart upload straight to S3 (the stack's S3 server),
then `complete` verifies the checksum and registers the model. A bad checksum
or a missing part is refused, and nothing is left in the bucket."""

from __future__ import annotations

import hashlib
import time
import uuid

import boto3
import pytest
import requests

from tests.support.models import tiny_mlp

pytestmark = pytest.mark.e2e

PART = 5 * 1024 * 1024


@pytest.fixture(scope="module")
def big_model(tmp_path_factory):
    path = tiny_mlp(tmp_path_factory.mktemp("big") / "big.onnx", features=32, hidden=100_000)
    data = path.read_bytes()
    assert len(data) > 2 * PART  # three parts
    return data


def bucket_keys(stack, prefix: str) -> list[str]:
    s3 = boto3.client("s3", endpoint_url=stack.env["S3_ENDPOINT_URL"], aws_access_key_id="testing",
                      aws_secret_access_key="testing", region_name="us-east-1")
    return [o["Key"] for o in s3.list_objects_v2(Bucket="whetstone", Prefix=prefix).get("Contents", [])]


def start(api, stack, data: bytes, sha256: str | None = None) -> dict:
    response = api.post(f"{stack.web_url}/api/v1/uploads/", json={
        "filename": "big.onnx", "size_bytes": len(data), "sha256": sha256 or hashlib.sha256(data).hexdigest(),
        "part_size": PART}, timeout=30)
    assert response.status_code == 201, response.text
    return response.json()


def put_parts(upload: dict, data: bytes, *, skip: int | None = None) -> list[dict]:
    done = []
    for part in upload["parts"]:
        if part["part_number"] == skip:
            continue
        chunk = data[(part["part_number"] - 1) * upload["part_size"]: part["part_number"] * upload["part_size"]]
        answer = requests.put(part["url"], data=chunk, timeout=60)  # straight to S3, no token
        assert answer.status_code == 200, answer.text
        done.append({"part_number": part["part_number"], "etag": answer.headers["ETag"]})
    return done


def test_presigned_multipart_upload_registers_the_model(stack, big_model):
    api = stack.api()
    upload = start(api, stack, big_model)
    assert len(upload["parts"]) == 3 and upload["part_size"] == PART
    name = f"multipart-{uuid.uuid4().hex[:6]}"
    done = api.post(f"{stack.web_url}/api/v1/uploads/{upload['id']}/complete/",
                    json={"name": name, "parts": put_parts(upload, big_model), "tags": ["large"]}, timeout=300)
    assert done.status_code == 201, done.text
    model = done.json()
    assert model["latest_version"]["sha256"] == hashlib.sha256(big_model).hexdigest()
    assert model["latest_version"]["size_bytes"] == len(big_model)
    assert model["signature"]["inputs"][0]["shape"] == ["batch", 32]
    assert bucket_keys(stack, f"models/{model['id']}/") == [f"models/{model['id']}/v1/big.onnx"]
    assert bucket_keys(stack, "uploads/") == []

    # the next version of the same model, the same way
    again = start(api, stack, big_model)
    version = api.post(f"{stack.web_url}/api/v1/uploads/{again['id']}/complete/",
                       json={"model": model["id"], "parts": put_parts(again, big_model)}, timeout=300)
    assert version.status_code == 201 and version.json()["number"] == 2, version.text


def test_checksum_mismatch_and_missing_parts_are_refused_and_nothing_is_kept(stack, big_model):
    api = stack.api()
    wrong = start(api, stack, big_model, sha256="0" * 64)
    refused = api.post(f"{stack.web_url}/api/v1/uploads/{wrong['id']}/complete/",
                       json={"name": f"bad-{uuid.uuid4().hex[:6]}", "parts": put_parts(wrong, big_model)}, timeout=300)
    assert refused.status_code == 400 and "checksum mismatch" in refused.json()["detail"].lower()

    short = start(api, stack, big_model)
    incomplete = api.post(f"{stack.web_url}/api/v1/uploads/{short['id']}/complete/",
                          json={"name": f"short-{uuid.uuid4().hex[:6]}", "parts": put_parts(short, big_model, skip=3)},
                          timeout=300)
    assert incomplete.status_code == 400, incomplete.text
    assert "bytes" in incomplete.json()["detail"]

    aborted = start(api, stack, big_model)
    put_parts(aborted, big_model)
    assert api.delete(f"{stack.web_url}/api/v1/uploads/{aborted['id']}/", timeout=30).status_code == 204
    assert bucket_keys(stack, "uploads/") == []
    assert api.get(f"{stack.web_url}/api/v1/models/", params={"search": "bad-"}, timeout=10).json()["count"] == 0


def test_another_user_cannot_complete_or_abort_my_upload(stack, big_model):
    mine = start(stack.api(), stack, big_model)
    other = stack.create_user(f"intruder-{uuid.uuid4().hex[:6]}", uuid.uuid4().hex)
    assert other.post(f"{stack.web_url}/api/v1/uploads/{mine['id']}/complete/",
                      json={"name": "x", "parts": [{"part_number": 1, "etag": "x"}]}, timeout=30).status_code == 404
    assert other.delete(f"{stack.web_url}/api/v1/uploads/{mine['id']}/", timeout=30).status_code == 404
    stack.api().delete(f"{stack.web_url}/api/v1/uploads/{mine['id']}/", timeout=30)


def test_a_deleted_model_whose_purge_message_was_lost_is_purged_by_the_reaper(stack, tmp_path):
    """A Redis killed before it wrote the purge down leaves the model deleted and its objects in
    place: the reaper sends the purge again, and the worker removes them."""
    from deploy.local.processes import manage
    from tests.support.api import register_model

    api = stack.api()
    model = register_model(api, stack.web_url, tiny_mlp(tmp_path / "m.onnx"), f"purge-lost-{uuid.uuid4().hex[:8]}")
    assert bucket_keys(stack, f"models/{model['id']}/")
    # Deleted as model_delete deletes, with no message at all.
    manage(["shell", "-c", "from django.utils import timezone; from modelhub.models import RegisteredModel; "
            f"RegisteredModel.objects.filter(pk={model['id']}).update(deleted_at=timezone.now())"], env=stack.env)
    assert api.get(f"{stack.web_url}/api/v1/models/{model['id']}/", timeout=10).status_code == 404
    deadline = time.monotonic() + 120  # the grace (10 s) and the reaper's interval (15 s), with room
    while bucket_keys(stack, f"models/{model['id']}/"):
        assert time.monotonic() < deadline, "the deleted model's objects are still there"
        time.sleep(1)
