"""Child-process half of the PyTorch front end: load, export, exit. Never imported by the parent.

The parent has already read the file as data (`torch_files`) and named its kind; the child
checks again before loading, because it is the one that would run the code.
"""

from __future__ import annotations

import json
import re
import sys
import zipfile
from pathlib import Path


def _refuse_pickle(*_args, **_kwargs):
    raise RuntimeError("refused: the archive asked to unpickle an object, which could run code")


def _weights_only_torch_load(torch) -> None:
    """torch.export.load unpickles some payloads with weights_only=False (and retries sample inputs
    that way when weights-only loading fails). In this process every torch.load is weights-only
    and plain pickle.loads is gone from the archive reader, whatever the file asks for."""
    from torch.export.pt2_archive import _package

    original = torch.load

    def weights_only_load(f, *args, **kwargs):
        kwargs["weights_only"] = True
        return original(f, *args, **kwargs)

    torch.load = weights_only_load
    _package.pickle = type("NoPickle", (), {"loads": staticmethod(_refuse_pickle)})
    torch._C._pickle_load_obj = _refuse_pickle


def _load_exported_program(path: Path):
    import torch

    from compiler_core.frontends.torch_files import check_pt2_archive

    check_pt2_archive(path)
    _weights_only_torch_load(torch)
    program = torch.export.load(str(path))
    # Guards are Python source that ExportedProgram.module() compiles and runs; ONNX export does
    # not need them, and a file must not choose code for us to run.
    program._guards_code = []
    return program


def _load_module(path: Path, allow_pickle: bool):
    import torch

    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            is_script = any(name.endswith("constants.pkl") or "/code/" in name for name in archive.namelist())
        if is_script:
            return torch.jit.load(str(path), map_location="cpu"), "torchscript"
    if not allow_pickle:
        raise SystemExit("refused: the file is a full pickle and pickle loading is not enabled")
    # The operator enabled WHETSTONE_ALLOW_PICKLE_MODELS: this runs the file's code, in this child only.
    module = torch.load(str(path), map_location="cpu", weights_only=False)
    if not isinstance(module, torch.nn.Module):
        raise SystemExit(f"the file holds a {type(module).__name__}, not a torch.nn.Module")
    return module, "pytorch-pickle"


def _readable_dim_names(model) -> None:
    """torch names dynamic dims after its symbols (s77); name them after where they first appear,
    so that --shapes "batch=1,8" and the signature read like the model."""
    mapping: dict[str, str] = {}
    for graph_input in model.graph.input:
        for axis, dim in enumerate(graph_input.type.tensor_type.shape.dim):
            if dim.dim_param and re.fullmatch(r"[a-z]+[0-9]+", dim.dim_param) and dim.dim_param not in mapping:
                wanted = "batch" if axis == 0 and "batch" not in mapping.values() else f"{graph_input.name}_dim{axis}"
                mapping[dim.dim_param] = wanted
    if not mapping:
        return
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, mapping)) + r")\b")
    for value in [*model.graph.input, *model.graph.output, *model.graph.value_info]:
        for dim in value.type.tensor_type.shape.dim:
            if dim.dim_param:
                dim.dim_param = pattern.sub(lambda m: mapping[m.group(1)], dim.dim_param)


def _export_program(path: Path, out: str) -> None:
    import onnx
    import torch

    program = _load_exported_program(path)
    # The dynamo exporter takes an ExportedProgram as it is: input names, dtypes and dynamic dims
    # come from the program, so the user names no shapes.
    onnx_program = torch.onnx.export(program, (), dynamo=True, optimize=True, verbose=False)
    onnx_program.save(out)
    model = onnx.load(out, load_external_data=False)
    _readable_dim_names(model)
    onnx.save(model, out)


def main(request_path: str) -> None:
    request = json.loads(Path(request_path).read_text())
    model_path = Path(request["model"])
    if request.get("kind") == "pt2":
        _export_program(model_path, request["out"])
        source_format = "pytorch-export"
    else:
        import torch

        module, source_format = _load_module(model_path, bool(request.get("allow_pickle")))
        module.eval()
        example = tuple(
            torch.zeros(spec["shape"], dtype=getattr(torch, spec["dtype"])) if "int" in spec["dtype"]
            else torch.randn(spec["shape"], dtype=getattr(torch, spec["dtype"]))
            for spec in request["inputs"])
        names = [spec["name"] for spec in request["inputs"]]
        with torch.no_grad():
            torch.onnx.export(module, example, request["out"], input_names=names, opset_version=17, dynamo=False,
                              dynamic_axes={name: {0: "batch"} for name in names})
    (Path(request_path).parent / "result.json").write_text(json.dumps({"format": source_format}))


if __name__ == "__main__":
    main(sys.argv[1])
