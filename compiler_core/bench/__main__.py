"""python -m compiler_core.bench --out bench-results

For every model of the suite: export it, run `auto`, build each by-hand peer, then
time plain onnxruntime, the package and the peers in ONE interleaved run (so drift on
a shared machine hits all of them alike) and check every output against plain
onnxruntime's fp32 outputs on the same inputs. Writes results.json and results.md
with the machine they ran on.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import math
import os
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import onnx

from ..accuracy import DEFAULT_COSINE_BUDGET, compare_outputs
from ..calibration import generated_batches
from ..hardware import describe_hardware, software_context
from ..measure import Comparison, MeasurePlan, interleaved_blocks, single_latency_ms
from ..pipeline import ACCURACY_BATCH_SIZE, ACCURACY_BATCHES, DECIDING_ROUNDS, optimize, top1_batches
from ..runtime import load_package
from ..shapes import dim_roles
from ..signature import dims_of, signature_of
from .models import example_feeds, export, suite
from .peers import PEERS, applies, plain_onnxruntime

log = logging.getLogger("compiler_core.bench")
# Runners of every row that are not by-hand peers: the baseline, our package, and the A/A control.
NOT_PEERS = ("onnxruntime", "auto", "control")


def _measure(runners: dict, feeds: dict, seconds: float) -> dict[str, dict]:
    names = list(runners)
    base_ms = single_latency_ms(lambda: runners[names[0]](feeds))
    plan = MeasurePlan.for_latency(base_ms, None)
    plan.seconds = max(plan.seconds, seconds)
    # As many rounds as the optimizer's deciding runs: with nine runners and a wait for quiet
    # threads after every block, 3 s gave a 1 ms model about five, and a peer read 1.96x in
    # one run and 1.14x in the next.
    plan.min_rounds = max(plan.min_rounds, DECIDING_ROUNDS)
    stats, blocks = interleaved_blocks([lambda r=runners[n]: r(feeds) for n in names], plan)
    result = {}
    for name, stat, block in zip(names, stats, blocks):
        # The optimizer's own estimator, so the bench and the report read speed-ups alike.
        against_baseline = Comparison(baseline=stats[0], candidate=stat, baseline_blocks=blocks[0],
                                      candidate_blocks=block)
        result[name] = {"p50_ms": round(stat.percentile(50), 4), "p90_ms": round(stat.percentile(90), 4),
                        "speedup": round(against_baseline.speedup, 4)}
    return result


def bench_model(bench, out: Path, budget: float, seconds: float, time_budget: float | None) -> dict:
    work = out / "work" / bench.name
    work.mkdir(parents=True, exist_ok=True)
    model_path = export(bench, work / "model.onnx")
    model = onnx.load(str(model_path))
    signature = signature_of(model)
    feeds = example_feeds(bench)
    primary = dims_of(feeds, signature)
    calibration = generated_batches(model, signature, primary, 16, seed=2000)
    # The same accuracy evidence the optimizer demands: batches of 8 where the batch dim is free,
    # so top-1 agreement is judged on enough rows for every candidate and peer alike.
    accuracy_shape = {name: (ACCURACY_BATCH_SIZE if role == "batch" and primary.get(name) == 1 else primary.get(name))
                      for name, role in dim_roles(signature).items()}
    accuracy_feeds = generated_batches(model, signature, {**primary, **accuracy_shape}, ACCURACY_BATCHES + 1, seed=3000)

    started = time.monotonic()
    report = optimize(model_path, out / "packages" / bench.name, recipe="auto", accuracy_budget=budget,
                      shapes=bench.shapes, time_budget_s=time_budget)
    auto_seconds = time.monotonic() - started
    package = load_package(out / "packages" / bench.name)

    # "control" is a second plain onnxruntime session: identical to the baseline, so its ratio shows
    # what this run's noise alone makes of a 1.00x (on a noisy 2-CPU VM it has read 0.55x-1.0x).
    runners = {"onnxruntime": plain_onnxruntime(model_path, work, calibration), "auto": package.run,
               "control": plain_onnxruntime(model_path, work, calibration)}
    failures = {}
    for name, build in PEERS.items():
        if not applies(name, model):
            failures[name] = "not applicable"
            continue
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                runners[name] = build(model_path, work, calibration)
            runners[name](feeds)
        except Exception as exc:  # a peer that cannot be built is a row entry, not a crash
            failures[name] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}"
            runners.pop(name, None)

    reference = [runners["onnxruntime"](f) for f in accuracy_feeds]
    # As many rows for top-1 agreement as the optimizer's own guard, on inputs it never saw.
    more = top1_batches(model, signature, accuracy_feeds, reference, seed=7000)
    accuracy_feeds += more
    reference += [runners["onnxruntime"](f) for f in more]
    accuracy = {}
    for name, run in runners.items():
        result = compare_outputs(reference, [run(f) for f in accuracy_feeds], budget)
        accuracy[name] = {"cosine": round(result.cosine, 6), "top1_agreement": result.top1_agreement,
                          "meets_budget": result.passes}
    load_before = os.getloadavg()[0]
    timing = _measure(runners, feeds, seconds)
    load_after = os.getloadavg()[0]
    peers_ok = {n: timing[n]["speedup"] for n in runners if n not in NOT_PEERS and accuracy[n]["meets_budget"]}
    best_peer = max(peers_ok, key=peers_ok.get) if peers_ok else None
    return {
        "model": bench.name, "description": bench.description,
        "inputs": {k: list(v.shape) for k, v in feeds.items()},
        "dynamic_dims": [d for spec in signature["inputs"] for d in spec["shape"] if isinstance(d, str)],
        "baseline_ms": timing["onnxruntime"]["p50_ms"],
        # Other jobs share this host: the 1-minute load average around the timing run, for the reader.
        "load_average": [round(load_before, 2), round(load_after, 2)],
        "auto": {**timing["auto"], **accuracy["auto"], "chosen": report["overall"]["chosen"],
                 "engine": report["overall"]["engine"], "precision": report["overall"]["precision"],
                 "optimize_seconds": round(auto_seconds, 1),
                 "report_speedup": report["overall"]["speedup"],
                 "report_shapes": [(s["label"], s["speedup"]) for s in report["shapes"]]},
        "control_speedup": timing["control"]["speedup"],
        "peers": {n: {**timing[n], **accuracy[n]} for n in runners if n not in NOT_PEERS},
        "peer_failures": failures,
        "best_peer": best_peer, "best_peer_speedup": peers_ok.get(best_peer) if best_peer else None,
    }


def geomean(values):
    values = [v for v in values if v and v > 0]
    return float(math.exp(np.mean(np.log(values)))) if values else float("nan")


def markdown(results: list[dict], machine: dict, software: dict, budget: float) -> str:
    flags = " ".join(k for k, v in machine["isa"].items() if v)
    lines = [
        "# Whetstone compiler_core benchmark", "",
        f"Machine: {machine['cpu_model']} ({machine['vendor']}), {machine['usable_cpus']} usable CPUs, "
        f"{(machine.get('memory_bytes') or 0) / 2**30:.0f} GiB; ISA: {flags}",
        f"Software: " + ", ".join(f"{k} {v}" for k, v in software.items() if v), "",
        f"Speed-up = plain onnxruntime / candidate latency, from one interleaved run per model: ratio of the "
        f"medians of per-block medians, the optimizer's own estimator. "
        f"baseline ms is plain onnxruntime's p50 in that run; load is the host's 1-minute load average "
        f"during it ({machine['usable_cpus']} CPUs). Accuracy vs plain onnxruntime fp32 on the same generated inputs; budget cosine >= {budget} "
        f"(and top-1 >= 0.99 for class scores, on at least 256 rows). A result marked * misses the budget. "
        f"control is a second plain onnxruntime session, identical to the baseline: how far it is from "
        f"1.00x is how far this run's noise alone moves a ratio.", "",
        "| model | load | baseline ms | control | auto | auto picked | cosine | best peer in budget | "
        + " | ".join(PEERS) + " |",
        "|---|---:|---:|---:|---:|---|---:|---|" + "---:|" * len(PEERS),
    ]
    for r in results:
        peer_cells = []
        for name in PEERS:
            p = r["peers"].get(name)
            if p is None:
                peer_cells.append("n/a" if r["peer_failures"].get(name) == "not applicable" else "failed")
            else:
                peer_cells.append(f"{p['speedup']:.2f}x" + ("" if p["meets_budget"] else "*"))
        best = f"{r['best_peer']} {r['best_peer_speedup']:.2f}x" if r["best_peer"] else "none"
        lines.append(f"| {r['model']} | {max(r['load_average']):.1f} | {r['baseline_ms']:.2f} | "
                     f"{r['control_speedup']:.2f}x | **{r['auto']['speedup']:.2f}x**"
                     f"{'' if r['auto']['meets_budget'] else '*'} | "
                     f"{r['auto']['chosen']} ({r['auto']['precision']}) | {r['auto']['cosine']:.4f} | {best} | "
                     + " | ".join(peer_cells) + " |")
    auto_geo = geomean([r["auto"]["speedup"] for r in results])
    peer_geo = geomean([r["best_peer_speedup"] or 1.0 for r in results])
    lines += ["", f"Geometric mean speed-up of auto: **{auto_geo:.2f}x**; of the best by-hand peer per model "
              f"(meeting the budget, else plain onnxruntime): {peer_geo:.2f}x.", ""]
    slower = [r["model"] for r in results if r["auto"]["speedup"] < 0.97]
    behind = [r["model"] for r in results if r["best_peer_speedup"] and r["auto"]["speedup"] < 0.95 * r["best_peer_speedup"]]
    missed = [r["model"] for r in results if not r["auto"]["meets_budget"]]
    lines.append(f"auto slower than baseline (beyond 3%): {', '.join(slower) or 'none'}; "
                 f"auto more than 5% behind the best peer: {', '.join(behind) or 'none'}; "
                 f"auto missing the accuracy budget on the bench's own inputs: {', '.join(missed) or 'none'}.")
    controls = [r["control_speedup"] for r in results]
    if controls:
        lines += ["", f"The A/A control read {min(controls):.2f}x-{max(controls):.2f}x across the models: differences "
                  "smaller than that spread are noise of this run, not of the candidates."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m compiler_core.bench")
    parser.add_argument("--out", default="bench-results")
    parser.add_argument("--models", help="comma-separated subset of the suite")
    parser.add_argument("--accuracy-budget", type=float, default=DEFAULT_COSINE_BUDGET)
    parser.add_argument("--seconds", type=float, default=3.0, help="minimum interleaved timing per model")
    parser.add_argument("--time-budget", type=float, default=None, help="optimize() time budget per model")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    # A fresh tuning cache: the suite measures a full search, not a replay of an earlier winner.
    cache = out / "tuning-cache"
    shutil.rmtree(cache, ignore_errors=True)
    os.environ["WHETSTONE_CACHE_DIR"] = str(cache)
    wanted = set(args.models.split(",")) if args.models else None
    results = []
    for bench in suite():
        if wanted and bench.name not in wanted:
            continue
        print(f"[bench] {bench.name}: {bench.description}", file=sys.stderr, flush=True)
        try:
            row = bench_model(bench, out, args.accuracy_budget, args.seconds, args.time_budget)
        except Exception as exc:
            print(f"[bench] {bench.name} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        results.append(row)
        print(f"[bench] {bench.name}: auto {row['auto']['speedup']:.2f}x ({row['auto']['chosen']}), best peer "
              f"{row['best_peer']} {row['best_peer_speedup']}", file=sys.stderr, flush=True)
        (out / "results.json").write_text(json.dumps({"machine": describe_hardware(), "results": results}, indent=2))
    machine, software = describe_hardware(), software_context()
    (out / "results.json").write_text(json.dumps({"machine": machine, "software": software, "results": results,
                                                  "geomean_auto": geomean([r["auto"]["speedup"] for r in results])},
                                                 indent=2))
    (out / "results.md").write_text(markdown(results, machine, software, args.accuracy_budget))
    print((out / "results.md").read_text())
    return 0 if results else 1


if __name__ == "__main__":
    sys.exit(main())
