"""Detection heads under a hostile review: packages a user would call broken must fail, faithful ones
must pass, and heads that are not YOLOv5's must not be read with its objectness."""

from __future__ import annotations

import numpy as np
import torch

from compiler_core.accuracy import compare_outputs
from compiler_core.output_kinds import OutputKind, infer_output_kinds, parse_output_kinds
from compiler_core.signature import signature_of

from .test_anchors_first_heads import _export, _Yolov5Detect

BUDGET = 0.99
YOLOV5 = OutputKind("detections", (4, 11), anchors_first=True, objectness=True)


def _scene(rng, images=1, anchors=2000, objects=3, per_object=20):
    """YOLOv5 rows [images, anchors, 4 + 1 + 6]: background with low objectness and noise for class
    scores; each object fires `per_object` anchors with one box, objectness 0.9 and its class at 0.9."""
    head = np.zeros((images, anchors, 11))
    head[..., :2] = rng.uniform(50, 600, (images, anchors, 2))
    head[..., 2:4] = rng.uniform(10, 60, (images, anchors, 2))
    head[..., 4] = rng.uniform(0, 0.002, (images, anchors))
    head[..., 5:] = rng.uniform(0, 1, (images, anchors, 6))
    fired = []
    for image in range(images):
        chosen = rng.choice(anchors, objects * per_object + 2, replace=False)
        for index in range(objects):
            where = chosen[index * per_object:(index + 1) * per_object]
            head[image, where, :4] = [100 + 150 * index, 300, 120, 200]
            head[image, where, 4], head[image, where, 5:] = 0.9, 0.02
            head[image, where, 5 + index] = 0.9
        fired.append(chosen)
    return head, fired


def _judge(reference, candidate, kind=YOLOV5):
    result = compare_outputs([{"o": r[None]} for r in reference], [{"o": c[None]} for c in candidate], BUDGET,
                             {"o": kind})
    return result, result.per_output["o"]


def test_small_objects_lost_fail_although_the_large_ones_hold_most_anchors():
    """A large object fires forty anchors, a small one two: three small objects lost of 27 read 99.4%
    of the anchors, over the bound. Judged object by object after NMS, one object in nine is lost."""
    rng = np.random.default_rng(0)
    reference, fired = _scene(rng, images=8, per_object=40)
    for image in range(3):
        small = fired[image][-2:]
        reference[image, small, :4] = [500, 80, 12, 20]
        reference[image, small, 4], reference[image, small, 5:] = 0.6, 0.02
        reference[image, small, 9] = 0.7
    candidate = reference * (1 + rng.normal(0, 1e-4, reference.shape))
    for image in range(3):
        candidate[image, fired[image][-2:], 4] = 0.05
    result, entry = _judge(reference, candidate)
    assert entry["detection_agreement"] > 0.99 and entry["objects"] == 27
    assert not result.passes and "object agreement" in result.why_not()
    faithful, entry = _judge(reference, reference * (1 + rng.normal(0, 1e-4, reference.shape)))
    assert faithful.passes and entry["object_agreement"] == 1.0


def test_a_detection_just_over_the_threshold_that_vanishes_is_a_loss_not_a_coin_toss():
    rng = np.random.default_rng(1)
    reference, fired = _scene(rng)
    weak = fired[0][-2:]
    reference[0, weak, :4] = [500, 80, 12, 20]
    reference[0, weak, 4], reference[0, weak, 5:] = 0.4, 0.02
    reference[0, weak, 9] = 0.65  # 0.26 after objectness: over YOLOv5's 0.25
    candidate = reference.copy()
    candidate[0, weak, 4] = 0.0
    result, entry = _judge(reference, candidate)
    assert not result.passes and entry["detection_agreement"] < 0.99


def test_a_near_tie_between_two_classes_is_no_difference():
    """An object torn between car (0.6003) and truck (0.6000) in the original: fp16-sized noise picks
    either, and NMS keeps a box of each. A coin toss in the original, as for class scores."""
    rng = np.random.default_rng(2)
    reference, fired = _scene(rng)
    torn = fired[0][40:60]
    reference[0, torn, 7], reference[0, torn, 8] = 0.6003, 0.6
    result, entry = _judge(reference, reference * (1 + rng.normal(0, 3e-4, reference.shape)))
    assert result.passes and entry["detection_agreement"] == 1.0, result.why_not()
    relabelled = reference.copy()
    relabelled[0, fired[0][:20], 5], relabelled[0, fired[0][:20], 6] = 0.02, 0.9  # a clear car made a truck
    assert not _judge(reference, relabelled)[0].passes


def test_a_yolov5_seg_head_takes_a_class_count_so_mask_coefficients_are_no_classes():
    """`4+obj` read YOLOv5-seg's 32 mask coefficients as classes: unbounded, they sent every score
    through the sigmoid (objectness 0.001 became 0.5), and a package that lost every object passed."""
    rng = np.random.default_rng(3)
    reference, fired = _scene(rng)
    reference = np.concatenate([reference, rng.normal(0, 1.5, (1, 2000, 32))], axis=2)
    kind = parse_output_kinds("o=detections:4+obj+6,anchors-first", ["o"])["o"]
    assert (kind.score_rows, kind.objectness, kind.anchors_first) == ((4, 11), True, True)
    lost = reference.copy()
    lost[0, fired[0][:60], 4] = 0.01
    assert not _judge(reference, lost, kind)[0].passes
    assert _judge(reference, reference * (1 + rng.normal(0, 3e-4, reference.shape)), kind)[0].passes


class _RtDetr(torch.nn.Module):
    """ultralytics' RT-DETR decoder at export: cat(sigmoid boxes, sigmoid class scores) along -1."""

    def __init__(self, classes=80, queries=300):
        super().__init__()
        self.queries = queries
        self.features = torch.nn.Linear(3 * 32 * 32, queries * 16)
        self.box, self.cls = torch.nn.Linear(16, 4), torch.nn.Linear(16, classes)

    def forward(self, images):
        hidden = self.features(images.flatten(1)).view(1, self.queries, 16)
        boxes, scores = torch.stack([torch.sigmoid(self.box(hidden))]), torch.stack([self.cls(hidden)])
        return torch.cat((boxes.squeeze(0), scores.squeeze(0).sigmoid()), -1)


class _Ssd(torch.nn.Module):
    """Locations and a softmax over 21 classes, class 0 background, anchors first."""

    def __init__(self):
        super().__init__()
        self.loc, self.conf = torch.nn.Conv2d(3, 24, 4, stride=4), torch.nn.Conv2d(3, 126, 4, stride=4)

    def forward(self, images):
        loc = self.loc(images).permute(0, 2, 3, 1).reshape(1, -1, 4)
        return torch.cat((loc, self.conf(images).permute(0, 2, 3, 1).reshape(1, -1, 21).softmax(-1)), -1)


class _Yolov5Rows(_Yolov5Detect):
    def forward(self, image):
        return super().forward(image).transpose(1, 2)


def test_only_yolov5s_own_structure_is_read_with_objectness(tmp_path):
    """By the column count alone, RT-DETR's first class and SSD's background were taken for objectness."""
    kinds = {}
    for name, module in (("rtdetr", _RtDetr()), ("ssd", _Ssd()), ("rows", _Yolov5Rows())):
        model = _export(module, tmp_path / f"{name}.onnx")
        kinds[name] = infer_output_kinds(model, signature_of(model))["output0"]
    assert kinds["rtdetr"] == OutputKind("detections", (4, 84), anchors_first=True)
    assert kinds["ssd"].kind == "values"  # a softmax with a background class: set it, not guessed
    assert kinds["rows"] == OutputKind("detections", (4, 11), objectness=True)  # YOLOv5 transposed to rows
