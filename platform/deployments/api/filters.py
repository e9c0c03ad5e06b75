import django_filters

from deployments.models import Deployment
from whetstone.filters import IdFilter


class DeploymentFilter(django_filters.FilterSet):
    model = IdFilter(field_name="job__model_version__model_id", help_text="Deployments of this model.")

    class Meta:
        model = Deployment
        fields = ["status"]
