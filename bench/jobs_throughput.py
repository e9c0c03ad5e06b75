"""Benchmark: how fast the job system moves work, on the real stack.

    python -m bench.jobs_throughput [--jobs 30] [--out bench-results]

Measures, on this machine, with one worker of two processes:
- submit → start latency of a job when a worker is idle (median of several,
  target: under 1 s);
- throughput: jobs per minute for a burst of small lossless jobs from 5 users.
Writes bench-results/jobs.md and jobs.json with the machine's description.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

from compiler_core.hardware import describe_hardware
from tests.conftest import launched_stack
from tests.support.api import register_model, start_job, wait_for_job
from tests.support.models import tiny_mlp


def seconds_between(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=30)
    parser.add_argument("--latency-samples", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="whetstone-bench-") as tmp:
        tmp = Path(tmp)
        with launched_stack(tmp / "var", with_serving=False, worker_concurrency=2,
                            env={"WHETSTONE_MAX_RUNNING_JOBS_PER_USER": "2"}) as live:
            users = [live.create_user(f"bench{i}", f"bench-password-{i}") for i in range(5)]
            models = [register_model(api, live.web_url, tiny_mlp(tmp / f"m{i}.onnx", seed=i), f"m{i}")
                      for i, api in enumerate(users)]

            # submit → start with an idle worker: one job at a time
            latencies = []
            for _ in range(args.latency_samples):
                job = wait_for_job(users[0], live.web_url, start_job(users[0], live.web_url, models[0]["id"])["id"])
                latencies.append(seconds_between(job["created_at"], job["started_at"]))

            # throughput: a burst from five users
            began = time.monotonic()
            submitted = [(api, start_job(api, live.web_url, model["id"]))
                         for i in range(args.jobs) for api, model in [(users[i % 5], models[i % 5])]]
            finished = [wait_for_job(api, live.web_url, job["id"], timeout=1800) for api, job in submitted]
            elapsed = time.monotonic() - began

    ok = sum(job["status"] == "succeeded" for job in finished)
    waits = [seconds_between(job["created_at"], job["started_at"]) for job in finished if job["started_at"]]
    result = {
        "machine": describe_hardware(),
        "submit_to_start_idle_s": {"median": statistics.median(latencies), "max": max(latencies),
                                   "samples": latencies},
        "burst": {"jobs": args.jobs, "succeeded": ok, "elapsed_s": round(elapsed, 2),
                  "jobs_per_minute": round(ok / elapsed * 60, 1),
                  "queue_wait_s": {"median": statistics.median(waits), "max": max(waits)}},
    }
    (args.out / "jobs.json").write_text(json.dumps(result, indent=2))
    machine = result["machine"]
    table = (
        f"# Job system benchmark\n\nHardware class: {machine['hardware_class']}\n\nMachine: {machine['cpu_model']}, {machine['usable_cpus']} usable CPUs; "
        f"one worker with 2 processes, per-user limit 2.\n\n"
        f"| measure | value | target |\n|---|---|---|\n"
        f"| submit → start, idle worker (median of {len(latencies)}) | "
        f"{result['submit_to_start_idle_s']['median']:.3f} s | < 1 s |\n"
        f"| submit → start, idle worker (max) | {result['submit_to_start_idle_s']['max']:.3f} s | |\n"
        f"| burst of {args.jobs} small jobs from 5 users | {ok} succeeded in {elapsed:.1f} s | all succeed |\n"
        f"| throughput | {result['burst']['jobs_per_minute']} jobs/min | |\n"
    )
    (args.out / "jobs.md").write_text(table)
    print(table)
    return 0 if ok == args.jobs else 1


if __name__ == "__main__":
    raise SystemExit(main())
