from django.db.models import QuerySet

from .models import Deployment


def deployment_list(*, user) -> QuerySet[Deployment]:
    queryset = Deployment.objects.select_related("job__model_version__model", "target_job")
    if not user.is_staff:
        queryset = queryset.filter(owner=user)
    return queryset
