"""Nobody is pulled into a team: an invitee joins by accepting, and a team's
webhook only hears of jobs on models shared with that team."""

from __future__ import annotations

import itertools

import pytest
from rest_framework.test import APIClient

from jobs.models import Job
from modelhub.models import ModelVersion, RegisteredModel, Visibility
from notifications.models import Webhook, WebhookDelivery
from notifications.services import webhook_enqueue_for_job

pytestmark = pytest.mark.django_db
_names = itertools.count()


def client(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def finished_job(owner, *, visibility=Visibility.PRIVATE, team=None) -> Job:
    model = RegisteredModel.objects.create(owner=owner, name=f"m-{next(_names)}", visibility=visibility, team=team)
    version = ModelVersion.objects.create(model=model, number=1, storage_key="k", size_bytes=1, sha256="0" * 64,
                                          signature={"inputs": [], "outputs": []})
    return Job.objects.create(owner=owner, model_version=version, recipe="lossless", status=Job.Status.SUCCEEDED)


def team_ids(user) -> set[int]:
    return {t["id"] for t in client(user).get("/api/v1/teams/").json()["results"]}


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user(username="alice", password=None)


@pytest.fixture
def mallory(django_user_model):
    return django_user_model.objects.create_user(username="mallory", password=None)


@pytest.fixture
def mallorys_team(mallory):
    return client(mallory).post("/api/v1/teams/", {"name": "harvest"}, format="json").json()


def test_adding_someone_only_invites_them_and_the_team_hears_nothing_of_their_private_jobs(
        alice, mallory, mallorys_team):
    team_id = mallorys_team["id"]
    Webhook.objects.create(owner=mallory, team_id=team_id, url="https://evil.example.com/hook", secret="s")

    added = client(mallory).post(f"/api/v1/teams/{team_id}/members/", {"username": "alice"}, format="json")
    assert added.status_code == 201, added.content
    assert added.json()["invitation"]["status"] == "pending"
    assert added.json()["team"]["members"] == ["mallory"]
    assert added.json()["team"]["invited"] == ["alice"]
    assert team_id not in team_ids(alice)

    assert webhook_enqueue_for_job(job=finished_job(alice)) == 0
    assert WebhookDelivery.objects.count() == 0

    # Even once she accepts, her private work stays hers.
    invitation = client(alice).get("/api/v1/team-invitations/").json()["results"][0]
    assert (invitation["team_name"], invitation["invited_by"]) == ("harvest", "mallory")
    assert client(alice).post(f"/api/v1/team-invitations/{invitation['id']}/accept/").status_code == 200
    assert team_id in team_ids(alice)
    assert webhook_enqueue_for_job(job=finished_job(alice)) == 0


def test_the_team_hook_hears_of_jobs_on_models_shared_with_the_team_once_the_owner_has_joined(
        alice, mallory, mallorys_team):
    from accounts.models import Team

    team = Team.objects.get(pk=mallorys_team["id"])
    hook = Webhook.objects.create(owner=mallory, team=team, url="https://ci.example.com/hook", secret="s")
    client(mallory).post(f"/api/v1/teams/{team.pk}/members/", {"username": "alice"}, format="json")
    # (the API refuses to share with a team one is not in; this row is written directly)
    job = finished_job(alice, visibility=Visibility.TEAM, team=team)
    assert webhook_enqueue_for_job(job=job) == 0  # invited, not a member

    invitation_id = client(alice).get("/api/v1/team-invitations/").json()["results"][0]["id"]
    client(alice).post(f"/api/v1/team-invitations/{invitation_id}/accept/")
    assert webhook_enqueue_for_job(job=finished_job(alice, visibility=Visibility.TEAM, team=team)) == 1
    assert WebhookDelivery.objects.get().webhook == hook

    # The hook's owner leaves (an owner hands the team over first): the team's jobs stop reaching their URL.
    assert client(mallory).post(f"/api/v1/teams/{team.pk}/transfer/", {"username": "alice"},
                                format="json").status_code == 200
    assert client(mallory).post(f"/api/v1/teams/{team.pk}/leave/").status_code == 204
    assert team.pk not in team_ids(mallory)
    assert webhook_enqueue_for_job(job=finished_job(alice, visibility=Visibility.TEAM, team=team)) == 0


def test_a_declined_invitation_leaves_the_invitee_out_and_cannot_be_accepted_later(alice, mallory, mallorys_team):
    team_id = mallorys_team["id"]
    client(mallory).post(f"/api/v1/teams/{team_id}/members/", {"username": "alice"}, format="json")
    invitation_id = client(alice).get("/api/v1/team-invitations/").json()["results"][0]["id"]
    # nobody but the invitee answers it
    assert client(mallory).post(f"/api/v1/team-invitations/{invitation_id}/accept/").status_code == 404

    declined = client(alice).post(f"/api/v1/team-invitations/{invitation_id}/decline/")
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    assert client(alice).post(f"/api/v1/team-invitations/{invitation_id}/accept/").status_code == 404
    assert team_id not in team_ids(alice)
    assert client(alice).get("/api/v1/team-invitations/").json()["count"] == 0
    assert client(mallory).get(f"/api/v1/teams/{team_id}/").json()["invited"] == []


def test_a_member_withdraws_an_invitation_before_it_is_answered(alice, mallory, mallorys_team):
    team_id = mallorys_team["id"]
    client(mallory).post(f"/api/v1/teams/{team_id}/members/", {"username": "alice"}, format="json")
    assert client(mallory).delete(f"/api/v1/teams/{team_id}/members/alice/").status_code == 204
    assert client(alice).get("/api/v1/team-invitations/").json()["count"] == 0
    assert client(mallory).get(f"/api/v1/teams/{team_id}/").json()["invited"] == []


def test_the_invitee_cannot_share_a_model_with_a_team_before_accepting(alice, mallory, mallorys_team):
    client(mallory).post(f"/api/v1/teams/{mallorys_team['id']}/members/", {"username": "alice"}, format="json")
    refused = client(alice).patch(f"/api/v1/models/{finished_job(alice).model_version.model_id}/",
                                  {"visibility": "team", "team": mallorys_team["id"]}, format="json")
    assert refused.status_code == 400, refused.content


def test_staff_add_members_directly(alice, django_user_model, mallorys_team):
    staff = django_user_model.objects.create_user(username="root", password=None, is_staff=True)
    added = client(staff).post(f"/api/v1/teams/{mallorys_team['id']}/members/", {"username": "alice"},
                               format="json")
    assert added.status_code == 200 and added.json()["invitation"] is None
    assert mallorys_team["id"] in team_ids(alice)


def test_inviting_a_member_again_says_so(mallory, mallorys_team):
    again = client(mallory).post(f"/api/v1/teams/{mallorys_team['id']}/members/", {"username": "mallory"},
                                 format="json")
    assert again.status_code == 400 and "already a member" in again.json()["detail"]


def test_only_the_owner_removes_other_members_and_anyone_may_leave(alice, mallory, mallorys_team, django_user_model):
    """A member must not be able to push the owner (or anyone) out of a team they joined."""
    team_id = mallorys_team["id"]
    assert client(mallory).get(f"/api/v1/teams/{team_id}/").json()["owner"] == "mallory"
    bob = django_user_model.objects.create_user(username="bob", password="bob-password")
    for invitee in (alice, bob):
        client(mallory).post(f"/api/v1/teams/{team_id}/members/", {"username": invitee.username}, format="json")
        invitation = client(invitee).get("/api/v1/team-invitations/").json()["results"][0]["id"]
        client(invitee).post(f"/api/v1/team-invitations/{invitation}/accept/")
    for victim in ("mallory", "bob"):
        refused = client(alice).delete(f"/api/v1/teams/{team_id}/members/{victim}/")
        assert refused.status_code == 403 and "owner" in refused.json()["detail"], refused.content
    assert client(alice).get(f"/api/v1/teams/{team_id}/").json()["members"] == ["alice", "bob", "mallory"]
    assert client(mallory).delete(f"/api/v1/teams/{team_id}/members/bob/").status_code == 204
    assert client(alice).post(f"/api/v1/teams/{team_id}/leave/").status_code == 204
    assert client(mallory).get(f"/api/v1/teams/{team_id}/").json()["members"] == ["mallory"]


def test_a_member_withdraws_only_the_invitations_they_sent(alice, mallory, mallorys_team, django_user_model):
    """An admin demoted to member keeps the right to withdraw what they sent, and only that."""
    team_id = mallorys_team["id"]
    carol = django_user_model.objects.create_user(username="carol", password="carol-password")
    client(mallory).post(f"/api/v1/teams/{team_id}/members/", {"username": "alice"}, format="json")
    client(alice).post(f"/api/v1/team-invitations/{client(alice).get('/api/v1/team-invitations/').json()['results'][0]['id']}/accept/")
    client(mallory).post(f"/api/v1/teams/{team_id}/members/", {"username": "carol"}, format="json")
    dave = django_user_model.objects.create_user(username="dave", password="dave-password")
    client(mallory).patch(f"/api/v1/teams/{team_id}/members/alice/", {"role": "admin"}, format="json")
    assert client(alice).post(f"/api/v1/teams/{team_id}/members/", {"username": "dave"},
                              format="json").status_code == 201
    client(mallory).patch(f"/api/v1/teams/{team_id}/members/alice/", {"role": "member"}, format="json")
    assert client(alice).delete(f"/api/v1/teams/{team_id}/members/carol/").status_code == 403  # mallory's invitation
    assert client(alice).delete(f"/api/v1/teams/{team_id}/members/dave/").status_code == 204  # her own
    assert client(carol).get("/api/v1/team-invitations/").json()["count"] == 1
    assert client(dave).get("/api/v1/team-invitations/").json()["count"] == 0
