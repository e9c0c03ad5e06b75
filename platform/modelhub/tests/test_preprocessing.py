"""The image preprocessing saved on a model: what the console's try-it form applies to a picture."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from modelhub.models import RegisteredModel

pytestmark = pytest.mark.django_db

CAFFE = {"layout": "NHWC", "color": "BGR", "scale": 1.0, "mean": [103.94, 116.78, 123.68], "std": [1, 1, 1]}


def url(model_id: int) -> str:
    return f"/api/v1/models/{model_id}/"


def test_none_until_saved_then_stored_complete_and_clearable(api, model_id):
    assert api.get(url(model_id)).json()["preprocessing"] is None
    saved = api.patch(url(model_id), {"preprocessing": CAFFE}, format="json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["preprocessing"] == {**CAFFE, "std": [1.0, 1.0, 1.0]}
    assert RegisteredModel.objects.get(pk=model_id).preprocessing["color"] == "BGR"
    assert api.get(url(model_id)).json()["preprocessing"]["mean"] == [103.94, 116.78, 123.68]
    # Keys left out take the defaults, so what is stored is always the whole recipe.
    partial = api.patch(url(model_id), {"preprocessing": {"layout": "NHWC"}}, format="json").json()["preprocessing"]
    assert partial == {"layout": "NHWC", "color": "RGB", "scale": pytest.approx(1 / 255),
                       "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}
    # Another field's edit leaves it alone; null clears it.
    assert api.patch(url(model_id), {"card": "# Card"}, format="json").json()["preprocessing"]["layout"] == "NHWC"
    assert api.patch(url(model_id), {"preprocessing": None}, format="json").json()["preprocessing"] is None
    assert RegisteredModel.objects.get(pk=model_id).preprocessing is None


@pytest.mark.parametrize("preprocessing, words", [
    ({"layout": "CHW"}, "layout must be one of NCHW, NHWC"),
    ({"color": "RGBA"}, "color must be one of RGB, BGR"),
    ({"mean": [0.5, 0.5]}, "mean must be a list of 3 numbers"),
    ({"std": [0.2, 0, 0.2]}, "each std value must be above 0"),
    ({"std": [0.2, "x", 0.2]}, "each std value must be a finite number"),
    ({"scale": 0}, "scale must be above 0"),
    ({"scale": True}, "scale must be a finite number"),
    ({"mean": [1e9, 0, 0]}, "each mean value must be between"),
    ({"resize": "crop"}, "unknown key resize; the keys are layout, color, scale, mean, std"),
    ("NCHW", "must be an object"),
])
def test_invalid_settings_are_a_400_that_names_the_key(api, model_id, preprocessing, words):
    api.patch(url(model_id), {"preprocessing": CAFFE}, format="json")
    refused = api.patch(url(model_id), {"preprocessing": preprocessing}, format="json")
    assert refused.status_code == 400, refused.content
    body = refused.json()
    assert words in body["errors"]["preprocessing"][0], body
    assert body["detail"].startswith("preprocessing: "), body
    assert RegisteredModel.objects.get(pk=model_id).preprocessing["color"] == "BGR", "a refused edit changed it"


def test_other_tenants_cannot_see_or_edit_it_and_official_models_are_read_only(
        api, model_id, other_user, django_user_model):
    api.patch(url(model_id), {"preprocessing": CAFFE}, format="json")
    other = APIClient()
    other.force_authenticate(other_user)
    assert other.get(url(model_id)).status_code == 404
    refused = other.patch(url(model_id), {"preprocessing": {"color": "RGB"}}, format="json")
    assert refused.status_code == 404, refused.content
    staff = django_user_model.objects.create_user(username="staff", password="x", is_staff=True)
    RegisteredModel.objects.filter(pk=model_id).update(visibility="official", owner=staff)
    assert other.get(url(model_id)).json()["preprocessing"]["color"] == "BGR"  # readers see it: the form applies it
    refused = other.patch(url(model_id), {"preprocessing": {"color": "RGB"}}, format="json")
    assert refused.status_code == 403 and "official" in refused.json()["detail"]
    assert RegisteredModel.objects.get(pk=model_id).preprocessing["color"] == "BGR"


def test_the_openapi_schema_publishes_the_shape(api):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    component = schema["components"]["schemas"]["Preprocessing"]
    assert set(component["required"]) == {"layout", "color", "scale", "mean", "std"}
    assert component["properties"]["mean"]["minItems"] == 3
    update = schema["components"]["schemas"]["PatchedModelUpdateRequest"]["properties"]["preprocessing"]
    detail = schema["components"]["schemas"]["ModelDetail"]["properties"]["preprocessing"]
    assert detail["nullable"] is True and "schemas/Preprocessing'" in str(detail), detail
    # A PATCH may send any of the keys: the rest take the defaults.
    assert update["nullable"] is True and "PreprocessingUpdateRequest" in str(update), update
    assert "required" not in schema["components"]["schemas"]["PreprocessingUpdateRequest"]
