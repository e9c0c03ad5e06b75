"""YOLOX's head, as Megvii's export writes it: [batch, anchors, 4 + 1 + classes], anchor-free, one
anchor per cell of each level's grid. Its default export leaves the boxes raw (offsets in their cell, log
sizes): read as boxes, log sizes -0.5 and +0.5 are one width and every cell's box sits in one cell, so
the head was judged by one cosine over the whole output, which let a package whose class scores collapse
pass (the failure #22 found in YOLOv8). The head is now read with its grid and decoded as YOLOX does."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort
import pytest
import torch

from compiler_core import optimize
from compiler_core.accuracy import compare_outputs
from compiler_core.cache import cache_key
from compiler_core.frontends.onnx_file import load_onnx
from compiler_core.output_kinds import (OutputKind, OutputKindError, _decoded, _stride, infer_output_kinds,
                                        parse_output_kinds)
from compiler_core.signature import signature_of

BUDGET = 0.99
CLASSES = 3
HEIGHT, WIDTH = 64, 96
GRID = ((8, 12, 8), (4, 6, 16))  # the two levels of _YoloxHead at 64x96
ANCHORS = sum(h * w for h, w, _ in GRID)


class _YoloxHead(torch.nn.Module):
    """YOLOXHead.forward at export (yolox/models/yolo_head.py), over two levels of a tiny backbone:
    per level cat([reg, obj.sigmoid(), cls.sigmoid()], 1); flattened, concatenated along the anchors,
    permuted; decode_outputs where decode_in_inference."""

    def __init__(self, decode: bool | str = False, strides=(8, 16), permute: bool = True, fcos: bool = False):
        super().__init__()
        self.decode_in_inference, self.permute, self.fcos = decode, permute, fcos
        self.strides = strides
        self.stems = torch.nn.ModuleList(torch.nn.Conv2d(3, 8, s, stride=s) for s in strides)
        self.reg_preds = torch.nn.ModuleList(torch.nn.Conv2d(8, 4, 1) for _ in self.strides)
        self.obj_preds = torch.nn.ModuleList(torch.nn.Conv2d(8, 1, 1) for _ in self.strides)
        self.cls_preds = torch.nn.ModuleList(torch.nn.Conv2d(8, CLASSES, 1) for _ in self.strides)

    def forward(self, image):
        outputs = []
        for k, stem in enumerate(self.stems):
            x = stem(image)
            reg = self.reg_preds[k](x)
            if self.fcos:  # FCOS: distances to the box's sides, in pixels
                reg = torch.relu(reg) * self.strides[k]
            outputs.append(torch.cat([reg, self.obj_preds[k](x).sigmoid(), self.cls_preds[k](x).sigmoid()], 1))
        hw = [x.shape[-2:] for x in outputs]
        outputs = torch.cat([x.flatten(start_dim=2) for x in outputs], dim=2)
        if not self.permute:
            return outputs
        outputs = outputs.permute(0, 2, 1)
        if not self.decode_in_inference:
            return outputs
        grids, strides = [], []
        for (hsize, wsize), stride in zip(hw, self.strides):
            yv, xv = torch.meshgrid([torch.arange(hsize), torch.arange(wsize)], indexing="ij")
            grid = torch.stack((xv, yv), 2).view(1, -1, 2)
            grids.append(grid)
            strides.append(torch.full((*grid.shape[:2], 1), stride))
        grids, strides = torch.cat(grids, dim=1).type(outputs.dtype), torch.cat(strides, dim=1).type(outputs.dtype)
        if self.decode_in_inference == "in place":  # every release, 0.1.0-0.3.0
            outputs[..., :2] = (outputs[..., :2] + grids) * strides
            outputs[..., 2:4] = torch.exp(outputs[..., 2:4]) * strides
            return outputs
        return torch.cat([(outputs[..., 0:2] + grids) * strides, torch.exp(outputs[..., 2:4]) * strides,
                          outputs[..., 4:]], dim=-1)


def _export(path, decode: bool | str = False, dynamic: bool = False, **head):
    torch.manual_seed(0)
    module = _YoloxHead(decode, **head).eval()
    axes = {"images": {2: "height", 3: "width"}} if dynamic else None
    torch.onnx.export(module, (torch.randn(1, 3, HEIGHT, WIDTH),), str(path), input_names=["images"],
                      output_names=["output"], opset_version=17, dynamo=False, dynamic_axes=axes)
    return load_onnx(path)


RAW = OutputKind("detections", (4, 5 + CLASSES), anchors_first=True, objectness=True, grid=GRID)
DECODED = OutputKind("detections", (4, 5 + CLASSES), anchors_first=True, objectness=True)


def test_the_raw_head_is_read_with_its_grid_and_the_decoded_one_as_yolov5s(tmp_path):
    raw = _export(tmp_path / "raw.onnx")
    assert infer_output_kinds(raw, signature_of(raw))["output"] == RAW
    assert RAW.describe_verdict()["layout"] == ("[batch, anchors, box 0, 1, 2, 3 raw on grids 8x12 stride 8, "
                                                "4x6 stride 16; objectness 4; class scores 5..7]")
    decoded = _export(tmp_path / "decoded.onnx", decode=True)
    assert infer_output_kinds(decoded, signature_of(decoded))["output"] == DECODED
    in_place = _export(tmp_path / "in_place.onnx", decode="in place")
    assert infer_output_kinds(in_place, signature_of(in_place))["output"] == DECODED


def test_more_levels_and_a_head_left_rows_first_are_read_and_an_fcos_head_is_not(tmp_path):
    three = _export(tmp_path / "three.onnx", strides=(8, 16, 32), permute=False)
    assert infer_output_kinds(three, signature_of(three))["output"] == OutputKind(
        "detections", (4, 5 + CLASSES), objectness=True, grid=((8, 12, 8), (4, 6, 16), (2, 3, 32)))
    # FCOS's relu(reg) x stride are distances, not log sizes: decoded as YOLOX's, every box was one.
    fcos = _export(tmp_path / "fcos.onnx", fcos=True)
    assert infer_output_kinds(fcos, signature_of(fcos))["output"] == OutputKind()


def test_a_levels_stride_is_the_power_of_two_whose_rounded_up_grid_it_is():
    """YOLOX's stride-2 convolutions round up: a 346x346 image's last level is 11x11 at stride 32."""
    assert [_stride([346, 346], cell) for cell in ((44, 44), (22, 22), (11, 11))] == [8, 16, 32]
    assert _stride([346, 640], (11, 20)) == 32
    assert _stride([346, 640], (12, 20)) is None  # no stride makes this grid


def test_a_raw_head_of_unknown_size_is_left_to_the_user_who_can_set_its_grid(tmp_path):
    """Without the image's size the grid is unknown, and raw boxes cannot be decoded: `values`."""
    model = _export(tmp_path / "dynamic.onnx", dynamic=True)
    assert infer_output_kinds(model, signature_of(model))["output"] == OutputKind()
    kind = parse_output_kinds("output=detections:4+obj,anchors-first,grid=8x12/8+4x6/16", ["output"])["output"]
    assert kind == OutputKind("detections", (4, -1), source="set", anchors_first=True, objectness=True, grid=GRID)
    for bad in ("grid=8x12", "grid=8x12/0", "grid=axb/8", "grid=", "grid=8x12/8+4x6", "grid=²x2/8",
                "grid=1x1/" + "9" * 400, "grid=1x1/" + "9" * 5000):
        with pytest.raises(OutputKindError, match="grid"):
            parse_output_kinds(f"output=detections:4+obj,anchors-first,{bad}", ["output"])


def test_raw_boxes_decode_to_what_yolox_decodes_them_to(tmp_path):
    """The same weights exported both ways: the judge's decode of the raw head is the graph's own."""
    _export(tmp_path / "raw.onnx")
    _export(tmp_path / "decoded.onnx", decode=True)
    image = np.random.default_rng(0).standard_normal((1, 3, HEIGHT, WIDTH)).astype(np.float32)
    raw, decoded = (ort.InferenceSession(str(tmp_path / name), providers=["CPUExecutionProvider"]).run(
        None, {"images": image})[0].astype(np.float64) for name in ("raw.onnx", "decoded.onnx"))
    assert raw.shape == decoded.shape == (1, ANCHORS, 5 + CLASSES)
    np.testing.assert_allclose(_decoded(raw[..., :4], GRID), decoded[..., :4], rtol=1e-5, atol=1e-4)
    with pytest.raises(ValueError, match="anchors"):
        _decoded(raw[:, :-1, :4], GRID)


def _raw_outputs(rng, objects=8):
    """[2, anchors, 5 + classes] as YOLOX's raw head writes it: offsets in the cell, log sizes around
    0 (a box of about one stride, negative below it), objectness low but at the objects."""
    head = np.zeros((2, ANCHORS, 5 + CLASSES))
    head[..., :2] = rng.uniform(0, 1, (2, ANCHORS, 2))
    head[..., 2:4] = rng.uniform(-1.0, 1.5, (2, ANCHORS, 2))
    head[..., 4] = rng.uniform(0, 0.002, (2, ANCHORS))
    head[..., 5:] = rng.uniform(0, 1, (2, ANCHORS, CLASSES))
    where = [(image, rng.choice(ANCHORS, objects, replace=False)) for image in range(2)]
    for image, found in where:
        head[image, found, 4] = 0.95
        head[image, found, 5:] = 0.02
        head[image, found, 5 + rng.integers(0, CLASSES, objects)] = 0.97
    return head, where


def test_a_raw_head_whose_class_scores_collapse_fails_where_one_cosine_passed_it():
    reference, where = _raw_outputs(np.random.default_rng(0))
    collapsed = reference.copy()
    for image, found in where:
        collapsed[image, found, 5:] = 0.2  # every class alike and low: nothing left to detect
    assert compare_outputs([{"output": reference}], [{"output": collapsed}], BUDGET,
                           {"output": OutputKind()}).passes  # the judge before this change
    result = compare_outputs([{"output": reference}], [{"output": collapsed}], BUDGET, {"output": RAW})
    assert not result.passes and result.per_output["output"]["detection_agreement"] == 0.0


def test_raw_boxes_are_judged_decoded_where_their_log_sizes_and_cells_tell_boxes_apart():
    """Undecoded, a box's log sizes -0.5 and +0.5 read as one width, and NMS compared the boxes of
    different cells as if they sat in one."""
    reference, where = _raw_outputs(np.random.default_rng(1))
    faithful = reference + np.random.default_rng(2).normal(0, 1e-4, reference.shape)
    result = compare_outputs([{"output": reference}], [{"output": faithful}], BUDGET, {"output": RAW})
    entry = result.per_output["output"]
    assert result.passes and entry["detections"] == 16 and entry["objects"] == 16, entry
    flipped = reference.copy()
    image, found = where[0]
    flipped[image, found[:4], 2:4] = -0.5
    reference[image, found[:4], 2:4] = 0.5  # four boxes e times wider and taller in the original
    assert compare_outputs([{"output": reference}], [{"output": flipped}], BUDGET, {"output": DECODED}).passes
    result = compare_outputs([{"output": reference}], [{"output": flipped}], BUDGET, {"output": RAW})
    assert not result.passes and result.per_output["output"]["detection_agreement"] == pytest.approx(12 / 16)


def test_decoded_boxes_are_read_as_centres_even_where_they_would_pass_for_corners():
    """One object in the top-left cell (cx 4, w 4.5): every detected box has w > cx and h > cy, the
    shape of corners, and read so (a box 0.5 wide) a package whose box grew 5% matched nothing."""
    reference = np.zeros((1, ANCHORS, 5 + CLASSES))
    reference[0, 0, :5] = [0.5, 0.5, np.log(4.5 / 8), np.log(4.5 / 8), 0.95]
    reference[0, 0, 5] = 0.97
    faithful = reference.copy()
    faithful[0, 0, 2:4] += 0.05
    result = compare_outputs([{"output": reference}], [{"output": faithful}], BUDGET, {"output": RAW})
    assert result.passes and result.per_output["output"]["detection_agreement"] == 1.0


def test_a_grid_set_for_one_image_size_says_so_when_judged_at_another():
    reference, _ = _raw_outputs(np.random.default_rng(3))
    smaller = reference[:, :48]  # the anchors of another image size
    result = compare_outputs([{"output": reference}, {"output": smaller}], [{"output": reference}, {"output": smaller}],
                             BUDGET, {"output": RAW})
    assert not result.passes and "fits images of one size" in result.per_output["output"]["error"]


def test_the_grid_travels_with_the_verdict_and_the_cache_key():
    verdict = RAW.describe_verdict()
    assert verdict["grid"] == [[8, 12, 8], [4, 6, 16]]
    assert OutputKind.from_verdict(verdict, ["output"]) == RAW
    # A grid the report does not state well cannot be decoded: judged as values, the load goes on.
    for grid in ([[8, 12]], [[8, 12, -8]], [[8, 12, True]], "8x12/8", [[8.0, 12, 8]], [[1 << 12, 1 << 12, 8]] * 2,
                 [["8", "12", "8"]], [["9" * 5000, 1, 1]], [[1, 1, 10 ** 400]]):
        assert OutputKind.from_verdict({**verdict, "grid": grid}, ["output"]) == OutputKind()
    # A verdict decoded on another grid is not this run's.
    keys = {cache_key("0" * 64, "auto", BUDGET, [], 1, {"output": kind})
            for kind in (RAW, DECODED, OutputKind("detections", (4, 8), anchors_first=True, objectness=True,
                                                  grid=((8, 12, 8), (4, 6, 8))))}
    assert len(keys) == 3


def test_a_raw_yolox_package_reports_its_grid(tmp_path):
    _export(tmp_path / "raw.onnx")
    report = optimize(tmp_path / "raw.onnx", tmp_path / "pkg", recipe="lossless", time_budget_s=3, threads=1)
    entry = report["accuracy"]["per_output"]["output"]
    assert entry["kind"] == "detections" and entry["grid"] == [[8, 12, 8], [4, 6, 16]] and entry["passes"]
