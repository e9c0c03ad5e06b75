"""Benchmark: what serving through MLServer's V2 REST API costs over running the package in-process.

    python -m bench.serving [--out bench-results] [--rounds 5] [--quick]

For a small BERT-like encoder and a ResNet-like CNN (built with torch from a
config, random weights, nothing downloaded), each optimized by the compiler core
(lossless) into a package:
- in-process: `compiler_core.runtime.load_package(pkg).run`, called by 1 or 8 threads;
- served: the same package behind our MLServer engine, V2 JSON over HTTP on
  127.0.0.1, by 1 or 8 client threads (keep-alive sessions, bodies encoded once
  beforehand), without and with adaptive batching (max_batch_size 8, 5 ms).
Every request is batch 1. The variants run interleaved, in a rotating order,
for several rounds; the reported value of each measure is the median over
rounds, so load from other processes on the host hits all variants alike.

Targets: serving adds at most 10% to p50 at concurrency 1 for a model of 5 ms or
more; adaptive batching raises throughput at concurrency 8. Writes
bench-results/serving.md and serving.json with the machine's description.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import socket
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from compiler_core.hardware import describe_hardware
from compiler_core.runtime import load_package
from deploy.serving.repository import ServingClient, deploy_package
from deploy.serving.server import start_server, stop_server, wait_until_live

BATCHING = {"max_batch_size": 8, "max_batch_time_s": 0.005}
OVERHEAD_TARGET = 0.10
MODEL_MS_FOR_OVERHEAD_TARGET = 5.0


@dataclass
class Workload:
    name: str
    description: str
    build: Callable[[Path], Path]          # writes the ONNX model, returns its path
    feeds: Callable[[], dict[str, np.ndarray]]
    shapes: str


def _export(module, example: tuple, names: list[str], path: Path, axes: dict) -> Path:
    import torch

    with torch.no_grad():
        torch.onnx.export(module, example, str(path), input_names=names, output_names=["logits"],
                          dynamic_axes=axes, opset_version=17, dynamo=False)
    return path


def encoder(path: Path) -> Path:
    import torch

    from compiler_core.bench.models import bert_module

    ids = torch.randint(0, 8000, (1, 128))
    axes = {"input_ids": {0: "batch"}, "attention_mask": {0: "batch"}, "logits": {0: "batch"}}
    return _export(bert_module(layers=4, hidden=256, heads=4, intermediate=1024), (ids, torch.ones_like(ids)),
                   ["input_ids", "attention_mask"], path, axes)


def cnn(path: Path) -> Path:
    import torch

    from compiler_core.bench.models import cnn_classifier

    return _export(cnn_classifier(width=64), (torch.randn(1, 3, 96, 96),), ["image"], path,
                   {"image": {0: "batch"}, "logits": {0: "batch"}})


def encoder_feeds() -> dict[str, np.ndarray]:
    ids = np.random.default_rng(0).integers(0, 8000, (1, 128), dtype=np.int64)
    return {"input_ids": ids, "attention_mask": np.ones_like(ids)}


def cnn_feeds() -> dict[str, np.ndarray]:
    return {"image": np.random.default_rng(0).standard_normal((1, 3, 96, 96)).astype(np.float32)}


WORKLOADS = [
    Workload("bert_encoder", "BERT-like encoder: 4 layers, hidden 256, 4 heads, seq 128, batch 1", encoder,
             encoder_feeds, "batch=1,8"),
    Workload("resnet_like", "ResNet-like CNN (width 64), 3x96x96 image, batch 1", cnn, cnn_feeds, "batch=1,8"),
]


def v2_body(feeds: dict[str, np.ndarray]) -> bytes:
    datatype = {np.dtype("float32"): "FP32", np.dtype("int64"): "INT64"}
    return json.dumps({"inputs": [{"name": name, "shape": list(a.shape), "datatype": datatype[a.dtype],
                                   "data": a.ravel().tolist()} for name, a in feeds.items()]}).encode()


def run_block(call: Callable[[http.client.HTTPConnection | None], None], *, concurrency: int,
              requests_total: int, connect: Callable[[], http.client.HTTPConnection] | None) -> dict:
    """`requests_total` calls spread over `concurrency` threads; per-call latency and throughput."""
    latencies: list[float] = []
    lock = threading.Lock()
    remaining = [requests_total]

    def worker():
        # One keep-alive connection per client thread; http.client costs the
        # client a fraction of what requests does, so the engine is what is measured.
        session = connect() if connect else None
        call(session)  # warm the connection / thread outside the measurement
        while True:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            started = time.perf_counter()
            call(session)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    ms = np.asarray(latencies) * 1000
    return {"p50_ms": float(np.percentile(ms, 50)), "p99_ms": float(np.percentile(ms, 99)),
            "throughput_rps": len(latencies) / wall}


def http_call(path: str, body: bytes) -> Callable[[http.client.HTTPConnection | None], None]:
    headers = {"Content-Type": "application/json"}

    def call(connection):
        connection.request("POST", path, body, headers)
        response = connection.getresponse()
        answer = response.read()
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status} {answer[:300]!r}")
    return call


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _in_process_worker(package_dir: str, feeds: dict[str, np.ndarray], connection) -> None:
    """The in-process baseline, in a fresh process of its own, as the engine is: neither
    runs beside torch, the optimizer's sessions or the load generator's threads."""
    runner = load_package(package_dir)
    while (order := connection.recv()) is not None:
        concurrency, total = order
        connection.send(run_block(lambda _: runner.run(feeds), concurrency=concurrency, requests_total=total,
                                  connect=None))


class InProcessBaseline:
    def __init__(self, package: Path, feeds: dict[str, np.ndarray]):
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_in_process_worker, args=(str(package), feeds, child), daemon=True)
        self._process.start()

    def block(self, concurrency: int, total: int) -> dict:
        self._connection.send((concurrency, total))
        return self._connection.recv()

    def close(self) -> None:
        self._connection.send(None)
        self._process.join(timeout=30)


def _build_packages(out_dir: str, optimize_budget_s: float) -> None:
    """Export and optimize every workload (in a child process: torch and the optimizer
    stay out of the process that measures)."""
    from compiler_core import optimize

    reports = {}
    for workload in WORKLOADS:
        model = workload.build(Path(out_dir) / f"{workload.name}.onnx")
        reports[workload.name] = optimize(model, Path(out_dir) / f"{workload.name}-package", recipe="lossless",
                                          shapes=workload.shapes, time_budget_s=optimize_budget_s)
    (Path(out_dir) / "reports.json").write_text(json.dumps(reports, default=str))


def median_of(rounds: list[dict]) -> dict:
    return {key: round(statistics.median(r[key] for r in rounds), 3) for key in rounds[0]}


def bench_workload(workload: Workload, package: Path, port: int, args) -> dict:
    feeds = workload.feeds()
    baseline = InProcessBaseline(package, feeds)
    body = v2_body(feeds)
    plain_url = f"/v2/models/{workload.name}/infer"
    batched_url = f"/v2/models/{workload.name}-batched/infer"
    connect = lambda: http.client.HTTPConnection("127.0.0.1", port, timeout=60)  # noqa: E731
    per_block = {1: args.requests_c1, 8: args.requests_c8}
    variants = {
        ("in_process", 1): (None, None),
        ("served", 1): (http_call(plain_url, body), connect),
        ("in_process", 8): (None, None),
        ("served", 8): (http_call(plain_url, body), connect),
        ("served_batched", 8): (http_call(batched_url, body), connect),
        ("served_batched", 1): (http_call(batched_url, body), connect),
    }
    results: dict[tuple, list[dict]] = {key: [] for key in variants}
    order = list(variants)
    try:
        for round_index in range(args.rounds):
            shift = round_index % len(order)
            for key in order[shift:] + order[:shift]:  # rotate, so no variant always runs first or last
                call, connect_ = variants[key]
                if call is None:
                    results[key].append(baseline.block(key[1], per_block[key[1]]))
                else:
                    results[key].append(run_block(call, concurrency=key[1], requests_total=per_block[key[1]],
                                                  connect=connect_))
    finally:
        baseline.close()
    summary = {f"{mode}_c{concurrency}": median_of(rounds) for (mode, concurrency), rounds in results.items()}
    # Ratios within a round compare blocks run moments apart, so load that drifts
    # between rounds (other work on the host) cancels out better than in a ratio of medians.
    overhead = [s["p50_ms"] / b["p50_ms"] - 1 for s, b in zip(results[("served", 1)], results[("in_process", 1)])]
    gain = [b["throughput_rps"] / s["throughput_rps"] - 1
            for b, s in zip(results[("served_batched", 8)], results[("served", 8)])]
    summary["paired"] = {
        "serving_p50_overhead_c1": {"median": round(statistics.median(overhead), 4),
                                    "min": round(min(overhead), 4), "max": round(max(overhead), 4)},
        "batching_throughput_gain_c8": {"median": round(statistics.median(gain), 4),
                                        "min": round(min(gain), 4), "max": round(max(gain), 4)},
    }
    summary["rounds"] = {f"{mode}_c{c}": rounds for (mode, c), rounds in results.items()}
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests-c1", type=int, default=60)
    parser.add_argument("--requests-c8", type=int, default=160)
    parser.add_argument("--optimize-budget-s", type=float, default=60,
                        help="time budget of each lossless optimization that makes the packages")
    parser.add_argument("--quick", action="store_true", help="2 rounds, fewer requests (a smoke run)")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.requests_c1, args.requests_c8 = 2, 20, 48
    args.out.mkdir(parents=True, exist_ok=True)

    measured: dict[str, dict] = {}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="whetstone-bench-serving-") as tmp:
        tmp = Path(tmp)
        builder = multiprocessing.get_context("spawn").Process(
            target=_build_packages, args=(str(tmp), args.optimize_budget_s))
        builder.start()
        builder.join()
        if builder.exitcode != 0:
            raise SystemExit(f"building the packages failed (exit {builder.exitcode})")
        reports = json.loads((tmp / "reports.json").read_text())
        packages = {w.name: (tmp / f"{w.name}-package", reports[w.name]) for w in WORKLOADS}

        http_port, grpc_port, metrics_port = free_ports(3)
        engine = start_server(tmp / "serving", http_port=http_port, grpc_port=grpc_port,
                              metrics_port=metrics_port, log_path=tmp / "engine.log")
        base_url = f"http://127.0.0.1:{http_port}"
        try:
            wait_until_live(base_url, 60, process=engine)
            client = ServingClient(base_url)
            for workload in WORKLOADS:
                package, report = packages[workload.name]
                deploy_package(client, package, tmp / "serving" / "models", workload.name)
                deploy_package(client, package, tmp / "serving" / "models", f"{workload.name}-batched", **BATCHING)
                result = bench_workload(workload, package, http_port, args)
                result["description"] = workload.description
                result["package"] = {"speedup": report.get("overall", {}).get("speedup"),
                                     "runtime": json.loads((package / "runtime.json").read_text())}
                measured[workload.name] = result
        finally:
            stop_server(engine)

    result = {"machine": describe_hardware(), "load_average_1m": {"before": round(load_before[0], 2),
                                                                   "after": round(os.getloadavg()[0], 2)},
              "batching": BATCHING, "rounds": args.rounds,
              "requests_per_block": {"c1": args.requests_c1, "c8": args.requests_c8}, "workloads": measured}
    (args.out / "serving.json").write_text(json.dumps(result, indent=2, default=str))
    (args.out / "serving.md").write_text(render(result))
    print(render(result))
    return 0


def render(result: dict) -> str:
    machine = result["machine"]
    lines = [
        "# Serving benchmark (V2 REST on MLServer vs the same package in-process)", "",
        f"Machine: {machine.get('cpu_model')}, {machine.get('usable_cpus')} usable CPUs, shared with other work "
        f"while measured (1-minute load average {result['load_average_1m']['before']} before, "
        f"{result['load_average_1m']['after']} after). Batch-1 requests; client, engine and the in-process "
        f"baseline each in a process of their own, on 127.0.0.1. "
        f"Medians over {result['rounds']} interleaved rounds "
        f"({result['requests_per_block']['c1']} requests per block at concurrency 1, "
        f"{result['requests_per_block']['c8']} at 8). Adaptive batching: max_batch_size "
        f"{result['batching']['max_batch_size']}, max_batch_time {result['batching']['max_batch_time_s'] * 1000:.0f} ms.",
        "",
        "| model | variant | concurrency | p50 ms | p99 ms | req/s |", "|---|---|---|---|---|---|",
    ]
    verdicts = []
    for name, w in result["workloads"].items():
        for key in ("in_process_c1", "served_c1", "served_batched_c1", "in_process_c8", "served_c8",
                    "served_batched_c8"):
            mode, concurrency = key.rsplit("_c", 1)
            m = w[key]
            lines.append(f"| {name} | {mode.replace('_', ' ')} | {concurrency} | {m['p50_ms']:.2f} | "
                         f"{m['p99_ms']:.2f} | {m['throughput_rps']:.1f} |")
        base, served = w["in_process_c1"]["p50_ms"], w["served_c1"]["p50_ms"]
        overhead, gain = w["paired"]["serving_p50_overhead_c1"], w["paired"]["batching_throughput_gain_c8"]
        spread = lambda r: f"median of per-round ratios {r['median']:+.1%}, range {r['min']:+.1%} … {r['max']:+.1%}"  # noqa: E731
        if base >= MODEL_MS_FOR_OVERHEAD_TARGET:
            verdicts.append(f"- {name}: serving adds {overhead['median']:+.1%} to p50 at concurrency 1 "
                            f"({spread(overhead)}; medians {base:.2f} → {served:.2f} ms); target ≤ "
                            f"+{OVERHEAD_TARGET:.0%}: **{'met' if overhead['median'] <= OVERHEAD_TARGET else 'not met'}**.")
        else:
            verdicts.append(f"- {name}: serving adds {overhead['median']:+.1%} to p50 at concurrency 1 "
                            f"({spread(overhead)}); the model runs under {MODEL_MS_FOR_OVERHEAD_TARGET:.0f} ms "
                            "here, so the 10% target does not apply.")
        verdicts.append(f"- {name}: adaptive batching at concurrency 8 changes throughput by {gain['median']:+.1%} "
                        f"({spread(gain)}; medians {w['served_c8']['throughput_rps']:.1f} → "
                        f"{w['served_batched_c8']['throughput_rps']:.1f} req/s); target: higher: "
                        f"**{'met' if gain['median'] > 0 else 'not met'}**.")
    return "\n".join(lines + ["", "Targets:", *verdicts, ""])


if __name__ == "__main__":
    raise SystemExit(main())
