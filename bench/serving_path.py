"""Benchmark: what the engine's infer path costs around a model, call by call, in one process.

    python -m bench.serving_path [--out bench-results] [--calls 400] [--packages DIR] [--workloads a,b]

`bench.serving` measures what a client sees: wrk's p50 against the package run
in a process of its own. On a shared 2-core host two blocks of the same variant
seconds apart can differ by 10-20%, more than the 10% the target allows. Here
the engine runs in this process, on the packages `bench.serving` builds, and
every call through the ASGI app uvicorn serves (`deploy.serving.engine.served_app`:
the direct infer path with a JSON and with a binary body, no socket) alternates
with a call of the same package's own run on the same session. Drift in the
host hits both alike, and each path call starts, as in serving, right after a
model run has filled the caches (and a short pause of the loop, as while a
client sends its next request). The median of the paired differences is the
path's own cost: decoding, checks, run placement, encoding and metrics. It
leaves out uvicorn's HTTP parsing and the loopback socket, which only
`bench.serving` sees. A second engine, in a process of its own, serves the
package with adaptive batching, called the same way, one caller at a time: what
the batcher adds when there is no one to wait for. (Not in the same process:
two onnxruntime sessions called in turn run slower, each while the other's
pool still spins.)

Writes bench-results/serving_path.md and serving_path.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.serving import BATCHING, BINARY, JSON, WORKLOADS, ensure_packages, free_ports, request_for
from compiler_core.hardware import describe_hardware
from deploy.serving.engine import SETTINGS_FILE, engine_server_class, served_app
from deploy.serving.repository import ServingClient, deploy_package
from deploy.serving.repository_access import ADMIN_TOKEN_ENV
from deploy.serving.server import wait_until_live, write_settings

RUN = "run"
BATCHED = "batched"  # the same calls to the package deployed with adaptive batching
PAUSE_S = 0.0002


class _Call:
    """One POST to an ASGI app, its body already in hand."""

    def __init__(self, app, path: str, body: bytes, headers: dict[str, str]):
        self.app = app
        self.scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
                      "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
                      "root_path": "", "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
                      "headers": [(k.lower().encode(), v.encode()) for k, v in
                                  {**headers, "Content-Length": str(len(body))}.items()]}
        self.message = {"type": "http.request", "body": body, "more_body": False}
        self.status = None

    async def __call__(self) -> None:
        async def receive():
            return self.message

        async def send(message):
            if message["type"] == "http.response.start":
                self.status = message["status"]

        await self.app(dict(self.scope), receive, send)
        if self.status != 200:
            raise RuntimeError(f"{self.scope['path']} answered {self.status}")


async def _measure(package: Path, name: str, feeds: dict[str, np.ndarray], calls: int, root: Path,
                   batching: dict) -> dict:
    from mlserver.settings import Settings

    http_port, grpc_port, metrics_port = free_ports(3)
    write_settings(root, http_port=http_port, grpc_port=grpc_port, metrics_port=metrics_port)
    server = engine_server_class()(Settings(**json.loads((root / SETTINGS_FILE).read_text())))
    serving = asyncio.create_task(server.start([]))
    try:
        url = f"http://127.0.0.1:{http_port}"
        await asyncio.to_thread(wait_until_live, url, 60)
        client = ServingClient(url, admin_token=os.environ.get(ADMIN_TOKEN_ENV))  # the engine runs in this process
        await asyncio.to_thread(deploy_package, client, package, root / "models", name, **batching)
        app = served_app(server)
        runner = (await server._model_registry.get_model(name))._runner
        variants = {form: _Call(app, f"/v2/models/{name}/infer", *request_for(feeds, form)) for form in (JSON, BINARY)}

        async def run():
            runner.run(feeds)

        variants[RUN] = run
        for _ in range(20):  # warm-up, and the run placement's first timings
            for call in variants.values():
                await call()
        taken: dict[str, list[float]] = {key: [] for key in variants}
        order = list(variants)
        for index in range(calls):
            shift = index % len(order)
            for key in order[shift:] + order[:shift]:  # rotate: no variant always right after the same one
                # The loop waits a moment between calls, as it waits for a client's next request.
                await asyncio.sleep(PAUSE_S)
                started = time.perf_counter()
                await variants[key]()
                taken[key].append((time.perf_counter() - started) * 1000)
    finally:
        await server.stop()
        await asyncio.wait_for(serving, 30)
    run_ms = statistics.median(taken[RUN])
    result = {"run_ms": round(run_ms, 4), "calls": calls}
    for form in (JSON, BINARY):
        added = [call - alone for call, alone in zip(taken[form], taken[RUN])]
        result[form] = {"call_ms": round(statistics.median(taken[form]), 4),
                        "added_ms": round(statistics.median(added), 4),
                        "added_share": round(statistics.median(added) / run_ms, 4)}
    return result


def _measure_in_child(package: str, name: str, feeds: dict, calls: int, root: str, batching: dict, results) -> None:
    import uvloop

    results.put(uvloop.run(_measure(Path(package), name, feeds, calls, Path(root), batching)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    parser.add_argument("--calls", type=int, default=400, help="calls of each variant per workload")
    parser.add_argument("--packages", type=Path, help="as for bench.serving: build here, or reuse what is here")
    parser.add_argument("--optimize-budget-s", type=float, default=60)
    parser.add_argument("--workloads", help="comma-separated subset of: " + ", ".join(w.name for w in WORKLOADS))
    args = parser.parse_args()
    workloads = [w for w in WORKLOADS if not args.workloads or w.name in args.workloads.split(",")]
    args.out.mkdir(parents=True, exist_ok=True)
    context = multiprocessing.get_context("spawn")
    measured = {}
    with tempfile.TemporaryDirectory(prefix="whetstone-bench-serving-path-") as tmp:
        built = args.packages or Path(tmp)
        built.mkdir(parents=True, exist_ok=True)
        ensure_packages(built, args.optimize_budget_s)
        load_before = os.getloadavg()
        for workload in workloads:
            # An engine per workload and batching setting, each in a fresh process: no model's
            # caches or threads linger.
            for batching in ({}, BATCHING):
                results = context.Queue()
                root = Path(tmp) / f"{workload.name}{'-batched' if batching else ''}"
                child = context.Process(target=_measure_in_child, args=(
                    str(built / f"{workload.name}-package"), workload.name, workload.feeds(1), args.calls,
                    str(root), batching, results))
                child.start()
                if batching:
                    measured[workload.name][BATCHED] = results.get()
                else:
                    measured[workload.name] = results.get()
                child.join()
    result = {"machine": describe_hardware(),
              "load_average_1m": {"before": round(load_before[0], 2), "after": round(os.getloadavg()[0], 2)},
              "workloads": measured}
    (args.out / "serving_path.json").write_text(json.dumps(result, indent=2, default=str))
    (args.out / "serving_path.md").write_text(render(result))
    print(render(result))
    return 0


def render(result: dict) -> str:
    machine = result["machine"]
    lines = ["# The engine's infer path around a model, in one process (bench/serving_path.py)", "",
             f"Hardware class: {machine.get('hardware_class', '?')}. "
             f"Machine: {machine.get('cpu_model', '?')}, {machine.get('usable_cpus', '?')} usable CPUs; 1-minute load "
             f"average {result['load_average_1m']['before']} before, {result['load_average_1m']['after']} after. "
             "Each call through the engine's ASGI app (no socket) alternates with a call of the package's run on "
             "the same session; added = median of the paired differences. Batched: the same, in an engine of its "
             f"own with the package deployed with adaptive batching (max_batch_size {BATCHING['max_batch_size']}, "
             f"max_batch_time {BATCHING['max_batch_time_s'] * 1000:g} ms), one caller at a time.", "",
             "| model | run alone, ms | JSON call, ms | added | binary call, ms | added | batched: JSON call adds | "
             "binary call adds |", "|---|---|---|---|---|---|---|---|"]
    for name, w in result["workloads"].items():
        cells = [f"| {name} | {w['run_ms']:.3f} "]
        for form in (JSON, BINARY):
            cells.append(f"| {w[form]['call_ms']:.3f} | {w[form]['added_ms']:+.3f} ms ({w[form]['added_share']:+.1%}) ")
        for form in (JSON, BINARY):
            batched = w[BATCHED][form]
            cells.append(f"| {batched['added_ms']:+.3f} ms ({batched['added_share']:+.1%}) ")
        lines.append("".join(cells) + "|")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
