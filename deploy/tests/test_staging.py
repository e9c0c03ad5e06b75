"""Staging packages into the engine's model repository, and the client, without an engine."""

from __future__ import annotations

import json

import pytest

from deploy.local.processes import free_ports
from deploy.serving.repository import MODEL_SETTINGS_FILE, ServingClient, ServingError, remove_staged, stage_package
from deploy.tests.tiny_packages import write_tiny_package


def test_staged_package_carries_model_settings_for_whetstone_runtime(tmp_path):
    package = write_tiny_package(tmp_path / "package")

    staged = stage_package(package, tmp_path / "models", "resnet", max_batch_size=16, max_batch_time_s=0.01)

    assert staged == tmp_path / "models" / "resnet"
    assert sorted(p.name for p in staged.iterdir()) == sorted(
        [p.name for p in package.iterdir()] + [MODEL_SETTINGS_FILE]
    )
    settings = json.loads((staged / MODEL_SETTINGS_FILE).read_text())
    assert settings == {
        "name": "resnet",
        "implementation": "deploy.serving.runtime.WhetstoneRuntime",
        "parameters": {"uri": "."},
        "max_batch_size": 16,
        "max_batch_time": 0.01,
    }


def test_without_batching_no_batch_settings_are_written(tmp_path):
    staged = stage_package(write_tiny_package(tmp_path / "package"), tmp_path / "models", "plain")

    settings = json.loads((staged / MODEL_SETTINGS_FILE).read_text())
    assert "max_batch_size" not in settings and "max_batch_time" not in settings


def test_staging_again_replaces_the_earlier_package(tmp_path):
    models_root = tmp_path / "models"
    stage_package(write_tiny_package(tmp_path / "v1", seed=1), models_root, "model")
    (models_root / "model" / "stale-extra-file").write_text("from v1")

    stage_package(write_tiny_package(tmp_path / "v2", seed=2), models_root, "model")

    staged_model = (models_root / "model" / "model.onnx").read_bytes()
    assert staged_model == (tmp_path / "v2" / "model.onnx").read_bytes()
    assert not (models_root / "model" / "stale-extra-file").exists()
    assert [p.name for p in models_root.iterdir()] == ["model"]  # no scratch copies left


def test_remove_staged_deletes_only_that_model(tmp_path):
    models_root = tmp_path / "models"
    for name in ("a", "b"):
        stage_package(write_tiny_package(tmp_path / name), models_root, name)

    remove_staged(models_root, "a")

    assert [p.name for p in models_root.iterdir()] == ["b"]


@pytest.mark.parametrize("name", ["../escape", "with/slash", "", ".hidden", "has space"])
def test_names_that_are_not_safe_folder_and_url_names_are_refused(tmp_path, name):
    with pytest.raises(ValueError, match="model name"):
        stage_package(write_tiny_package(tmp_path / "package"), tmp_path / "models", name)


def test_batching_without_a_batch_time_is_refused(tmp_path):
    # MLServer would silently not batch at all.
    with pytest.raises(ValueError, match="max_batch_time_s"):
        stage_package(write_tiny_package(tmp_path / "package"), tmp_path / "models", "m", max_batch_size=8)


def test_client_of_an_engine_that_is_not_running_says_so(tmp_path):
    (port,) = free_ports(1)  # nothing listens there
    client = ServingClient(f"http://127.0.0.1:{port}", timeout=5)

    assert client.live() is False
    with pytest.raises(ServingError, match=f"127.0.0.1:{port} did not answer"):
        client.load("anything")
