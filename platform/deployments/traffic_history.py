"""A deployment's traffic over time, from samples of the engine's cumulative counters.

The engine counts calls, errors and a latency histogram per model since it started
(traffic.py). The reaper (`manage.py reap_jobs`, one per installation) reads that page every
WHETSTONE_TRAFFIC_SAMPLE_INTERVAL_S and keeps, per served deployment, one TrafficSample of the
counters (WHETSTONE_TRAFFIC_RETENTION_S of them). This module does with those samples what
Prometheus does with a scrape series: the increase between two consecutive samples, taken as
zero-based when the counters began again (the engine restarted: its start time changed, or a
counter went down), summed per minute into a rate, an error rate, and p50/p99 by
histogram_quantile over the minute's bucket increases.

Each minute holds the sample pairs whose later sample falls in it. A pair further apart than
MAX_PAIR_GAP (the reaper or the engine was away) is left out rather than smeared over one
minute; a minute without pairs has no figures (a gap in the charts, not a zero).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .traffic import histogram_quantile, seconds_to_ms

STEP = timedelta(minutes=1)
MAX_PAIR_GAP = timedelta(minutes=5)
# The windows the API answers, longest no longer than the default retention.
WINDOWS = {"15m": timedelta(minutes=15), "1h": timedelta(hours=1), "2h": timedelta(hours=2)}
WINDOW_CHOICES = [(name, name) for name in WINDOWS]


@dataclass(frozen=True)
class Counts:
    """The engine's cumulative figures for one model at one moment."""

    observed_at: datetime
    requests: float
    errors: float
    # The latency histogram's cumulative buckets by `le` label ("0.005", "+Inf"); {} before any call.
    buckets: dict[str, float] = field(default_factory=dict)
    engine_started_at: float | None = None


@dataclass(frozen=True)
class Increase:
    seconds: float
    requests: float
    errors: float
    buckets: dict[str, float]
    reset: bool


@dataclass(frozen=True)
class Point:
    """One minute: `start` is its first instant. All None: no pair of samples ends in it."""

    start: datetime
    requests: int | None = None
    requests_per_s: float | None = None
    error_rate: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None


@dataclass(frozen=True)
class TrafficHistory:
    window: str
    step_s: int
    sample_interval_s: float
    samples: int  # samples within the window; fewer than two make no point
    points: list[Point]


def restarted(before: Counts, after: Counts) -> bool:
    """Did the counters begin again between the two samples? A new engine process says so at
    once; without its start time, any counter or bucket that went down does (as Prometheus
    decides a counter reset)."""
    if before.engine_started_at is not None and after.engine_started_at is not None:
        if before.engine_started_at != after.engine_started_at:
            return True
    if after.requests < before.requests or after.errors < before.errors:
        return True
    if before.buckets and set(before.buckets) != set(after.buckets):
        return True
    return any(after.buckets[bound] < count for bound, count in before.buckets.items())


def increase(before: Counts, after: Counts) -> Increase:
    """What was counted between two samples of one model. After a restart, everything the new
    engine counted came after `before`; what the old one counted after `before` is lost."""
    reset = restarted(before, after)
    base_requests, base_errors = (0.0, 0.0) if reset else (before.requests, before.errors)
    buckets = {bound: count - (0.0 if reset else before.buckets.get(bound, 0.0))
               for bound, count in after.buckets.items()}
    return Increase(seconds=(after.observed_at - before.observed_at).total_seconds(),
                    requests=after.requests - base_requests, errors=after.errors - base_errors,
                    buckets=buckets, reset=reset)


def minute_floor(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def traffic_series(samples: list[Counts], *, until: datetime, window: timedelta) -> list[Point]:
    """One point per minute of `window`, the last one the minute `until` falls in (partial)."""
    last = minute_floor(until)
    count = max(1, round(window / STEP))
    starts = [last - STEP * (count - 1 - index) for index in range(count)]
    totals: dict[datetime, list[Increase]] = {start: [] for start in starts}
    ordered = sorted(samples, key=lambda sample: sample.observed_at)
    for before, after in zip(ordered, ordered[1:]):
        gap = after.observed_at - before.observed_at
        if gap <= timedelta(0) or gap > MAX_PAIR_GAP:
            continue
        minute = minute_floor(after.observed_at)
        if minute in totals:
            totals[minute].append(increase(before, after))
    return [_point(start, increases) for start, increases in totals.items()]


def _point(start: datetime, increases: list[Increase]) -> Point:
    if not increases:
        return Point(start=start)
    seconds = sum(each.seconds for each in increases)
    requests = sum(each.requests for each in increases)
    errors = sum(each.errors for each in increases)
    buckets: dict[str, float] = {}
    for each in increases:
        for bound, count in each.buckets.items():
            buckets[bound] = buckets.get(bound, 0.0) + count
    histogram = [(float(bound), count) for bound, count in buckets.items()]
    return Point(
        start=start,
        requests=int(round(requests)),
        requests_per_s=requests / seconds,
        error_rate=errors / requests if requests > 0 else None,
        p50_ms=seconds_to_ms(histogram_quantile(0.5, histogram)),
        p99_ms=seconds_to_ms(histogram_quantile(0.99, histogram)),
    )

