"""Class labels saved on a model: the names the console's try-it form shows beside top-k class scores."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from modelhub.models import RegisteredModel

pytestmark = pytest.mark.django_db

LABELS = ["tench", "goldfish", "great white shark", ""]


def url(model_id: int) -> str:
    return f"/api/v1/models/{model_id}/"


def test_none_until_saved_then_stored_and_removable(api, model_id):
    assert api.get(url(model_id)).json()["labels"] is None
    saved = api.patch(url(model_id), {"labels": LABELS}, format="json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["labels"] == LABELS
    assert RegisteredModel.objects.get(pk=model_id).labels == LABELS
    assert api.get(url(model_id)).json()["labels"] == LABELS
    # Another field's edit (preprocessing included) leaves them alone; null removes them.
    assert api.patch(url(model_id), {"preprocessing": {"layout": "NHWC"}}, format="json").json()["labels"] == LABELS
    assert api.patch(url(model_id), {"labels": None}, format="json").json()["labels"] is None
    assert RegisteredModel.objects.get(pk=model_id).labels is None


def test_the_limits_are_inclusive(api, model_id):
    many = ["x" * 200] + [str(i) for i in range(99_999)]
    saved = api.patch(url(model_id), {"labels": many}, format="json")
    assert saved.status_code == 200, saved.content[:300]
    assert len(RegisteredModel.objects.get(pk=model_id).labels) == 100_000


@pytest.mark.parametrize("labels, words", [
    ("cat\ndog", "must be a list of strings"),
    ({"0": "cat"}, "must be a list of strings"),
    (["cat", 7], "label 1 must be a string, not 7"),
    (["cat", None], "label 1 must be a string, not None"),
    (["cat", "dog", "x" * 201], "label 2 is 201 characters long; each label may have at most 200"),
    ([str(i) for i in range(100_001)], "at most 100,000 labels, not 100,001"),
])
def test_invalid_labels_are_a_400_that_says_what_is_wrong(api, model_id, labels, words):
    api.patch(url(model_id), {"labels": LABELS}, format="json")
    refused = api.patch(url(model_id), {"labels": labels}, format="json")
    assert refused.status_code == 400, refused.content[:300]
    body = refused.json()
    assert words in body["errors"]["labels"][0], body
    assert body["detail"].startswith("labels: "), body
    assert RegisteredModel.objects.get(pk=model_id).labels == LABELS, "a refused edit changed them"


def test_other_tenants_cannot_see_or_edit_them_and_official_models_are_read_only(
        api, model_id, other_user, django_user_model):
    api.patch(url(model_id), {"labels": LABELS}, format="json")
    other = APIClient()
    other.force_authenticate(other_user)
    assert other.get(url(model_id)).status_code == 404
    refused = other.patch(url(model_id), {"labels": ["mine"]}, format="json")
    assert refused.status_code == 404, refused.content
    staff = django_user_model.objects.create_user(username="staff", password="x", is_staff=True)
    RegisteredModel.objects.filter(pk=model_id).update(visibility="official", owner=staff)
    assert other.get(url(model_id)).json()["labels"] == LABELS  # readers see them: the try-it form shows them
    refused = other.patch(url(model_id), {"labels": ["mine"]}, format="json")
    assert refused.status_code == 403 and "official" in refused.json()["detail"]
    assert RegisteredModel.objects.get(pk=model_id).labels == LABELS


def test_the_openapi_schema_publishes_the_shape(api):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for component in ("ModelDetail", "PatchedModelUpdateRequest"):
        field = schema["components"]["schemas"][component]["properties"]["labels"]
        assert field["type"] == "array" and field["nullable"] is True, field
        assert field["items"]["type"] == "string" and field["items"]["maxLength"] == 200, field
        assert field["maxItems"] == 100_000, field
