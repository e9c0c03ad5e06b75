"""POST /api/v1/models/{id}/optimizations/ refuses, when submitted, what the worker would refuse a
second later, in the API's words; and it refuses fields it does not know instead of dropping them."""

import io

import pytest

from jobs.models import Job
from modelhub.models import ModelVersion
from tests.support.models import tiny_mlp

pytestmark = pytest.mark.django_db


def register(api, tmp_path, *, features=16, name="m"):
    content = tiny_mlp(tmp_path / f"{name}.onnx", features=features).read_bytes()
    response = api.post("/api/v1/models/", {"file": io.BytesIO(content), "name": name}, format="multipart")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def optimize(api, model_id, payload, fmt="json"):
    return api.post(f"/api/v1/models/{model_id}/optimizations/", payload, format=fmt)


def refused(response, field):
    assert response.status_code == 400, response.content
    assert Job.objects.count() == 0
    message = response.json()["errors"][field][0]
    assert "--shapes" not in message and "--shapes" not in response.json()["detail"]
    return message


@pytest.mark.parametrize("shapes, expected", [
    ("banana", "should look like dim=1,4,16"),
    ("batch=0", "at least 1"),
    ("seq=128", "does not have; this model's dynamic dims are batch"),
    ("input:1x16", "should look like dim=1,4,16"),
])
def test_a_shape_set_the_worker_would_refuse_is_refused_naming_the_dims_and_syntax(api, tmp_path, shapes, expected):
    message = refused(optimize(api, register(api, tmp_path), {"shapes": shapes}), "shapes")
    assert expected in message and message.startswith("shapes")


@pytest.mark.parametrize("shapes", ["batch=1,4,16", '[{"batch": 2}]', ""])
def test_a_valid_shape_set_is_accepted(api, tmp_path, shapes):
    response = optimize(api, register(api, tmp_path), {"recipe": "lossless", "shapes": shapes})
    assert response.status_code == 202, response.content
    assert response.json()["options"].get("shapes", "") == shapes


def test_an_input_too_large_for_a_worker_is_refused_with_its_size_and_the_limit(api, tmp_path):
    model_id = register(api, tmp_path, features=12288)
    message = refused(optimize(api, model_id, {"shapes": "batch=1,100000"}), "shapes")
    assert "batch=100000" in message and "4.6 GiB" in message and "1073741824 bytes" in message
    assert optimize(api, model_id, {"shapes": "batch=1,64"}).status_code == 202


def test_the_input_limit_is_a_setting(api, tmp_path, settings):
    settings.WHETSTONE_MAX_INPUT_BYTES = 1000
    model_id = register(api, tmp_path)  # 16 float32 features: batch 16 (measured by default) is 1024 bytes
    assert "1000 bytes" in refused(optimize(api, model_id, {}), "shapes")
    assert optimize(api, model_id, {"shapes": "batch=1,4"}).status_code == 202


def test_a_torchscript_model_needs_its_input_specs_and_keeps_taking_them(api, tmp_path):
    model_id = register(api, tmp_path)
    ModelVersion.objects.filter(model_id=model_id).update(format="torchscript",
                                                          signature={"inputs": [], "outputs": []})
    assert "required for a torchscript model" in refused(optimize(api, model_id, {}), "shapes")
    assert "needs its input shapes" in refused(optimize(api, model_id, {"shapes": "batch=1,4"}), "shapes")
    assert optimize(api, model_id, {"shapes": "input:1x16"}).status_code == 202


def test_a_pt2_models_shapes_are_checked_against_its_stored_signature(api, tmp_path):
    model_id = register(api, tmp_path)
    ModelVersion.objects.filter(model_id=model_id).update(
        format="pytorch-export",
        signature={"inputs": [{"name": "x", "dtype": "float32", "shape": ["batch", "x_dim1"]}], "outputs": []})
    assert "batch, x_dim1" in refused(optimize(api, model_id, {"shapes": "seq=4"}), "shapes")
    assert optimize(api, model_id, {"shapes": "batch=1,8;x_dim1=16"}).status_code == 202


@pytest.mark.parametrize("payload, field, expected", [
    ({"time_budget": -10}, "time_budget", "Did you mean time_budget_s?"),
    ({"options": {"accuracy_budget": 7}}, "options", "Unknown field"),
    ({"recipe": "int8", "acuracy_budget": 0.9}, "acuracy_budget", "Did you mean accuracy_budget?"),
])
def test_unknown_fields_are_refused_not_dropped(api, tmp_path, payload, field, expected):
    assert expected in refused(optimize(api, register(api, tmp_path), payload), field)


def test_unknown_multipart_fields_are_refused_too(api, tmp_path):
    response = optimize(api, register(api, tmp_path), {"recipe": "lossless", "shape": "batch=1"}, fmt="multipart")
    assert "Did you mean shapes?" in refused(response, "shape")


@pytest.mark.parametrize("payload, field, expected", [
    ({"time_budget_s": -10}, "time_budget_s", "greater than or equal to 10"),
    ({"time_budget_s": 0}, "time_budget_s", "greater than or equal to 10"),
    ({"accuracy_budget": 7}, "accuracy_budget", "less than or equal to 1"),
    ({"accuracy_budget": 0}, "accuracy_budget", "greater than 0"),
    ({"accuracy_budget": -0.5}, "accuracy_budget", "greater than or equal to 0"),
])
def test_numbers_out_of_range_are_refused_naming_the_range(api, tmp_path, payload, field, expected):
    assert expected in refused(optimize(api, register(api, tmp_path), payload), field)


def test_what_the_console_and_the_cli_send_is_accepted(api, tmp_path):
    model_id = register(api, tmp_path)
    # OptimizeForm's buildOptimizationRequest, every field filled in (JSON)...
    console = {"recipe": "auto", "device": "cpu", "accuracy_budget": 0.99, "shapes": "batch=1,4,16",
               "time_budget_s": 60}
    assert optimize(api, model_id, console).status_code == 202
    # ...and with calibration files (multipart).
    import numpy as np

    batch = io.BytesIO()
    np.savez(batch, input=np.ones((4, 16), np.float32))
    batch.seek(0)
    batch.name = "b.npz"
    assert optimize(api, model_id, {**console, "calibration": [batch]}, fmt="multipart").status_code == 202
    # whetstone optimize MODEL --max-accuracy-drop 0.01 --shapes ... --time-budget 60
    cli = {"recipe": "int8", "device": "cpu", "accuracy_budget": 0.99, "shapes": "batch=1,8", "time_budget_s": 60}
    assert optimize(api, model_id, cli).status_code == 202


def test_calibration_arrays_must_fit_the_inputs(api, tmp_path):
    import numpy as np

    batch = io.BytesIO()
    np.savez(batch, input=np.ones((4, 8), np.float32))  # the model takes [batch, 16]
    batch.seek(0)
    batch.name = "b.npz"
    message = refused(optimize(api, register(api, tmp_path), {"recipe": "int8", "calibration": [batch]},
                               fmt="multipart"), "calibration")
    assert "input" in message and "[batch, 16]" in message


def test_the_summary_names_the_field_once(api, tmp_path):
    detail = optimize(api, register(api, tmp_path), {"shapes": "banana"}).json()["detail"]
    assert detail.startswith("shapes: 'banana' should look like") and "shapes: shapes" not in detail
