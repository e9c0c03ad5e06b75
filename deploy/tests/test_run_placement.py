"""RunPlacement on its own: which runs go on the event loop's thread and which to a worker thread.

The model here is a function that records the thread it ran on; the served engine's
placement of real onnxruntime runs is covered through HTTP in test_serving_engine.
"""

from __future__ import annotations

import asyncio
import threading
import time

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper
from prometheus_client import REGISTRY

from compiler_core.candidates.base import openvino_runtime, ort_runtime
from compiler_core.runtime import open_model
from deploy.serving import run_placement
from deploy.serving.errors import RunTimedOut
from deploy.serving.run_deadline import RunWatchdog, stops_mid_run
from deploy.serving.run_placement import QUICK_RUN_S, RunPlacement, fills_every_core, threads_per_run
from deploy.tests.tiny_packages import tiny_classifier

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


def test_a_call_of_shapes_no_quick_run_had_goes_to_a_thread():
    """A caller who sent small inputs until the model looked quick, then one of a larger shape (or
    of the same bytes in another shape), had that run block the loop (every tenant's calls, the
    probes) for as long as it took."""
    model = Model()
    placement = RunPlacement(model.run, onnxruntime(CORES), "m")
    small, large, turned = np.zeros((1, 16), np.float32), np.zeros((1, 1 << 16), np.float32), np.zeros((16, 1))

    async def main():
        for _ in range(4):
            await placement.run({"x": small})
        await placement.run({"x": large})
        await placement.run({"x": turned.astype(np.float32)})
        return threading.get_ident()

    loop_thread = asyncio.run(main())
    assert model.threads[2:4] == [loop_thread, loop_thread]  # quick, on the loop
    assert loop_thread not in model.threads[4:]  # shapes no quick run had: in a thread


def test_a_run_that_holds_the_loop_past_its_deadline_is_answered_from_a_thread_and_leaves_the_loop():
    """Some graphs' work hangs on their inputs' values (a Loop's trip count), not their shapes."""
    model = Model()
    stopped = []

    def loop_run(inputs):
        if inputs["x"] == 2:  # the same shape, a value that takes long
            stopped.append(threading.get_ident())
            raise RunTimedOut(run_placement.LOOP_RUN_DEADLINE_S, "the loop's deadline")
        return model.run(inputs)

    placement = RunPlacement(model.run, onnxruntime(CORES), "m-stopped", loop_run=loop_run)

    async def main():
        answers = [await placement.run({"x": value}) for value in (1, 1, 1, 2, 1)]
        return answers, threading.get_ident()

    before = {place: REGISTRY.get_sample_value("whetstone_model_runs_total", {"model": "m-stopped", "place": place})
              or 0 for place in ("event_loop", "worker_thread")}
    answers, loop_thread = asyncio.run(main())
    assert [a["y"] for a in answers] == [1, 1, 1, 2, 1]  # every call answered, the stopped one too
    assert stopped == [loop_thread]
    assert model.threads[2] == loop_thread and loop_thread not in model.threads[3:]  # off the loop for good
    counted = {place: REGISTRY.get_sample_value("whetstone_model_runs_total", {"model": "m-stopped", "place": place})
               - before[place] for place in before}
    assert counted == {"event_loop": 2, "worker_thread": 3}  # five calls, each counted once


def test_the_real_watchdog_stops_a_loop_on_the_event_loop_and_the_call_is_answered(tmp_path):
    """A Loop whose trip count is an input, on onnxruntime, through the engine's own watchdog."""
    runner = open_model(_loop_model(tmp_path / "loop.onnx"), ort_runtime(CORES), {"inputs": [], "outputs": []})
    watchdog = RunWatchdog()
    placement = RunPlacement(watchdog.bounded(runner.run, 60), ort_runtime(CORES), "loop",
                             loop_run=watchdog.bounded(runner.run, 0.2))
    feed = {"c": np.array(True), "v0": np.zeros(1, np.float32)}

    async def main():
        for _ in range(3):
            await placement.run({**feed, "n": np.array(3, np.int64)})  # quick: the next goes on the loop
        return await placement.run({**feed, "n": np.array(3_000_000, np.int64)})

    answer = asyncio.run(main())
    assert answer["v"].tolist() == [3_000_000.0]  # answered, from a thread, after the loop's run was stopped
    assert placement._may_run_on_loop is False


def test_a_model_whose_runs_cannot_be_stopped_never_runs_on_the_loop():
    assert places_of(RunPlacement(Model().run, onnxruntime(CORES), "m", stoppable=False), 4) == ["thread"] * 4


def places_of(placement: RunPlacement, calls: int) -> list[str]:
    model_threads = []
    inner = placement._run

    def recording(inputs):
        model_threads.append(threading.get_ident())
        return inner(inputs)

    placement._run = placement._loop_run = recording

    async def main():
        await one_at_a_time(placement, calls)
        return threading.get_ident()

    loop_thread = asyncio.run(main())
    return ["loop" if ident == loop_thread else "thread" for ident in model_threads]


def _loop_model(path):
    """v = v0 + n: a Loop whose trip count is the input n."""
    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]), helper.make_node("Add", ["v_in", "one"], ["v_out"])],
        "body", [helper.make_tensor_value_info("i", TensorProto.INT64, []),
                 helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
                 helper.make_tensor_value_info("v_in", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v_out", TensorProto.FLOAT, [1])],
        [helper.make_tensor("one", TensorProto.FLOAT, [1], [1.0])])
    graph = helper.make_graph([helper.make_node("Loop", ["n", "c", "v0"], ["v"], body=body)], "counts",
                              [helper.make_tensor_value_info("n", TensorProto.INT64, []),
                               helper.make_tensor_value_info("c", TensorProto.BOOL, []),
                               helper.make_tensor_value_info("v0", TensorProto.FLOAT, [1])],
                              [helper.make_tensor_value_info("v", TensorProto.FLOAT, [1])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))
    return path


@pytest.mark.parametrize("engine, stops", [("onnxruntime", True), ("openvino", False)])
def test_which_runs_a_stop_reaches_before_they_end(tmp_path, engine, stops):
    """onnxruntime checks its terminate flag inside a Loop's body; OpenVINO's cancel waits for the loop."""
    runtime = ort_runtime(1) if engine == "onnxruntime" else openvino_runtime(1, "f32", "fp32")
    signature = {"inputs": [], "outputs": []}
    assert stops_mid_run(open_model(_loop_model(tmp_path / "loop.onnx"), runtime, signature)) is stops
    plain = tmp_path / "plain.onnx"
    onnx.save(tiny_classifier(0), str(plain))
    assert stops_mid_run(open_model(plain, runtime, signature)) is True
    # A package whose dynamic graph is onnxruntime's and whose graph for one shape is OpenVINO's loop.
    loop = tmp_path / "loop.onnx"
    mixed = open_model(plain, {**ort_runtime(1), "specializations": [
        {"shape": "n", "input_shapes": {}, "model": loop.name, "runtime": runtime}]}, signature)
    assert stops_mid_run(mixed) is stops


def test_onnxruntime_stops_a_loop_whose_trip_count_is_an_input(tmp_path):
    runner = open_model(_loop_model(tmp_path / "loop.onnx"), ort_runtime(1), {"inputs": [], "outputs": []})
    bounded = RunWatchdog().bounded(runner.run, 0.2)
    feed = {"c": np.array(True), "v0": np.zeros(1, np.float32)}
    assert bounded({**feed, "n": np.array(3, np.int64)})["v"].tolist() == [3.0]
    began = time.monotonic()
    with pytest.raises(RunTimedOut):
        bounded({**feed, "n": np.array(10**9, np.int64)})
    assert time.monotonic() - began < 5
