"""Child-process half of the PyTorch front end: load, export, exit. Never imported by the parent."""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path


def _load(path: Path):
    import torch

    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            is_script = any(name.endswith("constants.pkl") or "/code/" in name for name in archive.namelist())
        if is_script:
            return torch.jit.load(str(path), map_location="cpu"), "torchscript"
    module = torch.load(str(path), map_location="cpu", weights_only=False)  # safe only because we are sandboxed
    if isinstance(module, dict):
        raise SystemExit("the file holds a state_dict (weights only); export needs the model: save it with "
                         "torch.jit.script/trace(model).save(path) or torch.save(model)")
    if not isinstance(module, torch.nn.Module):
        raise SystemExit(f"the file holds a {type(module).__name__}, not a torch.nn.Module")
    return module, "pytorch-pickle"


def main(request_path: str) -> None:
    import torch

    request = json.loads(Path(request_path).read_text())
    module, source_format = _load(Path(request["model"]))
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
