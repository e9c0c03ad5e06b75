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


@pytest.fixture(autouse=True)
def empty_cache():
    """The cache (login failure counts) is per process: each test starts without
    another test's failed logins."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def default_hardware_class(settings):
    """Jobs that name no class target this one when no engine is online, whatever machine runs the
    tests (the fallback to the API machine's own class is tested on its own)."""
    settings.WHETSTONE_DEFAULT_HARDWARE_CLASS = "x86_64-amd-avx2"
    return settings.WHETSTONE_DEFAULT_HARDWARE_CLASS


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
