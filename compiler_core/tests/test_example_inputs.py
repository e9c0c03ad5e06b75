"""A model that generated inputs cannot drive: the optimizer says it needs example inputs, and
optimizes it once it has them."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort
import pytest

from compiler_core import optimize
from compiler_core.cli import main
from compiler_core.calibration import example_inputs, halves
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
    source = report["diagnosis"]["test_data_source"]
    # lossless: nothing calibrates. The model refuses generated rows, and the report says what it has instead.
    assert source.startswith("example inputs of version 2 (3 batches); the model refuses generated rows, so the "
                             "top-1 check has these alone (9 of its 256 rows come from the examples: "), source
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
    """Thirty-two one-row examples: all of them are judged under a recipe with nothing to calibrate (not
    the first eight), and generated rows bring the top-1 check to its few hundred: 8 of 8 agreeing
    rows once let a bf16 classifier ship that changed 1 held-out answer in 32."""
    model = models.mlp(tmp_path / "m.onnx")
    (tmp_path / "examples").mkdir()
    rng = np.random.default_rng(0)
    for index in range(32):
        np.savez(tmp_path / "examples" / f"{index:03d}.npz", x=rng.standard_normal((1, 64)).astype(np.float32))
    report = optimize(model, tmp_path / "pkg", recipe="lossless", time_budget_s=2, threads=1,
                      calibration_dir=tmp_path / "examples", calibration_label="example inputs of version 4")
    source = report["diagnosis"]["test_data_source"]
    assert source.startswith("example inputs of version 4 (32 batches)"), source  # lossless: all are judged
    rows = int(source.split("and ")[1].split(" generated rows")[0])
    assert 32 + rows >= 256, source
    # 64 one-row batches at most are judged: more files would not do, bigger batches would.
    assert source.endswith("(32 of its 256 rows come from the examples: batches of more rows would, since the "
                           "check judges 64 batches of examples at most)"), source


SIGNATURE = {"inputs": [{"name": "x", "dtype": "float32", "shape": ["batch", 64]}], "outputs": []}


def _save(directory, name, array):
    directory.mkdir(exist_ok=True)
    np.savez(directory / f"{name}.npz", x=array.astype(np.float32))


def test_examples_split_between_the_check_and_calibration(tmp_path):
    """Disjoint halves that together hold every file, whatever the names' pattern: 000_cat, 000_dog,
    001_cat... split by name order put every cat on one side and every dog on the other."""
    rng = np.random.default_rng(0)
    for index in range(8):
        for animal, scale in (("cat", 1.0), ("dog", 5.0)):
            _save(tmp_path / "many", f"{index:03d}_{animal}", rng.standard_normal((1, 64)) * scale)
    split = example_inputs(tmp_path / "many", SIGNATURE, split=True)
    assert len(split.judged) == len(split.calibration) == 8 and not split.shared
    judged = {bool(np.abs(batch["x"]).mean() > 2.5) for batch in split.judged}
    calibration = {bool(np.abs(batch["x"]).mean() > 2.5) for batch in split.calibration}
    assert judged == calibration == {False, True}  # cats and dogs on both sides
    assert split.describe(8) == "8 batches judged; 8 others kept for INT8's calibration"
    assert np.array_equal(split.first["x"], np.load(tmp_path / "many" / "000_cat.npz")["x"])
    # Without a calibrating recipe nothing is held back.
    whole = example_inputs(tmp_path / "many", SIGNATURE, split=False)
    assert len(whole.judged) == 16 and whole.describe(16) == "16 batches"


def test_a_copy_of_an_example_is_not_both_judged_and_calibrated_on(tmp_path):
    """Following "give two or more" by copying the one file put the same bytes on both sides."""
    _save(tmp_path / "one", "a", np.ones((1, 64)))
    (tmp_path / "one" / "b.npz").write_bytes((tmp_path / "one" / "a.npz").read_bytes())
    copied = example_inputs(tmp_path / "one", SIGNATURE, split=True)
    assert copied.shared and len(copied.judged) == 1
    assert copied.describe(1) == ("1 batch, which also calibrates INT8: give two or more different files to judge "
                                  "INT8 on examples it was not calibrated on; 1 file not read (duplicates, or "
                                  "beyond 128)")


def test_example_files_the_model_cannot_take_are_refused_by_name(tmp_path):
    """Read up front, whichever half they would land in: a FIFO or a link to /dev/zero never ended the
    hash, and a bad file in the calibration half failed INT8 quietly while the report said it calibrated."""
    import os

    makers = {"fifo": lambda path: os.mkfifo(path), "zero": lambda path: path.symlink_to("/dev/zero"),
              "garbage": lambda path: path.write_bytes(b"not numpy"),
              "shape": lambda path: np.savez(path, x=np.zeros((1, 32), np.float32)),
              "missing": lambda path: np.savez(path, y=np.zeros((1, 64), np.float32))}
    said = {"fifo": "not a regular file", "zero": "not a regular file", "garbage": "not a numpy .npz",
            "shape": "is [1, 32], and the model takes", "missing": "lacks inputs"}
    for name, make in makers.items():
        directory = tmp_path / name
        _save(directory, "000", np.ones((1, 64)))
        make(directory / "001.npz")
        with pytest.raises(OptimizationError, match="001.npz") as caught:
            example_inputs(directory, SIGNATURE, split=True)
        assert said[name] in str(caught.value), name
    # Through the optimizer: refused before anything is measured, with the file's name.
    model = models.mlp(tmp_path / "m.onnx")
    with pytest.raises(OptimizationError, match="001.npz: input x is"):
        optimize(model, tmp_path / "pkg", recipe="int8", threads=1, calibration_dir=tmp_path / "shape")


def _examples(directory, calibration_scale: float, seed: int = 0):
    """Sixteen batches for models.mlp: the judged half at the user's real range, the calibration half
    (calibration.halves, by name) scaled by calibration_scale."""
    directory.mkdir()
    rng = np.random.default_rng(seed)
    names = [f"{index:03d}.npz" for index in range(16)]
    _, calibrating = halves(names)
    for name in names:
        scale = calibration_scale if name in calibrating else 1.0
        np.savez(directory / name, x=(rng.standard_normal((8, 64)) * scale).astype(np.float32))
    return directory


def _static_int8(report):
    static = [c for c in report["candidates"] if c["name"] == "int8_static"]
    assert static, [c["name"] for c in report["candidates"]]
    return static[0]


def test_int8_is_judged_on_examples_it_was_not_calibrated_on(tmp_path):
    """Judged on its own calibration data, an INT8 graph passes where its ranges were fitted. Here the
    calibration half holds inputs at 1/50 of the range the judged half has: static INT8 clips them and
    is refused (the logits judged by cosine, which INT8 calibrated on the real range keeps). Calibrated
    and judged on all sixteen, it passed."""
    model = models.mlp(tmp_path / "m.onnx")
    report = optimize(model, tmp_path / "pkg", recipe="int8", threads=1, output_kinds="logits=embedding",
                      calibration_dir=_examples(tmp_path / "examples", 0.02),
                      calibration_label="example inputs of version 5")
    assert report["diagnosis"]["test_data_source"].startswith(
        "example inputs of version 5 (8 batches judged; 8 others kept for INT8's calibration"), report["diagnosis"]
    static = _static_int8(report)
    assert static["status"] == "rejected" and "cosine" in static["why_lost"], static


def test_new_example_inputs_are_not_judged_by_the_old_verdicts(tmp_path):
    """The tuning cache keyed verdicts on the model and options alone: a user who attached better
    examples after a refusal had the refusal replayed from the cache."""
    model = models.mlp(tmp_path / "m.onnx")
    first = optimize(model, tmp_path / "pkg1", recipe="int8", threads=1, output_kinds="logits=embedding",
                     calibration_dir=_examples(tmp_path / "narrow", 0.02))
    assert _static_int8(first)["status"] == "rejected"
    second = optimize(model, tmp_path / "pkg2", recipe="int8", threads=1, output_kinds="logits=embedding",
                      calibration_dir=_examples(tmp_path / "real", 1.0))
    assert not second["timing"]["cache_hit"] and not _static_int8(second).get("from_cache")
    assert "accuracy" not in (_static_int8(second).get("why_lost") or ""), _static_int8(second)
    again = optimize(model, tmp_path / "pkg3", recipe="int8", threads=1, output_kinds="logits=embedding",
                     calibration_dir=tmp_path / "real")
    assert again["timing"]["cache_hit"]  # the same examples again: the cache still serves


def _rows_far_from_the_boundary(directory, direction, files: int, seed: int = 1):
    """`files` batches of eight rows, each far along `direction` on one side or the other of the
    boundary classifier's boundary, as a trained model's real data is."""
    directory.mkdir()
    rng = np.random.default_rng(seed)
    for index in range(files):
        side = np.where(rng.random((8, 1)) < 0.5, -1.0, 1.0)
        rows = rng.standard_normal((8, direction.size)) + side * 6.0 * direction
        np.savez(directory / f"{index:03d}.npz", x=rows.astype(np.float32))
    return directory


def test_examples_with_enough_rows_are_judged_alone_and_the_report_says_how_many_that_takes(tmp_path):
    """Random rows judge data the model never sees: on them a classifier can sit near its boundary
    where its real data never does (the bench's 0/180 text-line classifier lost bf16 to them). The
    examples judge alone once they hold the check's 256 rows, and until then the report says how
    many more files like them that takes."""
    model, direction = models.boundary_classifier(tmp_path / "m.onnx")
    few = optimize(model, tmp_path / "few", recipe="int8", threads=1,
                   calibration_dir=_rows_far_from_the_boundary(tmp_path / "sixteen", direction, 16))
    source = few["diagnosis"]["test_data_source"]
    assert source.endswith("and 192 generated rows for the top-1 check (64 of its 256 rows come from the "
                           "examples: 48 more example files like these would judge it on them alone)"), source
    refused = next(c for c in few["candidates"] if c["name"] == "int8_dynamic")
    assert refused["status"] == "rejected" and "top1 agreement" in refused["why_lost"], refused
    # 48 more files, as the report said: 32 judged batches of 8 rows, and no generated rows.
    enough = optimize(model, tmp_path / "enough", recipe="int8", threads=1,
                      calibration_dir=_rows_far_from_the_boundary(tmp_path / "sixty-four", direction, 64))
    assert "generated" not in enough["diagnosis"]["test_data_source"], enough["diagnosis"]
    passed = next(c for c in enough["candidates"] if c["name"] == "int8_dynamic")["accuracy"]
    assert passed["passes"] and passed["per_output"]["logits"]["decisions"] >= 256, passed


def test_the_advice_on_examples_is_what_would_judge_the_top1_check_on_them_alone():
    from compiler_core.pipeline.baseline import examples_alone

    # Every judged file ran and more would: files like these, every other one judged where INT8 calibrates.
    assert examples_alone(64, 8, 8, True, 64).endswith(": 48 more example files like these would judge it on them alone")
    assert examples_alone(64, 8, 8, False, 64).endswith(": 24 more example files like these would judge it on them alone")
    # The check runs 64 batches at most, or 8 however slow the model: bigger batches would do.
    assert examples_alone(32, 32, 32, False, 64).endswith("batches of more rows would, since the check judges 64 "
                                                          "batches of examples at most")
    assert examples_alone(8, 8, 20, True, 8).endswith("since the check judges 8 batches of examples however slow "
                                                      "the model")
    # Time bounds it (20 batches in about 2 s): a bigger batch runs longer, so nothing is promised.
    assert examples_alone(40, 20, 30, True, 20).endswith(": the check judges the example batches one pass of "
                                                         "about 2 s runs (20 at this model's speed)")
