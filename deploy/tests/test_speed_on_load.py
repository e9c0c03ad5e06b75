"""An engine times a package against its fp32 original when it loads it, on its own hardware, and
says whether the package is slower there than the model it replaces (it serves it either way).

The slow package is the original with a branch of twenty 512x512 matrix products added to its
output times zero (tiny_packages.with_a_slow_branch): its outputs are the original's to the bit (it
passes the accuracy check), and it runs hundreds of times slower.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import numpy as np
import onnx
import pytest

from compiler_core.tests.models import mlp
from deploy.serving.accuracy_on_load import REFERENCE_DIR, REFERENCE_FILE
from deploy.serving.speed_on_load import describe_speed
from deploy.tests.test_accuracy_on_load import ENGINE_CLASS, MEASURED_ON, engine_declaring_avx2, load  # noqa: F401
from deploy.tests.tiny_packages import runtime_json, with_a_slow_branch

CLAIMED = 1.7


@pytest.fixture(autouse=True)
def short_measurement(monkeypatch):
    monkeypatch.setenv("WHETSTONE_SPEED_ON_LOAD_S", "0.5")


def fp32_package(tmp_path: Path, original: Path, model: Path | None = None, *, with_reference: bool = True) -> Path:
    package = tmp_path / "package"
    package.mkdir()
    shutil.copy(model or original, package / "model.onnx")
    (package / "runtime.json").write_text(json.dumps(runtime_json("onnxruntime")))
    (package / "signature.json").write_text(json.dumps({
        "inputs": [{"name": "x", "dtype": "float32", "shape": ["batch", 64]}],
        "outputs": [{"name": "logits", "dtype": "float32", "shape": ["batch", 10]}]}))
    (package / "report.json").write_text(json.dumps({
        "hardware_context": {"hardware_class": MEASURED_ON, "cpu_generation": "family 25 model 17"},
        "accuracy": {"budget": 0.99},
        "overall": {"shape": "batch=4", "speedup": CLAIMED},
        "shapes": [{"label": "batch=4", "shape": {"batch": 4}}],
    }))
    if with_reference:
        (package / REFERENCE_DIR).mkdir()
        shutil.copy(original, package / REFERENCE_DIR / "original.onnx")
        (package / REFERENCE_DIR / REFERENCE_FILE).write_text(json.dumps({"model": "original.onnx"}))
    return package


def test_a_package_slower_here_than_its_original_is_served_and_called_slower(tmp_path):
    original = mlp(tmp_path / "mlp.onnx")
    slow = tmp_path / "slow.onnx"
    onnx.save(with_a_slow_branch(onnx.load(str(original)), features=64), str(slow))
    model = load(fp32_package(tmp_path, original, slow))
    assert model.accuracy_on_engine["passes"] is True  # the same outputs: only its speed is wrong
    verdict = model.speed_on_engine
    assert verdict["checked"] and verdict["slower_than_original"] is True, verdict
    assert verdict["speedup"] < 0.5 and verdict["rounds"] >= 5
    assert verdict["claimed_speedup"] == CLAIMED
    assert verdict["hardware_class"] == ENGINE_CLASS and verdict["measured_on"] == MEASURED_ON
    assert verdict["measured_on_generation"] == "family 25 model 17"
    assert verdict["inputs"] == "a batch generated at the report's primary shape" and verdict["shape"] == {"x": [4, 64]}
    metadata = asyncio.run(model.metadata())
    assert metadata.parameters.speed_on_engine["slower_than_original"] is True
    message = describe_speed(verdict)
    assert f"On this engine ({ENGINE_CLASS}" in message and "slower than the model it replaces" in message
    assert f"its report's 1.70x was measured on {MEASURED_ON}, family 25 model 17" in message


def test_the_original_served_as_its_own_package_is_not_called_slower(tmp_path):
    original = mlp(tmp_path / "mlp.onnx")
    verdict = load(fp32_package(tmp_path, original)).speed_on_engine
    assert verdict["checked"] and verdict["slower_than_original"] is False, verdict
    assert verdict["control"] > 0 and verdict["noise"] >= abs(np.log(verdict["control"])) - 1e-4


def test_it_times_the_first_staged_input(tmp_path):
    original = mlp(tmp_path / "mlp.onnx")
    package = fp32_package(tmp_path, original)
    (package / REFERENCE_DIR / "inputs").mkdir()
    for index in range(2):
        np.savez(package / REFERENCE_DIR / "inputs" / f"batch-{index}.npz",
                 x=np.ones((3 + index, 64), np.float32))
    verdict = load(package).speed_on_engine
    assert verdict["inputs"] == "the first batch staged with the package" and verdict["shape"] == {"x": [3, 64]}


def test_without_an_original_or_switched_off_nothing_is_timed_and_the_verdict_says_why(tmp_path, monkeypatch):
    original = mlp(tmp_path / "mlp.onnx")
    verdict = load(fp32_package(tmp_path, original, with_reference=False)).speed_on_engine
    assert verdict["checked"] is False and "no fp32 original" in verdict["reason"]
    monkeypatch.setenv("WHETSTONE_SPEED_ON_LOAD", "0")
    (tmp_path / "off").mkdir()
    verdict = load(fp32_package(tmp_path / "off", original)).speed_on_engine
    assert verdict["checked"] is False and "switched off" in verdict["reason"]


def test_a_measurement_that_breaks_is_said_and_the_package_still_loads(tmp_path):
    """A staged input the original refuses (a wrong width): the accuracy check is switched off here,
    so only the timing meets it."""
    original = mlp(tmp_path / "mlp.onnx")
    package = fp32_package(tmp_path, original)
    (package / REFERENCE_DIR / "inputs").mkdir()
    np.savez(package / REFERENCE_DIR / "inputs" / "batch-0.npz", x=np.ones((2, 64, 1), np.float32))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WHETSTONE_ACCURACY_ON_LOAD", "0")
        model = load(package)
    assert model.speed_on_engine["checked"] is False and model.speed_on_engine["slower_than_original"] is None
    assert model.speed_on_engine["reason"]
