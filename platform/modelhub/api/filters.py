import django_filters

from modelhub.models import ModelVersion, RegisteredModel, Source, Visibility
from modelhub.selectors import model_search


class ModelFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Fuzzy keywords over name, description and tags.")
    framework = django_filters.CharFilter(field_name="framework", help_text="onnx, pytorch, tensorflow")
    format = django_filters.ChoiceFilter(field_name="format", choices=ModelVersion.Format.choices)
    source = django_filters.ChoiceFilter(field_name="source", choices=Source.choices)
    visibility = django_filters.ChoiceFilter(field_name="visibility", choices=Visibility.choices)
    owner = django_filters.CharFilter(field_name="owner__username", help_text="The owner's username.")
    tag = django_filters.CharFilter(method="filter_tag", help_text="Models with this tag.")

    class Meta:
        model = RegisteredModel
        fields = ["search", "framework", "format", "source", "visibility", "owner", "tag"]

    def filter_search(self, queryset, name, value):
        return model_search(queryset=queryset, query=value)

    def filter_tag(self, queryset, name, value):
        # A subquery, not a join: a join would repeat rows and break the page count.
        ids = RegisteredModel.tags.through.objects.filter(tag__name=value.strip().lower()).values("registeredmodel_id")
        return queryset.filter(pk__in=ids)
