"""Team roles: the owner promotes and demotes admins, removes anyone and hands the team over;
admins invite and remove plain members; members may only leave. Every refusal says who may."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import Team, TeamInvitation, TeamMembership

pytestmark = pytest.mark.django_db


def client(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def join(team: Team, *users, role: str = TeamMembership.Role.MEMBER) -> None:
    for user in users:
        TeamMembership.objects.create(team=team, user=user, role=role)


def role_of(team: Team, user) -> str:
    return TeamMembership.objects.get(team=team, user=user).role


@pytest.fixture
def people(django_user_model):
    return {name: django_user_model.objects.create_user(username=name, password=None)
            for name in ("olivia", "adam", "mia", "max", "eve", "newbie")}


@pytest.fixture
def team(people) -> Team:
    """olivia owns it, adam is an admin, mia and max are members; eve is in another tenant."""
    team = client(people["olivia"]).post("/api/v1/teams/", {"name": "vision"}, format="json").json()
    team = Team.objects.get(pk=team["id"])
    join(team, people["adam"], role=TeamMembership.Role.ADMIN)
    join(team, people["mia"], people["max"])
    return team


def url(team: Team, tail: str = "") -> str:
    return f"/api/v1/teams/{team.pk}/{tail}"


def test_the_team_shows_its_owner_and_admins(people, team):
    body = client(people["mia"]).get(url(team)).json()
    assert body["owner"] == "olivia"
    assert body["admins"] == ["adam"]
    assert body["members"] == ["adam", "max", "mia", "olivia"]


def test_the_owner_promotes_a_member_and_demotes_an_admin(people, team):
    promoted = client(people["olivia"]).patch(url(team, "members/mia/"), {"role": "admin"}, format="json")
    assert promoted.status_code == 200, promoted.content
    assert promoted.json()["admins"] == ["adam", "mia"]
    demoted = client(people["olivia"]).patch(url(team, "members/adam/"), {"role": "member"}, format="json")
    assert demoted.json()["admins"] == ["mia"]
    assert role_of(team, people["adam"]) == "member"


def test_a_member_cannot_promote_themself_nor_an_admin_anyone(people, team):
    for actor, target in (("mia", "mia"), ("mia", "max"), ("adam", "mia"), ("adam", "adam")):
        refused = client(people[actor]).patch(url(team, f"members/{target}/"), {"role": "admin"}, format="json")
        assert refused.status_code == 403, refused.content
        assert refused.json()["detail"] == "Only the owner of vision (olivia) promotes and demotes admins."
    # nor demote the owner, or another admin
    assert client(people["adam"]).patch(url(team, "members/olivia/"), {"role": "member"},
                                        format="json").status_code == 403
    assert role_of(team, people["mia"]) == role_of(team, people["max"]) == "member"
    assert role_of(team, people["adam"]) == "admin"


def test_the_owners_role_changes_only_by_a_hand_over(people, team):
    refused = client(people["olivia"]).patch(url(team, "members/olivia/"), {"role": "member"}, format="json")
    assert refused.status_code == 400
    assert "transferring ownership" in refused.json()["detail"]
    assert Team.objects.get(pk=team.pk).owner == people["olivia"]


def test_a_role_is_admin_or_member_and_only_a_member_has_one(people, team):
    unknown = client(people["olivia"]).patch(url(team, "members/mia/"), {"role": "owner"}, format="json")
    assert unknown.status_code == 400 and "role" in unknown.json()["errors"]
    outsider = client(people["olivia"]).patch(url(team, "members/eve/"), {"role": "admin"}, format="json")
    assert outsider.status_code == 404
    assert outsider.json()["detail"] == "eve is not a member of vision; invite them first."
    assert not TeamMembership.objects.filter(user=people["eve"]).exists()


def test_an_admin_invites_and_removes_plain_members_only(people, team):
    invited = client(people["adam"]).post(url(team, "members/"), {"username": "newbie"}, format="json")
    assert invited.status_code == 201, invited.content
    assert invited.json()["invitation"]["invited_by"] == "adam"
    assert client(people["adam"]).delete(url(team, "members/max/")).status_code == 204
    assert not TeamMembership.objects.filter(team=team, user=people["max"]).exists()

    refused_owner = client(people["adam"]).delete(url(team, "members/olivia/"))
    assert refused_owner.status_code == 403
    assert refused_owner.json()["detail"].startswith("olivia owns vision and cannot be removed")
    client(people["olivia"]).patch(url(team, "members/mia/"), {"role": "admin"}, format="json")
    refused_admin = client(people["adam"]).delete(url(team, "members/mia/"))
    assert refused_admin.status_code == 403
    assert refused_admin.json()["detail"] == "Only the owner of vision (olivia) removes an admin."
    assert set(team.members.values_list("username", flat=True)) == {"olivia", "adam", "mia"}


def test_a_member_neither_invites_nor_removes(people, team):
    refused = client(people["mia"]).post(url(team, "members/"), {"username": "newbie"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only the owner of vision (olivia) and its admins invite; ask one of them."
    assert not TeamInvitation.objects.filter(invitee=people["newbie"]).exists()
    removal = client(people["mia"]).delete(url(team, "members/max/"))
    assert removal.status_code == 403 and "and its admins remove other members" in removal.json()["detail"]
    assert team.members.filter(pk=people["max"].pk).exists()


def test_an_admin_withdraws_an_invitation_the_owner_sent(people, team):
    client(people["olivia"]).post(url(team, "members/"), {"username": "newbie"}, format="json")
    assert client(people["adam"]).delete(url(team, "members/newbie/")).status_code == 204
    assert TeamInvitation.objects.get(invitee=people["newbie"]).status == "declined"


def test_the_owner_removes_an_admin(people, team):
    assert client(people["olivia"]).delete(url(team, "members/adam/")).status_code == 204
    assert client(people["olivia"]).get(url(team)).json()["admins"] == []


def test_another_tenant_touching_the_team_gets_404_and_changes_nothing(people, team):
    eve = client(people["eve"])
    answers = [
        eve.get(url(team)),
        eve.patch(url(team, "members/mia/"), {"role": "admin"}, format="json"),
        eve.patch(url(team, "members/eve/"), {"role": "admin"}, format="json"),
        eve.post(url(team, "transfer/"), {"username": "eve"}, format="json"),
        eve.post(url(team, "members/"), {"username": "eve"}, format="json"),
        eve.delete(url(team, "members/max/")),
        eve.delete(url(team, "members/olivia/")),
    ]
    assert [answer.status_code for answer in answers] == [404] * len(answers)
    team.refresh_from_db()
    assert team.owner == people["olivia"]
    assert sorted(team.memberships.values_list("user__username", "role")) == [
        ("adam", "admin"), ("max", "member"), ("mia", "member"), ("olivia", "member")]
    assert not TeamInvitation.objects.exists()


def test_the_owner_hands_the_team_over_and_stays_as_an_admin(people, team):
    handed = client(people["olivia"]).post(url(team, "transfer/"), {"username": "mia"}, format="json")
    assert handed.status_code == 200, handed.content
    assert handed.json()["owner"] == "mia"
    assert handed.json()["admins"] == ["adam", "olivia"]
    # the former owner no longer decides roles; the new owner does, the former owner included
    assert client(people["olivia"]).patch(url(team, "members/max/"), {"role": "admin"},
                                          format="json").status_code == 403
    assert client(people["olivia"]).post(url(team, "transfer/"), {"username": "olivia"},
                                         format="json").status_code == 403
    assert client(people["mia"]).patch(url(team, "members/olivia/"), {"role": "member"},
                                       format="json").json()["admins"] == ["adam"]
    # and the new owner can no longer be removed by an admin
    assert client(people["adam"]).delete(url(team, "members/mia/")).status_code == 403


def test_only_the_owner_hands_the_team_over_and_only_to_a_member(people, team):
    for actor in ("adam", "mia"):
        refused = client(people[actor]).post(url(team, "transfer/"), {"username": actor}, format="json")
        assert refused.status_code == 403
        assert refused.json()["detail"] == "Only the owner of vision (olivia) transfers ownership."
    outsider = client(people["olivia"]).post(url(team, "transfer/"), {"username": "eve"}, format="json")
    assert outsider.status_code == 400
    assert outsider.json()["errors"]["username"] == ["eve is not a member of vision; invite them first."]
    same = client(people["olivia"]).post(url(team, "transfer/"), {"username": "olivia"}, format="json")
    assert same.status_code == 400 and "already owns" in same.json()["detail"]
    assert Team.objects.get(pk=team.pk).owner == people["olivia"]


def test_the_owner_leaves_only_an_empty_team_or_after_a_hand_over(people, team):
    refused = client(people["olivia"]).post(url(team, "leave/"))
    assert refused.status_code == 400
    assert refused.json()["detail"] == ("You own vision: hand it to another member (Transfer ownership) "
                                        "before you leave.")
    assert team.members.filter(pk=people["olivia"].pk).exists()
    alone = client(people["eve"]).post("/api/v1/teams/", {"name": "solo"}, format="json").json()
    assert client(people["eve"]).post(f"/api/v1/teams/{alone['id']}/leave/").status_code == 204


def test_staff_change_roles_and_hand_a_team_over(people, team, django_user_model):
    staff = client(django_user_model.objects.create_user(username="root", password=None, is_staff=True))
    assert staff.patch(url(team, "members/max/"), {"role": "admin"}, format="json").status_code == 200
    assert staff.post(url(team, "transfer/"), {"username": "adam"}, format="json").json()["owner"] == "adam"


def test_role_changes_need_the_admin_scope(people, team):
    from accounts.services import personal_token_create

    _, secret = personal_token_create(user=people["olivia"], name="ci", scopes=["read"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    refused = api.patch(url(team, "members/mia/"), {"role": "admin"}, format="json")
    assert refused.status_code == 403 and "'admin' scope" in refused.json()["detail"]
    assert api.post(url(team, "transfer/"), {"username": "mia"}, format="json").status_code == 403
    assert role_of(team, people["mia"]) == "member"


def test_the_team_list_costs_the_same_queries_however_many_teams_and_members(people, django_assert_num_queries,
                                                                              django_user_model):
    olivia = people["olivia"]
    api = client(olivia)
    for index in range(3):
        team = Team.objects.create(name=f"t{index}", owner=olivia)
        join(team, olivia, role=TeamMembership.Role.ADMIN)
        join(team, *(django_user_model.objects.create_user(username=f"u{index}-{n}") for n in range(4)))
        TeamInvitation.objects.create(team=team, invitee=people["newbie"], invited_by=olivia)
    # count, page, memberships with their users, pending invitations with their invitees
    with django_assert_num_queries(4):
        body = api.get("/api/v1/teams/").json()
    assert [len(team["members"]) for team in body["results"]] == [5, 5, 5]
    assert all(team["owner"] == "olivia" and team["admins"] == [] for team in body["results"])


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_member_as_a_member():
    """0004 turns the plain members table into TeamMembership in place: the rows stay, each a member."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("accounts", "0003_team_owner")], [("accounts", "0004_team_roles")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    User, OldTeam = old.get_model("auth", "User"), old.get_model("accounts", "Team")
    owner, member = User.objects.create(username="o"), User.objects.create(username="m")
    team = OldTeam.objects.create(name="legacy", owner=owner)
    team.members.add(owner, member)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    rows = new.get_model("accounts", "TeamMembership").objects.filter(team_id=team.pk)
    assert sorted(rows.values_list("user__username", "role")) == [("m", "member"), ("o", "member")]
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
