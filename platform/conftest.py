"""Shared fixtures for the Django apps' tests."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def local_object_store(settings, tmp_path):
    """Each test gets an empty local object store; the S3 path is covered by
    tests against a real S3 server (whetstone/tests/test_objectstore.py, tests/e2e)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "objects"), "allow_overwrite": True},
        },
    }
    return tmp_path / "objects"


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="owner", password="owner-password")


@pytest.fixture
def other_user(django_user_model):
    return django_user_model.objects.create_user(username="other", password="other-password")


@pytest.fixture
def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client
