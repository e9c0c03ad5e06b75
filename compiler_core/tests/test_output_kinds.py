"""Each output is judged by what its task needs, not by one cosine over all its values."""

from __future__ import annotations

import numpy as np
import pytest

from compiler_core import optimize
from compiler_core.accuracy import compare_outputs
from compiler_core.errors import OptimizationError
from compiler_core.frontends.onnx_file import load_onnx
from compiler_core.output_kinds import OutputKind, OutputKindError, infer_output_kinds, parse_output_kinds
from compiler_core.signature import signature_of

from .wild_models import detector, ocr_head

VALUES = OutputKind()


def _detections(rng, anchors=200, classes=3, objects=6):
    """[1, 4 + classes, anchors]: pixel boxes; a few anchors hold a confident object, the rest background."""
    boxes = np.stack([rng.uniform(20, 600, anchors), rng.uniform(20, 600, anchors),
                      rng.uniform(20, 80, anchors), rng.uniform(20, 80, anchors)])
    scores = rng.uniform(0.0, 0.05, (classes, anchors))
    for anchor in rng.choice(anchors, objects, replace=False):
        scores[rng.integers(classes), anchor] = rng.uniform(0.6, 0.95)
    return np.concatenate([boxes, scores])[None].astype(np.float32)


def test_a_detector_whose_class_scores_collapse_fails_although_the_whole_output_keeps_its_cosine():
    rng = np.random.default_rng(0)
    reference = _detections(rng)
    broken = reference.copy()
    broken[0, 4:, :] = rng.uniform(0.0, 0.05, broken[0, 4:, :].shape)  # every object's score is gone
    assert compare_outputs([{"output0": reference}], [{"output0": broken}], 0.99).passes  # one cosine: fooled
    kinds = {"output0": OutputKind("detections", (4, 7))}
    result = compare_outputs([{"output0": reference}], [{"output0": broken}], 0.99, kinds)
    assert not result.passes
    entry = result.per_output["output0"]
    assert entry["kind"] == "detections" and entry["detection_agreement"] == 0.0 and entry["detections"] == 6
    assert "output0 (detections)" in result.why_not()
    # The same output, faithfully kept: passes.
    assert compare_outputs([{"output0": reference}], [{"output0": reference * 1.0001}], 0.99, kinds).passes


def test_boxes_that_move_fail_detections_even_when_the_scores_hold():
    rng = np.random.default_rng(1)
    reference = _detections(rng)
    moved = reference.copy()
    moved[0, 0, :] += 73  # cx off by 73 px, as the INT8 YOLOv8 package was
    kinds = {"output0": OutputKind("detections", (4, 7))}
    result = compare_outputs([{"output0": reference}], [{"output0": moved}], 0.99, kinds)
    assert not result.passes and result.per_output["output0"]["detection_agreement"] < 0.99


def test_ocr_logits_that_change_one_decoded_symbol_in_eighty_fail_at_cosine_0_9999():
    rng = np.random.default_rng(2)
    reference = rng.dirichlet(np.ones(12) * 0.3, size=(80, 1)).astype(np.float32)
    changed = reference.copy()
    step = 17
    top, second = np.argsort(changed[step, 0])[-2:][::-1]
    changed[step, 0, [top, second]] = changed[step, 0, [second, top]]  # the decoded character changes
    values = compare_outputs([{"probs": reference}], [{"probs": changed}], 0.99)
    assert values.cosine > 0.99 and values.passes  # judged as plain values: fooled
    result = compare_outputs([{"probs": reference}], [{"probs": changed}], 0.99,
                             {"probs": OutputKind("sequence_logits")})
    assert not result.passes
    assert result.per_output["probs"]["step_agreement"] == pytest.approx(79 / 80)


def test_masks_are_judged_after_thresholding_and_regression_by_relative_error():
    rng = np.random.default_rng(3)
    mask = rng.uniform(0, 1, (1, 1, 32, 32)).astype(np.float32)
    flipped = mask.copy()
    flipped[0, 0, :4, :] = 1 - flipped[0, 0, :4, :]  # an eighth of the pixels change side
    result = compare_outputs([{"m": mask}], [{"m": flipped}], 0.5, {"m": OutputKind("mask")})
    assert not result.passes and result.per_output["m"]["thresholded_agreement"] < 0.9
    target = rng.standard_normal((4, 3)).astype(np.float32)
    near = compare_outputs([{"r": target}], [{"r": target * 1.005}], 0.99, {"r": OutputKind("regression")})
    far = compare_outputs([{"r": target}], [{"r": target * 1.05}], 0.99, {"r": OutputKind("regression")})
    assert near.passes and not far.passes and far.per_output["r"]["relative_error"] == pytest.approx(0.05, rel=1e-3)


def test_a_logit_mask_judges_its_decisions_near_the_threshold_whatever_its_tail():
    """Per-anchor face logits: background anchors far below zero, faces (here 1.1% of the anchors) just
    above it. The faces are decisions too, however far the background tail runs: flipping them all must
    fail the mask. (The mask counts anchors alike: where faces are under 1% of them, losing all of them
    still keeps 99% agreement; a judge per detection over separate box and score outputs is not here.)"""
    rng = np.random.default_rng(4)
    logits = rng.uniform(-356, -20, (4, 896, 1)).astype(np.float32)
    faces = (slice(None), slice(100, 110), 0)
    logits[faces] = rng.uniform(0.5, 3.0, (4, 10))
    lost = logits.copy()
    lost[faces] = -logits[faces]  # every face now scores below 0.5
    result = compare_outputs([{"c": logits}], [{"c": lost}], 0.99, {"c": OutputKind("mask")})
    assert result.per_output["c"]["cosine"] > 0.99  # the background tail hides the faces from the cosine
    assert not result.passes and result.per_output["c"]["thresholded_agreement"] < 0.99
    kept = compare_outputs([{"c": logits}], [{"c": logits + 0.01}], 0.99, {"c": OutputKind("mask")})
    assert kept.passes and kept.per_output["c"]["thresholded_agreement"] == 1.0


def test_a_sparse_mask_that_loses_its_objects_fails_on_the_foreground_although_the_rest_agrees():
    # Faces on 0.5% of the anchors: losing every face keeps 99.5% of the elements in agreement.
    rng = np.random.default_rng(5)
    logits = rng.uniform(-356, -20, (4, 2000, 1)).astype(np.float32)
    faces = (slice(None), slice(100, 110), 0)
    logits[faces] = rng.uniform(0.5, 3.0, (4, 10))
    lost = logits.copy()
    lost[faces] = -logits[faces]
    result = compare_outputs([{"c": logits}], [{"c": lost}], 0.99, {"c": OutputKind("mask")})
    verdict = result.per_output["c"]
    assert verdict["thresholded_agreement"] >= 0.99 and verdict["foreground_iou"] == 0.0 and not result.passes
    one_lost = logits.copy()
    one_lost[0, 100, 0] = -1.0
    verdict = compare_outputs([{"c": logits}], [{"c": one_lost}], 0.99, {"c": OutputKind("mask")}).per_output["c"]
    assert verdict["foreground_iou"] == pytest.approx(39 / 40) and not verdict["passes"]
    empty = np.full((1, 50, 1), -30.0, np.float32)  # nothing detected: nothing to lose
    assert compare_outputs([{"c": empty}], [{"c": empty}], 0.99, {"c": OutputKind("mask")}).passes


def test_kinds_are_read_from_the_graph(tmp_path):
    path, _ = detector(tmp_path / "detector.onnx")
    model = load_onnx(path)
    assert infer_output_kinds(model, signature_of(model)) == {"output0": OutputKind("detections", (4, 7))}
    path, _ = ocr_head(tmp_path / "ocr.onnx")
    model = load_onnx(path)
    assert infer_output_kinds(model, signature_of(model))["probs"].kind == "sequence_logits"


def test_kinds_the_user_sets_are_checked_against_the_model():
    assert parse_output_kinds("boxes=regression;output0=detections:4", ["output0", "boxes"]) == {
        "boxes": OutputKind("regression", source="set"), "output0": OutputKind("detections", (4, -1), "set")}
    with pytest.raises(OutputKindError, match="does not output; its outputs are output0"):
        parse_output_kinds("logits=class_scores", ["output0"])
    with pytest.raises(OutputKindError, match="not one of"):
        parse_output_kinds({"output0": "boxes"}, ["output0"])


def test_the_report_gives_each_outputs_verdict_in_its_kind(tmp_path):
    path, _ = ocr_head(tmp_path / "ocr.onnx")
    report = optimize(path, tmp_path / "pkg", recipe="lossless", time_budget_s=3, threads=1)
    entry = report["accuracy"]["per_output"]["probs"]
    # (When the original ships, its outputs are the original's own: no step agreement is measured.)
    assert entry["kind"] == "sequence_logits" and entry["passes"] and entry.get("step_agreement", 1.0) >= 0.99
    report = optimize(path, tmp_path / "pkg2", recipe="lossless", time_budget_s=3, threads=1,
                      output_kinds="probs=embedding")
    entry = report["accuracy"]["per_output"]["probs"]
    assert entry["kind"] == "embedding" and entry["kind_source"] == "set"
    with pytest.raises(OptimizationError, match="does not output"):
        optimize(path, tmp_path / "pkg3", recipe="lossless", time_budget_s=3, threads=1, output_kinds="x=mask")


def test_no_int8_detector_package_ships_with_detections_that_disagree(tmp_path):
    """On this detector OpenVINO INT8 keeps the whole output's cosine above 0.999 while a sixth of the
    confident anchors change class or box (AVX-512 host): the guard must see it, whatever wins here."""
    path, _ = detector(tmp_path / "detector.onnx")
    report = optimize(path, tmp_path / "pkg", recipe="int8", time_budget_s=60, threads=1)
    for candidate in report["candidates"]:
        verdict = ((candidate.get("accuracy") or {}).get("per_output") or {}).get("output0")
        if verdict and verdict.get("detection_agreement") is not None and verdict["detection_agreement"] < 0.99:
            assert candidate["status"] == "rejected", candidate
    shipped = report["accuracy"]["per_output"]["output0"]
    assert shipped["kind"] == "detections" and shipped["passes"]


def _split_head(rng, images=2, anchors=500, faces=8):
    """BlazeFace's layout: face logits [images, anchors, 1] (background far below 0, a few faces above)
    and offsets [images, anchors, 16] (cx, cy, w, h, then keypoints) relative to each anchor."""
    logits = rng.uniform(-60, -8, (images, anchors, 1))
    face_anchors = rng.choice(anchors, faces, replace=False)
    logits[:, face_anchors, 0] = rng.uniform(1.0, 4.0, (images, faces))
    offsets = rng.normal(0, 40, (images, anchors, 16))
    offsets[..., 2:4] = rng.uniform(30, 90, (images, anchors, 2))
    return logits.astype(np.float32), offsets.astype(np.float32), face_anchors


SPLIT = {"classificators": OutputKind("detections", boxes_output="regressors"),
         "regressors": OutputKind("regression")}


def test_a_head_with_scores_and_boxes_in_two_outputs_is_judged_box_by_box():
    """BlazeFace judged as a mask passed a package that lost every face on 99.4% anchor agreement;
    judged as detections over its two outputs, a lost face or a moved box fails."""
    rng = np.random.default_rng(11)
    logits, offsets, faces = _split_head(rng, anchors=2000)
    same = compare_outputs([{"classificators": logits, "regressors": offsets}],
                           [{"classificators": logits + 1e-4, "regressors": offsets}], 0.99, SPLIT)
    entry = same.per_output["classificators"]
    assert same.passes and entry["kind"] == "detections" and entry["boxes_output"] == "regressors"
    assert entry["detection_agreement"] == 1.0 and entry["detections"] == 2 * len(faces)

    lost = logits.copy()
    lost[:, faces[:2], 0] = -5.0  # two faces gone in every image: 1 - 4/16 of the detections agree
    result = compare_outputs([{"classificators": logits, "regressors": offsets}],
                             [{"classificators": lost, "regressors": offsets}], 0.99, SPLIT)
    assert result.per_output["classificators"]["detection_agreement"] == pytest.approx(0.75)
    assert not result.passes and "detection agreement" in result.why_not()

    moved = offsets.copy()
    moved[:, faces[0], 0] += 0.7 * moved[:, faces[0], 2]  # one face's box moves: IoU 0.18
    result = compare_outputs([{"classificators": logits, "regressors": offsets}],
                             [{"classificators": logits, "regressors": moved}], 0.99, SPLIT)
    assert result.per_output["regressors"]["passes"]  # one box among 2000 anchors: the offsets look fine
    assert result.per_output["classificators"]["detection_agreement"] == pytest.approx(14 / 16)
    assert not result.passes


def test_a_split_head_is_read_from_its_output_names_and_can_be_set():
    signature = {"outputs": [{"name": "regressors", "shape": [1, 896, 16]},
                             {"name": "classificators", "shape": [1, 896, 1]}]}
    from compiler_core.output_kinds import _split_detection_heads
    assert _split_detection_heads(signature, {"regressors": OutputKind("regression"),
                                              "classificators": VALUES}) == {
        "classificators": OutputKind("detections", boxes_output="regressors")}
    mismatched = {"outputs": [{"name": "regressors", "shape": [1, 896, 16]},
                              {"name": "classificators", "shape": [1, 512, 1]}]}
    assert _split_detection_heads(mismatched, {}) == {}
    outputs = ["classificators", "regressors"]
    assert parse_output_kinds("classificators=detections@regressors", outputs) == {
        "classificators": OutputKind("detections", source="set", boxes_output="regressors")}
    with pytest.raises(OutputKindError, match="has no output 'boxes'"):
        parse_output_kinds("classificators=detections@boxes", outputs)
    with pytest.raises(OutputKindError, match="must be another output"):
        parse_output_kinds("classificators=detections@classificators", outputs)
    with pytest.raises(OutputKindError, match="only detections take a box output"):
        parse_output_kinds("classificators=mask@regressors", outputs)


def test_a_split_head_verdict_reaches_the_report(tmp_path):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(3)
    weights = [numpy_helper.from_array(rng.normal(0, 1, shape).astype(np.float32), name)
               for name, shape in (("w_box", (8, 16)), ("w_score", (8, 1)))]
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w_box"], ["regressors"]),
         helper.make_node("MatMul", ["x", "w_score"], ["classificators"])],
        "split_head", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 64, 8])],
        [helper.make_tensor_value_info("regressors", TensorProto.FLOAT, [1, 64, 16]),
         helper.make_tensor_value_info("classificators", TensorProto.FLOAT, [1, 64, 1])], weights)
    path = tmp_path / "split_head.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)
    report = optimize(path, tmp_path / "pkg", recipe="lossless", time_budget_s=3, threads=1)
    entry = report["accuracy"]["per_output"]["classificators"]
    assert entry["kind"] == "detections" and entry["boxes_output"] == "regressors" and entry["passes"]


def _steps(rng, steps, symbols=20):
    """[steps, 1, symbols] logits with one clear winner per step."""
    logits = rng.normal(0, 1, (steps, 1, symbols))
    logits[np.arange(steps), 0, rng.integers(symbols, size=steps)] += 6.0
    return logits.astype(np.float32)


def _flip(logits, count):
    changed = logits.copy()
    for step in range(count):
        changed[step, 0] = np.roll(changed[step, 0], 1)  # another symbol wins this step
    return changed


def test_once_a_decision_changed_the_agreement_must_hold_with_confidence():
    """5 changed steps in 640 is 99.2% agreement, but not 99% at 80% confidence: a bf16 OCR
    recogniser passed at 99.2% and changed 1.1% of its held-out steps. No change passes at any
    count, one in 256 and one in 2,000 hold."""
    rng = np.random.default_rng(2)
    kind = {"probs": OutputKind("sequence_logits")}
    logits = _steps(rng, 640)
    verdict = compare_outputs([{"probs": logits}], [{"probs": _flip(logits, 5)}], 0.9, kind)
    entry = verdict.per_output["probs"]
    assert entry["step_agreement"] == pytest.approx(635 / 640) and entry["decisions"] == 640
    assert entry["agreement_bound"] < 0.99 and not verdict.passes
    assert "over 640 decisions" in verdict.why_not() and "80% confidence" in verdict.why_not()

    few = _steps(rng, 8)
    assert compare_outputs([{"probs": few}], [{"probs": few * 1.0001}], 0.9, kind).passes

    check = _steps(rng, 256)  # the top-1 check's rows: one change holds, two do not
    assert compare_outputs([{"probs": check}], [{"probs": _flip(check, 1)}], 0.9, kind).passes
    assert not compare_outputs([{"probs": check}], [{"probs": _flip(check, 2)}], 0.9, kind).passes

    many = _steps(rng, 2000)
    verdict = compare_outputs([{"probs": many}], [{"probs": _flip(many, 1)}], 0.9, kind)
    assert verdict.passes and verdict.per_output["probs"]["agreement_bound"] >= 0.99


def test_a_reports_verdict_names_the_kind_it_was_judged_by():
    """An engine that re-checks a package rebuilds each output's kind from the report."""
    for kind in (OutputKind("class_scores"), OutputKind("embedding", source="set"),
                 OutputKind("detections", (4, 85), anchors_first=True, objectness=True),
                 OutputKind("detections", boxes_output="regressors"), OutputKind("mask")):
        assert OutputKind.from_verdict({**kind.describe_verdict(), "passes": True, "cosine": 1.0},
                                       ["regressors"]) == kind
    assert OutputKind.from_verdict({"kind": "something newer"}, []) == OutputKind()


def test_a_verdict_stated_in_part_or_badly_is_judged_as_values():
    """The report is stored data, read later by the serving engine: a detector's verdict from before
    its layout was written, or fields of the wrong type, once stopped the package's load."""
    names = ["output0", "boxes"]
    for verdict in ({"kind": "detections", "layout": "[batch, box 0, 1, 2, 3; class scores 4..end, anchors]"},
                    {"kind": "detections", "score_rows": ["4", "-1"]}, {"kind": "detections", "boxes_output": ["b"]},
                    {"kind": "detections", "boxes_output": "not an output"}, {"kind": ["class_scores"]},
                    "class_scores", None, []):
        kind = OutputKind.from_verdict(verdict, names)
        assert kind == OutputKind(), verdict
        head = np.random.default_rng(0).random((1, 84, 100)).astype(np.float32)
        assert compare_outputs([{"output0": head}], [{"output0": head}], 0.99, {"output0": kind}).passes
    assert OutputKind.from_verdict({"kind": "detections", "boxes_output": "boxes"}, names).boxes_output == "boxes"
    assert OutputKind.from_verdict({"kind": "detections", "score_rows": [4, -1], "anchors_first": "yes"},
                                   names) == OutputKind("detections", (4, -1))


def _ssd_head(path):
    """An SSD head as the Ultra-Light face detector exports it: per anchor a softmax over (background,
    face) in `scores` [1, anchors, 2] and a box in `boxes` [1, anchors, 4], from two convolutions."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(3)
    anchors = 8 * 8 * 2
    nodes = [helper.make_node("Conv", ["image", "w_scores"], ["s"], pads=[1, 1, 1, 1]),
             helper.make_node("Transpose", ["s"], ["s_t"], perm=[0, 2, 3, 1]),
             helper.make_node("Reshape", ["s_t", "score_shape"], ["s_r"]),
             helper.make_node("Softmax", ["s_r"], ["scores"], axis=2),
             helper.make_node("Conv", ["image", "w_boxes"], ["b"], pads=[1, 1, 1, 1]),
             helper.make_node("Transpose", ["b"], ["b_t"], perm=[0, 2, 3, 1]),
             helper.make_node("Reshape", ["b_t", "box_shape"], ["boxes"])]
    weights = [numpy_helper.from_array(rng.standard_normal((4, 3, 3, 3)).astype(np.float32), "w_scores"),
               numpy_helper.from_array(rng.standard_normal((8, 3, 3, 3)).astype(np.float32), "w_boxes"),
               numpy_helper.from_array(np.array([1, anchors, 2], np.int64), "score_shape"),
               numpy_helper.from_array(np.array([1, anchors, 4], np.int64), "box_shape")]
    graph = helper.make_graph(nodes, "ssd_head", [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, 8, 8])],
                              [helper.make_tensor_value_info("scores", TensorProto.FLOAT, [1, anchors, 2]),
                               helper.make_tensor_value_info("boxes", TensorProto.FLOAT, [1, anchors, 4])], weights)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.save(model, str(path))
    return model


def test_an_ssd_softmax_head_is_read_as_detections_and_a_lost_face_fails(tmp_path):
    """Its softmax scores read as per-step logits: judged anchor by anchor over the 4,420 anchors of the
    Ultra-Light detector, mostly background, a package that lost one of its two faces passed."""
    model = _ssd_head(tmp_path / "ssd.onnx")
    kinds = infer_output_kinds(model, signature_of(model))
    assert kinds["scores"] == OutputKind("detections", boxes_output="boxes"), kinds

    anchors = 4420
    scores = np.tile(np.array([[0.97, 0.03]], np.float32), (1, anchors, 1))
    boxes = np.tile(np.array([[0.5, 0.5, 0.2, 0.2]], np.float32), (1, anchors, 1))
    faces = [10, 90]
    scores[0, faces] = [0.05, 0.95]
    boxes[0, faces[1]] = [0.1, 0.1, 0.3, 0.3]
    lost = scores.copy()
    lost[0, faces[0]] = [0.9, 0.1]
    same = compare_outputs([{"scores": scores, "boxes": boxes}], [{"scores": scores, "boxes": boxes}], 0.99, kinds)
    assert same.passes
    result = compare_outputs([{"scores": scores, "boxes": boxes}], [{"scores": lost, "boxes": boxes}], 0.99, kinds)
    assert not result.passes and "detection" in result.why_not(), result.per_output["scores"]
    as_steps = compare_outputs([{"scores": scores, "boxes": boxes}], [{"scores": lost, "boxes": boxes}], 0.99,
                               {"scores": OutputKind("sequence_logits")})
    assert as_steps.passes and as_steps.per_output["scores"]["step_agreement"] == pytest.approx(4419 / 4420)
