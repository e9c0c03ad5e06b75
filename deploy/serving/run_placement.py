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
- the call's inputs have exactly the shapes of a run that was quick: a caller
  who sent small inputs until the model looked quick, then one of a larger
  shape (a dynamic dim), would otherwise stop every tenant's calls, the probes
  and the repository API for as long as that run takes;
- a run on the loop can be stopped: it has a deadline of its own,
  `LOOP_RUN_DEADLINE_S` (run_deadline.py), because the work of some graphs
  depends on their inputs' values (a Loop's trip count), not their shapes. A
  run past it is stopped, run again in a worker thread, and the model never
  runs on the loop again. A package whose graphs OpenVINO runs with a loop
  (TensorIterator), which its cancel does not stop mid-way, never runs on it;
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
import logging
import os
import time
from typing import Any, Callable

import numpy as np
from prometheus_client import Counter

from .errors import RunTimedOut
from .switches import switched_on

logger = logging.getLogger(__name__)

INLINE_RUNS_ENV = "WHETSTONE_INLINE_RUNS"
# A quick model's typical run: how long it may keep the event loop to itself while
# other calls (and a Kubernetes probe, which waits a second by default) wait.
QUICK_RUN_S = 0.020
# How long a run on the loop may hold it before it is stopped and sent to a thread: probes wait a
# second by default, and every tenant's calls wait meanwhile.
LOOP_RUN_DEADLINE_S = 0.25
# Input shapes remembered as quick, per model: a few shapes are what a model on the loop sees.
QUICK_SHAPES_KEPT = 64
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

    def __init__(self, run: Callable[[dict[str, Any]], dict[str, Any]], runtime: dict[str, Any], model: str, *,
                 loop_run: Callable[[dict[str, Any]], dict[str, Any]] | None = None, stoppable: bool = True):
        """`run` in a thread, `loop_run` (the same run under LOOP_RUN_DEADLINE_S; `run` itself where
        none is given) on the loop; `stoppable`: whether a stop reaches a run before it ends."""
        self._run = run
        self._loop_run = loop_run or run
        self._model = model
        self.fills_every_core = fills_every_core(runtime, usable_cores())
        self._may_run_on_loop = inline_runs_enabled() and self.fills_every_core and stoppable
        self._typical_s: float | None = None
        # The exact input shapes of runs that took under QUICK_RUN_S.
        self._quick_shapes: set[tuple] = set()
        self._warmed_up = False
        self._on_loop = RUNS.labels(model=model, place=ON_LOOP)
        self._in_thread = RUNS.labels(model=model, place=IN_THREAD)

    async def run(self, inputs: dict[str, Any]) -> dict[str, Any]:
        RunPlacement.wanted += 1
        try:
            if await self._runs_on_loop(inputs):
                self._on_loop.inc()
                RunPlacement.loop_free_since_last_run = False
                try:
                    return self._timed(inputs, self._loop_run)
                except RunTimedOut:
                    # Its work hangs on its inputs' values: never on the loop again, and this call
                    # gets its answer from a thread, under the engine's own deadline (counted once,
                    # where it started).
                    self._may_run_on_loop = False
                    logger.warning("model %s held the event loop past %.2f s; its runs go to worker threads from "
                                   "now on", self._model, LOOP_RUN_DEADLINE_S)
                finally:
                    asyncio.get_running_loop().call_soon(_mark_loop_free)
            else:
                self._in_thread.inc()
            return await asyncio.to_thread(self._timed, inputs, self._run)
        finally:
            RunPlacement.wanted -= 1

    async def _runs_on_loop(self, inputs: dict[str, Any]) -> bool:
        if not (self._may_run_on_loop and self._typical_s is not None and self._typical_s < QUICK_RUN_S):
            return False
        if shapes_key(inputs) not in self._quick_shapes:
            return False
        if RunPlacement.wanted == 1 and not RunPlacement.loop_free_since_last_run:
            # One turn of the loop: calls whose tasks are ready get to ask for their runs too.
            await asyncio.sleep(0)
        return RunPlacement.wanted == 1

    def _timed(self, inputs: dict[str, Any], run: Callable[[dict[str, Any]], dict[str, Any]]) -> dict[str, Any]:
        started = time.perf_counter()
        outputs = run(inputs)
        took = time.perf_counter() - started
        # Runs in several threads may update these at once: a lost sample of a moving average, or
        # a shape not remembered, is harmless.
        if took < QUICK_RUN_S and len(self._quick_shapes) < QUICK_SHAPES_KEPT:
            self._quick_shapes.add(shapes_key(inputs))
        if not self._warmed_up:
            self._warmed_up = True
        elif self._typical_s is None:
            self._typical_s = took
        else:
            self._typical_s += SMOOTHING * (took - self._typical_s)
        return outputs


def shapes_key(inputs: dict[str, Any]) -> tuple:
    """The call's exact input shapes (a sequence input's, element by element)."""
    key = []
    for name in sorted(inputs):
        value = inputs[name]
        if isinstance(value, (list, tuple)):
            key.append((name, tuple(np.shape(element) for element in value)))
        else:
            key.append((name, np.shape(value)))
    return tuple(key)


def _mark_loop_free() -> None:
    RunPlacement.loop_free_since_last_run = True
