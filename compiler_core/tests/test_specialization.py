"""Packages may carry graphs for concrete shapes; serving dispatches on each call's shapes."""

import json

import numpy as np
import onnx
import onnxruntime as ort

from compiler_core.candidates.base import BuildContext
from compiler_core.candidates.onnxruntime_fp32 import original_model
from compiler_core.candidates.specialization import specialize
from compiler_core.package import write_package
from compiler_core.runtime import ShapeDispatchRunner, load_package
from compiler_core.signature import signature_of

from . import models


def _context(tmp_path, model_path):
    model = onnx.load(str(model_path))
    return BuildContext(model=model, model_path=model_path, signature=signature_of(model), work_dir=tmp_path,
                        threads=1, hardware={}, workload="convolutional", calibration=list, accuracy_budget=0.99)


def test_specialized_package_answers_every_shape_like_the_original(tmp_path):
    model_path = models.conv_net(tmp_path / "cnn.onnx")
    ctx = _context(tmp_path, model_path)
    candidate = specialize(original_model(ctx), ctx, [{"N": 1}, {"N": 4}])
    write_package(tmp_path / "pkg", candidate, ctx.signature, {"note": "test"})

    runtime = json.loads((tmp_path / "pkg" / "runtime.json").read_text())
    assert [s["input_shapes"]["image"] for s in runtime["specializations"]] == [[1, 3, 16, 16], [4, 3, 16, 16]]
    static = onnx.load(str(tmp_path / "pkg" / runtime["specializations"][1]["model"]))
    assert [d.dim_value for d in static.graph.input[0].type.tensor_type.shape.dim] == [4, 3, 16, 16]

    runner = load_package(tmp_path / "pkg")
    assert isinstance(runner, ShapeDispatchRunner)
    plain = ort.InferenceSession(str(model_path), providers=["CPUExecutionProvider"])
    for batch in (1, 4, 3):  # 3 has no specialization: the dynamic graph answers
        image = np.random.default_rng(batch).standard_normal((batch, 3, 16, 16)).astype(np.float32)
        np.testing.assert_allclose(runner.run({"image": image})["scores"], plain.run(None, {"image": image})[0],
                                   rtol=1e-4, atol=1e-5)
    # Signature stays dynamic: the package still accepts any batch.
    assert runner.signature["inputs"][0]["shape"][0] == "N"


def test_a_package_written_over_another_keeps_none_of_its_specializations_files(tmp_path):
    """A fallback written where the chosen package failed its check left the specializations' external
    weights behind, and a package with a file it does not name is refused at publish."""
    from compiler_core.package_policy import check_package

    model_path = models.conv_net(tmp_path / "cnn.onnx")
    ctx = _context(tmp_path, model_path)
    write_package(tmp_path / "pkg", specialize(original_model(ctx), ctx, [{"N": 1}]), ctx.signature, {"note": "test"})
    runtime = json.loads((tmp_path / "pkg" / "runtime.json").read_text())
    (tmp_path / "pkg" / (runtime["specializations"][0]["model"] + ".data")).write_bytes(b"weights")  # as for > 1.5 GB

    write_package(tmp_path / "pkg", original_model(ctx), ctx.signature, {"note": "the fallback"})

    assert sorted(check_package(tmp_path / "pkg")) == ["model.onnx", "report.json", "runtime.json", "signature.json"]
