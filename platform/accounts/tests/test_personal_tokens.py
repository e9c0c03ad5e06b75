from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import PersonalAccessToken

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_token_is_shown_once_hashed_at_rest_and_works_until_revoked(api, user):
    created = api.post("/api/v1/auth/tokens/", {"name": "github-actions"}, format="json")
    assert created.status_code == 201, created.content
    secret = created.json()["token"]
    assert secret.startswith("wst_") and len(secret) > 40
    row = PersonalAccessToken.objects.get()
    assert secret not in (row.token_hash, row.hint) and len(row.token_hash) == 64
    listed = api.get("/api/v1/auth/tokens/").json()["results"]
    assert [t["name"] for t in listed] == ["github-actions"] and "token" not in listed[0]
    assert secret not in api.get(f"/api/v1/auth/tokens/{row.pk}/").content.decode()

    assert bearer(secret).get("/api/v1/auth/me/").json()["username"] == user.username
    assert APIClient(HTTP_AUTHORIZATION=f"Token {secret}").get("/api/v1/auth/me/").status_code == 200
    assert api.delete(f"/api/v1/auth/tokens/{row.pk}/").status_code == 204
    refused = bearer(secret).get("/api/v1/auth/me/")
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]


def test_expired_token_is_refused(api):
    soon = timezone.now() + timedelta(hours=1)
    secret = api.post("/api/v1/auth/tokens/", {"name": "short", "expires_at": soon.isoformat()},
                      format="json").json()["token"]
    assert bearer(secret).get("/api/v1/auth/me/").status_code == 200
    PersonalAccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert bearer(secret).get("/api/v1/auth/me/").status_code == 401


def test_unknown_token_is_refused():
    assert bearer("wst_" + "x" * 43).get("/api/v1/models/").status_code == 401


def test_token_of_a_deactivated_user_is_refused(api, user):
    secret = api.post("/api/v1/auth/tokens/", {"name": "n"}, format="json").json()["token"]
    user.is_active = False
    user.save()
    assert bearer(secret).get("/api/v1/auth/me/").status_code == 401
