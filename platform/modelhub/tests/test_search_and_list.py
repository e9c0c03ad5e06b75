"""Search, filters, ordering and pagination of the model list, and the fixed
number of queries one page costs."""

from __future__ import annotations

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import Team
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
    joined), their tags: five queries for any number of models, tags and teams."""
    team = Team.objects.create(name="t")
    team.members.add(user, other_user)
    for index in range(rows):
        make_model(other_user, f"shared-{index}", tags=["a", "b", f"t{index}"], visibility=Visibility.TEAM, team=team)
        make_model(user, f"mine-{index}", tags=["a"])
    from accounts.services import personal_token_create

    _, secret = personal_token_create(user=user, name="ci")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    client.get("/api/v1/models/")  # the token's first use records last_used_at (once a minute at most)
    with django_assert_num_queries(5):
        response = client.get("/api/v1/models/", {"search": "shared", "tag": "a", "ordering": "-created_at"})
    assert response.json()["count"] == rows
