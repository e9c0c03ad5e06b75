"""AdaptiveBatcher on its own: who is joined with whom, and that every caller gets its own rows.

The engine here is a function that records its calls; the served engine's batching is
covered through HTTP in test_serving_engine and test_binary_tensors.
"""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from deploy.serving import batching
from deploy.serving.batching import AdaptiveBatcher


class Engine:
    """Doubles x; refuses any call that holds a negative value, as an engine refuses bad content."""

    def __init__(self, reduce: bool = False):
        self.calls: list[int] = []
        self.reduce = reduce

    async def run(self, inputs):
        x = inputs["x"]
        self.calls.append(x.shape[0])
        await asyncio.sleep(0)
        if (x < 0).any():
            raise ValueError("negative input")
        if self.reduce:  # an output that is not per row
            return {"y": x * 2, "total": np.asarray([x.sum()])}
        return {"y": x * 2}


def request(rows: int, value: float, width: int = 3) -> dict[str, np.ndarray]:
    return {"x": np.full((rows, width), value, np.float32)}


def gather(batcher: AdaptiveBatcher, requests: list[dict]) -> list:
    async def main():
        return await asyncio.gather(*(batcher.infer(r) for r in requests), return_exceptions=True)
    return asyncio.run(main())


def test_concurrent_requests_share_one_call_and_each_gets_its_own_rows():
    engine, sizes = Engine(), []
    batcher = AdaptiveBatcher(engine.run, max_batch_size=8, max_batch_time_s=0.05, observe_batch=sizes.append)
    requests = [request(1, 1.0), request(2, 2.0), request(1, 3.0)]

    answers = gather(batcher, requests)

    assert engine.calls == [4] and sizes == [3]
    for sent, answer in zip(requests, answers):
        np.testing.assert_array_equal(answer["y"], sent["x"] * 2)


def test_a_full_batch_runs_at_once_and_the_rest_start_the_next():
    engine = Engine()
    batcher = AdaptiveBatcher(engine.run, max_batch_size=2, max_batch_time_s=0.05)

    answers = gather(batcher, [request(1, v) for v in (1.0, 2.0, 3.0)])

    assert engine.calls == [2, 1]
    assert [float(a["y"][0, 0]) for a in answers] == [2.0, 4.0, 6.0]


def test_requests_that_differ_beyond_the_batch_dim_are_joined_only_with_their_like():
    engine = Engine()
    batcher = AdaptiveBatcher(engine.run, max_batch_size=8, max_batch_time_s=0.05)

    answers = gather(batcher, [request(1, 1.0, width=3), request(1, 2.0, width=5), request(1, 3.0, width=3)])

    assert sorted(engine.calls) == [1, 2]
    assert [a["y"].shape for a in answers] == [(1, 3), (1, 5), (1, 3)]


def test_a_refused_batch_is_answered_request_by_request():
    engine = Engine()
    batcher = AdaptiveBatcher(engine.run, max_batch_size=8, max_batch_time_s=0.05)

    answers = gather(batcher, [request(1, 1.0), request(1, -1.0), request(1, 3.0)])

    assert engine.calls == [3, 1, 1, 1]
    assert isinstance(answers[1], ValueError)
    assert float(answers[0]["y"][0, 0]) == 2.0 and float(answers[2]["y"][0, 0]) == 6.0


def test_outputs_that_are_not_per_row_are_computed_per_request():
    engine = Engine(reduce=True)
    batcher = AdaptiveBatcher(engine.run, max_batch_size=8, max_batch_time_s=0.05)

    answers = gather(batcher, [request(1, 1.0), request(2, 2.0)])

    assert engine.calls == [3, 1, 2]
    assert [float(a["total"][0]) for a in answers] == [3.0, 12.0]


@pytest.mark.parametrize("inputs", [
    {"x": np.asarray(1.0, np.float32)},  # a scalar: nothing to join along
    {"x": np.ones((2, 3), np.float32), "mask": np.ones((3, 3), np.float32)},  # inputs disagree on the first dim
], ids=["scalar", "no shared first dim"])
def test_inputs_without_a_shared_batch_dim_run_at_once_and_alone(inputs):
    calls = []

    async def identity(arrays):
        calls.append(arrays)
        return arrays

    batcher = AdaptiveBatcher(identity, max_batch_size=8, max_batch_time_s=60)

    async def main():
        return await asyncio.wait_for(batcher.infer(inputs), 5)  # not after the 60 s wait for company

    assert asyncio.run(main()) is inputs
    assert calls == [inputs]


class HeldEngine:
    """Doubles x, and holds each call until the test releases it: a model still running."""

    def __init__(self):
        self.calls: list[int] = []
        self.running = 0
        self.most_at_once = 0
        self.release = asyncio.Event()

    async def run(self, inputs):
        self.calls.append(inputs["x"].shape[0])
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        await self.release.wait()
        self.running -= 1
        return {"y": inputs["x"] * 2}


def arrivals(one_batch_at_a_time: bool, later: int, max_batch_size: int = 4):
    """One request opens a batch and runs; `later` more arrive while it runs and wait out the
    batch time. Returns the engine and every caller's answer."""
    engine = HeldEngine()
    batcher = AdaptiveBatcher(engine.run, max_batch_size=max_batch_size, max_batch_time_s=0.01,
                              one_batch_at_a_time=one_batch_at_a_time)

    async def main():
        first = asyncio.ensure_future(batcher.infer(request(1, 0.0)))
        await asyncio.sleep(0.03)                      # its batch closed and runs, held
        rest = [asyncio.ensure_future(batcher.infer(request(1, float(v)))) for v in range(1, later + 1)]
        await asyncio.sleep(0.05)                      # their batch time is up too
        engine.release.set()
        return await asyncio.gather(first, *rest)

    answers = asyncio.run(main())
    return engine, answers


def test_with_mlservers_rule_a_due_batch_runs_beside_the_running_one():
    engine, answers = arrivals(one_batch_at_a_time=False, later=3)

    assert engine.calls == [1, 3] and engine.most_at_once == 2
    assert [float(a["y"][0, 0]) for a in answers] == [0.0, 2.0, 4.0, 6.0]


def test_one_batch_at_a_time_a_due_batch_waits_for_the_running_one():
    engine, answers = arrivals(one_batch_at_a_time=True, later=3)

    assert engine.calls == [1, 3] and engine.most_at_once == 1
    assert [float(a["y"][0, 0]) for a in answers] == [0.0, 2.0, 4.0, 6.0]


def test_requests_beyond_a_full_batch_that_waited_form_the_next_batch():
    engine, answers = arrivals(one_batch_at_a_time=True, later=6, max_batch_size=4)

    assert engine.calls == [1, 4, 2] and engine.most_at_once == 1
    assert [float(a["y"][0, 0]) for a in answers] == [2.0 * v for v in range(7)]


def test_one_caller_at_a_time_pays_no_batch_window():
    engine, sizes = Engine(), []
    batcher = AdaptiveBatcher(engine.run, max_batch_size=8, max_batch_time_s=60, observe_batch=sizes.append)

    async def main():
        for value in range(3):  # each call not before the last was answered
            answer = await asyncio.wait_for(batcher.infer(request(1, float(value))), 5)  # not after 60 s
            np.testing.assert_array_equal(answer["y"], request(1, 2.0 * value)["x"])

    asyncio.run(main())
    assert engine.calls == [1, 1, 1] and sizes == [1, 1, 1]


def test_requests_that_come_together_to_an_idle_model_still_share_a_batch():
    engine = Engine()
    batcher = AdaptiveBatcher(engine.run, max_batch_size=8, max_batch_time_s=60)

    answers = gather(batcher, [request(1, 1.0), request(1, 2.0), request(1, 3.0)])  # not after 60 s either

    assert engine.calls == [3]
    assert [float(a["y"][0, 0]) for a in answers] == [2.0, 4.0, 6.0]


def test_a_batch_at_an_idle_model_closes_once_its_crowd_came(monkeypatch):
    monkeypatch.setattr(batching, "SPELLS_REMEMBERED", 2)
    window = 0.5
    engine = Engine()
    batcher = AdaptiveBatcher(engine.run, max_batch_size=8, max_batch_time_s=window, one_batch_at_a_time=True)

    async def main():
        loop = asyncio.get_running_loop()
        await asyncio.gather(batcher.infer(request(1, 1.0)), batcher.infer(request(1, 2.0)))
        assert engine.calls == [2]                      # a spell of two

        started = loop.time()
        first = asyncio.ensure_future(batcher.infer(request(1, 3.0)))
        await asyncio.sleep(0.05)
        assert engine.calls == [2]                      # waits for a second caller
        await asyncio.gather(first, batcher.infer(request(1, 4.0)))
        assert engine.calls == [2, 2]
        assert loop.time() - started < window / 2       # closed when the second came

        # Fewer come: each waits the whole window until no remembered spell had two.
        for lone in range(2):
            started = loop.time()
            await batcher.infer(request(1, 5.0))
            assert loop.time() - started >= window * 0.9, lone
        started = loop.time()
        answer = await batcher.infer(request(1, 6.0))
        assert loop.time() - started < window / 2
        assert engine.calls == [2, 2, 1, 1, 1]
        np.testing.assert_array_equal(answer["y"], request(1, 12.0)["x"])

    asyncio.run(main())


def test_a_batch_past_the_run_deadline_is_not_run_again_request_by_request():
    """Each request run again on its own could take as long as the whole batch did: every caller
    hears of the deadline at once instead."""
    from deploy.serving.errors import RunTimedOut

    calls = []

    async def run(inputs):
        calls.append(inputs["x"].shape[0])
        raise RunTimedOut(0.3, "WHETSTONE_RUN_TIMEOUT_S")

    batcher = AdaptiveBatcher(run, max_batch_size=8, max_batch_time_s=0.05)
    answers = gather(batcher, [request(1, 1.0), request(2, 2.0)])

    assert calls == [3]
    assert all(isinstance(answer, RunTimedOut) for answer in answers)
