"""Triton and KServe exports: parsed with the tools' own schemas and checked
against the package they were made from."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
import yaml

from compiler_core.runtime import load_package
from deploy.exports.kserve import (
    MODEL_MOUNT,
    cluster_serving_runtime_manifest,
    inference_service_manifest,
)
from deploy.exports.triton import export_notes, triton_model_repository
from deploy.local.processes import free_ports
from deploy.serving.repository import ServingClient
from deploy.serving.server import engine_environment, stop_server, wait_until_live
from deploy.tests.engines import ENGINE_START_TIMEOUT_S
from deploy.tests.tiny_packages import CLASSES, FEATURES, write_corrupt_package, write_tiny_package

from google.protobuf import text_format


def _triton_model_config_schema():
    """Triton's ModelConfig schema, tritonclient's generated module loaded on its own.

    Importing it as `tritonclient.grpc.model_config_pb2` runs `tritonclient.grpc`, which
    registers Triton's gRPC service messages; their `inference.*` names clash with
    MLServer's, which test_direct_infer loads into this same process.
    """
    package = importlib.util.find_spec("tritonclient")
    path = Path(list(package.submodule_search_locations)[0]) / "grpc" / "model_config_pb2.py"
    spec = importlib.util.spec_from_file_location("triton_model_config_pb2", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


model_config_pb2 = _triton_model_config_schema()


def parse_config(model_dir) -> "model_config_pb2.ModelConfig":
    # Parsing into Triton's own ModelConfig rejects any field or enum Triton would reject.
    return text_format.Parse((model_dir / "config.pbtxt").read_text(), model_config_pb2.ModelConfig())


def type_name(data_type: int) -> str:
    return model_config_pb2.DataType.Name(data_type)


def test_triton_export_of_a_batchable_package(tmp_path):
    package = write_tiny_package(tmp_path / "package")

    model_dir = triton_model_repository(package, tmp_path / "triton", name="classifier", max_batch_size=16)

    assert model_dir == tmp_path / "triton" / "classifier"
    assert (model_dir / "1" / "model.onnx").read_bytes() == (package / "model.onnx").read_bytes()
    config = parse_config(model_dir)
    assert config.name == "classifier"
    assert config.platform == "onnxruntime_onnx"
    assert config.max_batch_size == 16
    assert config.HasField("dynamic_batching")
    # The batch dim is Triton's to add; the rest is the signature's.
    assert [(t.name, type_name(t.data_type), list(t.dims)) for t in config.input] == [
        ("x", "TYPE_FP32", [FEATURES])
    ]
    assert [(t.name, type_name(t.data_type), list(t.dims)) for t in config.output] == [
        ("logits", "TYPE_FP32", [CLASSES]),
        ("label", "TYPE_INT64", [1]),
    ]
    label = config.output[1]
    assert label.HasField("reshape") and list(label.reshape.shape) == []  # [batch] per item is a scalar
    # The threads the worker measured with are the threads Triton runs with.
    parameters = {key: value.string_value for key, value in config.parameters.items()}
    assert parameters["intra_op_thread_count"] == "1"
    assert parameters["execution_mode"] == "0"


def test_triton_config_names_the_tensors_the_onnx_model_has(tmp_path):
    model_dir = triton_model_repository(write_tiny_package(tmp_path / "package"), tmp_path / "triton", name="m")

    config = parse_config(model_dir)
    graph = onnx.load(str(model_dir / "1" / "model.onnx")).graph
    assert [t.name for t in config.input] == [i.name for i in graph.input if i.name not in {init.name for init in graph.initializer}]
    assert [t.name for t in config.output] == [o.name for o in graph.output]


def test_triton_export_without_a_batch_dim_is_unbatched_with_full_dims(tmp_path):
    package = write_tiny_package(tmp_path / "package")
    signature = {
        "inputs": [{"name": "x", "dtype": "tensor(float)", "shape": [1, FEATURES]}],
        "outputs": [
            {"name": "logits", "dtype": "tensor(float)", "shape": [1, "classes"]},
            {"name": "label", "dtype": "tensor(int64)", "shape": [1]},
        ],
    }
    (package / "signature.json").write_text(json.dumps(signature))

    config = parse_config(triton_model_repository(package, tmp_path / "triton", name="fixed", max_batch_size=8))

    assert config.max_batch_size == 0
    assert not config.HasField("dynamic_batching")
    assert list(config.input[0].dims) == [1, FEATURES]
    assert list(config.output[0].dims) == [1, -1]  # symbolic dims are -1 in Triton


@pytest.mark.parametrize("name", ["", ".", "..", "../outside", "a/b", 'say"hi', "/abs"])
def test_triton_export_refuses_a_name_that_is_not_one_plain_folder_and_removes_nothing(tmp_path, name):
    package = write_tiny_package(tmp_path / "package")
    repository = tmp_path / "triton"
    sibling = triton_model_repository(package, repository, name="sibling")
    (tmp_path / "outside").mkdir()

    with pytest.raises(ValueError, match="Triton model name"):
        triton_model_repository(package, repository, name=name)

    assert (sibling / "config.pbtxt").is_file() and (tmp_path / "outside").is_dir()


def test_triton_export_reads_the_package_through_its_contracts(tmp_path):
    """A field a newer writer added is kept; one of the wrong type is named, before anything is written."""
    package = write_tiny_package(tmp_path / "package")
    runtime = json.loads((package / "runtime.json").read_text())
    (package / "runtime.json").write_text(json.dumps(dict(runtime, warmup_runs=3)))
    assert (triton_model_repository(package, tmp_path / "triton", name="newer") / "config.pbtxt").is_file()

    signature = json.loads((package / "signature.json").read_text())
    signature["inputs"][0]["shape"] = "batch x 16"
    (package / "signature.json").write_text(json.dumps(signature))
    with pytest.raises(ValueError, match="signature.json does not match its contract: inputs.0.shape"):
        triton_model_repository(package, tmp_path / "triton", name="broken")
    assert not (tmp_path / "triton" / "broken").exists()


def test_triton_export_types_bfloat16_tensors_as_triton_does(tmp_path):
    package = write_tiny_package(tmp_path / "package")
    signature = json.loads((package / "signature.json").read_text())
    signature["outputs"][0]["dtype"] = "bfloat16"  # what the compiler core writes for a BF16 output
    (package / "signature.json").write_text(json.dumps(signature))

    config = parse_config(triton_model_repository(package, tmp_path / "triton", name="bf16"))

    assert type_name(config.output[0].data_type) == "TYPE_BF16"


def test_triton_export_refuses_a_tensor_without_dims_in_an_unbatched_model(tmp_path):
    # Triton refuses an empty reshape without batching, and has no way to say "any rank".
    package = write_tiny_package(tmp_path / "package")
    signature = json.loads((package / "signature.json").read_text())
    signature["inputs"][0]["shape"] = [1, FEATURES]
    signature["outputs"][1]["shape"] = []
    (package / "signature.json").write_text(json.dumps(signature))

    with pytest.raises(ValueError, match="'label' has no dims"):
        triton_model_repository(package, tmp_path / "triton", name="scalar")
    assert not (tmp_path / "triton" / "scalar").exists()


def test_triton_export_of_an_openvino_package_uses_the_openvino_provider_and_says_what_differs(tmp_path):
    package = write_tiny_package(tmp_path / "package", engine="openvino", threads=2)
    runtime = json.loads((package / "runtime.json").read_text())
    (package / "static0.onnx").write_bytes((package / "model.onnx").read_bytes())
    runtime["specializations"] = [{"shape": "batch=1", "input_shapes": {"x": [1, FEATURES]}, "model": "static0.onnx"}]
    (package / "runtime.json").write_text(json.dumps(runtime))

    model_dir = triton_model_repository(package, tmp_path / "triton", name="ov")

    config = parse_config(model_dir)
    assert config.platform == "onnxruntime_onnx"
    assert [a.name for a in config.optimization.execution_accelerators.cpu_execution_accelerator] == ["openvino"]
    assert sorted(p.name for p in (model_dir / "1").iterdir()) == ["model.onnx"]  # no graph Triton never opens
    notes = " ".join(export_notes(runtime))
    assert "INFERENCE_PRECISION_HINT=f32" in notes and "batch=1" in notes
    assert export_notes(json.loads((write_tiny_package(tmp_path / "ort") / "runtime.json").read_text())) == []


def test_inference_service_points_kserve_at_the_package_with_our_runtime(tmp_path):
    manifest = inference_service_manifest(
        "resnet50-int8", "s3://whetstone/packages/42/v3", namespace="models", service_account_name="s3-reader"
    )
    runtime = cluster_serving_runtime_manifest("registry.example.com/whetstone:1.0")

    assert manifest["apiVersion"] == "serving.kserve.io/v1beta1"
    assert manifest["kind"] == "InferenceService"
    assert manifest["metadata"] == {
        "name": "resnet50-int8",
        "namespace": "models",
        "labels": {"app.kubernetes.io/part-of": "whetstone"},
    }
    predictor = manifest["spec"]["predictor"]
    assert predictor["serviceAccountName"] == "s3-reader"
    model = predictor["model"]
    assert model["storageUri"] == "s3://whetstone/packages/42/v3"
    assert model["protocolVersion"] == "v2"
    # KServe pairs an InferenceService with a runtime by runtime name and model format.
    assert model["runtime"] == runtime["metadata"]["name"]
    assert model["modelFormat"]["name"] in {f["name"] for f in runtime["spec"]["supportedModelFormats"]}
    assert "v2" in runtime["spec"]["protocolVersions"]


@pytest.mark.parametrize(
    "name, storage_uri",
    [("Resnet", "s3://b/p"), ("9lives", "s3://b/p"), ("a" * 64, "s3://b/p"), ("ok", "/var/packages/1"), ("ok", "ftp://x/y")],
)
def test_inference_service_refuses_names_and_uris_kubernetes_or_kserve_would_reject(name, storage_uri):
    with pytest.raises(ValueError):
        inference_service_manifest(name, storage_uri)


def serving_runtime_container(tmp_path, package, *, log: Path | None = None):
    """The ClusterServingRuntime's command and env, run on this machine with the package folder
    standing in for /mnt/models, as KServe's pod would: (process, base URL)."""
    container = cluster_serving_runtime_manifest("whetstone:test")["spec"]["containers"][0]
    http_port, grpc_port, metrics_port = free_ports(3)
    env = engine_environment()
    env.update({item["name"]: item["value"].replace("{{.Name}}", "from-s3") for item in container["env"]
                if "value" in item})  # no Secret here, as in a namespace without whetstone-serving-admin
    env.update({"MLSERVER_HOST": "127.0.0.1", "MLSERVER_HTTP_PORT": str(http_port),
                "MLSERVER_GRPC_PORT": str(grpc_port), "MLSERVER_METRICS_PORT": str(metrics_port),
                "MLSERVER_MODEL_URI": str(package)})
    command = [sys.executable if part == "python" else str(package) if part == MODEL_MOUNT else part
               for part in container["command"]]
    output = log.open("wb") if log else subprocess.DEVNULL
    process = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=output, stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{http_port}"


def test_serving_runtime_container_serves_a_package_mounted_where_kserve_puts_it(tmp_path):
    package = write_tiny_package(tmp_path / "package", seed=7)
    process, base_url = serving_runtime_container(tmp_path, package)
    try:
        wait_until_live(base_url, ENGINE_START_TIMEOUT_S, process=process)
        client = ServingClient(base_url)
        client.wait_until_ready("from-s3", ENGINE_START_TIMEOUT_S)
        x = np.ones((2, FEATURES), np.float32)
        served = client.infer("from-s3", {"x": x})
        np.testing.assert_array_equal(served["label"], load_package(package).run({"x": x})["label"])
    finally:
        stop_server(process)


def test_serving_runtime_container_whose_one_package_fails_stops_rather_than_serve_nothing(tmp_path):
    """The platform's engine stays up when a staged package fails at its start; the KServe container
    has that one model only, and must not look healthy while it answers 404 to every call."""
    process, _ = serving_runtime_container(tmp_path, write_corrupt_package(tmp_path / "package"), log=tmp_path / "log")
    try:
        assert process.wait(timeout=ENGINE_START_TIMEOUT_S) != 0
    finally:
        stop_server(process)
    log = (tmp_path / "log").read_text(errors="replace")
    assert "was not loaded at the engine's start" in log and "its model did not load" in log


def test_serving_runtime_can_close_the_repository_api_with_an_optional_secret():
    container = cluster_serving_runtime_manifest("whetstone:test")["spec"]["containers"][0]
    admin = [item for item in container["env"] if item["name"] == "SERVING_ADMIN_TOKEN"]
    assert admin == [{"name": "SERVING_ADMIN_TOKEN", "valueFrom": {"secretKeyRef": {
        "name": "whetstone-serving-admin", "key": "SERVING_ADMIN_TOKEN", "optional": True}}}]


def test_cli_prints_manifests_kubectl_can_read(tmp_path):
    printed = subprocess.run(
        [sys.executable, "-m", "deploy.exports", "inference-service", "bert-int8", "s3://whetstone/p/1"],
        env=engine_environment(), capture_output=True, text=True, check=True,
    ).stdout

    assert yaml.safe_load(printed) == inference_service_manifest("bert-int8", "s3://whetstone/p/1")


def test_a_tensor_name_cannot_add_fields_to_the_triton_config(tmp_path):
    """signature.json is the compile child's: a quote in a tensor name closed the string and added
    fields of its choosing (another model file, a thousand instances) to the config Triton reads."""
    package = write_tiny_package(tmp_path / "package")
    signature = json.loads((package / "signature.json").read_text())
    hostile = 'logits" data_type: TYPE_FP32 dims: [ -1 ] } instance_group { kind: KIND_CPU count: 1000 } output { name: "z\\'
    signature["outputs"][0]["name"] = hostile
    (package / "signature.json").write_text(json.dumps(signature))

    config = parse_config(triton_model_repository(package, tmp_path / "triton", name="classifier"))

    assert [t.name for t in config.output] == [hostile, "label"]  # the name, whole, as Triton reads it
    assert [group.count for group in config.instance_group] == [1]


def test_a_tensor_name_with_a_line_break_is_refused_for_triton(tmp_path):
    package = write_tiny_package(tmp_path / "package")
    signature = json.loads((package / "signature.json").read_text())
    signature["inputs"][0]["name"] = 'x"\ndefault_model_filename: "../../other/1/model.onnx'
    (package / "signature.json").write_text(json.dumps(signature))

    with pytest.raises(ValueError, match="control character"):
        triton_model_repository(package, tmp_path / "triton", name="classifier")
    assert not (tmp_path / "triton" / "classifier").exists()
