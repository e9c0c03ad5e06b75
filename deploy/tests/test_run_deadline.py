"""Every run the engine serves has a deadline: a run past it is stopped and its call answered 504,
and the thread it held is free again."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
import requests

from deploy.serving.errors import RunTimedOut
from deploy.serving.repository import stage_package
from deploy.serving.run_deadline import RUN_TIMEOUT_ENV, RunWatchdog
from deploy.serving.server import engine_environment
from deploy.tests.engines import ENGINE_START_TIMEOUT_S
from deploy.tests.tiny_packages import FEATURES, write_tiny_package


def _run_until_stopped(started: threading.Event):
    def run(inputs, cancel_with=None):
        stopped = threading.Event()
        cancel_with(stopped.set)
        started.set()
        if not stopped.wait(30):
            return {"y": "ran to the end"}
        raise RuntimeError("the engine's own words: stopped")
    return run


def test_a_run_past_its_deadline_is_stopped_and_says_so():
    started = threading.Event()
    bounded = RunWatchdog().bounded(_run_until_stopped(started), 0.2)

    began = time.monotonic()
    with pytest.raises(RunTimedOut, match=f"longer than this engine allows \\(0.2 s; the engine's {RUN_TIMEOUT_ENV}"):
        bounded({})
    assert 0.15 < time.monotonic() - began < 5


def test_runs_within_their_deadline_are_left_alone_and_not_kept():
    watchdog = RunWatchdog()
    stops = []
    bounded = watchdog.bounded(lambda inputs, cancel_with: cancel_with(lambda: stops.append(1)) or {"y": 1}, 0.3)

    for _ in range(1000):
        assert bounded({}) == {"y": 1}
    time.sleep(0.5)
    assert stops == [] and len(watchdog._heap) <= 1


def test_an_error_of_a_run_that_was_not_stopped_is_its_own():
    bounded = RunWatchdog().bounded(lambda inputs, cancel_with: 1 / 0, 5)
    with pytest.raises(ZeroDivisionError):
        bounded({})


def test_no_deadline_leaves_the_run_as_it_is():
    run = lambda inputs: {"y": 1}  # noqa: E731 - a runner that takes no cancel_with
    assert RunWatchdog().bounded(run, 0) is run


@pytest.fixture(scope="module")
def engine_with_a_short_deadline(tmp_path_factory):
    from deploy.serving.server import stop_server
    from deploy.tests.engines import launch_engine

    root = tmp_path_factory.mktemp("deadline")
    # At a batch of 4096 each product is 2.1 GFLOP: 400 of them take seconds even at the 400 GFLOP/s
    # two AVX-512 cores can reach (20 finished within the 0.3 s deadline on such a host), while the
    # deadline stops the run after the product in progress, some tens of milliseconds on any host.
    stage_package(write_tiny_package(root / "slow", slow_products=400), root / "models", "slow")
    stage_package(write_tiny_package(root / "quick", seed=3), root / "models", "quick")
    engine = launch_engine(root, {**engine_environment(), RUN_TIMEOUT_ENV: "0.3",
                                  "WHETSTONE_SPEED_ON_LOAD": "0", "WHETSTONE_ACCURACY_ON_LOAD": "0"})
    engine.client.wait_until_ready("slow", ENGINE_START_TIMEOUT_S)
    engine.client.wait_until_ready("quick", ENGINE_START_TIMEOUT_S)
    yield engine
    stop_server(engine.process)


@pytest.mark.parametrize("headers", [{}, {"Origin": "https://console.example"}], ids=["direct", "mlserver"])
def test_a_call_whose_run_passes_the_deadline_is_answered_504_and_the_engine_goes_on(engine_with_a_short_deadline,
                                                                                     headers):
    engine = engine_with_a_short_deadline
    x = np.ones((4096, FEATURES), np.float32)  # the slow branch's products take seconds at this batch
    body = {"inputs": [{"name": "x", "shape": list(x.shape), "datatype": "FP32", "data": x.ravel().tolist()}]}

    began = time.monotonic()
    answer = requests.post(f"{engine.base_url}/v2/models/slow/infer", json=body, headers=headers, timeout=60)

    assert answer.status_code == 504, answer.text
    assert RUN_TIMEOUT_ENV in answer.json()["error"]
    assert time.monotonic() - began < 10
    assert engine.client.infer("quick", {"x": np.ones((1, FEATURES), np.float32)})["logits"].shape == (1, 3)
    assert engine.client.infer("slow", {"x": np.ones((1, FEATURES), np.float32)})["logits"].shape == (1, 3)


def test_runs_that_end_behind_a_long_one_are_not_kept():
    """Finished runs left the heap only from its top: one long run in flight kept every later one."""
    watchdog = RunWatchdog()
    started, release = threading.Event(), threading.Event()

    def long_run(inputs, cancel_with):
        cancel_with(lambda: None)
        started.set()
        release.wait(10)
        return {}

    slow = watchdog.bounded(long_run, 30)
    quick = watchdog.bounded(lambda inputs, cancel_with: {}, 30)
    thread = threading.Thread(target=slow, args=({},))
    thread.start()
    started.wait(5)
    for _ in range(20_000):
        quick({})
    assert len(watchdog._heap) < 5_000
    release.set()
    thread.join()


def test_a_stop_after_the_run_ended_reaches_no_other_run():
    """A runner may reuse what it stops with (OpenVINO's request, per thread): a late stop of a run
    that had ended cancelled the next run on that thread."""
    from deploy.serving.run_deadline import _Run

    stopped = []
    run = _Run()
    run.stop = lambda: stopped.append("stopped")
    run.finish()
    run.stop_now()
    assert stopped == [] and not run.stopped


def test_a_shorter_deadline_given_while_the_watchdog_sleeps_is_kept():
    watchdog = RunWatchdog()
    long_run = watchdog.bounded(lambda inputs, cancel_with: {}, 600)
    long_run({})  # the watchdog now sleeps for as long as it may: 600 s
    time.sleep(0.1)
    started = threading.Event()
    short = watchdog.bounded(_run_until_stopped(started), 0.2)

    began = time.monotonic()
    with pytest.raises(RunTimedOut):
        short({})
    assert time.monotonic() - began < 5


def test_a_deadline_that_passes_before_the_runner_hands_over_its_stop_still_stops_it():
    """OpenVINO makes its infer request first: a deadline that passed meanwhile found nothing to
    stop, and the run went on unbounded."""
    from deploy.serving.run_deadline import _Run

    stopped = []
    run = _Run()
    run.stop_now()  # the watchdog's turn comes first
    run.register(lambda: stopped.append("stopped"))
    assert stopped == ["stopped"] and run.stopped
