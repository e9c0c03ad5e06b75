"""Candidates a user notices: INT8 fallback, engine failures as report entries, time budget."""

import numpy as np
import onnxruntime as ort
import pytest

from compiler_core import optimize
from compiler_core.runtime import load_package

from . import models


def _entry(report, name):
    return next(c for c in report["candidates"] if c["name"] == name)


@pytest.fixture(scope="module")
def int8_report(tmp_path_factory):
    root = tmp_path_factory.mktemp("int8")
    # Judged by cosine (an embedding, by its name): what falls back is then what the outlier breaks. As
    # class scores, random logits' near-ties flip under the 7-bit weights of hosts without VNNI
    # (reduce_range), and dense_1 fell back too on an AVX2 host: the fallback set followed the host.
    model = models.mlp_with_outlier_layer(root / "outlier.onnx", output="features")
    return model, root / "pkg", optimize(model, root / "pkg", recipe="int8", shapes="batch=8")


def test_int8_falls_back_to_fp32_on_the_sensitive_node_only(int8_report):
    _, _, report = int8_report
    dynamic = _entry(report, "int8_dynamic")
    # Quantizing the outlier layer zeroes its weights; keeping just that node in fp32 restores accuracy.
    assert dynamic["fallback_nodes"] == ["dense_outlier"]
    assert dynamic["accuracy"]["cosine"] >= 0.99 and dynamic["accuracy"]["passes"]
    assert "dense_outlier" in dynamic["detail"]


def test_int8_package_meets_the_budget_when_served(int8_report):
    model, package, report = int8_report
    x = np.random.default_rng(7).standard_normal((16, 64)).astype(np.float32)
    expected = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    got = load_package(package).run({"x": x})["features"]
    cosine = float(np.dot(got.ravel(), expected.ravel()) / (np.linalg.norm(got) * np.linalg.norm(expected)))
    assert cosine >= 0.99
    assert report["overall"]["speedup"] >= 1.0  # never slower than the baseline


def test_openvino_conversion_failure_is_a_failed_entry_not_a_crash(tmp_path):
    model = models.openvino_cannot_convert(tmp_path / "inverse.onnx")
    report = optimize(model, tmp_path / "pkg", recipe="bf16")
    f32 = _entry(report, "openvino_f32")
    assert f32["status"] == "failed"
    assert "OpenVINO cannot convert" in f32["why_lost"] and "Inverse" in f32["why_lost"]
    assert any("Inverse" in failure["detail"] for failure in report["failures"])
    x = np.eye(4, dtype=np.float32)
    assert load_package(tmp_path / "pkg").run({"x": x})["y"].shape == (4, 4)


def test_dynamic_int8_is_not_tried_on_convolutions(tmp_path):
    report = optimize(models.conv_net(tmp_path / "cnn.onnx"), tmp_path / "pkg", recipe="int8", shapes="N=1",
                      time_budget_s=20)
    dynamic = _entry(report, "int8_dynamic")
    assert dynamic["status"] == "skipped" and "ConvInteger" in dynamic["why_lost"]


def test_tiny_time_budget_skips_candidates_but_still_packages(tmp_path, monkeypatch):
    # A budget the stated minimum does not cover (its estimate was low for this host) runs out.
    monkeypatch.setattr("compiler_core.pipeline.search.minimum_search_s", lambda *args: 0.01)
    report = optimize(models.mlp(tmp_path / "m.onnx"), tmp_path / "pkg", recipe="auto", time_budget_s=0.01)
    assert any(c["status"] == "skipped" and "time budget" in (c["why_lost"] or "") for c in report["candidates"])
    assert (tmp_path / "pkg" / "model.onnx").is_file()
    load_package(tmp_path / "pkg")


def test_int8_fallback_stops_when_the_time_budget_has_no_room_left(tmp_path):
    import onnx

    from compiler_core import accuracy as acc
    from compiler_core.candidates.base import BuildContext
    from compiler_core.candidates.int8_onnxruntime import Int8Dynamic
    from compiler_core.candidates.spec import Int8DynamicConfig
    from compiler_core.deadline import Deadline
    from compiler_core.pipeline import CandidateResult
    from compiler_core.runtime import open_model
    from compiler_core.sensitivity import fallback_until_budget
    from compiler_core.signature import signature_of

    model_path = models.mlp_with_outlier_layer(tmp_path / "outlier.onnx")
    model = onnx.load(str(model_path))
    ctx = BuildContext(model=model, model_path=model_path, signature=signature_of(model), work_dir=tmp_path,
                       threads=1, hardware={"has_vnni": True}, workload="dense", calibration=list,
                       accuracy_budget=0.99)
    candidate = Int8Dynamic().build(ctx, Int8DynamicConfig())
    feeds = [{"x": np.random.default_rng(i).standard_normal((8, 64)).astype(np.float32)} for i in range(2)]
    reference = [ort.InferenceSession(str(model_path), providers=["CPUExecutionProvider"]).run(None, f)[0]
                 for f in feeds]
    reference = [{"logits": r} for r in reference]
    runner = open_model(candidate.model_path, candidate.runtime, ctx.signature)
    result = CandidateResult(name="int8_dynamic", candidate=candidate,
                             accuracy=acc.compare_outputs(reference, [runner.run(f) for f in feeds], 0.99))
    assert not result.accuracy.passes

    class SpentPipeline:  # the optimizer's side of the fallback, with its time budget already spent
        deadline = Deadline(0.0)

        def check_cancel(self):
            pass

        def progress(self, *args):
            raise AssertionError("no fallback step should start")

    _, kept = fallback_until_budget(SpentPipeline(), result, candidate, ctx, feeds, reference, runner)
    assert kept.extra["fallback_nodes"] == [] and kept.extra["fallback_stopped_by_time_budget"]
    assert result.detail.endswith("fallback stopped by the time budget")

    # Time left, but all of it the runoff's: no step starts into it either (an OpenVINO INT8 fallback
    # took all-MiniLM-L6's search from 56 s to 84 s of 90, and its runoff to 106 s).
    class ReservedPipeline(SpentPipeline):
        deadline = Deadline(60.0)

    _, kept = fallback_until_budget(ReservedPipeline(), result, candidate, ctx, feeds, reference, runner, reserve_s=60.0)
    assert kept.extra["fallback_nodes"] == [] and kept.extra["fallback_stopped_by_time_budget"]
