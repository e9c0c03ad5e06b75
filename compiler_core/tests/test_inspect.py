import json
import pickle
import zipfile

import onnx
import pytest
from onnx import TensorProto, helper

from compiler_core import InvalidModelError, inspect_model
from compiler_core.hardware import cgroup_cpu_limit, usable_cpus

from . import models


def test_signature_keeps_symbolic_dims_by_name(tmp_path):
    info = inspect_model(models.mlp(tmp_path / "mlp.onnx", features=64, classes=10))
    assert info["signature"]["inputs"] == [{"name": "x", "dtype": "float32", "shape": ["batch", 64]}]
    assert info["signature"]["outputs"] == [{"name": "logits", "dtype": "float32", "shape": ["batch", 10]}]
    assert info["dynamic_dims"] == ["batch"]
    assert info["format"] == "onnx" and info["opset"] == 17 and info["ir_version"] == 8
    json.dumps(info)  # the platform stores it in a JSON column


def test_unknown_dims_are_null(tmp_path):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 3])
    x.type.tensor_type.shape.dim[0].Clear()
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g", [x],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 3])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(tmp_path / "m.onnx"))
    info = inspect_model(tmp_path / "m.onnx")
    assert info["signature"]["inputs"][0]["shape"] == [None, 3]


def test_node_counts_by_fusionstitching_category(tmp_path):
    info = inspect_model(models.conv_net(tmp_path / "cnn.onnx"))
    # Conv + Gemm are compute; BatchNorm + Relu memory-bound; Reshape data movement.
    assert info["node_counts"] == {"compute": 2, "memory": 2, "data_movement": 1, "other": 0, "total": 5}
    assert info["op_types"]["Conv"] == 1
    assert info["parameters"] == 8 * 3 * 3 * 3 + 4 * 8 + 2 + 5 * 8 * 16 * 16 + 5
    assert info["workload"] == "convolutional"


def test_recommendations_warn_that_dynamic_int8_hurts_cnns(tmp_path):
    info = inspect_model(models.conv_net(tmp_path / "cnn.onnx"))
    int8 = next(r for r in info["recommendations"] if r["recipe"] == "int8")
    assert "ConvInteger" in int8["why"]
    mlp_int8 = next(r for r in inspect_model(models.mlp(tmp_path / "m.onnx"))["recommendations"] if r["recipe"] == "int8")
    assert mlp_int8["helps"] is True


def test_hardware_lists_isa_flags_and_cores(tmp_path):
    hw = inspect_model(models.mlp(tmp_path / "m.onnx"))["hardware"]
    assert hw["usable_cpus"] >= 1
    assert "avx512_vnni" in hw["isa"] and "avx512_bf16" in hw["isa"]


def test_cgroup_quota_caps_threads(tmp_path):
    cpu_max = tmp_path / "cpu.max"
    cpu_max.write_text("150000 100000\n")
    assert cgroup_cpu_limit(cpu_max) == 1.5
    cpu_max.write_text("max 100000\n")
    assert cgroup_cpu_limit(cpu_max) is None
    assert cgroup_cpu_limit(tmp_path / "missing") is None
    assert usable_cpus() >= 1


def test_empty_file_is_named(tmp_path):
    (tmp_path / "empty.onnx").write_bytes(b"")
    with pytest.raises(InvalidModelError, match="the file is empty"):
        inspect_model(tmp_path / "empty.onnx")


def test_truncated_onnx_is_named(tmp_path):
    data = models.conv_net(tmp_path / "full.onnx").read_bytes()
    (tmp_path / "cut.onnx").write_bytes(data[: len(data) // 2])
    with pytest.raises(InvalidModelError, match="truncated"):
        inspect_model(tmp_path / "cut.onnx")


def _zip_with_weights(path):
    with zipfile.ZipFile(path, "w") as archive:  # what torch.save writes
        archive.writestr("archive/data.pkl", b"weights")


@pytest.mark.parametrize("maker, looks_like", [
    (lambda p: _zip_with_weights(p), "zip"),
    (lambda p: p.write_bytes(pickle.dumps({"state_dict": [1, 2]}, protocol=2)), "pickle"),
    (lambda p: p.write_text("hello, this is not a model\n"), "text"),
])
def test_other_formats_are_recognised(tmp_path, maker, looks_like):
    path = tmp_path / "model.onnx"
    maker(path)
    with pytest.raises(InvalidModelError, match=looks_like):
        inspect_model(path)


def test_invalid_graph_reports_checker_message(tmp_path):
    # Relu reads a tensor nothing produces: the checker names it.
    graph = helper.make_graph([helper.make_node("Relu", ["nowhere"], ["y"])], "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(tmp_path / "bad.onnx"))
    with pytest.raises(InvalidModelError, match="not a valid ONNX graph.*nowhere"):
        inspect_model(tmp_path / "bad.onnx")
