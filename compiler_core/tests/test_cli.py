import json
import subprocess
import sys

import numpy as np
import onnxruntime as ort

from compiler_core.cli import main

from . import models


def test_optimize_then_run_gives_the_original_outputs(tmp_path, capsys):
    model = models.mlp(tmp_path / "m.onnx")
    assert main(["optimize", str(model), "--out", str(tmp_path / "pkg"), "--recipe", "lossless", "--quiet"]) == 0
    assert "package written to" in capsys.readouterr().out
    x = np.random.default_rng(0).standard_normal((3, 64)).astype(np.float32)
    np.savez(tmp_path / "in.npz", x=x)
    assert main(["run", str(tmp_path / "pkg"), "--inputs", str(tmp_path / "in.npz"), "--output", str(tmp_path / "out.npz")]) == 0
    expected = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    np.testing.assert_allclose(np.load(tmp_path / "out.npz")["logits"], expected, rtol=1e-5, atol=1e-6)


def test_inspect_json_and_human(tmp_path, capsys):
    model = models.mlp(tmp_path / "m.onnx")
    assert main(["inspect", str(model), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["dynamic_dims"] == ["batch"]
    assert main(["inspect", str(model)]) == 0
    assert "x: float32[batch, 64]" in capsys.readouterr().out


def test_bad_model_exits_non_zero_with_a_message(tmp_path):
    (tmp_path / "m.onnx").write_text("not a model")
    done = subprocess.run([sys.executable, "-m", "compiler_core", "optimize", str(tmp_path / "m.onnx"),
                           "--out", str(tmp_path / "pkg")], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "not an ONNX model" in done.stderr and "Traceback" not in done.stderr


def test_run_names_missing_inputs(tmp_path, capsys):
    model = models.mlp(tmp_path / "m.onnx")
    main(["optimize", str(model), "--out", str(tmp_path / "pkg"), "--recipe", "lossless", "--quiet"])
    np.savez(tmp_path / "in.npz", wrong=np.zeros((1, 64), np.float32))
    assert main(["run", str(tmp_path / "pkg"), "--inputs", str(tmp_path / "in.npz")]) != 0
    assert "lacks inputs ['x']" in capsys.readouterr().err


def test_optimize_refusals_name_the_flags_the_user_typed(tmp_path, capsys):
    """The CLI builds its request with caller "cli": messages say --shapes, --accuracy-budget."""
    model = models.mlp(tmp_path / "m.onnx")
    out = str(tmp_path / "pkg")
    assert main(["optimize", str(model), "--out", out, "--recipe", "lossless", "--shapes", "seq=4", "--quiet"]) == 2
    assert "--shapes names dims ['seq'] that the model does not have" in capsys.readouterr().err
    assert main(["optimize", str(model), "--out", out, "--accuracy-budget", "2", "--quiet"]) == 2
    assert "--accuracy-budget: Input should be less than or equal to 1" in capsys.readouterr().err
