"""Every model run the engine serves has a deadline: a run past it is stopped, and its call answered.

A graph whose work depends on its inputs' values (a Loop's trip count, a sequence length read from
a tensor) can run for as long as its caller likes; without a deadline it held a worker thread, or
the event loop, and its caller's connection, indefinitely, and a few such calls held every thread
the engine's models share. One watchdog thread keeps the deadlines of the runs in flight and, when
one passes, calls the stop function its runner handed over (`compiler_core.runtime`'s
`cancel_with`: onnxruntime's RunOptions.terminate, checked between nodes; OpenVINO's
InferRequest.cancel). The call is answered 504 with WHETSTONE_RUN_TIMEOUT_S named.

Registering a run costs a lock and a heap push, and wakes no thread: a few microseconds, where a
small model's whole run is tens to hundreds.
"""

from __future__ import annotations

import heapq
import itertools
import os
import threading
import time
from typing import Any, Callable

from .errors import RunTimedOut

RUN_TIMEOUT_ENV = "WHETSTONE_RUN_TIMEOUT_S"
DEFAULT_RUN_TIMEOUT_S = 120.0
SWEEP_FROM = 1024
# The watchdog wakes at least this far apart: a deadline shorter than this is kept to within it.
SHORTEST_SLEEP_S = 0.05


def run_timeout_s() -> float:
    """Seconds a run may take; 0 (or less) turns the deadline off."""
    return float(os.environ.get(RUN_TIMEOUT_ENV, DEFAULT_RUN_TIMEOUT_S))


class _Run:
    """One run in flight. Its lock makes "stop it" and "it is done" exclusive: a runner may reuse
    what it stops with (OpenVINO's infer request, per thread), and a stop that came after the run
    ended would otherwise cancel the next run on that thread."""

    __slots__ = ("stop", "done", "stopped", "expired", "lock")

    def __init__(self):
        self.stop: Callable[[], None] | None = None
        self.done = False
        self.stopped = False
        self.expired = False  # its deadline passed before the runner handed over its stop
        self.lock = threading.Lock()

    def register(self, stop: Callable[[], None]) -> None:
        """The runner's stop function, called at once if the deadline has passed already."""
        with self.lock:
            self.stop = stop
            if self.expired and not self.done:
                self.stopped = True
                stop()

    def finish(self) -> None:
        with self.lock:
            self.done, self.stop = True, None

    def stop_now(self) -> None:
        with self.lock:
            if self.done:
                return
            if self.stop is None:
                self.expired = True  # the runner has not handed it over yet: register() stops it
                return
            self.stopped = True
            try:
                self.stop()
            except Exception:  # noqa: BLE001 - a run that ended meanwhile has nothing to stop
                pass


class RunWatchdog:
    """The deadlines of the runs in flight, and the one thread that stops a run past its own."""

    def __init__(self):
        self._heap: list[tuple[float, int, _Run]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        # The watchdog never sleeps longer than the shortest deadline given, so a run registered
        # while it sleeps is seen before its deadline without waking it (a wake-up per run cost
        # more than the rest of the bookkeeping together).
        self._longest_sleep = float("inf")
        # Runs done since the last sweep: finished runs behind a long one stay in the heap until it
        # ends, so the heap is swept whenever they are most of it.
        self._finished = 0

    def bounded(self, run: Callable[..., dict[str, Any]], seconds: float,
                setting: str = RUN_TIMEOUT_ENV) -> Callable[[dict[str, Any]], dict[str, Any]]:
        """`run` (a runner's run, taking `cancel_with`) held to `seconds`, or as it is for seconds <= 0;
        `setting`: the environment variable a stopped run's error names."""
        if seconds <= 0:
            return run
        with self._wake:
            sleep = max(SHORTEST_SLEEP_S, seconds)
            if sleep < self._longest_sleep:
                self._longest_sleep = sleep
                self._wake.notify()  # it may be asleep for longer than this deadline

        def bounded_run(inputs: dict[str, Any]) -> dict[str, Any]:
            watched = self._watch(time.monotonic() + seconds)
            try:
                return run(inputs, cancel_with=watched.register)
            except Exception:
                if watched.stopped:
                    raise RunTimedOut(seconds, setting) from None
                raise
            finally:
                watched.finish()
                self._finished += 1  # under the GIL; a count a little off only delays a sweep

        return bounded_run

    def _watch(self, deadline: float) -> _Run:
        watched = _Run()
        with self._wake:
            while self._heap and self._heap[0][2].done:
                heapq.heappop(self._heap)  # runs end about in the order they start: this keeps the heap short
            if len(self._heap) > SWEEP_FROM and 2 * self._finished > len(self._heap):
                self._heap = [entry for entry in self._heap if not entry[2].done]  # behind a long run
                heapq.heapify(self._heap)
                self._finished = 0
            heapq.heappush(self._heap, (deadline, next(self._order), watched))
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="whetstone-run-deadlines", daemon=True)
                self._thread.start()
        return watched

    def _loop(self) -> None:
        while True:
            with self._wake:
                while self._heap and self._heap[0][2].done:
                    heapq.heappop(self._heap)  # finished in time: nothing to stop
                if not self._heap:
                    self._wake.wait(self._longest_sleep)
                    continue
                deadline, _, watched = self._heap[0]
                left = deadline - time.monotonic()
                if left > 0:
                    self._wake.wait(min(left, self._longest_sleep))
                    continue
                heapq.heappop(self._heap)
            watched.stop_now()


WATCHDOG = RunWatchdog()


# OpenVINO's name, in a compiled model, for the loops of ONNX's Loop and Scan.
OPENVINO_LOOPS = frozenset({"TensorIterator", "Loop"})


def stops_mid_run(runner) -> bool:
    """Whether a stop reaches a run of `runner` before the run ends. onnxruntime checks its terminate
    flag between nodes, a Loop's body included; OpenVINO's cancel waits for a loop (TensorIterator)
    to finish, so a package with one cannot be held to a deadline."""
    parts = [runner.fallback, *runner.by_shapes.values()] if hasattr(runner, "by_shapes") else [runner]
    for part in parts:
        compiled = getattr(part, "compiled", None)
        if compiled is None:
            continue
        for op in compiled.get_runtime_model().get_ordered_ops():
            info = op.get_rt_info()
            if "layerType" in info and info["layerType"].astype(str) in OPENVINO_LOOPS:
                return False
    return True
