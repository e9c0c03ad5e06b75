import pytest

from jobs.models import Job
from modelhub.models import ModelVersion, RegisteredModel

pytestmark = pytest.mark.django_db


def make_job(owner, speedup, recipe="auto", workload="transformer", status=Job.Status.SUCCEEDED, report=None):
    model = RegisteredModel.objects.create(owner=owner, name=f"m-{speedup}-{recipe}")
    version = ModelVersion.objects.create(
        model=model, number=1, storage_key="k", size_bytes=1, sha256="0" * 64,
        signature={"inputs": [], "outputs": []}, inspection={"workload": workload},
    )
    return Job.objects.create(owner=owner, model_version=version, recipe=recipe, status=status,
                              report=report or {"overall": {"speedup": speedup}})


def test_speedup_distribution_uses_the_seed_buckets_and_counts_only_what_the_user_sees(api, user, other_user):
    for speedup in (0.97, 1.05, 1.2, 1.6, 2.5, 4.0, 1.1):
        make_job(user, speedup)
    make_job(user, 3.0, recipe="int8", workload="cnn")
    make_job(user, 9.0, status=Job.Status.FAILED)  # not finished well: not counted
    make_job(other_user, 5.0)  # not visible to `user`

    body = api.get("/api/v1/analytics/speedups/").json()
    assert body["jobs"] == 8
    assert {b["label"]: b["count"] for b in body["buckets"]} == {
        "< 1.0": 1, "1.0–1.1": 1, "1.1–1.5": 2, "1.5–2": 1, "2–3": 1, "> 3": 2,
    }
    assert body["share_above_1_1"] == pytest.approx(5 / 8)
    assert body["by_recipe"]["int8"]["jobs"] == 1
    assert body["by_family"]["cnn"]["buckets"][-1] == {"label": "> 3", "count": 1}
    assert body["by_family"]["transformer"]["jobs"] == 7


def test_a_report_from_before_the_headline_changed_counts_at_its_primary_shape(api, user):
    # report_version 1 kept the shape set's geometric mean in overall.speedup: this job read
    # "1.88x" while batch 1, its primary shape, ran 0.549 ms before and after.
    make_job(user, 1.88, report={"report_version": 1,
                                 "overall": {"speedup": 1.88, "baseline_ms": 0.549, "optimized_ms": 0.549}})
    make_job(user, 1.5, recipe="int8", report={"report_version": 2, "overall": {
        "speedup": 1.5, "baseline_ms": 3.0, "optimized_ms": 2.0, "shape_set_speedup": 2.4}})

    body = api.get("/api/v1/analytics/speedups/").json()
    assert body["by_recipe"]["auto"]["buckets"][1] == {"label": "1.0–1.1", "count": 1}
    assert body["by_recipe"]["int8"]["buckets"][3] == {"label": "1.5–2", "count": 1}
    assert body["share_above_1_1"] == pytest.approx(1 / 2)
