"""Detection heads written anchors first ([batch, anchors, columns]): YOLOv5/v7's [1, 25200, 85] with
an objectness column, and YOLOv8 exported transposed. Before, YOLOv5's head was judged by one cosine
over its whole output, which its box coordinates dominate (the failure #22 found in YOLOv8), and a
transposed YOLOv8 head was split along the wrong axis."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from compiler_core.accuracy import compare_outputs
from compiler_core.frontends.onnx_file import load_onnx
from compiler_core.output_kinds import OutputKind, OutputKindError, infer_output_kinds, parse_output_kinds
from compiler_core.signature import signature_of

BUDGET = 0.99
CLASSES = 6


class _Yolov5Detect(torch.nn.Module):
    """ultralytics/yolov5's Detect.forward at export, over two levels of a tiny backbone."""

    def __init__(self, classes: int = CLASSES, anchors: int = 3):
        super().__init__()
        self.na, self.no = anchors, classes + 5
        self.nc = classes
        self.stem = torch.nn.Conv2d(3, 8, 4, stride=4)
        self.down = torch.nn.Conv2d(8, 8, 2, stride=2)
        self.m = torch.nn.ModuleList(torch.nn.Conv2d(8, anchors * self.no, 1) for _ in range(2))
        self.stride = (4.0, 8.0)

    def forward(self, image):
        p3 = self.stem(image)
        levels = [p3, self.down(p3)]
        z = []
        for i, x in enumerate(levels):
            x = self.m[i](x)
            bs, _, ny, nx = x.shape
            x = x.view(bs, self.na, self.no, ny, nx).permute(0, 1, 3, 4, 2).contiguous()
            yv, xv = torch.meshgrid(torch.arange(ny), torch.arange(nx), indexing="ij")
            grid = torch.stack((xv, yv), 2).expand(1, self.na, ny, nx, 2).float() - 0.5
            xy, wh, conf = x.sigmoid().split((2, 2, self.nc + 1), 4)
            xy = (xy * 2 + grid) * self.stride[i]
            wh = (wh * 2) ** 2 * (10.0 * self.stride[i])
            z.append(torch.cat((xy, wh, conf), 4).view(bs, self.na * nx * ny, self.no))
        return torch.cat(z, 1)


class _Yolov8(torch.nn.Module):
    """YOLOv8's head as exported: [1, 4 + classes, anchors], box rows then sigmoid class rows."""

    def __init__(self, classes: int = CLASSES):
        super().__init__()
        self.box, self.cls = torch.nn.Conv2d(3, 4, 4, stride=4), torch.nn.Conv2d(3, classes, 4, stride=4)

    def forward(self, image):
        return torch.cat((self.box(image).flatten(2) * 32.0, self.cls(image).flatten(2).sigmoid()), 1)


class _Yolov8Transposed(torch.nn.Module):
    """YOLOv8's head, [1, 4 + classes, anchors], transposed to anchors first as some exports do."""

    def __init__(self, classes: int = CLASSES):
        super().__init__()
        self.box, self.cls = torch.nn.Conv2d(3, 4, 4, stride=4), torch.nn.Conv2d(3, classes, 4, stride=4)

    def forward(self, image):
        boxes = self.box(image).flatten(2) * 32.0
        return torch.cat((boxes, self.cls(image).flatten(2).sigmoid()), 1).transpose(1, 2)


def _export(module: torch.nn.Module, path, dynamic: bool = False) -> object:
    torch.manual_seed(0)
    module.eval()
    axes = {"images": {2: "height", 3: "width"}} if dynamic else None
    torch.onnx.export(module, (torch.randn(1, 3, 32, 32),), str(path), input_names=["images"],
                      output_names=["output0"], opset_version=17, dynamo=False, dynamic_axes=axes)
    return load_onnx(path)


def test_a_yolov8_head_of_any_image_size_is_read_although_its_anchor_count_is_unknown(tmp_path):
    """NudeNet's YOLOv8 (dynamic height and width) was judged by one cosine: its anchors are unknown
    until an image comes, and the head reader wanted a number."""
    model = _export(_Yolov8(), tmp_path / "yolov8.onnx", dynamic=True)
    assert signature_of(model)["outputs"][0]["shape"][2] != 64  # not a static count
    assert infer_output_kinds(model, signature_of(model))["output0"] == OutputKind("detections", (4, 4 + CLASSES))


def test_yolov5s_exported_head_is_read_anchors_first_with_objectness(tmp_path):
    model = _export(_Yolov5Detect(), tmp_path / "yolov5.onnx")
    kind = infer_output_kinds(model, signature_of(model))["output0"]
    assert kind == OutputKind("detections", (4, 5 + CLASSES), anchors_first=True, objectness=True)
    assert kind.describe_verdict()["layout"] == "[batch, anchors, box 0, 1, 2, 3; objectness 4; class scores 5..10]"


def test_a_transposed_yolov8_head_is_read_anchors_first(tmp_path):
    model = _export(_Yolov8Transposed(), tmp_path / "yolov8t.onnx")
    kind = infer_output_kinds(model, signature_of(model))["output0"]
    assert kind == OutputKind("detections", (4, 4 + CLASSES), anchors_first=True)


def _yolov5_outputs(rng, anchors=400, objects=10):
    """[2, anchors, 5 + classes]: boxes in pixels, objectness low but at the objects, and class scores
    that are noise where there is no object (conditional on one)."""
    head = np.zeros((2, anchors, 5 + CLASSES))
    head[..., :2] = rng.uniform(20, 300, (2, anchors, 2))
    head[..., 2:4] = rng.uniform(10, 80, (2, anchors, 2))
    head[..., 4] = rng.uniform(0, 0.002, (2, anchors))
    head[..., 5:] = rng.uniform(0, 1, (2, anchors, CLASSES))
    where = [(image, rng.choice(anchors, objects, replace=False)) for image in range(2)]
    for image, found in where:
        head[image, found, 4] = 0.95
        head[image, found, 5:] = 0.02
        head[image, found, 5 + rng.integers(0, CLASSES, objects)] = 0.97
    return head, where


YOLOV5 = OutputKind("detections", (4, 5 + CLASSES), anchors_first=True, objectness=True)


def test_a_yolov5_package_whose_class_scores_collapse_fails_where_one_cosine_passed_it():
    rng = np.random.default_rng(0)
    reference, where = _yolov5_outputs(rng)
    collapsed = reference.copy()
    for image, found in where:
        collapsed[image, found, 5:] = 0.16  # every class alike: nothing left to detect
    assert compare_outputs([{"output0": reference}], [{"output0": collapsed}], BUDGET,
                           {"output0": OutputKind()}).passes  # the judge before this change
    result = compare_outputs([{"output0": reference}], [{"output0": collapsed}], BUDGET, {"output0": YOLOV5})
    entry = result.per_output["output0"]
    assert not result.passes and entry["detections"] == 20 and entry["detection_agreement"] == 0.0


def test_class_noise_where_there_is_no_object_is_no_difference_but_a_lost_object_is():
    rng = np.random.default_rng(1)
    reference, where = _yolov5_outputs(rng)
    noisy = reference.copy()
    background = np.ones(reference.shape[:2], bool)
    for image, found in where:
        background[image, found] = False
    noisy[..., 5:][background] = rng.uniform(0, 1, (int(background.sum()), CLASSES))
    faithful = compare_outputs([{"output0": reference}], [{"output0": noisy}], BUDGET, {"output0": YOLOV5})
    assert faithful.passes and faithful.per_output["output0"]["detection_agreement"] == 1.0
    # Read without objectness, the same noise would be hundreds of "detections" changing class.
    assert not compare_outputs([{"output0": reference}], [{"output0": noisy}], BUDGET, {"output0": OutputKind(
        "detections", (4, -1), anchors_first=True)}).passes
    lost = reference.copy()
    image, found = where[0]
    lost[image, found[:3], 4] = 0.01  # three objects gone: the scores' cosine barely moves
    result = compare_outputs([{"output0": reference}], [{"output0": lost}], BUDGET, {"output0": YOLOV5})
    assert not result.passes and result.per_output["output0"]["detection_agreement"] == pytest.approx(17 / 20)


def test_a_transposed_yolov8_head_is_judged_along_its_columns():
    """Split along axis 1, [1, 400, 10] took anchors 4..9 for class scores and judged nothing real."""
    rng = np.random.default_rng(2)
    reference, where = _yolov5_outputs(rng)
    reference = np.delete(reference, 4, axis=2)  # no objectness: [2, anchors, 4 + classes]
    reference[..., 4:] *= 0.2
    for image, found in where:
        reference[image, found, 4:] = np.where(reference[image, found, 4:] > 0.19, 0.97, 0.02)
    kind = OutputKind("detections", (4, -1), anchors_first=True)
    same = compare_outputs([{"output0": reference}], [{"output0": reference * 1.0001}], BUDGET, {"output0": kind})
    assert same.passes and same.per_output["output0"]["detections"] == 20
    moved = reference.copy()
    moved[0, where[0][1], 0] += 200.0  # ten boxes slide off their objects
    assert not compare_outputs([{"output0": reference}], [{"output0": moved}], BUDGET, {"output0": kind}).passes


def test_the_layout_can_be_set_and_a_wrong_one_is_refused():
    assert parse_output_kinds("output0=detections:4+obj,anchors-first", ["output0"])["output0"] == OutputKind(
        "detections", (4, -1), source="set", anchors_first=True, objectness=True)
    assert parse_output_kinds({"output0": "detections:4"}, ["output0"])["output0"] == OutputKind(
        "detections", (4, -1), source="set")
    for wrong in ("detections:3", "detections:4+objectness", "detections:4,sideways", "detections:x"):
        with pytest.raises(OutputKindError):
            parse_output_kinds({"output0": wrong}, ["output0"])
