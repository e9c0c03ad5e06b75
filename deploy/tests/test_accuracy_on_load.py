"""An engine re-checks a package's accuracy against its fp32 original when it loads it, on its
own hardware class, and refuses one that misses the budget there.

The engine here declares a class other than the one the package was measured on; the host it
declares is synthetic (an AVX-512 VNNI/BF16 AMD CPU narrowed to AVX2), so the test does not depend
on the machine that runs it. The INT8 graphs are real: onnxruntime's dynamic quantization of a
plain MLP (it holds), and of one whose outlier row sets the scale of a whole layer (it does not).
"""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import onnx
import pytest
from onnxruntime.quantization import QuantType, quantize_dynamic

from compiler_core import hardware
from compiler_core.tests.models import mlp, mlp_with_outlier_layer
from deploy.serving.accuracy_on_load import REFERENCE_DIR, REFERENCE_FILE
from deploy.serving.errors import PackageLoadFailed
from deploy.tests.tiny_packages import runtime_json

ZEN4 = {"vendor_id": "AuthenticAMD", "model name": "AMD EPYC 9B14",
        "flags": "sse4_2 avx2 fma avx512f avx512bw avx512vl avx512_vnni avx512_bf16"}
MEASURED_ON = "x86_64-amd-avx512vnni-bf16"
ENGINE_CLASS = "x86_64-amd-avx2"


@pytest.fixture(autouse=True)
def engine_declaring_avx2(monkeypatch):
    monkeypatch.setattr(hardware, "_cpuinfo_fields", lambda: dict(ZEN4))
    monkeypatch.setattr(hardware.platform, "machine", lambda: "x86_64")
    monkeypatch.setenv(hardware.HARDWARE_CLASS_ENV, ENGINE_CLASS)
    hardware.describe_hardware.cache_clear()
    yield
    hardware.describe_hardware.cache_clear()


def mlp_package(tmp_path: Path, original: Path, write_model, runtime: dict, *, hardware_context: dict,
                accuracy: dict, overall: dict | None = None, with_reference: bool = True) -> Path:
    """A package of the test MLP (x [batch, 64] -> logits [batch, 10]) whose primary shape is batch=4:
    `write_model(path)` writes its model.onnx, and the fp32 `original` is staged beside it as the
    platform stages it (unless `with_reference` is False)."""
    package = tmp_path / "package"
    package.mkdir()
    write_model(package / "model.onnx")
    (package / "runtime.json").write_text(json.dumps(runtime))
    (package / "signature.json").write_text(json.dumps({
        "inputs": [{"name": "x", "dtype": "float32", "shape": ["batch", 64]}],
        "outputs": [{"name": "logits", "dtype": "float32", "shape": ["batch", 10]}]}))
    (package / "report.json").write_text(json.dumps({
        "hardware_context": hardware_context,
        "accuracy": accuracy,
        "overall": {"shape": "batch=4", **(overall or {})},
        "shapes": [{"label": "batch=4", "shape": {"batch": 4}}],
    }))
    if with_reference:
        reference = package / REFERENCE_DIR
        reference.mkdir()
        shutil.copy(original, reference / "original.onnx")
        (reference / REFERENCE_FILE).write_text(json.dumps({"model": "original.onnx"}))
    return package


def int8_package(tmp_path: Path, original: Path, *, budget: float = 0.99, with_reference: bool = True,
                 per_output: dict | None = None) -> Path:
    return mlp_package(
        tmp_path, original, lambda path: quantize_dynamic(str(original), str(path), weight_type=QuantType.QInt8),
        {**runtime_json("onnxruntime"), "precision": "int8"}, hardware_context={"hardware_class": MEASURED_ON},
        accuracy={"budget": budget, **({"per_output": per_output} if per_output else {})},
        with_reference=with_reference)


def load(package: Path):
    from mlserver.settings import ModelParameters, ModelSettings

    from deploy.serving.runtime import WhetstoneRuntime

    model = WhetstoneRuntime(ModelSettings(name="m", implementation=WhetstoneRuntime,
                                           parameters=ModelParameters(uri=str(package))))
    model.ready = asyncio.run(model.load())  # as MLServer's registry does
    return model


def test_an_int8_package_that_holds_on_this_engine_is_served_with_its_verdict(tmp_path):
    model = load(int8_package(tmp_path, mlp(tmp_path / "mlp.onnx")))
    verdict = model.accuracy_on_engine
    assert verdict["checked"] and verdict["passes"]
    assert verdict["hardware_class"] == ENGINE_CLASS and verdict["measured_on"] == MEASURED_ON
    assert 0.99 <= verdict["cosine"] < 1.0  # INT8 moved the outputs, within the budget
    # Class scores (logits): batches of the primary shape (4 rows) until the top-1 check has its 256 rows.
    assert verdict["batches"] == 64 and verdict["inputs"] == "inputs generated from the signature"
    assert verdict["top1_agreement"] >= 0.99
    metadata = asyncio.run(model.metadata())
    assert metadata.parameters.hardware_class == ENGINE_CLASS
    assert metadata.parameters.accuracy_on_engine["passes"] is True


def test_an_int8_package_that_misses_its_budget_on_this_engine_is_refused_with_the_reason(tmp_path):
    package = int8_package(tmp_path, mlp_with_outlier_layer(tmp_path / "outlier.onnx"))
    with pytest.raises(PackageLoadFailed) as refused:
        load(package)
    message = str(refused.value)
    assert f"on this engine ({ENGINE_CLASS}) the package misses its accuracy budget" in message
    assert "against the fp32 original" in message


def test_the_staged_inputs_are_used_when_there_are_some(tmp_path):
    import numpy as np

    package = int8_package(tmp_path, mlp(tmp_path / "mlp.onnx"))
    inputs = package / REFERENCE_DIR / "inputs"
    inputs.mkdir()
    for index in range(3):
        np.savez(inputs / f"batch-{index}.npz", x=np.random.default_rng(index).standard_normal((2, 64)).astype("float32"))
    (package / REFERENCE_DIR / REFERENCE_FILE).write_text(json.dumps({"model": "original.onnx",
                                                                      "inputs": "the job's calibration data"}))
    verdict = load(package).accuracy_on_engine
    assert verdict["passes"] and verdict["batches"] == 3 and verdict["inputs"] == "the job's calibration data"


def test_without_a_staged_original_the_verdict_says_it_was_not_checked(tmp_path, monkeypatch):
    model = load(int8_package(tmp_path, mlp(tmp_path / "mlp.onnx"), with_reference=False))
    assert model.accuracy_on_engine["checked"] is False and "no fp32 original" in model.accuracy_on_engine["reason"]
    monkeypatch.setenv("WHETSTONE_ACCURACY_ON_LOAD", "0")
    (tmp_path / "off").mkdir()
    model = load(int8_package(tmp_path / "off", mlp(tmp_path / "mlp.onnx")))
    assert model.accuracy_on_engine["checked"] is False and "switched off" in model.accuracy_on_engine["reason"]


def test_each_output_is_judged_by_the_kind_the_report_names(tmp_path):
    """The worker judged `logits` as an embedding (a user set it): the engine does too, by cosine
    alone and on the generated batches as they are, where the values alone would read class scores
    and take 64 batches for their top-1 check."""
    package = int8_package(tmp_path, mlp(tmp_path / "mlp.onnx"),
                           per_output={"logits": {"kind": "embedding", "kind_source": "set", "passes": True}})
    verdict = load(package).accuracy_on_engine
    assert verdict["passes"] and verdict["top1_agreement"] is None
    assert verdict["batches"] == 4, verdict


def test_a_report_shape_too_large_to_generate_is_not_checked_rather_than_allocated(tmp_path):
    """The primary shape is the package's word (its report): batch=10^9 rows of 64 floats would have
    been allocated, four times over, in the engine every tenant shares."""
    package = int8_package(tmp_path, mlp(tmp_path / "mlp.onnx"))
    report = json.loads((package / "report.json").read_text())
    report["overall"]["shape"], report["shapes"] = "batch=huge", [{"label": "batch=huge", "shape": {"batch": 10**9}}]
    (package / "report.json").write_text(json.dumps(report))

    model = load(package)

    assert model.ready
    for verdict in (model.accuracy_on_engine, model.speed_on_engine):
        assert verdict["checked"] is False, verdict
        assert "would take" in verdict["reason"] and "more than the engine's checks generate" in verdict["reason"]
    assert model.accuracy_on_engine["reason"].startswith("not checked")
    assert model.speed_on_engine["reason"].startswith("not timed")


@pytest.mark.parametrize("dtype", ["str", "bytes", "object", "int8", "float16"])
def test_what_generated_inputs_would_take_is_counted_as_they_are_made(dtype):
    """A dtype whose itemsize is 0 (str, bytes) counted nothing, and int8 or float16 counted a
    quarter of the float64 draw they are cast from: the limit on generated inputs was no limit."""
    from compiler_core.signature import generate_inputs, generated_bytes

    signature = {"inputs": [{"name": "x", "dtype": dtype, "shape": ["batch", 1000]}]}
    model = onnx.helper.make_model(onnx.helper.make_graph([], "empty", [], []))
    made = generate_inputs(model, signature, {"batch": 64})["x"]
    counted = generated_bytes(signature, {"batch": 64})

    draw = 64 * 1000 * 8
    held = made.nbytes + (sum(len(str(v)) for v in made.ravel()) if made.dtype.kind == "O" else 0)
    assert counted >= draw + held


def test_checks_on_load_take_turns(monkeypatch, tmp_path):
    """At an engine's start every staged model loads at once: their checks, each holding an
    original's session, inputs and outputs, run one at a time."""
    import threading
    import time

    from deploy.serving import accuracy_on_load

    running, most = [0], [0]

    def check(package_dir, runner, deadline):
        running[0] += 1
        most[0] = max(most[0], running[0])
        time.sleep(0.05)
        running[0] -= 1
        return {}

    monkeypatch.setattr(accuracy_on_load, "_checked", check)
    package = int8_package(tmp_path, mlp(tmp_path / "mlp.onnx"))
    threads = [threading.Thread(target=accuracy_on_load.check_package_on_this_engine, args=(package, None))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == 1


def test_a_check_whose_runs_pass_the_engines_deadline_is_not_checked_and_the_load_goes_on(tmp_path, monkeypatch):
    """A package built to run long held the check, and so every later model's load, for as long as
    it liked: its runs are held to the engine's run deadline."""
    from deploy.tests.tiny_packages import with_a_slow_branch

    monkeypatch.setenv("WHETSTONE_RUN_TIMEOUT_S", "0.01")
    monkeypatch.setenv("WHETSTONE_SPEED_ON_LOAD", "0")
    original = mlp(tmp_path / "mlp.onnx")
    slow = lambda path: onnx.save(with_a_slow_branch(onnx.load(str(original)), features=64, products=2000,  # noqa: E731
                                                     output="logits"), str(path))
    package = mlp_package(tmp_path, original, slow, runtime_json("onnxruntime"),
                          hardware_context={"hardware_class": MEASURED_ON}, accuracy={"budget": 0.99})

    model = load(package)

    assert model.ready
    verdict = model.accuracy_on_engine
    assert verdict["checked"] is False and verdict["passes"] is None
    assert "WHETSTONE_RUN_TIMEOUT_S" in verdict["reason"]


def test_a_check_that_waits_past_its_time_for_its_turn_is_not_checked(tmp_path, monkeypatch):
    import threading

    from deploy.serving import accuracy_on_load

    monkeypatch.setenv(accuracy_on_load.MAX_SECONDS_ENV, "0.2")
    held, release = threading.Event(), threading.Event()

    def hold():
        with accuracy_on_load._ONE_AT_A_TIME:
            held.set()
            release.wait(10)

    package = int8_package(tmp_path, mlp(tmp_path / "mlp.onnx"))
    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    try:
        verdict = accuracy_on_load.check_package_on_this_engine(package, None)
    finally:
        release.set()
        holder.join()
    assert verdict["checked"] is False and "other models' checks held the engine" in verdict["reason"]


def test_a_package_with_no_original_staged_says_so_without_waiting_for_its_turn(tmp_path, monkeypatch):
    from deploy.serving import accuracy_on_load

    package = int8_package(tmp_path, mlp(tmp_path / "mlp.onnx"), with_reference=False)
    with accuracy_on_load._ONE_AT_A_TIME:  # another model's check holds the turn
        verdict = accuracy_on_load.check_package_on_this_engine(package, None)
    assert verdict["checked"] is False and verdict["reason"].startswith("no fp32 original was staged")
