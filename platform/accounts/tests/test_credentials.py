"""One token system: the password login's token is hashed, expiring, revocable
and scoped like any other; tokens never mint stronger ones; password guessing is
throttled."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services
from accounts.models import PersonalAccessToken
from accounts.services import personal_token_create
from jobs.models import Job
from modelhub.models import RegisteredModel

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def login_token(username="owner", password="owner-password"):
    return APIClient().post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")


def test_the_password_login_token_is_hashed_expiring_scoped_and_revocable(user, settings):
    settings.WHETSTONE_LOGIN_TOKEN_TTL_DAYS = 7
    answer = login_token()
    assert answer.status_code == 200, answer.content
    secret = answer.json()["token"]
    assert secret.startswith("wst_")
    assert answer.json()["scopes"] == ["read", "register", "optimize", "deploy", "admin"]
    row = PersonalAccessToken.objects.get(user=user)
    assert timedelta(days=6, hours=23) < row.expires_at - timezone.now() <= timedelta(days=7)

    # the curl flow of the README: `Authorization: Token <secret>`
    as_token = APIClient(HTTP_AUTHORIZATION=f"Token {secret}")
    assert as_token.get("/api/v1/auth/me/").json()["username"] == "owner"
    listed = as_token.get("/api/v1/auth/tokens/").json()["results"]
    assert [t["id"] for t in listed] == [row.pk]
    assert as_token.delete(f"/api/v1/auth/tokens/{row.pk}/").status_code == 204
    assert as_token.get("/api/v1/auth/me/").status_code == 401


def test_no_credential_is_stored_in_clear_anywhere_in_the_database(user):
    secrets_given = [login_token().json()["token"],
                     APIClient(HTTP_AUTHORIZATION=f"Token {login_token().json()['token']}").post(
                         "/api/v1/auth/tokens/", {"name": "ci"}, format="json").json()["token"]]
    assert all(secret.startswith("wst_") for secret in secrets_given)
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                text = " ".join(map(str, row))
                for secret in secrets_given:
                    assert secret not in text, f"{table} holds a token in clear"
                    assert secret[len("wst_"):] not in text, f"{table} holds a token's secret part in clear"


def test_old_plaintext_login_tokens_are_deleted_by_the_migration():
    migration = importlib.import_module("accounts.migrations.0002_invitations_and_scoped_expiring_tokens")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id integer)")
        cursor.execute("INSERT INTO authtoken_token VALUES ('0123456789abcdef0123456789abcdef01234567', 1)")

    class SchemaEditor:
        pass

    editor = SchemaEditor()
    editor.connection = connection
    migration.delete_plaintext_tokens(None, editor)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0


def test_a_read_only_token_cannot_start_an_optimization(user):
    model = RegisteredModel.objects.create(owner=user, name="m")
    _, secret = personal_token_create(user=user, name="dashboard", scopes=["read"])
    assert bearer(secret).get(f"/api/v1/models/{model.pk}/").status_code == 200
    refused = bearer(secret).post(f"/api/v1/models/{model.pk}/optimizations/", {"recipe": "lossless"},
                                  format="json")
    assert refused.status_code == 403, refused.content
    assert "'optimize' scope" in refused.json()["detail"]
    assert Job.objects.count() == 0


@pytest.mark.parametrize("method, path, body, scope", [
    ("post", "/api/v1/models/", {"name": "m"}, "register"),
    ("post", "/api/v1/deployments/", {"job": 1}, "deploy"),
    ("post", "/api/v1/webhooks/", {"url": "https://ci.example.com/h"}, "admin"),
    ("post", "/api/v1/teams/", {"name": "t"}, "admin"),
    ("post", "/api/v1/auth/tokens/", {"name": "t"}, "admin"),
])
def test_each_write_needs_its_scope(user, method, path, body, scope):
    _, narrow = personal_token_create(user=user, name="narrow", scopes=["read"])
    refused = getattr(bearer(narrow), method)(path, body, format="json")
    assert refused.status_code == 403 and f"'{scope}' scope" in refused.json()["detail"], refused.content
    _, scoped = personal_token_create(user=user, name="scoped", scopes=["read", scope])
    assert getattr(bearer(scoped), method)(path, body, format="json").status_code not in (401, 403)


def test_a_token_cannot_mint_a_token_with_more_scopes_than_its_own(user):
    _, secret = personal_token_create(user=user, name="ci", scopes=["read", "admin"])
    refused = bearer(secret).post("/api/v1/auth/tokens/", {"name": "stronger", "scopes": ["read", "deploy"]},
                                  format="json")
    assert refused.status_code == 403 and "lacks the scope(s) deploy" in refused.json()["detail"], refused.content
    made = bearer(secret).post("/api/v1/auth/tokens/", {"name": "weaker", "scopes": ["read"]}, format="json")
    assert made.status_code == 201 and made.json()["scopes"] == ["read"]
    # without scopes asked, the new token gets its creator's, not more
    assert bearer(secret).post("/api/v1/auth/tokens/", {"name": "same"},
                               format="json").json()["scopes"] == ["read", "admin"]
    assert not any("deploy" in token.scopes for token in PersonalAccessToken.objects.all())


def test_a_token_cannot_mint_a_token_that_outlives_it(user):
    _, secret = personal_token_create(user=user, name="ci", expires_at=timezone.now() + timedelta(days=2))
    later = (timezone.now() + timedelta(days=20)).isoformat()
    refused = bearer(secret).post("/api/v1/auth/tokens/", {"name": "longer", "expires_at": later}, format="json")
    assert refused.status_code == 403 and "outlives itself" in refused.json()["detail"], refused.content
    # the default expiry (30 days) is cut to the creator's
    made = bearer(secret).post("/api/v1/auth/tokens/", {"name": "default"}, format="json").json()
    assert PersonalAccessToken.objects.get(pk=made["id"]).expires_at <= timezone.now() + timedelta(days=2)


def test_every_token_expires_and_none_lives_past_the_maximum(api, settings):
    settings.WHETSTONE_TOKEN_MAX_LIFETIME_DAYS = 90
    too_late = (timezone.now() + timedelta(days=91)).isoformat()
    refused = api.post("/api/v1/auth/tokens/", {"name": "forever", "expires_at": too_late}, format="json")
    assert refused.status_code == 400 and "at most 90 days" in refused.json()["errors"]["expires_at"][0]
    # asking for no expiry (the console's empty date) gets the default one
    for body in ({"name": "never", "expires_at": None}, {"name": "ci"}):
        made = api.post("/api/v1/auth/tokens/", body, format="json")
        assert made.status_code == 201 and made.json()["expires_at"] is not None, made.content
    assert not PersonalAccessToken.objects.filter(expires_at__isnull=True).exists()


@pytest.mark.parametrize("endpoint", ["/api/v1/auth/token/", "/api/v1/auth/session/"])
def test_password_guessing_is_stopped_and_the_right_password_waits_out_the_window(user, endpoint, monkeypatch):
    client = APIClient()
    statuses = [client.post(endpoint, {"username": "owner", "password": f"guess-{n}"}, format="json").status_code
                for n in range(40)]
    assert statuses[0] == 400
    first_refusal = statuses.index(429)
    assert first_refusal <= 10, statuses
    assert set(statuses[first_refusal:]) == {429}

    right = client.post(endpoint, {"username": "owner", "password": "owner-password"}, format="json")
    assert right.status_code == 429 and int(right["Retry-After"]) > 0
    assert right.json()["detail"] == (f"Too many failed logins for this user from this address. "
                                      f"Try again in {right['Retry-After']} seconds.")

    later = services.time.time() + int(right["Retry-After"]) + 1
    monkeypatch.setattr(services.time, "time", lambda: later)
    assert client.post(endpoint, {"username": "owner", "password": "owner-password"},
                       format="json").status_code == 200


def test_a_made_up_forwarded_address_does_not_reset_the_count(user):
    client = APIClient()
    statuses = [client.post("/api/v1/auth/token/", {"username": "owner", "password": f"guess-{n}"}, format="json",
                            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code for n in range(10)]
    assert 429 in statuses, statuses


def test_behind_a_proxy_the_forwarded_client_address_counts(user, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = APIClient(REMOTE_ADDR="10.0.0.2")
    for n in range(10):
        proxy.post("/api/v1/auth/token/", {"username": "owner", "password": f"guess-{n}"}, format="json",
                   HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert proxy.post("/api/v1/auth/token/", {"username": "owner", "password": "owner-password"}, format="json",
                      HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 200


def test_another_address_is_not_locked_out_by_a_guesser(user):
    guesser = APIClient(REMOTE_ADDR="203.0.113.9")
    for n in range(10):
        guesser.post("/api/v1/auth/token/", {"username": "owner", "password": f"guess-{n}"}, format="json")
    assert guesser.post("/api/v1/auth/token/", {"username": "owner", "password": "owner-password"},
                        format="json").status_code == 429
    assert login_token().status_code == 200


def test_one_address_guessing_many_usernames_is_stopped_too(user, django_user_model, settings):
    settings.WHETSTONE_LOGIN_MAX_FAILURES_PER_ADDRESS = 8
    django_user_model.objects.create_user(username="sprayer", password="sprayer-password")
    sprayer = APIClient(REMOTE_ADDR="198.51.100.7")
    statuses = [sprayer.post("/api/v1/auth/token/", {"username": f"user-{n}", "password": "Winter2026!"},
                             format="json").status_code for n in range(12)]
    assert statuses[:8] == [400] * 8 and set(statuses[8:]) == {429}
    # logging in to one's own account there does not reset the address's count
    own = sprayer.post("/api/v1/auth/token/", {"username": "sprayer", "password": "sprayer-password"},
                       format="json")
    assert own.status_code == 429 and "from this address" in own.json()["detail"]
    assert login_token().status_code == 200  # the owner, from elsewhere
