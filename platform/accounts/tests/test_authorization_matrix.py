"""Who may read and write what, over every endpoint of the API.

Actors: the owner (session), a member of the owner's team, another user, an
anonymous client, the owner's personal API token, a revoked token, and staff.
Resources: the owner's private model, a model shared with the team, an
official model, the owner's job, deployment, personal token and team.

A request that crosses a tenant must answer 404 (the resource is invisible)
or 403 (visible, but read-only for this actor); anonymous and revoked-token
requests answer 401. A test below fails when an endpoint in the OpenAPI schema
has no row here, so new endpoints cannot skip the matrix.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.models import Team, TeamInvitation
from accounts.services import personal_token_create, personal_token_revoke
from deployments.models import Deployment
from jobs.models import Job
from modelhub.models import ModelVersion, PendingUpload, RegisteredModel, Visibility
from notifications.models import Webhook
from whetstone import objectstore

pytestmark = pytest.mark.django_db

ACTORS = ["owner", "member", "other", "anonymous", "token", "revoked", "staff"]
ALLOWED = "allowed"          # any answer that is not 401/403/404 and not 5xx
PUBLIC = "public"            # login endpoints: anyone may call them


@pytest.fixture(scope="module")
def onnx_bytes(tmp_path_factory) -> bytes:
    from tests.support.models import tiny_mlp

    return tiny_mlp(tmp_path_factory.mktemp("matrix") / "m.onnx").read_bytes()


@dataclass
class World:
    users: dict
    private: RegisteredModel
    shared: RegisteredModel
    official: RegisteredModel
    job: Job
    deployment: Deployment
    token_id: int
    token_secret: str
    revoked_secret: str
    team: Team
    webhook: Webhook
    upload: PendingUpload
    invitation: TeamInvitation | None = None


def _model(owner, name, visibility, onnx_bytes, team=None) -> RegisteredModel:
    model = RegisteredModel.objects.create(owner=owner, name=name, visibility=visibility, team=team,
                                           framework="onnx", format="onnx", search_text=name)
    key = f"models/{model.pk}/v1/model.onnx"
    objectstore.put_stream(key, io.BytesIO(onnx_bytes))
    version = ModelVersion.objects.create(
        model=model, number=1, storage_key=key, size_bytes=len(onnx_bytes), sha256="0" * 64,
        files=[{"path": "model.onnx", "size_bytes": len(onnx_bytes), "sha256": "0" * 64}],
        signature={"inputs": [], "outputs": []},
        tokenizer=_tokenizer(model.pk),
    )
    model.latest_version = version
    model.save()
    return model


def _tokenizer(model_id: int) -> dict:
    """A tokenizer attached to the version, so that reading it answers 200 to those who may."""
    from tests.support.tokenizer_json import word_level_tokenizer

    prefix = f"models/{model_id}/tokenizers/v1/matrix"
    key = objectstore.put_stream(f"{prefix}/tokenizer.json", io.BytesIO(word_level_tokenizer().encode()))
    return {"prefix": prefix, "key": key, "name": "tokenizer.json", "size_bytes": 1, "sha256": "0" * 64,
            "kind": "WordLevel", "vocab_size": 18, "pad_token": "[PAD]", "updated_at": "2026-01-01T00:00:00+00:00"}


@pytest.fixture
def world(django_user_model, onnx_bytes) -> World:
    users = {name: django_user_model.objects.create_user(username=name, password=None) for name in
             ("owner", "member", "other")}
    users["staff"] = django_user_model.objects.create_user(username="staff", password=None, is_staff=True)
    team = Team.objects.create(name="vision", owner=users["owner"])
    team.members.add(users["owner"], users["member"])
    private = _model(users["owner"], "private-model", Visibility.PRIVATE, onnx_bytes)
    shared = _model(users["owner"], "team-model", Visibility.TEAM, onnx_bytes, team=team)
    official = _model(users["staff"], "official-model", Visibility.OFFICIAL, onnx_bytes)
    job = Job.objects.create(owner=users["owner"], model_version=private.latest_version, recipe="lossless",
                             status=Job.Status.SUCCEEDED, package_prefix="packages/matrix")
    objectstore.put_stream("packages/matrix/model.onnx", io.BytesIO(onnx_bytes))
    deployment = Deployment.objects.create(owner=users["owner"], job=job, name="matrix-deployment",
                                           status=Deployment.Status.STOPPED)
    token, secret = personal_token_create(user=users["owner"], name="ci")
    revoked, revoked_secret = personal_token_create(user=users["owner"], name="old")
    personal_token_revoke(token=revoked)
    webhook = Webhook.objects.create(owner=users["owner"], url="https://ci.example.com/hook", secret="s")
    from django.utils import timezone

    upload = PendingUpload.objects.create(owner=users["owner"], filename="big.onnx", size_bytes=10, sha256="0" * 64,
                                          part_size=5 * 1024**2, storage_key="uploads/x/big.onnx", upload_id="u",
                                          expires_at=timezone.now())
    invitation = TeamInvitation.objects.create(team=team, invitee=users["other"], invited_by=users["owner"])
    return World(users, private, shared, official, job, deployment, token.pk, secret, revoked_secret, team, webhook,
                 upload, invitation)


def client_for(actor: str, world: World) -> APIClient:
    client = APIClient()
    if actor in ("owner", "member", "other", "staff"):
        client.force_authenticate(world.users[actor])
    elif actor == "token":
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {world.token_secret}")
    elif actor == "revoked":
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {world.revoked_secret}")
    return client


def expect(**overrides) -> dict:
    """Expected answers per actor; the default is the owner's private resource."""
    base = {"owner": ALLOWED, "token": ALLOWED, "staff": ALLOWED, "member": 404, "other": 404,
            "anonymous": 401, "revoked": 401}
    return {**base, **overrides}


EVERYONE = expect(member=ALLOWED, other=ALLOWED)
TEAM_READ = expect(member=ALLOWED)
TEAM_WRITE = expect(member=403)
OFFICIAL_READ = expect(member=ALLOWED, other=ALLOWED)
OFFICIAL_WRITE = expect(owner=403, token=403, member=403, other=403)
PERSONAL = expect(staff=404)  # personal tokens are nobody else's business, staff's included
PUBLIC_ROW = {actor: PUBLIC for actor in ACTORS}
INVITEE = expect(owner=404, token=404, staff=404, other=ALLOWED)  # an invitation is its invitee's to answer


def _file(onnx_bytes):
    return {"file": io.BytesIO(onnx_bytes)}


def _tokenizer_file(onnx_bytes):
    from tests.support.tokenizer_json import word_level_tokenizer

    return {"file": io.BytesIO(word_level_tokenizer().encode())}


def _text(onnx_bytes):
    return {"text": "the cat sat"}


def _examples(onnx_bytes):
    import numpy as np

    buffer = io.BytesIO()
    np.savez(buffer, x=np.ones((1, 4), np.float32))
    buffer.seek(0)
    buffer.name = "batch.npz"
    return {"files": [buffer]}


# (operation id, method, path builder, body builder, format, expectations)
MATRIX = [
    ("auth_me_retrieve", "get", lambda w: "/api/v1/auth/me/", None, None, EVERYONE),
    ("auth_session_retrieve", "get", lambda w: "/api/v1/auth/session/", None, None, PUBLIC_ROW),
    ("auth_session_create", "post", lambda w: "/api/v1/auth/session/", lambda b: {"username": "x", "password": "y"}, "json", PUBLIC_ROW),
    ("auth_session_destroy", "delete", lambda w: "/api/v1/auth/session/", None, None, PUBLIC_ROW),
    ("auth_token_create", "post", lambda w: "/api/v1/auth/token/", lambda b: {"username": "x", "password": "y"}, "json", PUBLIC_ROW),
    ("auth_tokens_list", "get", lambda w: "/api/v1/auth/tokens/", None, None, EVERYONE),
    ("auth_tokens_create", "post", lambda w: "/api/v1/auth/tokens/", lambda b: {"name": "n"}, "json", EVERYONE),
    ("auth_tokens_retrieve", "get", lambda w: f"/api/v1/auth/tokens/{w.token_id}/", None, None, PERSONAL),
    ("auth_tokens_destroy", "delete", lambda w: f"/api/v1/auth/tokens/{w.token_id}/", None, None, PERSONAL),
    ("teams_list", "get", lambda w: "/api/v1/teams/", None, None, EVERYONE),
    ("teams_create", "post", lambda w: "/api/v1/teams/", lambda b: {"name": "new-team"}, "json", EVERYONE),
    ("teams_retrieve", "get", lambda w: f"/api/v1/teams/{w.team.pk}/", None, None, TEAM_READ),
    # the owner and admins invite, a plain member may not (test_team_roles: admins, and the other refusals)
    ("teams_members_create", "post", lambda w: f"/api/v1/teams/{w.team.pk}/members/", lambda b: {"username": "other"}, "json", TEAM_WRITE),
    # the owner, staff, and the member removing themself; test_team_invitations: a member removing another is 403
    ("teams_members_destroy", "delete", lambda w: f"/api/v1/teams/{w.team.pk}/members/member/", None, None, TEAM_READ),
    # a member promoting themself is refused; only the owner (or staff) changes roles
    ("teams_members_partial_update", "patch", lambda w: f"/api/v1/teams/{w.team.pk}/members/member/", lambda b: {"role": "admin"}, "json", TEAM_WRITE),
    # a member taking the team over is refused; only the owner (or staff) hands it over
    ("teams_transfer_create", "post", lambda w: f"/api/v1/teams/{w.team.pk}/transfer/", lambda b: {"username": "member"}, "json", TEAM_WRITE),
    ("teams_leave_create", "post", lambda w: f"/api/v1/teams/{w.team.pk}/leave/", None, None, TEAM_READ),
    ("team_invitations_list", "get", lambda w: "/api/v1/team-invitations/", None, None, EVERYONE),
    ("team_invitations_accept_create", "post", lambda w: f"/api/v1/team-invitations/{w.invitation.pk}/accept/", None, None, INVITEE),
    ("team_invitations_decline_create", "post", lambda w: f"/api/v1/team-invitations/{w.invitation.pk}/decline/", None, None, INVITEE),
    ("models_list", "get", lambda w: "/api/v1/models/", None, None, EVERYONE),
    ("models_create", "post", lambda w: "/api/v1/models/", lambda b: {**_file(b), "name": "fresh"}, "multipart", EVERYONE),
    # the owner's private model
    ("models_retrieve", "get", lambda w: f"/api/v1/models/{w.private.pk}/", None, None, expect()),
    ("models_partial_update", "patch", lambda w: f"/api/v1/models/{w.private.pk}/", lambda b: {"description": "x"}, "json", expect()),
    ("models_destroy", "delete", lambda w: f"/api/v1/models/{w.private.pk}/", None, None, expect()),
    ("models_versions_list", "get", lambda w: f"/api/v1/models/{w.private.pk}/versions/", None, None, expect()),
    ("models_versions_create", "post", lambda w: f"/api/v1/models/{w.private.pk}/versions/", _file, "multipart", expect()),
    ("models_versions_retrieve", "get", lambda w: f"/api/v1/models/{w.private.pk}/versions/1/", None, None, expect()),
    ("models_versions_download_retrieve", "get", lambda w: f"/api/v1/models/{w.private.pk}/versions/1/download/", None, None, expect()),
    ("models_versions_from_job_create", "post", lambda w: f"/api/v1/models/{w.private.pk}/versions/from-job/", lambda b: {"job": 0}, "json", expect()),
    ("models_optimizations_create", "post", lambda w: f"/api/v1/models/{w.private.pk}/optimizations/", lambda b: {"recipe": "lossless"}, "json", expect()),
    ("models_versions_examples_retrieve", "get", lambda w: f"/api/v1/models/{w.private.pk}/versions/1/examples/", None, None, expect()),
    ("models_versions_examples_update", "put", lambda w: f"/api/v1/models/{w.private.pk}/versions/1/examples/", _examples, "multipart", expect()),
    ("models_versions_examples_destroy", "delete", lambda w: f"/api/v1/models/{w.private.pk}/versions/1/examples/", None, None, expect()),
    ("models_versions_tokenizer_retrieve", "get", lambda w: f"/api/v1/models/{w.private.pk}/versions/1/tokenizer/", None, None, expect()),
    ("models_versions_tokenizer_update", "put", lambda w: f"/api/v1/models/{w.private.pk}/versions/1/tokenizer/", _tokenizer_file, "multipart", expect()),
    ("models_versions_tokenizer_destroy", "delete", lambda w: f"/api/v1/models/{w.private.pk}/versions/1/tokenizer/", None, None, expect()),
    ("models_versions_tokenize_create", "post", lambda w: f"/api/v1/models/{w.private.pk}/versions/1/tokenize/", _text, "json", expect()),
    # shared with the owner's team: the member reads, only the owner writes
    ("models_retrieve", "get", lambda w: f"/api/v1/models/{w.shared.pk}/", None, None, TEAM_READ),
    ("models_partial_update", "patch", lambda w: f"/api/v1/models/{w.shared.pk}/", lambda b: {"description": "x"}, "json", TEAM_WRITE),
    ("models_destroy", "delete", lambda w: f"/api/v1/models/{w.shared.pk}/", None, None, TEAM_WRITE),
    ("models_versions_list", "get", lambda w: f"/api/v1/models/{w.shared.pk}/versions/", None, None, TEAM_READ),
    ("models_versions_create", "post", lambda w: f"/api/v1/models/{w.shared.pk}/versions/", _file, "multipart", TEAM_WRITE),
    ("models_versions_download_retrieve", "get", lambda w: f"/api/v1/models/{w.shared.pk}/versions/1/download/", None, None, TEAM_READ),
    ("models_versions_examples_retrieve", "get", lambda w: f"/api/v1/models/{w.shared.pk}/versions/1/examples/", None, None, TEAM_READ),
    ("models_versions_examples_update", "put", lambda w: f"/api/v1/models/{w.shared.pk}/versions/1/examples/", _examples, "multipart", TEAM_WRITE),
    ("models_versions_examples_destroy", "delete", lambda w: f"/api/v1/models/{w.shared.pk}/versions/1/examples/", None, None, TEAM_WRITE),
    ("models_versions_tokenizer_retrieve", "get", lambda w: f"/api/v1/models/{w.shared.pk}/versions/1/tokenizer/", None, None, TEAM_READ),
    ("models_versions_tokenizer_update", "put", lambda w: f"/api/v1/models/{w.shared.pk}/versions/1/tokenizer/", _tokenizer_file, "multipart", TEAM_WRITE),
    ("models_versions_tokenizer_destroy", "delete", lambda w: f"/api/v1/models/{w.shared.pk}/versions/1/tokenizer/", None, None, TEAM_WRITE),
    ("models_versions_tokenize_create", "post", lambda w: f"/api/v1/models/{w.shared.pk}/versions/1/tokenize/", _text, "json", TEAM_READ),
    # official: everyone reads, only staff writes
    ("models_retrieve", "get", lambda w: f"/api/v1/models/{w.official.pk}/", None, None, OFFICIAL_READ),
    ("models_partial_update", "patch", lambda w: f"/api/v1/models/{w.official.pk}/", lambda b: {"description": "x"}, "json", OFFICIAL_WRITE),
    ("models_destroy", "delete", lambda w: f"/api/v1/models/{w.official.pk}/", None, None, OFFICIAL_WRITE),
    ("models_versions_create", "post", lambda w: f"/api/v1/models/{w.official.pk}/versions/", _file, "multipart", OFFICIAL_WRITE),
    ("models_versions_from_job_create", "post", lambda w: f"/api/v1/models/{w.official.pk}/versions/from-job/", lambda b: {"job": 0}, "json", OFFICIAL_WRITE),
    ("models_versions_examples_retrieve", "get", lambda w: f"/api/v1/models/{w.official.pk}/versions/1/examples/", None, None, OFFICIAL_READ),
    ("models_versions_examples_update", "put", lambda w: f"/api/v1/models/{w.official.pk}/versions/1/examples/", _examples, "multipart", OFFICIAL_WRITE),
    ("models_versions_examples_destroy", "delete", lambda w: f"/api/v1/models/{w.official.pk}/versions/1/examples/", None, None, OFFICIAL_WRITE),
    ("models_versions_tokenizer_retrieve", "get", lambda w: f"/api/v1/models/{w.official.pk}/versions/1/tokenizer/", None, None, OFFICIAL_READ),
    ("models_versions_tokenizer_update", "put", lambda w: f"/api/v1/models/{w.official.pk}/versions/1/tokenizer/", _tokenizer_file, "multipart", OFFICIAL_WRITE),
    ("models_versions_tokenizer_destroy", "delete", lambda w: f"/api/v1/models/{w.official.pk}/versions/1/tokenizer/", None, None, OFFICIAL_WRITE),
    ("models_versions_tokenize_create", "post", lambda w: f"/api/v1/models/{w.official.pk}/versions/1/tokenize/", _text, "json", OFFICIAL_READ),
    # the owner's job and deployment
    ("jobs_list", "get", lambda w: "/api/v1/jobs/", None, None, EVERYONE),
    ("jobs_retrieve", "get", lambda w: f"/api/v1/jobs/{w.job.pk}/", None, None, expect()),
    ("jobs_cancel_create", "post", lambda w: f"/api/v1/jobs/{w.job.pk}/cancel/", None, None, expect()),
    ("jobs_package_retrieve", "get", lambda w: f"/api/v1/jobs/{w.job.pk}/package/", None, None, expect()),
    ("jobs_exports_triton_create", "post", lambda w: f"/api/v1/jobs/{w.job.pk}/exports/triton/", lambda b: {"name": "m"}, "json",
     expect()),
    ("jobs_exports_kserve_retrieve", "get", lambda w: f"/api/v1/jobs/{w.job.pk}/exports/kserve/", None, None,
     expect()),
    ("deployments_list", "get", lambda w: "/api/v1/deployments/", None, None, EVERYONE),
    ("deployments_create", "post", lambda w: "/api/v1/deployments/", lambda b: {"job": None}, "json", expect()),
    ("deployments_retrieve", "get", lambda w: f"/api/v1/deployments/{w.deployment.pk}/", None, None, expect()),
    ("deployments_health_retrieve", "get", lambda w: f"/api/v1/deployments/{w.deployment.pk}/health/", None, None, expect()),
    ("deployments_traffic_retrieve", "get", lambda w: f"/api/v1/deployments/{w.deployment.pk}/traffic/", None, None, expect()),
    ("deployments_tokenize_create", "post", lambda w: f"/api/v1/deployments/{w.deployment.pk}/tokenize/", _text, "json", expect()),
    ("deployments_redeploy_create", "post", lambda w: f"/api/v1/deployments/{w.deployment.pk}/redeploy/", lambda b: {"job": 0}, "json", expect()),
    ("deployments_destroy", "delete", lambda w: f"/api/v1/deployments/{w.deployment.pk}/", None, None, expect()),
    # presigned uploads: the uploader's alone (this test's object store is local, so they answer 409)
    ("uploads_create", "post", lambda w: "/api/v1/uploads/", lambda b: {"filename": "m.onnx", "size_bytes": 10, "sha256": "0" * 64}, "json", EVERYONE),
    ("uploads_complete_create", "post", lambda w: f"/api/v1/uploads/{w.upload.pk}/complete/", lambda b: {"name": "big", "parts": [{"part_number": 1, "etag": "e"}]}, "json", PERSONAL),
    ("uploads_destroy", "delete", lambda w: f"/api/v1/uploads/{w.upload.pk}/", None, None, PERSONAL),
    ("analytics_speedups_retrieve", "get", lambda w: "/api/v1/analytics/speedups/", None, None, EVERYONE),
    # machines, not tenants' things: every signed-in user reads the fleet
    ("hardware_list", "get", lambda w: "/api/v1/hardware/", None, None, EVERYONE),
    # the owner's webhook: it holds a signing secret, so like a token it is its owner's alone
    ("webhooks_list", "get", lambda w: "/api/v1/webhooks/", None, None, EVERYONE),
    ("webhooks_create", "post", lambda w: "/api/v1/webhooks/", lambda b: {"url": "https://ci.example.com/x"}, "json", EVERYONE),
    ("webhooks_retrieve", "get", lambda w: f"/api/v1/webhooks/{w.webhook.pk}/", None, None, PERSONAL),
    ("webhooks_deliveries_list", "get", lambda w: f"/api/v1/webhooks/{w.webhook.pk}/deliveries/", None, None, PERSONAL),
    ("webhooks_destroy", "delete", lambda w: f"/api/v1/webhooks/{w.webhook.pk}/", None, None, PERSONAL),
]


def _cases():
    for index, (operation, method, path, body, fmt, expectations) in enumerate(MATRIX):
        for actor in ACTORS:
            yield pytest.param(index, actor, id=f"{operation}-{index}-{actor}")


@pytest.mark.parametrize("row, actor", list(_cases()))
def test_authorization_matrix(row, actor, world, onnx_bytes, monkeypatch):
    operation, method, path, body, fmt, expectations = MATRIX[row]
    # Nothing reaches a broker or a serving engine from here.
    monkeypatch.setattr("whetstone.taskqueue.send_on_commit", lambda *a, **k: None, raising=False)
    data = body(onnx_bytes) if body else None
    if data is not None and data.get("job", "") is None:
        data["job"] = world.job.pk  # someone else's job must not be deployable
    if data is not None and data.get("job") == 0:
        data["job"] = world.job.pk
    response = getattr(client_for(actor, world), method)(path(world), data, format=fmt)
    expected = expectations[actor]
    body_text = b"<stream>" if getattr(response, "streaming", False) else response.content[:300]
    detail = f"{method.upper()} {path(world)} as {actor}: {response.status_code} {body_text!r}"
    assert response.status_code < 500, detail
    if expected == PUBLIC:
        assert response.status_code not in (403, 404) or actor == "revoked", detail
    elif expected == ALLOWED:
        assert response.status_code not in (401, 403, 404), detail
    else:
        assert response.status_code == expected, detail
        # A refused write changed nothing.
    if expected in (401, 403, 404) and method != "get":
        assert RegisteredModel.objects.filter(deleted_at__isnull=False).count() == 0, detail
        assert ModelVersion.objects.count() == 3, detail
        assert RegisteredModel.objects.get(pk=world.private.pk).description == "", detail


def test_every_endpoint_in_the_schema_is_in_the_matrix(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    operations = {op["operationId"] for item in schema["paths"].values() for method, op in item.items()
                  if method in ("get", "post", "put", "patch", "delete")}
    assert operations - {row[0] for row in MATRIX} == set()


@pytest.mark.parametrize("actor", ["member", "other"])
def test_lists_never_show_another_tenants_rows(actor, world):
    client = client_for(actor, world)
    models = {m["id"] for m in client.get("/api/v1/models/").json()["results"]}
    assert world.private.pk not in models
    assert world.official.pk in models
    assert (world.shared.pk in models) == (actor == "member")
    assert client.get("/api/v1/jobs/").json()["count"] == 0
    assert client.get("/api/v1/deployments/").json()["count"] == 0
    assert client.get("/api/v1/auth/tokens/").json()["count"] == 0
    assert client.get("/api/v1/webhooks/").json()["count"] == 0
    teams = {t["id"] for t in client.get("/api/v1/teams/").json()["results"]}
    assert (world.team.pk in teams) == (actor == "member")


def test_token_holder_sees_what_the_owner_sees(world):
    as_owner = {m["id"] for m in client_for("owner", world).get("/api/v1/models/").json()["results"]}
    as_token = {m["id"] for m in client_for("token", world).get("/api/v1/models/").json()["results"]}
    assert as_owner == as_token == {world.private.pk, world.shared.pk, world.official.pk}
