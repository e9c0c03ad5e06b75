"""The INT8 fallback keeps the heads of the failing outputs in float first, and names them."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import onnx
from onnx import TensorProto, helper

from compiler_core import accuracy as acc
from compiler_core import sensitivity
from compiler_core.deadline import Deadline
from compiler_core.output_kinds import OutputKind


def _detector() -> onnx.ModelProto:
    """A backbone conv, then a box conv and a class conv, decoded (scale, sigmoid) and concatenated."""
    nodes = [helper.make_node("Conv", ["image", "stem_w"], ["features"], name="stem"),
             helper.make_node("Relu", ["features"], ["act"], name="act"),
             helper.make_node("Conv", ["act", "box_w"], ["box_map"], name="box"),
             helper.make_node("Mul", ["box_map", "pixels"], ["boxes"], name="decode_boxes"),
             helper.make_node("Conv", ["act", "cls_w"], ["cls_map"], name="cls"),
             helper.make_node("Sigmoid", ["cls_map"], ["scores"], name="decode_scores"),
             helper.make_node("Concat", ["boxes", "scores"], ["output0"], name="concat", axis=1),
             helper.make_node("Conv", ["act", "aux_w"], ["aux"], name="aux_head")]
    graph = helper.make_graph(nodes, "detector", [helper.make_tensor_value_info("image", TensorProto.FLOAT, None)],
                              [helper.make_tensor_value_info("output0", TensorProto.FLOAT, None),
                               helper.make_tensor_value_info("aux", TensorProto.FLOAT, None)])
    return helper.make_model(graph)


def test_a_head_is_the_nearest_quantizable_layer_on_every_path_to_the_output():
    model = _detector()
    quantizable = {"stem", "box", "cls", "aux_head"}
    assert sensitivity.head_nodes(model, ["output0"], quantizable) == ["box", "cls"]
    assert sensitivity.head_nodes(model, ["aux"], quantizable) == ["aux_head"]
    # Past a quantizable node the walk stops: the backbone is not part of the head.
    assert "stem" not in sensitivity.head_nodes(model, ["output0", "aux"], quantizable)


def test_the_failing_outputs_heads_fall_back_before_the_ranking_and_are_named(monkeypatch):
    # The ranking by local error puts the backbone first (it has the largest error of its own); the
    # class scores collapse because of the class conv. The head goes back to float first.
    kind = OutputKind(kind="detections", score_rows=(4, -1))
    reference = [{"output0": np.linspace(0, 1, 28, dtype=np.float32).reshape(1, 7, 4)}]
    broken = [{"output0": reference[0]["output0"][:, ::-1].copy()}]

    def build(excluded):
        fixed = "cls" in excluded and "box" in excluded
        outputs = reference if fixed else broken
        return SimpleNamespace(extra={"rank_sensitivity": lambda feeds: ["stem", "aux_head", "box", "cls"]},
                               rebuild_excluding=build, detail="INT8", model_path=None, runtime={},
                               outputs=outputs)

    candidate = build([])
    opened = {}

    def open_model(path, runtime, signature):
        return SimpleNamespace(run=lambda feeds: opened["candidate"].outputs[0])

    real_rebuild = candidate.rebuild_excluding

    def rebuild(excluded):
        opened["candidate"] = real_rebuild(excluded)
        opened["candidate"].rebuild_excluding = rebuild
        return opened["candidate"]

    candidate.rebuild_excluding = rebuild
    monkeypatch.setattr(sensitivity, "open_model", open_model)
    result = SimpleNamespace(accuracy=acc.compare_outputs(reference, broken, 0.99, {"output0": kind}), detail="",
                             name="openvino_int8", candidate=None)
    assert not result.accuracy.passes
    pipeline = SimpleNamespace(deadline=Deadline(None), check_cancel=lambda: None, progress=lambda *a: None)
    ctx = SimpleNamespace(model=_detector(), signature={})

    _, kept = sensitivity.fallback_until_budget(pipeline, result, candidate, ctx, [{}], reference, None)

    assert result.accuracy.passes
    assert kept.extra["fallback_nodes"] == ["box", "cls"]  # one step: the head, not the backbone
    assert kept.extra["fallback_heads"] == ["box", "cls"]
    assert "2 node(s) kept in fp32: box, cls (the head of output0)" in result.detail
