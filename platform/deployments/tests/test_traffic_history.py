"""Rates, error rates and percentiles per minute from samples of the engine's cumulative counters,
worked out by hand on samples built here."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from deployments.traffic_history import Counts, Point, increase, restarted, traffic_series

T0 = datetime(2026, 12, 6, 10, 0, 0, tzinfo=timezone.utc)
EMPTY_BUCKETS = {"0.005": 0.0, "0.01": 0.0, "0.025": 0.0, "+Inf": 0.0}


def at(seconds: float, requests: float, errors: float = 0.0, buckets: dict | None = None,
       started: float | None = 1000.0) -> Counts:
    return Counts(observed_at=T0 + timedelta(seconds=seconds), requests=requests, errors=errors,
                  buckets=dict(EMPTY_BUCKETS if buckets is None else buckets), engine_started_at=started)


def series(samples: list[Counts], *, until_s: float, minutes: int) -> list[Point]:
    return traffic_series(samples, until=T0 + timedelta(seconds=until_s), window=timedelta(minutes=minutes))


def test_a_minutes_rate_error_rate_and_percentiles_come_from_the_increases_within_it():
    samples = [
        at(0, 100, 2),
        # 40 calls of at most 5 ms, 40 of 5-10 ms, 20 of 10-25 ms; 5 of them failed.
        at(30, 200, 7, {"0.005": 40, "0.01": 80, "0.025": 100, "+Inf": 100}),
        # Then 20 more calls in 10 s, all over 25 ms, none failed.
        at(40, 220, 7, {"0.005": 40, "0.01": 80, "0.025": 100, "+Inf": 120}),
    ]
    (point,) = series(samples, until_s=59, minutes=1)

    assert point.start == T0
    assert point.requests == 120
    assert point.requests_per_s == pytest.approx(120 / 40)
    assert point.error_rate == pytest.approx(5 / 120)
    # Over the minute's 120 timed calls: rank 60 lies in the 5-10 ms bucket (40 below, 40 in it),
    # halfway in: 5 + 5 * 20/40 = 7.5 ms. Rank 118.8 lies in +Inf: the last finite bound.
    assert point.p50_ms == pytest.approx(7.5)
    assert point.p99_ms == pytest.approx(25.0)


def test_percentiles_interpolate_within_the_bucket_of_the_minutes_increase():
    samples = [at(0, 0), at(30, 100, 0, {"0.005": 40, "0.01": 80, "0.025": 100, "+Inf": 100})]
    (point,) = series(samples, until_s=45, minutes=1)
    # rank 50: 5 ms + 5 ms * (50 - 40) / (80 - 40) = 6.25 ms; rank 99: 10 + 15 * 19/20 = 24.25 ms.
    assert (point.p50_ms, point.p99_ms) == (pytest.approx(6.25), pytest.approx(24.25))


def test_each_minute_holds_the_pairs_that_end_in_it_and_a_minute_without_samples_has_no_figures():
    samples = [
        at(0, 0),
        at(30, 30),     # minute 10:00: 30 calls in 30 s
        at(75, 120),    # minute 10:01: 90 calls in 45 s (the pair began in 10:00)
        at(90, 120),    # minute 10:01: nothing more in 15 s
        at(200, 300),   # minute 10:03: 180 calls in 110 s; 10:02 had no sample of its own
    ]
    points = series(samples, until_s=200, minutes=4)

    assert [point.start for point in points] == [T0 + timedelta(minutes=m) for m in range(4)]
    assert [point.requests for point in points] == [30, 90, None, 180]
    assert [point.requests_per_s for point in points] == [
        pytest.approx(1.0), pytest.approx(90 / 60), None, pytest.approx(180 / 110)]
    assert points[2] == Point(start=T0 + timedelta(minutes=2))


def test_a_quiet_minute_is_zero_requests_with_no_error_rate_or_latency():
    (point,) = series([at(0, 50, 1), at(15, 50, 1), at(30, 50, 1)], until_s=31, minutes=1)
    assert (point.requests, point.requests_per_s, point.error_rate, point.p50_ms, point.p99_ms) == (0, 0.0, None, None, None)


def test_the_first_calls_of_a_model_count_from_an_empty_histogram():
    before = at(0, 0, 0, buckets={})  # the engine had not counted the model yet
    after = at(20, 10, 0, buckets={"0.005": 10, "+Inf": 10})
    assert not restarted(before, after)
    assert increase(before, after).buckets == {"0.005": 10, "+Inf": 10}


def test_a_new_engine_process_counts_from_zero_even_when_its_counters_are_higher():
    # The engine restarted between the samples and has already answered more calls than the old one.
    before = at(0, 10, 1, {"0.005": 10, "0.01": 10, "0.025": 10, "+Inf": 10}, started=1000.0)
    after = at(15, 40, 0, {"0.005": 0, "0.01": 40, "0.025": 40, "+Inf": 40}, started=2000.0)
    change = increase(before, after)
    assert change.reset is True
    assert (change.requests, change.errors, change.seconds) == (40, 0, 15)
    assert change.buckets == {"0.005": 0, "0.01": 40, "0.025": 40, "+Inf": 40}


def test_without_a_start_time_a_counter_that_went_down_is_a_restart():
    before = at(0, 500, 20, {"0.005": 500, "0.01": 500, "0.025": 500, "+Inf": 500}, started=None)
    after = at(15, 30, 3, {"0.005": 30, "0.01": 30, "0.025": 30, "+Inf": 30}, started=None)
    (point,) = series([before, after], until_s=20, minutes=1)
    assert (point.requests, point.requests_per_s, point.error_rate) == (30, pytest.approx(2.0), pytest.approx(0.1))
    # Requests alone may not show it: a bucket that went down does.
    assert restarted(at(0, 5, 0, {"0.005": 5, "+Inf": 5}, started=None),
                     at(10, 6, 0, {"0.005": 1, "+Inf": 6}, started=None))
    assert restarted(at(0, 5, 0, {"0.005": 5, "+Inf": 5}, started=None), at(10, 6, 0, {}, started=None))
    assert not restarted(at(0, 5, 1, started=None), at(10, 5, 1, started=None))


def test_samples_too_far_apart_say_nothing_about_a_minute():
    # Six minutes without a sample (the reaper or the engine was away): the pair is left out.
    points = series([at(0, 0), at(360, 600), at(390, 630)], until_s=390, minutes=7)
    assert [point.requests for point in points] == [None] * 6 + [30]
    assert points[-1].requests_per_s == pytest.approx(1.0)


def test_the_window_ends_with_the_current_partial_minute_and_ignores_older_pairs():
    samples = [at(0, 0), at(30, 60), at(150, 120), at(170, 160)]
    points = series(samples, until_s=175, minutes=2)  # 10:01 and 10:02
    assert [point.start for point in points] == [T0 + timedelta(minutes=1), T0 + timedelta(minutes=2)]
    assert [point.requests for point in points] == [None, 100]
    assert points[1].requests_per_s == pytest.approx(100 / 140)
