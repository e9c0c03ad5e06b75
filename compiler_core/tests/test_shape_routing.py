"""Each measured shape served by the candidate that won there, and the evidence a route needs."""

import json

import numpy as np
import onnx
import onnxruntime as ort

from compiler_core.candidates.base import BuildContext
from compiler_core.candidates.onnxruntime_fp32 import original_model
from compiler_core.candidates.openvino_engine import OpenVino
from compiler_core.candidates.session_tuning import session_variants
from compiler_core.candidates.spec import OpenVinoConfig
from compiler_core.candidates.specialization import specialize
from compiler_core.measure import Comparison, LatencyStats
from compiler_core.package import write_package
from compiler_core.pipeline import CandidateResult
from compiler_core.pipeline.route import Route, beats_in_runoff, plan_other_shapes, routed_candidate
from compiler_core.runtime import OnnxRuntimeRunner, OpenVinoRunner, load_package
from compiler_core.signature import signature_of

from . import models

SHAPES = [{"N": 1}, {"N": 4}]
LABELS = ["N=1", "N=4"]


def _context(tmp_path, model_path, threads=1):
    model = onnx.load(str(model_path))
    return BuildContext(model=model, model_path=model_path, signature=signature_of(model), work_dir=tmp_path,
                        threads=threads, hardware={}, workload="convolutional", calibration=list,
                        accuracy_budget=0.99)


def _comparison(baseline_ms: float, candidate_ms: float) -> Comparison:
    """Eight steady interleaved blocks of each."""
    candidate_blocks = [candidate_ms] * 8
    return Comparison(baseline=LatencyStats([baseline_ms] * 8), candidate=LatencyStats(candidate_blocks),
                      baseline_blocks=[baseline_ms] * 8, candidate_blocks=candidate_blocks)


def _measured(name: str, **speedups: float) -> CandidateResult:
    result = CandidateResult(name=name, status="passed", complete=True)
    for label, speedup in speedups.items():
        result.comparisons[label.replace("_", "=")] = _comparison(10.0, 10.0 / speedup)
    return result


def test_a_routed_shape_runs_under_its_own_engine_and_every_shape_answers_like_the_original(tmp_path):
    model_path = models.conv_net(tmp_path / "cnn.onnx")
    ctx = _context(tmp_path, model_path)
    default = specialize(original_model(ctx), ctx, SHAPES)       # onnxruntime, static graphs for N=1 and N=4
    challenger = CandidateResult(name="openvino_f32", status="passed", candidate=OpenVino().build(ctx, OpenVinoConfig(precision="f32")))
    route = Route(label="N=4", shape={"N": 4}, result=challenger, comparison=_comparison(10, 5),
                  default_speedup=1.2)
    package = tmp_path / "pkg"
    write_package(package, routed_candidate(default, [route], ctx.signature, "N=1"), ctx.signature, {})

    runtime = json.loads((package / "runtime.json").read_text())
    by_shape = {spec["shape"]: spec for spec in runtime["specializations"]}
    assert set(by_shape) == {"N=1", "N=4"}
    assert by_shape["N=4"]["runtime"]["engine"] == "openvino" and by_shape["N=4"]["candidate"] == "openvino_f32"
    assert "runtime" not in by_shape["N=1"]  # still the default's own static graph
    runner = load_package(package)
    assert isinstance(runner.by_shapes[runner.key({"image": (4, 3, 16, 16)})], OpenVinoRunner)
    assert isinstance(runner.by_shapes[runner.key({"image": (1, 3, 16, 16)})], OnnxRuntimeRunner)
    plain = ort.InferenceSession(str(model_path), providers=["CPUExecutionProvider"])
    for batch in (1, 4, 3):  # 3 is outside the set: the dynamic default answers
        image = np.random.default_rng(batch).standard_normal((batch, 3, 16, 16)).astype(np.float32)
        np.testing.assert_allclose(runner.run({"image": image})["scores"], plain.run(None, {"image": image})[0],
                                   rtol=1e-4, atol=1e-4)


def test_another_shape_is_routed_only_on_a_clear_gain_over_the_default():
    default = _measured("default", N_1=2.0, N_4=1.2)
    clear = _measured("clear", N_1=1.5, N_4=2.0)
    routes = plan_other_shapes(SHAPES, LABELS, default, [default, clear], [])
    assert [(r.label, r.result.name) for r in routes] == [("N=4", "clear")]
    assert routes[0].gain_over_default == 2.0 / 1.2

    marginal = _measured("marginal", N_1=1.5, N_4=1.22)  # within 5% of the default: not worth a second graph
    assert plan_other_shapes(SHAPES, LABELS, default, [default, marginal], []) == []


def test_with_no_safe_default_a_shape_goes_to_a_candidate_only_where_it_gains():
    slow_elsewhere = _measured("int8_static", N_1=2.0, N_4=0.7)
    assert plan_other_shapes(SHAPES, LABELS, None, [slow_elsewhere], []) == []
    faster_at_4 = _measured("openvino_int8", N_1=1.0, N_4=1.5)
    routes = plan_other_shapes(SHAPES, LABELS, None, [slow_elsewhere, faster_at_4], [])
    assert [(r.label, r.result.name, r.default_speedup) for r in routes] == [("N=4", "openvino_int8", 1.0)]


def test_a_noisy_gain_is_not_routed():
    default = _measured("default", N_1=2.0, N_4=1.2)
    # Fast only in its quiet blocks (half of them); at the median it is no faster than the baseline.
    quiet_only = [6.25] * 4 + [14.0] * 4
    noisy = CandidateResult(name="noisy", status="passed", complete=True)
    noisy.comparisons = {"N=1": _comparison(10, 8),
                         "N=4": Comparison(baseline=LatencyStats([10.0] * 8), candidate=LatencyStats(quiet_only),
                                           baseline_blocks=[10.0] * 8, candidate_blocks=quiet_only)}
    assert noisy.comparisons["N=4"].quiet_speedup == 1.6 and noisy.comparisons["N=4"].speedup < 1.0
    assert plan_other_shapes(SHAPES, LABELS, default, [default, noisy], []) == []


def test_the_primary_shape_changes_hands_only_when_the_challenger_won_the_same_runoff():
    default = CandidateResult(name="default", status="passed")
    default.runoff = _comparison(10, 5)
    faster = CandidateResult(name="faster", status="passed")
    faster.runoff = _comparison(10, 4)
    about_the_same = CandidateResult(name="same", status="passed")
    about_the_same.runoff = _comparison(10, 4.9)
    assert beats_in_runoff(faster, default)
    assert not beats_in_runoff(about_the_same, default)
    assert beats_in_runoff(about_the_same, None)  # against the original, a clear gain by the margin
    a_little = CandidateResult(name="a little", status="passed")
    a_little.runoff = _comparison(10, 9.55)  # 1.047x, proven, but less than a second graph is worth
    assert a_little.runoff.significant_gain and not beats_in_runoff(a_little, None)


def test_session_tuning_tries_the_lower_graph_levels(tmp_path):
    model_path = models.conv_net(tmp_path / "cnn.onnx")
    ctx = _context(tmp_path, model_path, threads=2)
    variants = {v.name: v for v in session_variants(original_model(ctx), ctx)}
    levels = {name: v.runtime["session_options"]["graph_optimization_level"] for name, v in variants.items()}
    assert levels["original+extended_graph"] == "ORT_ENABLE_EXTENDED"
    assert levels["original+basic_graph"] == "ORT_ENABLE_BASIC"
    image = np.zeros((2, 3, 16, 16), np.float32)
    for name in ("original+extended_graph", "original+basic_graph"):
        package = tmp_path / name
        write_package(package, variants[name], ctx.signature, {})
        assert load_package(package).run({"image": image})["scores"].shape[0] == 2
