"""Issue 24: try a deployed image classifier with a picture, as on a model hub's widget: the owner
saves the model's preprocessing and class labels, the deployment page turns a PNG into the 1x3x224x224
input with it and shows the top classes by those labels."""

from __future__ import annotations

import re
import struct
import uuid
import zlib
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from .pages import DeploymentPage, LoginPage
from .test_console_flow import DEPLOY_TIMEOUT_S, JOB_TIMEOUT_S, WIDE, assert_fits_narrow_screen

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

CLASSES = 10
# The picture: one colour, so that average pooling after any resize sees exactly it.
PIXEL = (230, 40, 90)
# What the owner saves: BGR, pixels mapped to -1..1.
MEAN = STD = 0.5


def save_model(graph, path: Path) -> None:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="whetstone-browser-test")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def pooled_classifier(path: Path) -> tuple[Path, np.ndarray, np.ndarray]:
    """x [1, 3, 224, 224] → GlobalAveragePool → Flatten → Gemm → logits [1, 10]; new weights every run
    (the worker caches tuning results by the model's SHA-256)."""
    rng = np.random.default_rng(uuid.uuid4().int)
    weights = rng.standard_normal((3, CLASSES)).astype(np.float32)
    bias = rng.standard_normal(CLASSES).astype(np.float32) * 0.1
    graph = helper.make_graph(
        [
            helper.make_node("GlobalAveragePool", ["x"], ["pooled"]),
            helper.make_node("Flatten", ["pooled"], ["features"]),
            helper.make_node("Gemm", ["features", "W", "b"], ["logits"]),
        ],
        "pooled_classifier",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 224, 224])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, CLASSES])],
        initializer=[numpy_helper.from_array(weights, "W"), numpy_helper.from_array(bias, "b")],
    )
    save_model(graph, path)
    return path, weights, bias


ANCHORS = 64
DETECTOR_SIDE = 64
# The one confident anchor: a box (cx, cy, w, h) in the input's pixels, of class 1.
BOX = (20.0, 30.0, 16.0, 20.0)


def tiny_detector(path: Path) -> Path:
    """A YOLOv8-shaped head: x [1, 3, 64, 64] → boxes [1, 4, 64] and sigmoid scores [1, 2, 64], concatenated
    along axis 1 into output0 [1, 6, 64], as compiler_core/output_kinds.py recognises a detection head.
    The picture barely moves it (weights 1e-3), so anchor 0 is the one detection whatever is sent."""
    rng = np.random.default_rng(uuid.uuid4().int)
    box_bias = np.zeros((4, ANCHORS), np.float32)
    box_bias[:, :] = np.array([8.0, 8.0, 4.0, 4.0], np.float32)[:, None]
    box_bias[:, 0] = BOX
    score_bias = np.full((2, ANCHORS), -6.0, np.float32)
    score_bias[1, 0] = 6.0
    initializers = [
        numpy_helper.from_array((rng.standard_normal((3, 4 * ANCHORS)) * 1e-3).astype(np.float32), "Wb"),
        numpy_helper.from_array(box_bias.ravel(), "bb"),
        numpy_helper.from_array((rng.standard_normal((3, 2 * ANCHORS)) * 1e-3).astype(np.float32), "Ws"),
        numpy_helper.from_array(score_bias.ravel(), "bs"),
        numpy_helper.from_array(np.array([1, 4, ANCHORS], np.int64), "box_shape"),
        numpy_helper.from_array(np.array([1, 2, ANCHORS], np.int64), "score_shape"),
    ]
    graph = helper.make_graph(
        [
            helper.make_node("GlobalAveragePool", ["x"], ["pooled"]),
            helper.make_node("Flatten", ["pooled"], ["features"]),
            helper.make_node("Gemm", ["features", "Wb", "bb"], ["box_flat"]),
            helper.make_node("Reshape", ["box_flat", "box_shape"], ["boxes"]),
            helper.make_node("Gemm", ["features", "Ws", "bs"], ["score_flat"]),
            helper.make_node("Reshape", ["score_flat", "score_shape"], ["score_logits"]),
            helper.make_node("Sigmoid", ["score_logits"], ["scores"]),
            helper.make_node("Concat", ["boxes", "scores"], ["output0"], axis=1),
        ],
        "tiny_detector",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, DETECTOR_SIDE, DETECTOR_SIDE])],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, [1, 6, ANCHORS])],
        initializer=initializers,
    )
    save_model(graph, path)
    return path


def solid_png(path: Path, width: int, height: int, rgb: tuple[int, int, int]) -> Path:
    """An 8-bit RGB PNG written by hand (zlib and struct): no imaging library needed."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))  # filter type 0 per row
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return path


def optimize_and_deploy(detail) -> DeploymentPage:
    job = detail.optimize(recipe="lossless")
    assert job.wait_until_finished(timeout_s=JOB_TIMEOUT_S) == "succeeded", job.error()
    deployment = job.deploy()
    assert deployment.wait_until_settled(timeout_s=DEPLOY_TIMEOUT_S) == "ready", deployment.message()
    deployment.health()
    return deployment


def test_a_picture_is_preprocessed_as_saved_and_answers_its_top_classes(stack, browser_page, screenshots, tmp_path):
    model_file, weights, bias = pooled_classifier(tmp_path / "pooled_classifier.onnx")
    picture = solid_png(tmp_path / "red-ish.png", 96, 64, PIXEL)
    labels = tmp_path / "labels.txt"
    labels.write_text("\n".join(f"class-{i}" for i in range(CLASSES)))
    # What the model must answer: BGR order, (pixel / 255 - 0.5) / 0.5 per channel, pooled.
    features = (np.array(PIXEL[::-1], dtype=np.float64) / 255 - MEAN) / STD
    expected = features @ weights.astype(np.float64) + bias
    best = int(np.argmax(expected))

    browser_page.set_viewport_size(WIDE)
    models = LoginPage(browser_page, screenshots).open().log_in(stack.admin_username, stack.admin_password)
    detail = models.upload(model_file, name=f"picture-classifier-{uuid.uuid4().hex[:6]}")
    assert detail.preprocessing().startswith("none saved; a picture gets the defaults: RGB"), detail.preprocessing()
    summary = detail.edit_preprocessing(layout="NCHW", color="BGR", scale="1/255", mean="0.5, 0.5, 0.5",
                                        std="0.5, 0.5, 0.5")
    applies = "BGR, (pixel × 1/255 − mean) ÷ std with mean [0.5, 0.5, 0.5] and std [0.5, 0.5, 0.5], NCHW"
    assert summary == f"Applies {applies}.", summary
    detail.screenshot("01-preprocessing-editor-1440")
    assert_fits_narrow_screen(detail, "02-preprocessing-editor-390")
    # The class labels are saved on the model in the same form: every reader of it sees them.
    assert detail.load_model_labels(labels) == "10 labels: class-0, class-1, class-2, …"
    detail.screenshot("03-labels-editor-1440")
    detail.save_edits()
    assert detail.preprocessing() == applies, detail.preprocessing()
    assert detail.labels() == "10 labels: class-0, class-1, class-2, …", detail.labels()

    deployment = optimize_and_deploy(detail)

    # No label file loaded in this browser: the form names the classes with the model's.
    assert deployment.labels_in_use() == "Class labels (10 saved on the model)", deployment.labels_in_use()
    applied = deployment.try_picture(picture)
    assert applied.startswith("red-ish.png (96×64) → stretched to 224×224, BGR, (pixel × 1/255 − mean) ÷ std"), applied
    assert "The preprocessing saved on the model." in applied, applied
    status = browser_page.get_by_test_id("infer-status").inner_text()
    assert "HTTP 200" in status and "as binary" in status, status  # 588 KiB of float32: the binary extension

    rows = deployment.top_classes("logits")
    assert len(rows) == 5, rows
    top_class, top_label, top_score, _ = rows[0]
    assert (top_class, top_label) == (str(best), f"class-{best}"), (rows, expected.tolist())
    # The browser's preprocessing and numpy's agree to the 4 significant digits shown.
    assert float(top_score) == pytest.approx(expected[best], rel=2e-3, abs=1e-3), (top_score, expected[best])
    assert [int(row[0]) for row in rows] == list(np.argsort(-expected, kind="stable")[:5]), (rows, expected.tolist())
    assert re.fullmatch(r"\d+\.\d%", rows[0][3]), rows[0]

    deployment.screenshot("04-picture-top-classes-1440")
    assert_fits_narrow_screen(deployment, "05-picture-top-classes-390")


def test_a_detectors_boxes_are_drawn_on_the_picture(stack, browser_page, screenshots, tmp_path):
    picture = solid_png(tmp_path / "street.png", 128, 64, (120, 160, 200))
    labels = tmp_path / "labels.txt"
    labels.write_text("car\nperson\n")
    browser_page.set_viewport_size(WIDE)
    models = LoginPage(browser_page, screenshots).open().log_in(stack.admin_username, stack.admin_password)
    detail = models.upload(tiny_detector(tmp_path / "tiny_detector.onnx"), name=f"detector-{uuid.uuid4().hex[:6]}")
    deployment = optimize_and_deploy(detail)

    deployment.load_labels(labels)
    applied = deployment.try_picture(picture)
    assert "stretched to 64×64, RGB" in applied and "The defaults" in applied, applied
    boxes = deployment.detection_boxes()
    assert [box["text"] for box in boxes] == ["person 1.00"], boxes
    # The input was the picture stretched to 64 x 64: x doubles back onto the 128-pixel-wide picture.
    cx, cy, w, h = BOX
    assert boxes[0]["rect"] == pytest.approx([(cx - w / 2) * 2, cy - h / 2, w * 2, h], abs=0.05), boxes
    # Drawn over the picture as the page shows it: the box lies inside the image's box on screen.
    image, drawn = deployment.detection_geometry()
    assert image["x"] <= drawn["x"] and drawn["x"] + drawn["width"] <= image["x"] + image["width"] + 1, (image, drawn)
    assert drawn["width"] == pytest.approx(image["width"] * w * 2 / 128, rel=0.05), (image, drawn)

    deployment.screenshot("01-detections-1440")
    assert_fits_narrow_screen(deployment, "02-detections-390")
