"""PyTorch files are loaded only in the sandboxed child and come out as packages."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")  # the optional [torch] extra

from compiler_core import InvalidModelError, optimize  # noqa: E402
from compiler_core.runtime import load_package  # noqa: E402


def _module():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(16, 32), torch.nn.ReLU(), torch.nn.Linear(32, 4)).eval()


def test_torchscript_file_becomes_a_package_with_a_dynamic_batch(tmp_path):
    module = _module()
    torch.jit.trace(module, torch.randn(1, 16)).save(str(tmp_path / "model.pt"))
    report = optimize(tmp_path / "model.pt", tmp_path / "pkg", recipe="lossless", shapes="x:1x16")
    assert report["model"]["source_format"] == "torchscript"
    runner = load_package(tmp_path / "pkg")
    assert runner.signature["inputs"][0]["shape"] == ["batch", 16]
    x = np.random.default_rng(0).standard_normal((3, 16)).astype(np.float32)
    got = list(runner.run({"x": x}).values())[0]
    with torch.no_grad():
        np.testing.assert_allclose(got, module(torch.from_numpy(x)).numpy(), rtol=1e-4, atol=1e-5)


def test_state_dict_is_refused_with_advice(tmp_path):
    torch.save(_module().state_dict(), str(tmp_path / "weights.pt"))
    with pytest.raises(InvalidModelError, match="state_dict"):
        optimize(tmp_path / "weights.pt", tmp_path / "pkg", recipe="lossless", shapes="x:1x16")


def test_pytorch_input_needs_input_shapes(tmp_path):
    torch.jit.trace(_module(), torch.randn(1, 16)).save(str(tmp_path / "model.pt"))
    with pytest.raises(InvalidModelError, match="input shapes"):
        optimize(tmp_path / "model.pt", tmp_path / "pkg", recipe="lossless")


def test_a_malicious_pickle_cannot_touch_the_parent(tmp_path):
    import pickle

    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            import os
            return (os.system, (f"echo $AWS_SECRET_ACCESS_KEY > {marker}",))

    (tmp_path / "evil.pt").write_bytes(pickle.dumps(Exploit()))
    import os
    os.environ["AWS_SECRET_ACCESS_KEY"] = "parent-secret"
    try:
        with pytest.raises(InvalidModelError):
            optimize(tmp_path / "evil.pt", tmp_path / "pkg", recipe="lossless", shapes="x:1x16")
    finally:
        del os.environ["AWS_SECRET_ACCESS_KEY"]
    # The pickle ran only in the child, which never saw the parent's credentials.
    assert not marker.exists() or "parent-secret" not in marker.read_text()


def test_live_module_is_exported_in_process(tmp_path):
    module = _module()
    report = optimize(module, tmp_path / "pkg", recipe="lossless", shapes="x:2x16", time_budget_s=5)
    assert report["model"]["source_format"] == "pytorch-module"
    x = np.random.default_rng(1).standard_normal((5, 16)).astype(np.float32)
    got = list(load_package(tmp_path / "pkg").run({"x": x}).values())[0]
    with torch.no_grad():
        np.testing.assert_allclose(got, module(torch.from_numpy(x)).numpy(), rtol=1e-4, atol=1e-5)
