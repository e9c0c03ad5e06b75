"""A version's tokenizer: a Hugging Face tokenizer.json attached to it (checked, stored, shown),
and text tokenized into the version's token-id inputs, padded and truncated to the length the
model fixes, for the version's viewers and for the owner of a deployment of it."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from deployments.models import Deployment
from jobs.models import Job
from modelhub import tasks
from modelhub.models import ModelVersion, RegisteredModel
from modelhub.services import model_sweep_orphans
from tests.support.models import tiny_mlp, token_embedding_mean
from tests.support.tokenizer_json import word_level_tokenizer
from whetstone import objectstore

pytestmark = pytest.mark.django_db

TOKENIZER = word_level_tokenizer()
VOCAB = json.loads(TOKENIZER)["model"]["vocab"]
PAD, UNK, CLS, SEP = (VOCAB[token] for token in ("[PAD]", "[UNK]", "[CLS]", "[SEP]"))


def upload(text: str | bytes = TOKENIZER, name: str = "tokenizer.json") -> io.BytesIO:
    buffer = io.BytesIO(text.encode() if isinstance(text, str) else text)
    buffer.name = name
    return buffer


def register(api, path, name: str) -> int:
    response = api.post("/api/v1/models/", {"file": io.BytesIO(path.read_bytes()), "name": name}, format="multipart")
    assert response.status_code == 201, response.content
    return response.json()["id"]


@pytest.fixture
def model_id(api, tmp_path) -> int:
    """Token ids and an attention mask of a fixed length, 16."""
    return register(api, token_embedding_mean(tmp_path / "encoder.onnx"), "encoder")


def tokenizer_url(model_id: int, number: int = 1) -> str:
    return f"/api/v1/models/{model_id}/versions/{number}/tokenizer/"


def tokenize_url(model_id: int, number: int = 1) -> str:
    return f"/api/v1/models/{model_id}/versions/{number}/tokenize/"


def attach(client, model_id, file=None, number: int = 1):
    return client.put(tokenizer_url(model_id, number), {"file": file or upload()}, format="multipart")


def stored_keys(model_id: int) -> list[str]:
    return objectstore.list_keys(f"models/{model_id}/tokenizers")


def ids_of(*words: str) -> list[int]:
    return [VOCAB.get(word, UNK) for word in words]


def test_attach_show_replace_and_remove(api, model_id, django_capture_on_commit_callbacks):
    assert api.get(tokenizer_url(model_id)).status_code == 404
    assert api.get(f"/api/v1/models/{model_id}/versions/1/").json()["tokenizer"] is None

    attached = attach(api, model_id)
    assert attached.status_code == 200, attached.content
    summary = attached.json()
    assert summary["name"] == "tokenizer.json" and summary["kind"] == "WordLevel"
    assert summary["vocab_size"] == len(VOCAB) and summary["pad_token"] == "[PAD]"
    assert summary["size_bytes"] == len(TOKENIZER.encode())
    assert summary["sha256"] == hashlib.sha256(TOKENIZER.encode()).hexdigest()
    assert api.get(tokenizer_url(model_id)).json() == summary
    assert api.get(f"/api/v1/models/{model_id}/versions/1/").json()["tokenizer"] == summary
    assert api.get(f"/api/v1/models/{model_id}/").json()["latest_version"]["tokenizer"] == summary
    (first_key,) = stored_keys(model_id)
    assert objectstore.read_text(first_key) == TOKENIZER

    # Another vocabulary replaces it: the old object goes once the new row is committed.
    other = word_level_tokenizer(["zebra yak xylophone"])
    with django_capture_on_commit_callbacks(execute=True):
        replaced = attach(api, model_id, upload(other, "other.json"))
    assert replaced.status_code == 200 and replaced.json()["name"] == "other.json"
    assert [objectstore.read_text(key) for key in stored_keys(model_id)] == [other]
    tokens = api.post(tokenize_url(model_id), {"text": "zebra cat"}, format="json").json()["texts"][0]["tokens"]
    assert tokens[:4] == ["[CLS]", "zebra", "[UNK]", "[SEP]"], "the replaced tokenizer still answers"

    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(tokenizer_url(model_id)).status_code == 204
    assert stored_keys(model_id) == []
    assert api.get(tokenizer_url(model_id)).status_code == 404
    refused = api.post(tokenize_url(model_id), {"text": "the cat"}, format="json")
    assert refused.status_code == 409 and "no tokenizer attached" in refused.json()["detail"]


def test_text_is_padded_to_the_models_fixed_length_with_a_mask(api, model_id):
    attach(api, model_id)
    response = api.post(tokenize_url(model_id), {"text": "The cat sat"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    ids, mask = body["inputs"]
    expected = [CLS, *ids_of("the", "cat", "sat"), SEP]
    assert ids == {"name": "input_ids", "datatype": "INT64", "shape": [1, 16],
                   "data": expected + [PAD] * (16 - len(expected))}
    assert mask == {"name": "attention_mask", "datatype": "INT64", "shape": [1, 16],
                    "data": [1] * len(expected) + [0] * (16 - len(expected))}
    (text,) = body["texts"]
    assert text["tokens"][:6] == ["[CLS]", "the", "cat", "sat", "[SEP]", "[PAD]"] and len(text["tokens"]) == 16
    assert text["ids"] == ids["data"]
    assert (text["length"], text["truncated"]) == (5, False)
    assert (body["sequence_length"], body["padding"], body["pad_token"]) == (16, "fixed", "[PAD]")
    assert body["tokenizer"]["kind"] == "WordLevel"


def test_a_long_text_is_truncated_keeping_the_closing_special_token(api, model_id):
    attach(api, model_id)
    words = ("the cat sat on the mat " * 5).split()
    body = api.post(tokenize_url(model_id), {"text": " ".join(words)}, format="json").json()
    ids, mask = (tensor["data"] for tensor in body["inputs"])
    assert ids == [CLS, *ids_of(*words[:14]), SEP]
    assert mask == [1] * 16
    assert body["texts"][0]["truncated"] is True and body["texts"][0]["length"] == 16


def test_token_type_ids_and_a_dynamic_length_padded_to_the_longest_text(api, tmp_path):
    model_id = register(api, token_embedding_mean(tmp_path / "dyn.onnx", sequence=None, token_types=True), "dyn")
    assert attach(api, model_id).status_code == 200
    body = api.post(tokenize_url(model_id), {"texts": ["a dog ran", "the cat"]}, format="json").json()
    assert [tensor["name"] for tensor in body["inputs"]] == ["input_ids", "attention_mask", "token_type_ids"]
    ids, mask, types = (tensor["data"] for tensor in body["inputs"])
    assert all(tensor["shape"] == [2, 5] for tensor in body["inputs"])
    assert ids == [CLS, *ids_of("a", "dog", "ran"), SEP, CLS, *ids_of("the", "cat"), SEP, PAD]
    assert mask == [1, 1, 1, 1, 1, 1, 1, 1, 1, 0]
    assert types == [0] * 10
    assert (body["sequence_length"], body["padding"]) == (5, "longest")
    assert [text["length"] for text in body["texts"]] == [5, 4]


def test_a_fixed_batch_of_one_takes_one_text_and_requests_are_bounded(api, tmp_path, model_id):
    fixed = tmp_path / "fixed.onnx"
    token_embedding_mean(fixed)
    import onnx

    model = onnx.load(fixed)
    for graph_input in model.graph.input:
        graph_input.type.tensor_type.shape.dim[0].dim_value = 1
    onnx.save(model, fixed)
    fixed_id = register(api, fixed, "fixed-batch")
    attach(api, fixed_id)
    two = api.post(tokenize_url(fixed_id), {"texts": ["the cat", "a dog"]}, format="json")
    assert two.status_code == 400 and "exactly 1 text" in two.json()["detail"]

    attach(api, model_id)
    for payload in ({}, {"text": "a", "texts": ["b"]}, {"texts": []}, {"texts": ["x"] * 65},
                    {"text": "x" * 20_001}):
        response = api.post(tokenize_url(model_id), payload, format="json")
        assert response.status_code == 400, (payload, response.content)


@pytest.mark.parametrize(("content", "expected"), [
    (b"\xff\xfe\x00not utf-8", "not UTF-8 text"),
    (b"vocab:\n[PAD]\n[UNK]\n", "not JSON"),
    (b'{"architectures": ["BertModel"], "vocab_size": 30522}', 'no "model" object'),
    (b'{"model": {"type": "WordLevel", "vocab": "not a vocabulary"}}', "tokenizers library could not load"),
    (b"[" * 100_000 + b"]" * 100_000, "not JSON"),
    (b"", "empty"),
], ids=["binary", "vocab-txt", "config-json", "broken-model", "deeply-nested", "empty"])
def test_files_that_are_not_a_tokenizer_are_refused_saying_why(api, model_id, content, expected):
    assert attach(api, model_id).status_code == 200
    held = stored_keys(model_id)
    response = attach(api, model_id, upload(content))
    assert response.status_code == 400, response.content
    assert expected in response.json()["errors"]["file"][0], response.json()
    # nothing changed: the attached tokenizer stays, and nothing was stored beside it
    assert stored_keys(model_id) == held
    assert api.get(tokenizer_url(model_id)).json()["name"] == "tokenizer.json"


def test_an_oversized_file_is_refused_before_it_is_stored(api, model_id, settings):
    settings.MODELHUB_MAX_TOKENIZER_BYTES = 1000
    response = attach(api, model_id)
    assert response.status_code == 413, response.content
    assert "MODELHUB_MAX_TOKENIZER_BYTES" in response.json()["detail"]
    assert stored_keys(model_id) == []


def test_a_model_without_token_id_inputs_takes_no_tokenizer(api, tmp_path):
    model_id = register(api, tiny_mlp(tmp_path / "mlp.onnx"), "mlp")
    response = attach(api, model_id)
    assert response.status_code == 400
    assert "Input 'input' is float32: text cannot fill it" in response.json()["errors"]["file"][0]
    assert stored_keys(model_id) == []


def test_a_tokenizer_waits_for_inspection(api, model_id):
    ModelVersion.objects.filter(model_id=model_id).update(status=ModelVersion.Status.PENDING, signature={})
    response = attach(api, model_id)
    assert response.status_code == 409 and "inspection" in response.json()["detail"]


def test_other_tenants_get_404_and_official_models_are_read_only(api, model_id, other_user, django_user_model):
    attach(api, model_id)
    other = APIClient()
    other.force_authenticate(other_user)
    assert other.get(tokenizer_url(model_id)).status_code == 404
    assert attach(other, model_id).status_code == 404
    assert other.delete(tokenizer_url(model_id)).status_code == 404
    assert other.post(tokenize_url(model_id), {"text": "the cat"}, format="json").status_code == 404
    assert api.post(tokenize_url(model_id, number=9), {"text": "the cat"}, format="json").status_code == 404
    # an official model: everyone reads and tokenizes with its tokenizer, only staff changes it
    staff = django_user_model.objects.create_user(username="staff", password="x", is_staff=True)
    RegisteredModel.objects.filter(pk=model_id).update(visibility="official", owner=staff)
    assert other.post(tokenize_url(model_id), {"text": "the cat"}, format="json").status_code == 200
    refused = attach(other, model_id)
    assert refused.status_code == 403 and "official" in refused.json()["detail"]
    assert other.delete(tokenizer_url(model_id)).status_code == 403
    assert len(stored_keys(model_id)) == 1


def test_a_read_token_tokenizes_but_needs_the_register_scope_to_attach(model_id, api, user):
    from accounts.services import personal_token_create

    attach(api, model_id)
    _, secret = personal_token_create(user=user, name="read-only", scopes=["read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.post(tokenize_url(model_id), {"text": "the cat"}, format="json").status_code == 200
    refused = attach(client, model_id)
    assert refused.status_code == 403 and "register" in refused.json()["detail"]


def deploy(owner, version: ModelVersion, name: str) -> Deployment:
    job = Job.objects.create(owner=owner, model_version=version, recipe="lossless", status=Job.Status.SUCCEEDED)
    return Deployment.objects.create(owner=owner, job=job, name=name, status=Deployment.Status.READY)


def test_a_deployment_tokenizes_with_its_versions_tokenizer_for_its_owner_only(api, model_id, user, other_user):
    version = ModelVersion.objects.get(model_id=model_id, number=1)
    deployment = deploy(user, version, "encoder-1")
    url = f"/api/v1/deployments/{deployment.pk}/tokenize/"
    assert api.get(f"/api/v1/deployments/{deployment.pk}/").json()["tokenizer"] is None
    assert api.post(url, {"text": "the cat"}, format="json").status_code == 409

    summary = attach(api, model_id).json()
    assert api.get(f"/api/v1/deployments/{deployment.pk}/").json()["tokenizer"] == summary
    body = api.post(url, {"text": "the cat"}, format="json").json()
    assert body["inputs"][0]["data"][:4] == [CLS, *ids_of("the", "cat"), SEP]

    other = APIClient()
    other.force_authenticate(other_user)
    assert other.post(url, {"text": "the cat"}, format="json").status_code == 404
    assert other.get(f"/api/v1/deployments/{deployment.pk}/").status_code == 404


def test_deleting_the_model_purges_its_tokenizer_and_the_sweep_removes_strays(api, model_id, monkeypatch):
    monkeypatch.setattr("modelhub.services.send_on_commit", lambda *a, **k: None)
    attach(api, model_id)
    held = stored_keys(model_id)
    stray = f"models/{model_id}/tokenizers/v1/deadbeef0000/tokenizer.json"  # a request that died before its row
    objectstore.put_stream(stray, upload())
    assert model_sweep_orphans(older_than=timedelta(seconds=-60)) == 1
    assert stored_keys(model_id) == held

    assert api.delete(f"/api/v1/models/{model_id}/").status_code == 204
    tasks.purge_model(model_id)
    assert stored_keys(model_id) == []


def test_a_tokenizer_lost_from_storage_is_said_plainly(api, model_id):
    attach(api, model_id)
    (key,) = stored_keys(model_id)
    objectstore.delete_key(key)
    response = api.post(tokenize_url(model_id), {"text": "the cat"}, format="json")
    assert response.status_code == 503 and "attach the tokenizer.json again" in response.json()["detail"]
