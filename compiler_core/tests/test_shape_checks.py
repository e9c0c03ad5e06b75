"""check_shapes: the platform's door. It must accept exactly what the optimizer accepts, and say
why in the words of whoever typed the spec (`shapes` in the API, `--shapes` on the command line)."""

import pytest

from compiler_core.errors import OptimizationError
from compiler_core.shapes import MAX_SHAPES, check_shapes, input_batch_bytes, parse_shapes

BERT_LIKE = {"inputs": [{"name": "input_ids", "dtype": "int64", "shape": ["batch", "seq"]},
                        {"name": "attention_mask", "dtype": "int64", "shape": ["batch", "seq"]}]}
STATIC = {"inputs": [{"name": "x", "dtype": "float32", "shape": [1, 16]}]}

ACCEPTED = ["batch=1,4;seq=64", "batch=8", '[{"batch": 2, "seq": 8}]', '{"seq": [16, 32]}', " batch = 2 ; ", ""]
REFUSED = {
    "banana": "should look like dim=1,4,16",
    "batch=0": "at least 1",
    "batch=-3": "at least 1",
    "width=3": "does not have; this model's dynamic dims are batch, seq",
    "batch=": "names no values",
    "batch=x": "must be integers",
    '[{"batch": true}]': "whole number",
    '[{"batch": 1.5}]': "whole number",
    "[1, 2]": "{dim: value} objects",
    "[{": "not valid JSON",
    "[" * 3999: "not valid JSON",
    '{"batch": []}': "names no values",
    "input_ids:1x128": "should look like dim=1,4,16",
    "batch=" + ",".join(str(n) for n in range(1, MAX_SHAPES + 2)): f"at most {MAX_SHAPES}",
}


@pytest.mark.parametrize("spec", ACCEPTED)
def test_specs_the_door_accepts_the_optimizer_accepts(spec):
    assert check_shapes(spec, BERT_LIKE, field="shapes") == []
    assert parse_shapes(spec or None, BERT_LIKE)  # what the pipeline runs


@pytest.mark.parametrize("spec, reason", REFUSED.items(), ids=[spec[:24] for spec in REFUSED])
def test_specs_the_door_refuses_the_optimizer_refuses_too(spec, reason):
    problems = check_shapes(spec, BERT_LIKE, field="shapes")
    assert len(problems) == 1 and reason in problems[0], problems
    assert problems[0].startswith("shapes") and "--shapes" not in problems[0]
    with pytest.raises(OptimizationError, match="--shapes"):  # the CLI's wording is the default
        parse_shapes(spec, BERT_LIKE)


def test_a_static_model_takes_no_shapes_and_says_so():
    assert check_shapes("", STATIC, field="shapes") == []
    problems = check_shapes("batch=4", STATIC, field="shapes")
    assert "fixed sizes" in problems[0]


def test_an_input_larger_than_the_limit_is_refused_naming_its_size_and_the_limit():
    wide = {"inputs": [{"name": "input", "dtype": "float32", "shape": ["batch", 12288]}]}
    assert input_batch_bytes({"batch": 100000}, wide) == 100000 * 12288 * 4
    problems = check_shapes("batch=1,100000", wide, field="shapes", max_input_bytes=1 << 30)
    assert problems and "batch=100000" in problems[0]
    assert "4915200000 bytes" in problems[0] and "1073741824 bytes" in problems[0]
    assert check_shapes("batch=1,16", wide, field="shapes", max_input_bytes=1 << 30) == []
    # The derived shape set counts too: a model whose default batches are already too big.
    assert check_shapes(None, wide, field="shapes", max_input_bytes=16 * 12288 * 4 - 1)


def test_an_unknown_signature_leaves_the_decision_to_the_worker():
    assert check_shapes("batch=4", {}, field="shapes", max_input_bytes=1) == []


@pytest.mark.parametrize("spec, reason", [
    ("", "required for a torchscript model"),
    ("batch=1,4", "needs its input shapes"),
    ("x:1x0", "at least 1"),
    ("x:1xfoo", "integers joined by 'x'"),
    ("x:1x16:bool", "dtype 'bool'"),
    ("x:1x16:float32:extra", "name:1x3x224x224[:dtype]"),
])
def test_torchscript_specs_name_the_inputs(spec, reason):
    problems = check_shapes(spec, {"inputs": [], "outputs": []}, model_format="torchscript", field="shapes")
    assert len(problems) == 1 and reason in problems[0], problems


def test_torchscript_inputs_are_sized_at_the_batches_the_optimizer_measures():
    # The export makes axis 0 dynamic and the optimizer measures batches up to 16 at the spec's other dims.
    assert check_shapes("x:1x1024", {}, model_format="torchscript", field="shapes", max_input_bytes=16 * 1024 * 4) == []
    assert check_shapes("x:1x1024", {}, model_format="torchscript", field="shapes",
                        max_input_bytes=16 * 1024 * 4 - 1)
    assert check_shapes("x:1x16;mask:1x16:int64", {}, model_format="torchscript", field="shapes") == []


# --- against the real front ends --------------------------------------------------------------------

def test_torchscript_specs_accepted_at_the_door_are_what_the_front_end_exports(tmp_path):
    torch = pytest.importorskip("torch")
    from compiler_core.frontends.loader import load_model_any
    from compiler_core.signature import signature_of

    torch.jit.trace(torch.nn.Linear(16, 4).eval(), torch.randn(1, 16)).save(str(tmp_path / "model.pt"))
    assert check_shapes("x:1x16", {}, model_format="torchscript", field="shapes") == []
    loaded = load_model_any(tmp_path / "model.pt", tmp_path / "work", "x:1x16")
    assert signature_of(loaded.model)["inputs"][0]["shape"] == ["batch", 16]


def test_pt2_specs_are_checked_against_the_stored_signature_as_the_worker_checks_the_export(tmp_path):
    torch = pytest.importorskip("torch")
    from compiler_core.frontends.loader import load_model_any
    from compiler_core.frontends.torch_files import pt2_signature
    from compiler_core.signature import signature_of

    batch = torch.export.Dim("batch", min=1, max=1024)
    program = torch.export.export(torch.nn.Linear(16, 4).eval(), (torch.randn(2, 16),),
                                  dynamic_shapes={"input": {0: batch}})
    torch.export.save(program, str(tmp_path / "model.pt2"))
    stored = pt2_signature(tmp_path / "model.pt2")  # what the ModelHub keeps at upload
    loaded = load_model_any(tmp_path / "model.pt2", tmp_path / "work", None)
    exported = signature_of(loaded.model)  # what the worker's parse_shapes sees
    for spec in ["batch=1,8", '[{"batch": 3}]', ""]:
        assert check_shapes(spec, stored, model_format="pytorch-export", field="shapes") == []
        assert parse_shapes(spec or None, exported)
    for spec in ["input:1x16", "seq=4", "batch=0"]:
        assert check_shapes(spec, stored, model_format="pytorch-export", field="shapes")
        with pytest.raises(OptimizationError):
            parse_shapes(spec, exported)
