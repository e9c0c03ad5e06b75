from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from .models import Deployment, TrafficSample
from .traffic_history import MAX_PAIR_GAP, STEP, WINDOWS, Counts, TrafficHistory, minute_floor, traffic_series


def deployment_list(*, user) -> QuerySet[Deployment]:
    queryset = Deployment.objects.select_related("job__model_version__model", "target_job")
    if not user.is_staff:
        queryset = queryset.filter(owner=user)
    return queryset


def deployment_traffic_history(*, deployment: Deployment, window: str = "1h",
                               now: datetime | None = None) -> TrafficHistory:
    """Per-minute rate, error rate and p50/p99 of `deployment` over `window` (a key of WINDOWS),
    from the samples the reaper stored. The last minute is the one `now` falls in."""
    now = now or timezone.now()
    span = WINDOWS[window]
    first_minute = minute_floor(now) - (span - STEP)
    rows = TrafficSample.objects.filter(
        deployment=deployment, observed_at__gte=first_minute - MAX_PAIR_GAP, observed_at__lte=now,
    ).values_list("observed_at", "requests", "errors", "latency_buckets", "engine_started_at")
    samples = [Counts(observed_at=at, requests=requests, errors=errors, buckets=buckets or {},
                      engine_started_at=started) for at, requests, errors, buckets, started in rows]
    return TrafficHistory(
        window=window, step_s=int(STEP.total_seconds()),
        sample_interval_s=settings.WHETSTONE_TRAFFIC_SAMPLE_INTERVAL_S,
        samples=sum(1 for sample in samples if sample.observed_at >= first_minute),
        points=traffic_series(samples, until=now, window=span),
    )
