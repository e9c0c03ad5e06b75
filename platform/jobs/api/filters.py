import django_filters

from jobs.models import Job


class JobFilter(django_filters.FilterSet):
    model = django_filters.NumberFilter(field_name="model_version__model_id", help_text="Jobs of this model.")

    class Meta:
        model = Job
        fields = ["status", "recipe", "device"]
