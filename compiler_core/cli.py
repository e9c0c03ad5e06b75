"""python -m compiler_core {optimize, inspect, run}; also the `whetstone-optimize` script."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from .contracts.request import CLI_FLAGS, OptimizationRequest, choices, default, request_from
from .errors import CompilerCoreError, NeedsExampleInputs


def _progress(stage: str, percent: int, message: str) -> None:
    print(f"[{percent:3d}%] {stage:<10} {message}", file=sys.stderr, flush=True)


def _cmd_optimize(args) -> int:
    from .pipeline import optimize

    # The flags are the request contract's fields; messages name them as flags (caller "cli").
    request = request_from(caller="cli", **{name: getattr(args, name) for name in CLI_FLAGS})
    report = optimize(args.model, args.out, request=request, progress=None if args.quiet else _progress)
    overall = report["overall"]
    print(f"package written to {args.out}")
    print(f"chosen: {overall['chosen']} ({overall['engine']}, {overall['precision']})")
    print(f"latency at {overall['shape']}: {overall['baseline_ms']} ms -> {overall['optimized_ms']} ms; "
          f"speed-up {overall['speedup']}x")
    shape_set = overall.get("shape_set") or []
    if len(shape_set) > 1:
        print(f"shape set ({', '.join(shape_set)}): speed-up {overall['shape_set_speedup']}x (geometric mean)")
    accuracy = report["accuracy"]
    print(f"accuracy: cosine {accuracy['cosine']} (budget {accuracy['budget']}), max abs diff "
          f"{accuracy['max_abs_diff']}, top-1 agreement {accuracy['top1_agreement']}")
    print(report["diagnosis"]["message"])
    return 0


def _print_inspection(info: dict) -> None:
    print(f"format      {info['format']} (opset {info['opset']}, IR {info['ir_version']}, producer {info['producer'] or '-'})")
    print(f"size        {info['size_bytes']:,} bytes, {info['parameters']:,} parameters")
    print(f"workload    {info['workload']}")
    for kind in ("inputs", "outputs"):
        for spec in info["signature"][kind]:
            dims = ", ".join("?" if d is None else str(d) for d in spec["shape"])
            print(f"{kind[:-1]:<11} {spec['name']}: {spec['dtype']}[{dims}]")
    print(f"dynamic     {', '.join(info['dynamic_dims']) or 'none'}")
    counts = info["node_counts"]
    print("nodes       " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print("top ops     " + ", ".join(f"{k} {v}" for k, v in list(info["op_types"].items())[:10]))
    hw = info["hardware"]
    flags = [k for k, v in hw["isa"].items() if v]
    print(f"hardware    {hw['cpu_model']}, {hw['usable_cpus']} usable CPUs, {' '.join(flags)}")
    for rec in info["recommendations"]:
        print(f"  {rec['recipe']:<9} {'helps' if rec['helps'] else 'unlikely'}: {rec['why']}")


def _cmd_inspect(args) -> int:
    from .inspection import inspect_model

    info = inspect_model(args.model, caller="cli")
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        _print_inspection(info)
    return 0


def _cmd_run(args) -> int:
    import numpy as np

    from .runtime import load_package

    runner = load_package(args.package)
    try:
        with np.load(args.inputs, allow_pickle=False) as data:
            inputs = {name: data[name] for name in data.files}
    except (OSError, ValueError) as exc:
        raise CompilerCoreError(f"cannot read inputs {args.inputs}: {exc} (expected an .npz of named arrays)")
    expected = [spec["name"] for spec in runner.signature.get("inputs", [])]
    missing = [name for name in expected if name not in inputs]
    if missing:
        raise CompilerCoreError(f"{args.inputs} lacks inputs {missing}; the package expects {expected}")
    outputs = runner.run({name: inputs[name] for name in expected})
    for name, value in outputs.items():
        flat = np.asarray(value).ravel()
        preview = np.array2string(flat[:8], precision=5, separator=", ")
        print(f"{name}: {np.asarray(value).dtype}{list(np.shape(value))} {preview}{' ...' if flat.size > 8 else ''}")
    if args.output:
        np.savez(args.output, **outputs)
        print(f"outputs written to {args.output}")
    return 0


def _request_argument(parser: argparse.ArgumentParser, name: str, *aliases: str, **kwargs) -> None:
    """One flag of `optimize`, from the request contract's field: its flag, default and help."""
    field = OptimizationRequest.model_fields[name]
    value = default(name)
    help_text = (field.description or "").replace("%", "%%")
    if value is not None:
        help_text += f" (default {value})"
    parser.add_argument(CLI_FLAGS[name], *aliases, dest=name, default=value, help=help_text, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m compiler_core", description="Whetstone compiler core")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every step")
    sub = parser.add_subparsers(dest="command", required=True)

    opt = sub.add_parser("optimize", help="optimize a model and write a package")
    opt.add_argument("model", help="an .onnx file (external data beside it), a torch.export .pt2, or a TorchScript .pt")
    opt.add_argument("--out", required=True, help="package directory to write")
    _request_argument(opt, "recipe", choices=choices("recipe"))
    _request_argument(opt, "accuracy_budget", type=float, metavar="COSINE")
    _request_argument(opt, "shapes", metavar="SPEC")
    # --examples: the same directory, by the name the platform gives it (example inputs per model version).
    _request_argument(opt, "calibration", "--examples", metavar="DIR")
    _request_argument(opt, "output_kinds", metavar="SPEC")
    _request_argument(opt, "time_budget_s", type=float, metavar="SECONDS")
    _request_argument(opt, "threads", type=int, metavar="N")
    opt.add_argument("--quiet", action="store_true", help="no progress lines")
    opt.set_defaults(handler=_cmd_optimize)

    ins = sub.add_parser("inspect", help="describe a model")
    ins.add_argument("model")
    ins.add_argument("--json", action="store_true", help="machine-readable output")
    ins.set_defaults(handler=_cmd_inspect)

    run = sub.add_parser("run", help="run a package exactly as serving does")
    run.add_argument("package", help="package directory")
    run.add_argument("--inputs", required=True, help=".npz file of named inputs")
    run.add_argument("--output", help="write outputs to this .npz")
    run.set_defaults(handler=_cmd_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    try:
        return args.handler(args)
    except CompilerCoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if isinstance(exc, NeedsExampleInputs):
            print("Give them with --examples DIR (the same as --calibration DIR): a directory of such .npz files.",
                  file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
