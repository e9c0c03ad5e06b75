"""How an image becomes a model's input tensor: saved on the model by its owner, applied by the console.

The console's "Try an inference" form decodes a picture in the browser, resizes it to the input's
H x W and turns each pixel into float32 with these settings (frontend/src/deployments/preprocessing.ts):

    value[c] = (pixel[c] * scale - mean[c]) / std[c]        pixel[c] in 0..255, c in the order `color` names

then lays the channels out as `layout` says (NCHW: planes; NHWC: interleaved). Nothing is saved until the
owner saves it; the form then applies DEFAULT (ImageNet's statistics, RGB, NCHW, scale 1/255).
"""

from __future__ import annotations

import math
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

LAYOUTS = ("NCHW", "NHWC")
COLORS = ("RGB", "BGR")
CHANNELS = 3
# Beyond these a number is a typo rather than a normalisation (pixels are 0..255 before scaling).
MAX_SCALE = 255.0
MAX_ABS_MEAN = 255.0
MAX_STD = 255.0

DEFAULT: dict[str, Any] = {
    "layout": "NCHW",
    "color": "RGB",
    "scale": 1 / 255,
    "mean": [0.485, 0.456, 0.406],
    "std": [0.229, 0.224, 0.225],
}


def _finite(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise serializers.ValidationError(f"{what} must be a finite number, not {value!r}")
    return float(value)


def _triple(value: Any, name: str) -> list[float]:
    example = DEFAULT[name]
    if not isinstance(value, list) or len(value) != CHANNELS:
        raise serializers.ValidationError(
            f"{name} must be a list of {CHANNELS} numbers, one per channel in the order `color` names "
            f"(for example {example})")
    return [_finite(item, f"each {name} value") for item in value]


class PreprocessingSerializer(serializers.Serializer):
    """The shape of the saved settings, as the OpenAPI schema publishes them (component `Preprocessing`)."""

    layout = serializers.ChoiceField(choices=LAYOUTS, help_text="NCHW (channel planes) or NHWC (interleaved).")
    color = serializers.ChoiceField(choices=COLORS, help_text="The order of the three channels the model reads.")
    scale = serializers.FloatField(help_text="Each 0..255 pixel value is multiplied by this first (1/255: to 0..1).")
    mean = serializers.ListField(child=serializers.FloatField(), min_length=CHANNELS, max_length=CHANNELS,
                                 help_text="Subtracted per channel after scaling, in the order `color` names.")
    std = serializers.ListField(child=serializers.FloatField(), min_length=CHANNELS, max_length=CHANNELS,
                                help_text="Divided by per channel after subtracting the mean (each > 0).")


class PreprocessingUpdateSerializer(PreprocessingSerializer):
    """What a PATCH may send: any of the keys; those left out take the defaults."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


def validate_preprocessing(value: Any) -> dict[str, Any] | None:
    """The settings, complete (missing keys take DEFAULT's), or None to clear them; a ValidationError whose
    one message names the key that is wrong and what would be accepted."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise serializers.ValidationError(
            'must be an object such as {"layout": "NCHW", "color": "RGB", "scale": 0.00392156862745098, '
            '"mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}, or null to use those defaults')
    unknown = sorted(set(value) - set(DEFAULT))
    if unknown:
        raise serializers.ValidationError(
            f"unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; the keys are "
            f"{', '.join(DEFAULT)}")
    merged = {**DEFAULT, **value}
    if merged["layout"] not in LAYOUTS:
        raise serializers.ValidationError(f"layout must be one of {', '.join(LAYOUTS)}, not {merged['layout']!r}")
    if merged["color"] not in COLORS:
        raise serializers.ValidationError(f"color must be one of {', '.join(COLORS)}, not {merged['color']!r}")
    scale = _finite(merged["scale"], "scale")
    if not 0 < scale <= MAX_SCALE:
        raise serializers.ValidationError(
            f"scale must be above 0 and at most {MAX_SCALE:g}, not {scale:g} "
            "(1/255 = 0.00392156862745098 maps pixels to 0..1; 1 keeps 0..255)")
    mean = _triple(merged["mean"], "mean")
    if any(abs(item) > MAX_ABS_MEAN for item in mean):
        raise serializers.ValidationError(f"each mean value must be between -{MAX_ABS_MEAN:g} and {MAX_ABS_MEAN:g}")
    std = _triple(merged["std"], "std")
    if any(not 0 < item <= MAX_STD for item in std):
        raise serializers.ValidationError(f"each std value must be above 0 and at most {MAX_STD:g} (it divides)")
    return {"layout": merged["layout"], "color": merged["color"], "scale": scale, "mean": mean, "std": std}


@extend_schema_field(PreprocessingSerializer(allow_null=True))
class PreprocessingField(serializers.Field):
    """The saved settings (null: none saved).

    Validated by validate_preprocessing, for one flat message per problem ("mean must be a list of 3
    numbers …"), where a nested serializer would answer a dict of lists that the API's error shape cannot
    place beside one field."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        return validate_preprocessing(data)

    def to_representation(self, value):
        return value


@extend_schema_field(PreprocessingUpdateSerializer(allow_null=True))
class PreprocessingUpdateField(PreprocessingField):
    """The same, as a PATCH sends it: every key optional."""
