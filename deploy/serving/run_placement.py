"""Where a model runs: on the event loop's own thread, or in a worker thread.

A run handed to a worker thread and back costs two thread wake-ups. Measured in
the engine on the 2-core development host with a 5.4 ms encoder: about 0.12 ms
to start the run and 0.25 ms to resume the handler after it, while
onnxruntime's spinning pool thread holds the other core. Running models on the
loop instead took 0.6-7.7% off p50 at concurrency 1 in the serving bench, the
most for that smallest model (bench/RESULTS.md).
So the engine runs a model on the event loop itself when that costs nothing:

- the model's session already uses every core this process may use, so a
  second run beside it could only share those cores, not add to them;
- the model is quick: its recent runs took under `QUICK_RUN_S`, so the loop,
  blocked meanwhile, still answers health checks and other calls promptly;
- no other run is in progress or waiting to start. Calls that arrived together
  (while the loop ran the last one, say) each get one turn of the loop to say
  so, and then all go to worker threads, where each one's decoding and
  encoding overlaps the others' runs, as before.
  That turn costs 0.06-0.14 ms right after a run (bench/serving_path.py, the
  5 ms encoder: 1-3% of a call), and calls that come one at a time do not need
  it: a callback queued at the end of each run on the loop marks the loop free
  if it gets to run before the next call's run asks, that is, if no call was
  already waiting when the run ended. A call that finds the loop free since
  the last run skips the turn; calls queued behind a run each take it, see one
  another, and go to threads.

Otherwise the run goes to a worker thread, as do a model's first two runs: the
first is onnxruntime's warm-up, the second the first measure of a typical run.
`WHETSTONE_INLINE_RUNS=0` sends every run to a worker thread.
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any, Callable

from prometheus_client import Counter

from .switches import switched_on

INLINE_RUNS_ENV = "WHETSTONE_INLINE_RUNS"
# A quick model's typical run: how long it may keep the event loop to itself while
# other calls (and a Kubernetes probe, which waits a second by default) wait.
QUICK_RUN_S = 0.020
# Weight of the newest run in the typical run time: a handful of runs decide.
SMOOTHING = 0.2
ON_LOOP, IN_THREAD = "event_loop", "worker_thread"

RUNS = Counter("whetstone_model_runs", "model runs by where they ran", ["model", "place"])


def inline_runs_enabled() -> bool:
    return switched_on(INLINE_RUNS_ENV)


def usable_cores() -> int:
    return len(os.sched_getaffinity(0))


def threads_per_run(runtime: dict[str, Any]) -> int | None:
    """Threads one run uses under a package's runtime.json; None where the engine takes them all."""
    if runtime.get("engine", "onnxruntime") == "openvino":
        threads = (runtime.get("config") or {}).get("INFERENCE_NUM_THREADS")
    else:
        threads = (runtime.get("session_options") or {}).get("intra_op_num_threads")
    return int(threads) if threads and int(threads) > 0 else None


def fills_every_core(runtime: dict[str, Any], cores: int) -> bool:
    """Whether every graph of the package (its specializations may name runtimes of their own)
    runs on at least `cores` threads."""
    runtimes = [runtime] + [spec.get("runtime") or runtime for spec in runtime.get("specializations") or []]
    return all((threads_per_run(r) or cores) >= cores for r in runtimes)


class RunPlacement:
    """Runs one model, each call on the event loop or in a worker thread; see the module's docstring."""

    # Runs asked for and not finished, on the loop or in threads, for every model of the
    # engine: it has one event loop.
    wanted = 0
    # Whether the loop got through the calls queued at the end of the last run on it with
    # none asking to run: then the next call need not take a turn to find out (see above).
    loop_free_since_last_run = False

    def __init__(self, run: Callable[[dict[str, Any]], dict[str, Any]], runtime: dict[str, Any], model: str):
        self._run = run
        self.fills_every_core = fills_every_core(runtime, usable_cores())
        self._may_run_on_loop = inline_runs_enabled() and self.fills_every_core
        self._typical_s: float | None = None
        self._warmed_up = False
        self._on_loop = RUNS.labels(model=model, place=ON_LOOP)
        self._in_thread = RUNS.labels(model=model, place=IN_THREAD)

    async def run(self, inputs: dict[str, Any]) -> dict[str, Any]:
        RunPlacement.wanted += 1
        try:
            if await self._runs_on_loop():
                self._on_loop.inc()
                RunPlacement.loop_free_since_last_run = False
                try:
                    return self._timed(inputs)
                finally:
                    asyncio.get_running_loop().call_soon(_mark_loop_free)
            self._in_thread.inc()
            return await asyncio.to_thread(self._timed, inputs)
        finally:
            RunPlacement.wanted -= 1

    async def _runs_on_loop(self) -> bool:
        if not (self._may_run_on_loop and self._typical_s is not None and self._typical_s < QUICK_RUN_S):
            return False
        if RunPlacement.wanted == 1 and not RunPlacement.loop_free_since_last_run:
            # One turn of the loop: calls whose tasks are ready get to ask for their runs too.
            await asyncio.sleep(0)
        return RunPlacement.wanted == 1

    def _timed(self, inputs: dict[str, Any]) -> dict[str, Any]:
        started = time.perf_counter()
        outputs = self._run(inputs)
        took = time.perf_counter() - started
        # Runs in several threads may update this at once: a lost sample of a moving average
        # is harmless.
        if not self._warmed_up:
            self._warmed_up = True
        elif self._typical_s is None:
            self._typical_s = took
        else:
            self._typical_s += SMOOTHING * (took - self._typical_s)
        return outputs


def _mark_loop_free() -> None:
    RunPlacement.loop_free_since_last_run = True
