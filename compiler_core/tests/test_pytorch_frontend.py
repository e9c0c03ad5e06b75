"""PyTorch files are read as data first; only exported programs and TorchScript reach the child."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")  # the optional [torch] extra

from compiler_core import InvalidModelError, UnsafeModelError, optimize  # noqa: E402
from compiler_core.frontends.loader import load_model_any  # noqa: E402
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


class _RunsAShellCommand:
    """What an attacker uploads: unpickling it calls os.system."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        import os
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("save", ["torch.save", "pickle.dump"])
@pytest.mark.parametrize("name", ["evil.pt", "evil.pth", "evil.onnx"])
def test_a_malicious_pickle_is_refused_and_never_runs(tmp_path, save, name):
    import pickle

    marker = tmp_path / "pwned"
    if save == "torch.save":
        torch.save(_RunsAShellCommand(marker), str(tmp_path / name))
    else:
        (tmp_path / name).write_bytes(pickle.dumps(_RunsAShellCommand(marker), protocol=4))
    with pytest.raises(UnsafeModelError) as refused:
        optimize(tmp_path / name, tmp_path / "pkg", recipe="lossless", shapes="x:1x16")
    assert "pickle" in str(refused.value) and "posix.system" in str(refused.value)
    assert 'torch.export.save(torch.export.export(model, example_inputs), "model.pt2")' in str(refused.value)
    with pytest.raises(UnsafeModelError):
        load_model_any(tmp_path / name, tmp_path / "work", "x:1x16")
    assert not marker.exists()


def test_a_whole_module_pickle_is_refused_by_default(tmp_path):
    torch.save(_module(), str(tmp_path / "module.pt"))
    with pytest.raises(UnsafeModelError, match="full Python pickle"):
        optimize(tmp_path / "module.pt", tmp_path / "pkg", recipe="lossless", shapes="x:1x16")


def test_an_operator_can_allow_pickles(tmp_path, monkeypatch):
    monkeypatch.setenv("WHETSTONE_ALLOW_PICKLE_MODELS", "1")
    module = _module()
    torch.save(module, str(tmp_path / "module.pt"))
    report = optimize(tmp_path / "module.pt", tmp_path / "pkg", recipe="lossless", shapes="x:1x16",
                      time_budget_s=5)
    assert report["model"]["source_format"] == "pytorch-pickle"


class _Net(torch.nn.Module):
    """forward(x): the input keeps the name the user gave it."""

    def __init__(self):
        super().__init__()
        self.body = _module()

    def forward(self, x):
        return self.body(x)


def _exported(tmp_path, module=None):
    module = module or _Net().eval()
    batch = torch.export.Dim("batch", min=1, max=1024)
    program = torch.export.export(module, (torch.randn(2, 16),), dynamic_shapes={"x": {0: batch}})
    torch.export.save(program, str(tmp_path / "model.pt2"))
    return module, tmp_path / "model.pt2"


def test_an_exported_program_becomes_a_package_without_naming_shapes(tmp_path):
    module, path = _exported(tmp_path)
    report = optimize(path, tmp_path / "pkg", recipe="lossless", time_budget_s=5)
    assert report["model"]["source_format"] == "pytorch-export"
    runner = load_package(tmp_path / "pkg")
    assert runner.signature["inputs"][0]["name"] == "x"
    assert runner.signature["inputs"][0]["shape"] == ["batch", 16]
    # What the ModelHub shows at upload, read from the archive as data, is what the package takes.
    from compiler_core.frontends.torch_files import pt2_signature
    assert pt2_signature(path)["inputs"] == runner.signature["inputs"]
    x = np.random.default_rng(0).standard_normal((5, 16)).astype(np.float32)
    got = list(runner.run({"x": x}).values())[0]
    with torch.no_grad():
        np.testing.assert_allclose(got, module(torch.from_numpy(x)).numpy(), rtol=1e-4, atol=1e-5)


def _rewrite_member(path, member_suffix, change):
    import zipfile

    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for info, data in members:
            target.writestr(info, change(data) if info.filename.endswith(member_suffix) else data)


def test_an_exported_program_whose_shape_expression_is_python_is_refused(tmp_path):
    import json

    marker = tmp_path / "pwned"
    _, path = _exported(tmp_path)

    def inject(data):
        graph = json.loads(data)
        sizes = graph["graph_module"]["graph"]["tensor_values"]["x"]["sizes"][0]
        sizes["as_expr"]["expr_str"] = f"__import__('os').system('touch {marker}')"
        return json.dumps(graph).encode()

    _rewrite_member(path, "models/model.json", inject)
    with pytest.raises(UnsafeModelError, match="not arithmetic"):
        optimize(path, tmp_path / "pkg", recipe="lossless")
    assert not marker.exists()


def test_an_exported_program_with_a_pickled_weight_is_refused(tmp_path):
    import json

    _, path = _exported(tmp_path)

    def pickled(data):
        config = json.loads(data)
        next(iter(config["config"].values()))["use_pickle"] = True
        return json.dumps(config).encode()

    _rewrite_member(path, "model_weights_config.json", pickled)
    with pytest.raises(UnsafeModelError, match="pickled object"):
        optimize(path, tmp_path / "pkg", recipe="lossless")


def test_an_exported_program_whose_sample_inputs_run_code_is_refused(tmp_path):
    import io

    marker = tmp_path / "pwned"
    _, path = _exported(tmp_path)

    def evil_sample(_data):
        buffer = io.BytesIO()
        torch.save(_RunsAShellCommand(marker), buffer)  # torch.export.load retries it with weights_only=False
        return buffer.getvalue()

    _rewrite_member(path, "sample_inputs/model.pt", evil_sample)
    with pytest.raises(UnsafeModelError, match="posix.system"):
        optimize(path, tmp_path / "pkg", recipe="lossless")
    assert not marker.exists()


def test_an_exported_program_carrying_native_code_is_refused(tmp_path):
    import zipfile

    _, path = _exported(tmp_path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("model/data/aotinductor/model/model.so", b"\x7fELF")
    with pytest.raises(UnsafeModelError, match="native code"):
        optimize(path, tmp_path / "pkg", recipe="lossless")


def test_an_exported_program_under_another_name_is_still_read_as_one(tmp_path):
    module, path = _exported(tmp_path)
    renamed = path.rename(tmp_path / "model.pt")
    report = optimize(renamed, tmp_path / "pkg", recipe="lossless", time_budget_s=5)
    assert report["model"]["source_format"] == "pytorch-export"


def test_the_pickle_allowlist_is_never_looser_than_torchs():
    from torch._weights_only_unpickler import _get_allowed_globals

    from compiler_core.frontends.torch_files import _ALLOWED_GLOBALS

    assert _ALLOWED_GLOBALS <= set(_get_allowed_globals())


def test_live_module_is_exported_in_process(tmp_path):
    module = _module()
    report = optimize(module, tmp_path / "pkg", recipe="lossless", shapes="x:2x16", time_budget_s=5)
    assert report["model"]["source_format"] == "pytorch-module"
    x = np.random.default_rng(1).standard_normal((5, 16)).astype(np.float32)
    got = list(load_package(tmp_path / "pkg").run({"x": x}).values())[0]
    with torch.no_grad():
        np.testing.assert_allclose(got, module(torch.from_numpy(x)).numpy(), rtol=1e-4, atol=1e-5)
