"""Filters shared by every app's list endpoints."""

from __future__ import annotations

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field

# The database's id column (a signed 64-bit integer): a larger id names nothing, and
# the database refuses to even compare one (an OverflowError, a 500), so it is a 400.
MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """An id in a query string: a whole number from 1 to MAX_ID, else a 400 that says so.
    (NumberFilter reads a Decimal, which takes 1e400, 1.5 and numbers past any column.)"""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
        # The schema says "integer" (NumberFilter's own says "number"), keeping this filter's help text.
        extend_schema_field({"type": "integer", "format": "int64", "minimum": kwargs["min_value"],
                             "maximum": kwargs["max_value"], "description": kwargs.get("help_text", "")})(self)
