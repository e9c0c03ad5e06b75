import threading
import time

import pytest

from compiler_core.errors import OptimizationError
from compiler_core.measure import MeasurePlan, compare, time_block, wait_until_quiet
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
