"""Reads of jobs."""

from django.db.models import QuerySet

from .models import Job


def job_list(*, user) -> QuerySet[Job]:
    queryset = Job.objects.select_related("model_version__model", "owner")
    if not user.is_staff:
        queryset = queryset.filter(owner=user)
    return queryset


# The seed's buckets for the distribution of speed-ups (PAI-Blade's report).
SPEEDUP_BUCKETS = [("< 1.0", None, 1.0), ("1.0–1.1", 1.0, 1.1), ("1.1–1.5", 1.1, 1.5),
                   ("1.5–2", 1.5, 2.0), ("2–3", 2.0, 3.0), ("> 3", 3.0, None)]
GAIN_THRESHOLD = 1.1


def _bucket(speedup: float) -> str:
    for label, low, high in SPEEDUP_BUCKETS:
        if (low is None or speedup >= low) and (high is None or speedup < high):
            return label
    return SPEEDUP_BUCKETS[-1][0]


def _distribution(speedups: list[float]) -> dict:
    counts = {label: 0 for label, _, _ in SPEEDUP_BUCKETS}
    for speedup in speedups:
        counts[_bucket(speedup)] += 1
    above = sum(1 for s in speedups if s > GAIN_THRESHOLD)
    return {
        "jobs": len(speedups),
        "buckets": [{"label": label, "count": counts[label]} for label, _, _ in SPEEDUP_BUCKETS],
        "share_above_1_1": round(above / len(speedups), 4) if speedups else None,
    }


def job_speedup_distribution(*, user) -> dict:
    """Speed-ups of every succeeded job the user can see: overall, by recipe and
    by model family (the workload kind the compiler core found)."""
    rows = job_list(user=user).filter(status=Job.Status.SUCCEEDED).values_list(
        "recipe", "report__overall__speedup", "model_version__inspection__workload"
    )
    overall, by_recipe, by_family = [], {}, {}
    for recipe, speedup, family in rows:
        if speedup is None:
            continue
        speedup = float(speedup)
        overall.append(speedup)
        by_recipe.setdefault(recipe, []).append(speedup)
        by_family.setdefault(family or "unknown", []).append(speedup)
    return {
        **_distribution(overall),
        "by_recipe": {key: _distribution(values) for key, values in sorted(by_recipe.items())},
        "by_family": {key: _distribution(values) for key, values in sorted(by_family.items())},
    }
