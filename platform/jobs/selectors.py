"""Reads of jobs."""

from django.db.models import OuterRef, QuerySet, Subquery

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


def _headline(version, speedup, baseline_ms, optimized_ms) -> float | None:
    """A job's headline speed-up, at its primary shape. Reports before report_version 2 kept the
    shape set's geometric mean in overall.speedup; for those the primary shape's own latencies say
    it (compiler_core/README.md, "The numbers")."""
    if isinstance(version, int) and version < 2:
        if not baseline_ms or not optimized_ms:
            return None
        return float(baseline_ms) / float(optimized_ms)
    return None if speedup is None else float(speedup)


def job_speedup_distribution(*, user) -> dict:
    """Headline speed-ups of every succeeded job the user can see: overall, by recipe and
    by model family (the workload kind the compiler core found)."""
    rows = job_list(user=user).filter(status=Job.Status.SUCCEEDED).values_list(
        "recipe", "report__report_version", "report__overall__speedup", "report__overall__baseline_ms",
        "report__overall__optimized_ms", "model_version__inspection__workload"
    )
    overall, by_recipe, by_family = [], {}, {}
    for recipe, version, speedup, baseline_ms, optimized_ms, family in rows:
        speedup = _headline(version, speedup, baseline_ms, optimized_ms)
        if speedup is None:
            continue
        overall.append(speedup)
        by_recipe.setdefault(recipe, []).append(speedup)
        by_family.setdefault(family or "unknown", []).append(speedup)
    return {
        **_distribution(overall),
        "by_recipe": {key: _distribution(values) for key, values in sorted(by_recipe.items())},
        "by_family": {key: _distribution(values) for key, values in sorted(by_family.items())},
    }


def latest_job_by_model(*, user, model_ids: list[int]) -> dict[int, dict]:
    """The newest job `user` can see on each of these models (any of its versions), in one query:
    {model_id: {id, status, speedup, created_at}}, without the models that have none.

    A list page calls it once for its rows (a correlated subquery picks each model's newest job
    through the job's model_version index), never once per row.
    """
    from modelhub.models import RegisteredModel

    if not model_ids:
        return {}
    newest = (job_list(user=user).filter(model_version__model_id=OuterRef("pk"))
              .order_by("-created_at", "-id").values("pk")[:1])
    job_ids = RegisteredModel.objects.filter(pk__in=model_ids).annotate(job_id=Subquery(newest)).values("job_id")
    rows = Job.objects.filter(pk__in=job_ids).values_list(
        "pk", "model_version__model_id", "status", "created_at", "report__report_version", "report__overall__speedup",
        "report__overall__baseline_ms", "report__overall__optimized_ms")
    latest = {}
    for pk, model_id, status, created_at, version, speedup, baseline_ms, optimized_ms in rows:
        headline = _headline(version, speedup, baseline_ms, optimized_ms) if status == Job.Status.SUCCEEDED else None
        latest[model_id] = {"id": pk, "status": status, "speedup": headline, "created_at": created_at}
    return latest


def best_job_by_model(*, user, model_ids: list[int]) -> dict[int, dict]:
    """The succeeded job `user` can see with the highest headline speed-up on each of these models (any
    version), in one query: {model_id: {id, speedup}}, without the models that have none. Ties go to
    the newer job."""
    if not model_ids:
        return {}
    rows = (job_list(user=user).filter(status=Job.Status.SUCCEEDED, model_version__model_id__in=model_ids)
            .order_by("created_at", "pk").values_list(
                "pk", "model_version__model_id", "report__report_version", "report__overall__speedup",
                "report__overall__baseline_ms", "report__overall__optimized_ms"))
    best: dict[int, dict] = {}
    for pk, model_id, version, speedup, baseline_ms, optimized_ms in rows:
        headline = _headline(version, speedup, baseline_ms, optimized_ms)
        if headline is not None and (model_id not in best or headline >= best[model_id]["speedup"]):
            best[model_id] = {"id": pk, "speedup": headline}
    return best
