"""A model that generated inputs cannot drive: the optimizer says it needs example inputs, and
optimizes it once it has them."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort
import pytest

from compiler_core import optimize
from compiler_core.cli import main
from compiler_core.errors import NeedsExampleInputs, OptimizationError
from compiler_core.runtime import load_package

from . import models


def test_generated_inputs_refused_ask_for_example_inputs(tmp_path):
    model = models.expand_with_shape_input(tmp_path / "m.onnx")
    with pytest.raises(NeedsExampleInputs) as caught:
        optimize(model, tmp_path / "pkg", recipe="lossless", time_budget_s=2, threads=1)
    message = str(caught.value)
    assert "fails on inputs generated from its signature" in message
    assert "needs example inputs" in message and "['x', 'shape']" in message
    # onnxruntime's own reason, without its status-code preamble
    assert "[ONNXRuntimeError]" not in message and caught.value.runtime_error
    assert isinstance(caught.value, OptimizationError)  # callers that catch OptimizationError still do
    assert not (tmp_path / "pkg" / "model.onnx").exists()


def test_with_example_inputs_it_optimizes_and_reports_their_source(tmp_path):
    model = models.expand_with_shape_input(tmp_path / "m.onnx")
    (tmp_path / "examples").mkdir()
    for seed in range(3):
        np.savez(tmp_path / "examples" / f"{seed:03d}.npz", **models.expand_example_inputs(seed))
    report = optimize(model, tmp_path / "pkg", recipe="lossless", time_budget_s=2, threads=1,
                      calibration_dir=tmp_path / "examples", calibration_label="example inputs of version 2")
    assert report["diagnosis"]["test_data_source"] == "example inputs of version 2 (3 batches)"
    feeds = models.expand_example_inputs(7)
    expected = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"]).run(None, feeds)[0]
    np.testing.assert_allclose(load_package(tmp_path / "pkg").run(feeds)["y"], expected, rtol=1e-5, atol=1e-6)


def test_example_inputs_the_model_rejects_are_blamed_not_asked_for(tmp_path):
    model = models.expand_with_shape_input(tmp_path / "m.onnx")
    (tmp_path / "examples").mkdir()
    np.savez(tmp_path / "examples" / "000.npz", x=np.zeros((3, 1), np.float32), shape=np.array([3, 5], np.int64))
    with pytest.raises(OptimizationError) as caught:
        optimize(model, tmp_path / "pkg", recipe="lossless", time_budget_s=2, threads=1,
                 calibration_dir=tmp_path / "examples")
    assert not isinstance(caught.value, NeedsExampleInputs)
    assert "fails on the example inputs given" in str(caught.value)


def test_cli_names_its_flag_and_takes_examples(tmp_path, capsys):
    model = models.expand_with_shape_input(tmp_path / "m.onnx")
    assert main(["optimize", str(model), "--out", str(tmp_path / "pkg"), "--recipe", "lossless", "--quiet",
                 "--time-budget", "2", "--threads", "1"]) == 2
    err = capsys.readouterr().err
    assert "needs example inputs" in err and "--examples DIR" in err and "Traceback" not in err
    (tmp_path / "examples").mkdir()
    np.savez(tmp_path / "examples" / "000.npz", **models.expand_example_inputs())
    assert main(["optimize", str(model), "--out", str(tmp_path / "pkg"), "--recipe", "lossless", "--quiet",
                 "--time-budget", "2", "--threads", "1", "--examples", str(tmp_path / "examples")]) == 0
    assert "package written to" in capsys.readouterr().out


def test_every_example_batch_is_judged_and_top1_gets_its_few_hundred_rows(tmp_path):
    """Sixteen one-row examples: all sixteen are judged (not the first eight), and generated rows
    bring the top-1 check to its few hundred: 8 of 8 agreeing rows once let a bf16 classifier
    ship that changed 1 held-out answer in 32."""
    model = models.mlp(tmp_path / "m.onnx")
    (tmp_path / "examples").mkdir()
    rng = np.random.default_rng(0)
    for index in range(16):
        np.savez(tmp_path / "examples" / f"{index:03d}.npz", x=rng.standard_normal((1, 64)).astype(np.float32))
    report = optimize(model, tmp_path / "pkg", recipe="lossless", time_budget_s=2, threads=1,
                      calibration_dir=tmp_path / "examples", calibration_label="example inputs of version 4")
    source = report["diagnosis"]["test_data_source"]
    assert source.startswith("example inputs of version 4 (16 batches)"), source
    rows = int(source.split("and ")[1].split(" generated rows")[0])
    assert 16 + rows >= 256, source
