"""A deployment's traffic, read from the serving engine's Prometheus metrics.

MLServer counts every infer call per model (`model_infer_request_success|failure`) and times it
(`model_infer_request_duration`, a Summary: a count and a sum, so the mean); deploy/serving/
direct_infer.py keeps those for the calls its fast path answers and adds the per-model histogram
`whetstone_infer_duration_seconds` of the calls it answered, which the percentiles are read from
(calls MLServer's own path answers — gRPC, browser calls with an Origin header — count in the
requests and the mean, not in the percentiles). Everything is cumulative since the engine started;
the reaper samples these counters into a deployment's traffic history (traffic_history.py),
which turns differences between samples into rates. Percentiles are interpolated within a
bucket as Prometheus' histogram_quantile does, so they are as coarse as the buckets.

The metrics address is the operator's (settings.SERVING_METRICS_URL): the API takes no URL from
a user, so it cannot be turned into a way to make the platform fetch arbitrary addresses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timezone

import requests
from django.conf import settings
from prometheus_client.parser import text_string_to_metric_families

# The page polls this; a dead engine must not hold a request thread.
METRICS_TIMEOUT_S = 2.0
# An engine with many models writes a few hundred KB; anything far larger is not its metrics page.
MAX_METRICS_BYTES = 8 * 1024 * 1024
SUCCESS = "model_infer_request_success_total"
FAILURE = "model_infer_request_failure_total"
DURATION_BUCKET = "whetstone_infer_duration_seconds_bucket"
DURATION_SUM = "model_infer_request_duration_sum"
DURATION_COUNT = "model_infer_request_duration_count"
PROCESS_START = "process_start_time_seconds"
_PER_MODEL = {SUCCESS, FAILURE, DURATION_BUCKET, DURATION_SUM, DURATION_COUNT}
QUANTILES = {"p50": 0.5, "p90": 0.9, "p99": 0.99}


class MetricsUnavailable(Exception):
    """The engine's metrics could not be read; the message says why, for the user."""


@dataclass(frozen=True)
class Traffic:
    reachable: bool
    message: str
    requests: int | None = None
    errors: int | None = None
    error_rate: float | None = None
    latency_ms: dict[str, float | None] = field(default_factory=dict)
    mean_ms: float | None = None
    observed_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))


def histogram_quantile(q: float, buckets: list[tuple[float, float]]) -> float | None:
    """The q-quantile of a cumulative histogram [(upper bound, count <= bound)], as Prometheus'
    histogram_quantile: linear within the bucket it falls in; the last finite bound when it falls
    in the +Inf bucket; None without observations."""
    buckets = sorted(buckets)
    if not buckets or buckets[-1][1] <= 0:
        return None
    rank = q * buckets[-1][1]
    lower_bound, lower_count = 0.0, 0.0
    for bound, count in buckets:
        if count >= rank:
            if math.isinf(bound):
                return lower_bound
            if count == lower_count:
                return bound
            return lower_bound + (bound - lower_bound) * (rank - lower_count) / (count - lower_count)
        lower_bound, lower_count = bound, count
    return lower_bound


@dataclass
class ModelCounts:
    """One model's cumulative figures on the engine's page (summed over its versions)."""

    success: float = 0.0
    failure: float = 0.0
    # The latency histogram's cumulative buckets, by their `le` label ("0.005", ..., "+Inf").
    buckets: dict[str, float] = field(default_factory=dict)
    duration_sum: float = 0.0
    duration_count: float = 0.0


@dataclass
class EngineCounts:
    """Every model's figures on one metrics page, and when the engine's process started
    (`process_start_time_seconds`; None when the page has none): counters begin again at zero
    when it restarts."""

    models: dict[str, ModelCounts] = field(default_factory=dict)
    started_at: float | None = None


def engine_counts(text: str) -> EngineCounts:
    """The per-model figures of a Prometheus text page; ValueError when it is not one."""
    page = EngineCounts()
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == PROCESS_START and not sample.labels:
                page.started_at = sample.value
                continue
            model = sample.labels.get("model")
            if model is None or sample.name not in _PER_MODEL:
                continue
            counts = page.models.setdefault(model, ModelCounts())
            if sample.name == SUCCESS:
                counts.success += sample.value
            elif sample.name == FAILURE:
                counts.failure += sample.value
            elif sample.name == DURATION_BUCKET:
                bound = _le_label(sample.labels["le"])
                counts.buckets[bound] = counts.buckets.get(bound, 0.0) + sample.value
            elif sample.name == DURATION_SUM:
                counts.duration_sum += sample.value
            else:
                counts.duration_count += sample.value
    return page


def _le_label(label: str) -> str:
    # One spelling per bound, whichever client library wrote the page ("0.5" and "5e-01" alike).
    bound = float(label)
    return "+Inf" if math.isinf(bound) else repr(bound)


def model_traffic(text: str, model: str) -> Traffic:
    """The figures of one model (summed over its versions) from a Prometheus text page."""
    counts = engine_counts(text).models.get(model)
    if counts is None:
        return Traffic(reachable=True, message="No calls yet: the engine has counted none for this model since it started.",
                       requests=0, errors=0)
    total = counts.success + counts.failure
    buckets = [(float(bound), count) for bound, count in counts.buckets.items()]
    latency = {name: seconds_to_ms(histogram_quantile(q, buckets)) for name, q in QUANTILES.items()}
    return Traffic(
        reachable=True,
        message="",
        requests=int(total),
        errors=int(counts.failure),
        error_rate=counts.failure / total if total else None,
        latency_ms=latency,
        mean_ms=seconds_to_ms(counts.duration_sum / counts.duration_count) if counts.duration_count else None,
    )


def seconds_to_ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 3)


def fetch_metrics(url: str) -> str:
    """The engine's metrics page, or MetricsUnavailable saying why not."""
    if not url:
        raise MetricsUnavailable("No metrics address is configured (SERVING_METRICS_URL).")
    try:
        # No redirects: the address is the operator's, and stays the one that is read.
        with requests.get(url, timeout=METRICS_TIMEOUT_S, stream=True, allow_redirects=False) as response:
            if response.status_code != 200:
                raise MetricsUnavailable(f"The serving engine's metrics answered HTTP {response.status_code}.")
            body = bytearray()
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > MAX_METRICS_BYTES:
                    raise MetricsUnavailable("The serving engine's metrics page is larger than expected; not read.")
    except requests.RequestException:
        raise MetricsUnavailable("The serving engine is unreachable: its metrics do not answer.") from None
    return body.decode("utf-8", errors="replace")


def deployment_traffic(*, name: str) -> Traffic:
    """What the engine has counted for the model it serves under `name` (a deployment's name)."""
    try:
        text = fetch_metrics(settings.SERVING_METRICS_URL)
    except MetricsUnavailable as exc:
        return Traffic(reachable=False, message=str(exc))
    try:
        return model_traffic(text, name)
    except ValueError:
        return Traffic(reachable=False, message="The serving engine's metrics could not be parsed.")
