import django_filters

from jobs.models import Job
from whetstone.filters import IdFilter


class JobFilter(django_filters.FilterSet):
    model = IdFilter(field_name="model_version__model_id", help_text="Jobs of this model.")
    owner = django_filters.CharFilter(field_name="owner__username",
                                      help_text="The username of whoever started the job (staff see everyone's).")
    created_after = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte",
                                              help_text="Jobs created on this day (YYYY-MM-DD, UTC) or later.")
    created_before = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte",
                                               help_text="Jobs created on this day (YYYY-MM-DD, UTC) or earlier.")

    class Meta:
        model = Job
        fields = ["status", "recipe", "device", "hardware_class", "request_group", "model", "owner", "created_after",
                  "created_before"]
