"""Reads from the ModelHub."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet, Subquery

from accounts.models import Team

from .models import ModelVersion, RegisteredModel, Visibility


def _visible_filter(user) -> Q:
    team_ids = Team.members.through.objects.filter(user_id=user.pk).values("team_id")
    return (
        Q(owner_id=user.pk)
        | Q(visibility=Visibility.OFFICIAL)
        | Q(visibility=Visibility.TEAM, team_id__in=Subquery(team_ids))
    )


def model_list(*, user) -> QuerySet[RegisteredModel]:
    """The models `user` may see: their own, their teams', the official ones; staff see all.

    A page of them costs a fixed number of queries: the rows with owner, team and
    latest version joined, and one query for the page's tags.
    """
    queryset = (
        RegisteredModel.objects.filter(deleted_at__isnull=True)
        .select_related("owner", "team", "latest_version")
        .prefetch_related("tags")
    )
    if user.is_staff:
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(_visible_filter(user))


# What one row of a list page shows, read as plain values (no model instances:
# under load, building them cost more than the queries).
MODEL_ROW_FIELDS = (
    "id", "name", "description", "owner_id", "owner__username", "visibility", "team_id", "framework", "format",
    "source", "created_at", "updated_at", "latest_version_id", "latest_version__number", "latest_version__status",
    "latest_version__format", "latest_version__framework", "latest_version__size_bytes", "latest_version__sha256",
    "latest_version__created_at", "latest_version__signature", "latest_version__node_counts",
)


def model_list_plain(*, user) -> QuerySet[RegisteredModel]:
    """The models `user` may see, with nothing joined: to count, filter and slice a list page
    (whose rows are then read as MODEL_ROW_FIELDS values, and tagged with `model_tags_of`)."""
    queryset = RegisteredModel.objects.filter(deleted_at__isnull=True)
    if user.is_staff:
        return queryset
    return queryset.filter(_visible_filter(user)) if user.is_authenticated else queryset.none()


def model_tags_of(*, model_ids: list[int]) -> dict[int, list[str]]:
    """Tag names by model id, in one query."""
    tags: dict[int, list[str]] = {model_id: [] for model_id in model_ids}
    rows = RegisteredModel.tags.through.objects.filter(registeredmodel_id__in=model_ids).order_by("tag__name")
    for model_id, name in rows.values_list("registeredmodel_id", "tag__name"):
        tags[model_id].append(name)
    return tags


def model_can_edit(*, user, model: RegisteredModel) -> bool:
    """Owners edit their own models, staff edit every model; official models are read-only for the rest."""
    if user.is_staff:
        return True
    return model.owner_id == user.pk and model.visibility != Visibility.OFFICIAL


def model_search(*, queryset: QuerySet[RegisteredModel], query: str) -> QuerySet[RegisteredModel]:
    """Fuzzy keyword search over name, description and tags.

    PostgreSQL: every word matches as a substring or by trigram word similarity
    (typo-tolerant, GIN-indexed), best matches first. Elsewhere (SQLite, the embedded
    default): every word matches as a substring or within a few edits of a word of the
    text (`fuzzy.py`: a bigram filter in SQL, then edit distances over the rows left),
    best matches first too.
    """
    words = " ".join(query.split())[:200].lower().split()
    if not words:
        return queryset
    if connection.vendor == "postgresql" and settings.MODELHUB_TRIGRAM_SEARCH:
        from django.contrib.postgres.search import TrigramWordSimilarity

        # Every word must match, as a substring or a near miss (a typo); both use the GIN
        # trigram index. The best matches of the whole query come first.
        for word in words:
            queryset = queryset.filter(Q(search_text__contains=word) | Q(search_text__trigram_word_similar=word))
        return queryset.annotate(relevance=TrigramWordSimilarity(" ".join(words), "search_text"))
    from .fuzzy import fuzzy_search

    return fuzzy_search(queryset, query)


def model_latest_version(*, model: RegisteredModel) -> ModelVersion | None:
    """The newest version that is ready to optimize."""
    return model.latest_version


def model_version_list(*, model: RegisteredModel) -> QuerySet[ModelVersion]:
    return model.versions.select_related("source_job", "source_version__model", "created_by").order_by("-number")
