"""The jobs list as the console's Jobs page reads it: who started each job, and filters by
status, recipe, model, owner and day."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from jobs.models import Job
from modelhub.models import ModelVersion, RegisteredModel

pytestmark = pytest.mark.django_db


def version_of(owner, name) -> ModelVersion:
    model = RegisteredModel.objects.create(owner=owner, name=name)
    return ModelVersion.objects.create(model=model, number=1, storage_key="k", size_bytes=1, sha256="0" * 64)


@pytest.fixture
def jobs(user, other_user, django_user_model):
    resnet, bert = version_of(user, "resnet"), version_of(other_user, "bert")
    made = {
        "resnet-int8-failed": Job.objects.create(owner=user, model_version=resnet, recipe="int8", status="failed",
                                                 error="calibration ran out of memory"),
        "resnet-auto-ok": Job.objects.create(owner=user, model_version=resnet, recipe="auto", status="succeeded"),
        "bert-auto-ok": Job.objects.create(owner=other_user, model_version=bert, recipe="auto", status="succeeded"),
    }
    Job.objects.filter(pk=made["resnet-int8-failed"].pk).update(created_at=timezone.now() - timedelta(days=10))
    return made


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {job["id"] for job in response.json()["results"]}


def test_each_job_says_who_started_it_and_why_it_failed(api, jobs):
    rows = {job["id"]: job for job in api.get("/api/v1/jobs/").json()["results"]}
    failed = rows[jobs["resnet-int8-failed"].pk]
    assert failed["owner"] == "owner" and failed["error"] == "calibration ran out of memory"
    assert failed["model_name"] == "resnet" and failed["model"] == jobs["resnet-int8-failed"].model_version.model_id
    # others' jobs stay theirs
    assert jobs["bert-auto-ok"].pk not in rows


def test_filters_by_status_recipe_model_owner_and_day(jobs, django_user_model):
    staff = django_user_model.objects.create_user(username="staff", password="x", is_staff=True)
    api = APIClient()
    api.force_authenticate(staff)
    every = {job.pk for job in jobs.values()}
    assert ids(api.get("/api/v1/jobs/")) == every
    assert ids(api.get("/api/v1/jobs/", {"status": "failed"})) == {jobs["resnet-int8-failed"].pk}
    assert ids(api.get("/api/v1/jobs/", {"recipe": "auto"})) == {jobs["resnet-auto-ok"].pk, jobs["bert-auto-ok"].pk}
    bert = jobs["bert-auto-ok"].model_version.model_id
    assert ids(api.get("/api/v1/jobs/", {"model": bert})) == {jobs["bert-auto-ok"].pk}
    assert ids(api.get("/api/v1/jobs/", {"owner": "other"})) == {jobs["bert-auto-ok"].pk}
    today = timezone.now().date()
    assert ids(api.get("/api/v1/jobs/", {"created_after": str(today - timedelta(days=1))})) == every - {
        jobs["resnet-int8-failed"].pk}
    assert ids(api.get("/api/v1/jobs/", {"created_before": str(today - timedelta(days=5))})) == {
        jobs["resnet-int8-failed"].pk}
    assert ids(api.get("/api/v1/jobs/", {"status": "succeeded", "owner": "owner", "recipe": "auto"})) == {
        jobs["resnet-auto-ok"].pk}


@pytest.mark.parametrize("params, field", [
    ({"status": "exploded"}, "status"), ({"recipe": "int9"}, "recipe"), ({"created_after": "last week"}, "created_after"),
    ({"model": "0"}, "model"),
])
def test_bad_filter_values_are_400_naming_the_field(api, jobs, params, field):
    response = api.get("/api/v1/jobs/", params)
    assert response.status_code == 400 and field in response.json()["errors"]
