import threading
import time

import pytest

from compiler_core.errors import OptimizationError
from compiler_core.measure import MeasurePlan, compare, interleaved_blocks, time_block, wait_until_quiet
from compiler_core.shapes import derived_shape_set, parse_shapes

BERT_LIKE = {"inputs": [{"name": "input_ids", "dtype": "int64", "shape": ["batch", "seq"]},
                        {"name": "attention_mask", "dtype": "int64", "shape": ["batch", "seq"]}], "outputs": []}


def _sleeper(ms):
    return lambda: time.sleep(ms / 1000)


def test_a_twice_as_slow_candidate_is_reported_slower():
    result = compare(_sleeper(2), _sleeper(4), MeasurePlan(seconds=0.3, warmup_seconds=0.01))
    assert 0.35 < result.speedup < 0.65
    assert result.significantly_slower and not result.significant_gain


def test_the_same_runner_shows_no_gain():
    result = compare(_sleeper(2), _sleeper(2), MeasurePlan(seconds=0.3, warmup_seconds=0.01))
    assert not result.significant_gain
    stats = result.baseline.as_dict()
    assert stats["p50_ms"] <= stats["p90_ms"] <= stats["p99_ms"]


def _busy(ms: float, hiccups: set[int]):
    """A runner of `ms` per call that is held up 20 ms on the calls numbered in `hiccups` (from 1), as a
    run preempted on a busy host is."""
    calls = [0]

    def run():
        calls[0] += 1
        end = time.perf_counter() + (20.0 if calls[0] in hiccups else ms) / 1000
        while time.perf_counter() < end:
            pass
    return run


def test_a_runner_held_up_while_its_latency_is_probed_still_gets_full_blocks():
    """Blocks of equal time are sized by each runner's latency. Sized by one run that a busy host held
    up, a fast runner's blocks held two runs where the others' held a hundred, and the first runs of
    a block, which wake the engine's threads, then made an engine's check on load call a package
    identical to its original 0.76x (CI at 01be71f). Call 1 is the warm-up's; the probe follows."""
    plan = MeasurePlan(seconds=0.0, min_rounds=8, warmup_seconds=0.0)
    for hiccups in ({2}, {2, 3}, {2, 3, 4, 5}):
        stats, blocks = interleaved_blocks([_busy(0.2, set()), _busy(0.2, hiccups)], plan, blocks_of_equal_time=True)
        steady, held_up = (len(s.samples_ms) / len(b) for s, b in zip(stats, blocks))
        assert held_up >= 0.7 * steady and steady >= 20, (hiccups, steady, held_up)


def _spin_for(seconds: float) -> threading.Thread:
    """A stand-in for an engine's worker thread that keeps spinning after the call returned."""
    def spin():
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            pass

    thread = threading.Thread(target=spin, daemon=True)
    thread.start()
    return thread


def test_a_block_ends_only_when_the_engines_threads_stopped_spinning():
    spinner = _spin_for(0.08)
    samples = time_block(lambda: None, runs=3)
    assert len(samples) == 3
    # The next runner's block must not share the CPUs with this one's leftover spinning.
    assert not spinner.is_alive()


def test_waiting_for_quiet_is_bounded_when_a_thread_never_stops():
    stop = threading.Event()

    def busy():
        while not stop.is_set():
            pass

    thread = threading.Thread(target=busy, daemon=True)
    thread.start()
    try:
        waited = wait_until_quiet()
    finally:
        stop.set()
        thread.join()
    assert 0.2 <= waited < 1.0


def test_a_quiet_process_does_not_wait():
    assert wait_until_quiet() < 0.05


def test_derived_shape_set_varies_batch_and_sequence_around_a_primary():
    shapes = derived_shape_set(BERT_LIKE)
    assert shapes[0] == {"batch": 1, "seq": 128}
    assert {"batch": 16, "seq": 128} in shapes and {"batch": 1, "seq": 512} in shapes
    assert len(shapes) == 5


def test_user_shapes_spec_is_a_cartesian_product():
    assert parse_shapes("batch=1,4;seq=64", BERT_LIKE) == [{"batch": 1, "seq": 64}, {"batch": 4, "seq": 64}]
    assert parse_shapes('[{"batch": 2, "seq": 8}]', BERT_LIKE) == [{"batch": 2, "seq": 8}]


@pytest.mark.parametrize("spec, message", [("batch=x", "integers"), ("width=3", "dynamic dims are"),
                                           ("batch", "dim=1,4,16"), ("batch=0", "at least 1")])
def test_bad_shape_specs_say_what_is_wrong(spec, message):
    with pytest.raises(OptimizationError, match=message):
        parse_shapes(spec, BERT_LIKE)


@pytest.mark.parametrize("ms, runners, seconds, min_rounds", [(2.0, 6, 0.2, 15), (40.0, 2, 1.0, 5)])
def test_the_time_a_measurement_is_planned_for_is_the_time_it_takes(ms, runners, seconds, min_rounds, monkeypatch):
    """The search keeps interleaved_seconds for its runoff: counted by the plan's seconds and the runs
    alone, it left out each block's untimed run and quiet wait, and 90 s budgets ended at 101-106 s.
    Runners that sleep, and a quiet wait of a fixed length, make the time taken a matter of counting."""
    from compiler_core import measure

    quiet_s = 0.005
    monkeypatch.setattr(measure, "wait_until_quiet", lambda: time.sleep(quiet_s) or quiet_s)
    plan = MeasurePlan(seconds=seconds, min_rounds=min_rounds, warmup_seconds=0.05)
    started = time.perf_counter()
    interleaved_blocks([_sleeper(ms) for _ in range(runners)], plan, blocks_of_equal_time=True)
    took = time.perf_counter() - started
    planned = measure.interleaved_seconds(ms, runners, plan, quiet_s)
    assert 0.8 < planned / took < 1.3, (planned, took)
