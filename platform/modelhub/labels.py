"""Class labels saved on a model: the names the console's try-it form puts beside top-k class scores.

A list of strings, index i naming class i of the model's class-score output; null when none is saved.
The console also lets a person load a label file for one browser, which overrides these there.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# ImageNet-21k has about 21,841 classes; 100,000 leaves room without letting a model row grow unbounded.
MAX_LABELS = 100_000
MAX_LABEL_LENGTH = 200


def validate_labels(value: Any) -> list[str] | None:
    """The labels as given, or None to clear them; a ValidationError whose one message says which entry is
    wrong and what would be accepted."""
    if value is None:
        return None
    if not isinstance(value, list):
        raise serializers.ValidationError(
            f'must be a list of strings such as ["cat", "dog"] (entry i names class i), or null to remove them; '
            f"not {type(value).__name__}")
    if len(value) > MAX_LABELS:
        raise serializers.ValidationError(f"at most {MAX_LABELS:,} labels, not {len(value):,}")
    for index, label in enumerate(value):
        if not isinstance(label, str):
            raise serializers.ValidationError(f"label {index} must be a string, not {label!r}")
        if len(label) > MAX_LABEL_LENGTH:
            raise serializers.ValidationError(
                f"label {index} is {len(label)} characters long; each label may have at most {MAX_LABEL_LENGTH}")
    return list(value)


@extend_schema_field({"type": "array", "items": {"type": "string", "maxLength": MAX_LABEL_LENGTH},
                      "maxItems": MAX_LABELS, "nullable": True})
class LabelsField(serializers.Field):
    """The saved labels (null: none saved).

    Validated by validate_labels for one flat message per problem ("label 3 must be a string"), where a
    ListField would answer a dict keyed by index that the API's error shape cannot place beside one field."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        return validate_labels(data)

    def to_representation(self, value):
        return value
