"""Reads from the ModelHub."""

from django.db.models import Prefetch, QuerySet

from .models import ModelVersion, RegisteredModel


def model_list(*, user) -> QuerySet[RegisteredModel]:
    """The models `user` may see, with their versions loaded in one extra query."""
    queryset = RegisteredModel.objects.select_related("owner").prefetch_related(
        Prefetch("versions", queryset=ModelVersion.objects.order_by("-number"))
    )
    if not user.is_staff:
        queryset = queryset.filter(owner=user)
    return queryset


def model_latest_version(*, model: RegisteredModel) -> ModelVersion | None:
    versions = list(model.versions.all())  # prefetched, newest first
    return versions[0] if versions else None
