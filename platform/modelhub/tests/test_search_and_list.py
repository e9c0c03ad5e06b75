"""Search, filters, ordering and pagination of the model list, and the fixed
number of queries one page costs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Team
from jobs.models import Job
from modelhub.models import ModelVersion, RegisteredModel, Tag, Visibility

pytestmark = pytest.mark.django_db


def make_model(owner, name, *, description="", tags=(), framework="onnx", fmt="onnx", source="upload",
               visibility=Visibility.PRIVATE, team=None) -> RegisteredModel:
    model = RegisteredModel.objects.create(owner=owner, name=name, description=description, framework=framework,
                                           format=fmt, source=source, visibility=visibility, team=team,
                                           search_text=" ".join([name, description, *tags]).lower())
    model.tags.set([Tag.objects.get_or_create(name=t)[0] for t in tags])
    version = ModelVersion.objects.create(model=model, number=1, storage_key=f"models/{model.pk}/v1/model.onnx",
                                          size_bytes=1, sha256="0" * 64, format=fmt, framework=framework,
                                          signature={"inputs": [], "outputs": []},
                                          inspection={"node_counts": {"compute": 1, "memory": 0, "data_movement": 0,
                                                                      "other": 0, "total": 1}})
    model.latest_version = version
    model.save()
    return model


@pytest.fixture
def catalogue(user, other_user):
    team = Team.objects.create(name="speech")
    team.members.add(user, other_user)
    make_model(user, "resnet50-imagenet", description="Image classification", tags=["vision", "cnn"])
    make_model(user, "bert-base-sst2", description="Sentence classification", tags=["nlp"],
               framework="pytorch", fmt="torchscript")
    make_model(other_user, "wav2vec-keywords", description="Speech recognition", tags=["audio"],
               visibility=Visibility.TEAM, team=team, source="uri")
    make_model(other_user, "secret-model", description="not for you", tags=["vision"])
    return team


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [m["name"] for m in response.json()["results"]]


def test_search_matches_name_description_and_tags(api, catalogue):
    assert names(api.get("/api/v1/models/", {"search": "bert"})) == ["bert-base-sst2"]
    assert names(api.get("/api/v1/models/", {"search": "SPEECH recognition"})) == ["wav2vec-keywords"]
    assert names(api.get("/api/v1/models/", {"search": "cnn", "ordering": "name"})) == ["resnet50-imagenet"]
    # someone else's private model never shows up, whatever the search
    assert names(api.get("/api/v1/models/", {"search": "secret"})) == []


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_trigram_search_tolerates_typos_on_postgresql(api, catalogue):
    assert names(api.get("/api/v1/models/", {"search": "resnt"}))[:1] == ["resnet50-imagenet"]
    assert "wav2vec-keywords" in names(api.get("/api/v1/models/", {"search": "recogniton"}))


@pytest.fixture
def ocr_models(user):
    make_model(user, "ppocr-cls", description="PP-OCR text direction classifier", tags=["ocr"])
    make_model(user, "doc orientation", description="Which way up a scanned page is", tags=["vision"])
    make_model(user, "PP-OCR det", description="text detection")
    make_model(user, "clip-vit", description="image and text embeddings")


@pytest.mark.skipif("connection.vendor == 'postgresql'")
@pytest.mark.parametrize("query, expected", [
    ("ppocr clss", ["ppocr-cls"]),  # a letter too many
    ("doc orientaton", ["doc orientation"]),  # a letter missing
    ("doc oreintation", ["doc orientation"]),  # two letters swapped: one edit
    ("ppocr det", ["PP-OCR det"]),  # "pp-ocr" written together
    ("SCANED page", ["doc orientation"]),  # case, and a typo in the description
])
def test_search_forgives_typos_on_the_embedded_database(api, ocr_models, query, expected):
    assert names(api.get("/api/v1/models/", {"search": query})) == expected


@pytest.mark.skipif("connection.vendor == 'postgresql'")
def test_typo_search_ranks_exact_matches_first_and_stays_strict_for_short_words(api, ocr_models):
    # "text" is in three descriptions as typed; "texts" is one edit from all of them.
    assert set(names(api.get("/api/v1/models/", {"search": "texts"}))) == {"ppocr-cls", "PP-OCR det", "clip-vit"}
    # Found as typed beats one edit away, even when the one edit away was updated later.
    exact = make_model(RegisteredModel.objects.first().owner, "orientaton-typo")
    RegisteredModel.objects.filter(pk=exact.pk).update(updated_at=timezone.now() - timedelta(days=30))
    assert names(api.get("/api/v1/models/", {"search": "orientaton"})) == ["orientaton-typo", "doc orientation"]
    assert names(api.get("/api/v1/models/", {"search": "orientaton", "ordering": "-updated_at"})) == [
        "doc orientation", "orientaton-typo"]
    # Three letters or fewer must be there as typed: "cld" is not "cls".
    assert names(api.get("/api/v1/models/", {"search": "cld"})) == []
    # Too far off is no match, not a random one.
    assert names(api.get("/api/v1/models/", {"search": "orntn"})) == []


@pytest.mark.parametrize("params, expected", [
    ({"framework": "pytorch"}, ["bert-base-sst2"]),
    ({"format": "torchscript"}, ["bert-base-sst2"]),
    ({"source": "uri"}, ["wav2vec-keywords"]),
    ({"owner": "other"}, ["wav2vec-keywords"]),
    ({"tag": "vision"}, ["resnet50-imagenet"]),
    ({"visibility": "team"}, ["wav2vec-keywords"]),
    ({"ordering": "name"}, ["bert-base-sst2", "resnet50-imagenet", "wav2vec-keywords"]),
    ({"ordering": "-name"}, ["wav2vec-keywords", "resnet50-imagenet", "bert-base-sst2"]),
])
def test_filters_and_ordering(api, catalogue, params, expected):
    assert names(api.get("/api/v1/models/", params)) == expected


def test_bad_filter_values_are_400_naming_the_field(api, catalogue):
    response = api.get("/api/v1/models/", {"format": "docx"})
    assert response.status_code == 400 and "format" in response.json()["errors"]


def test_pagination(api, user):
    for index in range(30):
        make_model(user, f"model-{index:02d}")
    first = api.get("/api/v1/models/", {"ordering": "name"}).json()
    assert first["count"] == 30 and len(first["results"]) == 25 and first["next"]
    second = api.get(first["next"]).json()
    assert [m["name"] for m in second["results"]] == [f"model-{i:02d}" for i in range(25, 30)]


@pytest.mark.parametrize("rows", [3, 40])
def test_a_list_page_costs_a_fixed_number_of_queries(user, other_user, django_assert_num_queries, rows):
    """The token, the count, the page's ids, their rows (owner and latest version
    joined), their tags, their latest jobs: six queries for any number of models, tags,
    teams and jobs."""
    team = Team.objects.create(name="t")
    team.members.add(user, other_user)
    for index in range(rows):
        shared = make_model(other_user, f"shared-{index}", tags=["a", "b", f"t{index}"],
                            visibility=Visibility.TEAM, team=team)
        make_model(user, f"mine-{index}", tags=["a"])
        for status in ("failed", "succeeded"):
            Job.objects.create(owner=user, model_version=shared.latest_version, status=status,
                               report={"report_version": 2, "overall": {"speedup": 1.5}})
    from accounts.services import personal_token_create

    _, secret = personal_token_create(user=user, name="ci")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    client.get("/api/v1/models/")  # the token's first use records last_used_at (once a minute at most)
    # Search costs one more query off PostgreSQL: the candidate rows scored for typos (fuzzy.py).
    searches = 0 if connection.vendor == "postgresql" else 1
    with django_assert_num_queries(7 + searches):  # (the seventh: each row's best job)
        response = client.get("/api/v1/models/", {"search": "shared", "tag": "a", "ordering": "-created_at"})
    assert response.json()["count"] == rows
    assert {m["latest_job"]["status"] for m in response.json()["results"]} == {"succeeded"}


def test_each_model_shows_its_newest_job_with_the_headline_speed_up(api, user, other_user):
    """The newest job the caller can see on any version of the model; the speed-up only when
    it succeeded (the report's headline, at the primary shape); nothing for a model never optimized."""
    tried = make_model(user, "tried")
    second = ModelVersion.objects.create(model=tried, number=2, storage_key="k", size_bytes=5 * 2**20, sha256="1" * 64,
                                         signature={"inputs": [], "outputs": []})
    tried.latest_version = second
    tried.save()
    Job.objects.create(owner=user, model_version=tried.versions.get(number=1), status="succeeded",
                       report={"report_version": 2, "overall": {"speedup": 1.25}})
    newest = Job.objects.create(owner=user, model_version=second, status="succeeded",
                                report={"report_version": 2, "overall": {"speedup": 2.5}})
    failing = make_model(user, "failing")
    Job.objects.create(owner=user, model_version=failing.latest_version, status="failed", error="out of memory",
                       report={"report_version": 2, "overall": {"speedup": 9.0}})
    make_model(user, "untried")
    # An older report (before report_version 2): the headline is the primary shape's own ratio.
    legacy = make_model(user, "legacy")
    Job.objects.create(owner=user, model_version=legacy.latest_version, status="succeeded",
                       report={"report_version": 1, "overall": {"speedup": 1.1, "baseline_ms": 9.0,
                                                                "optimized_ms": 3.0}})

    rows = {m["name"]: m for m in api.get("/api/v1/models/").json()["results"]}

    assert rows["tried"]["latest_job"] == {"id": newest.pk, "status": "succeeded", "speedup": 2.5,
                                           "created_at": rows["tried"]["latest_job"]["created_at"]}
    assert rows["tried"]["latest_version"]["size_bytes"] == 5 * 2**20
    assert rows["failing"]["latest_job"]["status"] == "failed" and rows["failing"]["latest_job"]["speedup"] is None
    assert rows["untried"]["latest_job"] is None
    assert rows["legacy"]["latest_job"]["speedup"] == pytest.approx(3.0)
    # The model page says the same.
    assert api.get(f"/api/v1/models/{tried.pk}/").json()["latest_job"]["id"] == newest.pk


def test_each_model_shows_its_best_job_among_those_that_succeeded(api, user, other_user):
    model = make_model(user, "tuned")
    best = Job.objects.create(owner=user, model_version=model.latest_version, status="succeeded",
                              report={"report_version": 2, "overall": {"speedup": 1.8}})
    Job.objects.create(owner=user, model_version=model.latest_version, status="succeeded",
                       report={"report_version": 2, "overall": {"speedup": 1.2}})
    Job.objects.create(owner=user, model_version=model.latest_version, status="failed",
                       report={"report_version": 2, "overall": {"speedup": 9.0}})  # newest, and failed
    make_model(user, "untried")
    rows = {m["name"]: m for m in api.get("/api/v1/models/").json()["results"]}
    assert rows["tuned"]["latest_job"]["status"] == "failed"
    assert rows["tuned"]["best_job"] == {"id": best.pk, "speedup": 1.8}
    assert rows["untried"]["best_job"] is None
    assert api.get(f"/api/v1/models/{model.pk}/").json()["best_job"] == {"id": best.pk, "speedup": 1.8}


def test_someone_elses_jobs_are_not_shown_on_a_shared_model(user, other_user):
    team = Team.objects.create(name="vision")
    team.members.add(user, other_user)
    shared = make_model(user, "shared", visibility=Visibility.TEAM, team=team)
    mine = Job.objects.create(owner=user, model_version=shared.latest_version, status="succeeded",
                              report={"report_version": 2, "overall": {"speedup": 1.4}})
    theirs = Job.objects.create(owner=other_user, model_version=shared.latest_version, status="succeeded",
                                report={"report_version": 2, "overall": {"speedup": 5.0}})
    Job.objects.create(owner=other_user, model_version=shared.latest_version, status="running")
    client = APIClient()
    client.force_authenticate(user)
    assert client.get("/api/v1/models/").json()["results"][0]["latest_job"]["id"] == mine.pk
    assert client.get("/api/v1/models/").json()["results"][0]["best_job"]["id"] == mine.pk  # not their 5.0x
    client.force_authenticate(other_user)
    assert client.get("/api/v1/models/").json()["results"][0]["latest_job"]["status"] == "running"
    assert client.get("/api/v1/models/").json()["results"][0]["best_job"]["id"] == theirs.pk
