"""Reads of jobs."""

from django.db.models import QuerySet

from .models import Job


def job_list(*, user) -> QuerySet[Job]:
    queryset = Job.objects.select_related("model_version__model", "owner")
    if not user.is_staff:
        queryset = queryset.filter(owner=user)
    return queryset
