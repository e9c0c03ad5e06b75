"""RunPlacement on its own: which runs go on the event loop's thread and which to a worker thread.

The model here is a function that records the thread it ran on; the served engine's
placement of real onnxruntime runs is covered through HTTP in test_serving_engine.
"""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from deploy.serving import run_placement
from deploy.serving.run_placement import QUICK_RUN_S, RunPlacement, fills_every_core, threads_per_run

CORES = 4


def onnxruntime(threads: int | None, **extra) -> dict:
    options = {} if threads is None else {"intra_op_num_threads": threads}
    return {"engine": "onnxruntime", "session_options": options, **extra}


class Model:
    def __init__(self, seconds: float = 0.0):
        self.seconds = seconds
        self.threads: list[int] = []

    def run(self, inputs):
        self.threads.append(threading.get_ident())
        time.sleep(self.seconds)
        return {"y": inputs["x"]}


@pytest.fixture(autouse=True)
def four_cores(monkeypatch):
    monkeypatch.setattr(run_placement, "usable_cores", lambda: CORES)
    monkeypatch.delenv(run_placement.INLINE_RUNS_ENV, raising=False)
    # What the engine's earlier runs left behind (one event loop, so kept on the class).
    monkeypatch.setattr(RunPlacement, "loop_free_since_last_run", False)


@pytest.fixture
def loop_turns(monkeypatch) -> list[float]:
    """The turns of the loop runs take (asyncio.sleep(0) calls), as they happen."""
    turns: list[float] = []
    real_sleep = asyncio.sleep

    async def sleep(delay, *args, **kwargs):
        if delay == 0:
            turns.append(delay)
        return await real_sleep(delay, *args, **kwargs)

    monkeypatch.setattr(run_placement.asyncio, "sleep", sleep)
    return turns


async def one_at_a_time(placement: RunPlacement, calls: int, pause_s: float = 0.0) -> None:
    """`calls` runs one after the other; with `pause_s`, the loop waits between them, as while
    a client sends its next request."""
    for _ in range(calls):
        assert (await placement.run({"x": 1}))["y"] == 1
        if pause_s:
            await asyncio.sleep(pause_s)


def places(model: Model, runtime: dict, calls: int, pause_s: float = 0.0) -> list[str]:
    """Where each of `calls` runs, one after the other, went: 'loop' or 'thread'."""
    placement = RunPlacement(model.run, runtime, "m")

    async def main():
        loop_thread = threading.get_ident()
        await one_at_a_time(placement, calls, pause_s)
        return ["loop" if ident == loop_thread else "thread" for ident in model.threads]
    return asyncio.run(main())


@pytest.mark.parametrize("runtime, threads", [
    (onnxruntime(2), 2),
    (onnxruntime(0), None),        # onnxruntime's default: every core
    (onnxruntime(None), None),
    ({"engine": "openvino", "config": {"INFERENCE_NUM_THREADS": 3}}, 3),
    ({"engine": "openvino", "config": {}}, None),
])
def test_threads_per_run_reads_the_packages_runtime(runtime, threads):
    assert threads_per_run(runtime) == threads


def test_a_specialization_with_fewer_threads_keeps_the_package_off_the_loop():
    specialized = onnxruntime(CORES, specializations=[{"model": "b1.onnx"},
                                                      {"model": "b8.onnx", "runtime": onnxruntime(1)}])
    assert fills_every_core(onnxruntime(CORES, specializations=[{"model": "b1.onnx"}]), CORES)
    assert not fills_every_core(specialized, CORES)


def test_a_quick_model_that_fills_every_core_runs_on_the_loop_after_two_runs_in_a_thread():
    # The first run is a warm-up; the second says how long a run takes.
    assert places(Model(), onnxruntime(CORES), 4) == ["thread", "thread", "loop", "loop"]


@pytest.mark.parametrize("runtime", [onnxruntime(CORES - 1), onnxruntime(1, specializations=[])])
def test_a_model_that_leaves_cores_free_always_runs_in_a_thread(runtime):
    # Runs at once in several threads can use the cores this one leaves idle.
    assert places(Model(), runtime, 3) == ["thread"] * 3


def test_a_slow_model_always_runs_in_a_thread():
    assert places(Model(seconds=QUICK_RUN_S * 1.5), onnxruntime(None), 3) == ["thread"] * 3


def test_inline_runs_can_be_switched_off(monkeypatch):
    monkeypatch.setenv(run_placement.INLINE_RUNS_ENV, "0")
    assert places(Model(), onnxruntime(CORES), 3) == ["thread"] * 3


def test_no_run_goes_on_the_loop_while_another_is_in_a_thread():
    slow, quick = Model(seconds=0.2), Model()
    slow_placement = RunPlacement(slow.run, onnxruntime(CORES), "slow")
    quick_placement = RunPlacement(quick.run, onnxruntime(CORES), "quick")

    async def main():
        loop_thread = threading.get_ident()
        for _ in range(2):                                # learns that it is quick: the next may go on the loop
            await quick_placement.run({"x": 1})
        in_thread = asyncio.ensure_future(slow_placement.run({"x": 1}))
        await asyncio.sleep(0.05)                         # the slow run is in its thread now
        await quick_placement.run({"x": 1})               # so this one goes to a thread as well
        await in_thread
        await quick_placement.run({"x": 1})               # nothing else running: on the loop
        return [ident == loop_thread for ident in quick.threads]

    assert asyncio.run(main()) == [False, False, False, True]
    assert RunPlacement.wanted == 0


def test_calls_that_arrive_together_all_run_in_threads():
    # Eight calls ready at once (they arrived while the loop ran the last one): on the loop
    # they would run one after the other, with no call's decoding overlapping another's run.
    model = Model()
    placement = RunPlacement(model.run, onnxruntime(CORES), "m")

    async def main():
        loop_thread = threading.get_ident()
        for _ in range(2):
            await placement.run({"x": 1})
        await asyncio.gather(*(placement.run({"x": 1}) for _ in range(8)))
        await placement.run({"x": 1})
        return [ident == loop_thread for ident in model.threads[2:]]

    assert asyncio.run(main()) == [False] * 8 + [True]


def test_calls_one_at_a_time_take_no_turn_of_the_loop_after_the_first_run_on_it(loop_turns):
    # The turn costs 1-3% of a 5 ms call. Between calls that come one at a time the loop is free,
    # and the next run knows it.
    assert places(Model(), onnxruntime(CORES), 10, pause_s=0.001) == ["thread"] * 2 + ["loop"] * 8
    assert len(loop_turns) == 1


def test_calls_queued_behind_a_run_on_the_loop_each_take_the_turn_and_go_to_threads(loop_turns):
    model = Model()
    placement = RunPlacement(model.run, onnxruntime(CORES), "m")

    async def main():
        loop_thread = threading.get_ident()
        await one_at_a_time(placement, 3, pause_s=0.001)   # the loop is free after each run
        quiet = len(model.threads)
        for _ in range(2):                     # eight at once, twice: the first of each runs on the loop,
            await asyncio.gather(*(placement.run({"x": 1}) for _ in range(8)))   # before it knows
        return [ident == loop_thread for ident in model.threads[quiet:]]

    on_loop = asyncio.run(main())
    assert on_loop == ([True] + [False] * 7) * 2
    assert RunPlacement.wanted == 0


def test_a_run_that_fails_in_a_thread_is_no_longer_counted_as_running():
    def fails(inputs):
        raise ValueError("refused")
    placement = RunPlacement(fails, onnxruntime(CORES), "fails")

    with pytest.raises(ValueError, match="refused"):
        asyncio.run(placement.run({"x": 1}))
    assert RunPlacement.wanted == 0
