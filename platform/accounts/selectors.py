from django.db.models import Prefetch, QuerySet

from .models import PersonalAccessToken, Team, TeamInvitation, TeamMembership


def personal_token_list(*, user) -> QuerySet[PersonalAccessToken]:
    return PersonalAccessToken.objects.filter(user=user)


def team_list(*, user) -> QuerySet[Team]:
    """The teams `user` belongs to (staff see every team)."""
    pending = TeamInvitation.objects.filter(status=TeamInvitation.Status.PENDING).select_related("invitee")
    memberships = TeamMembership.objects.select_related("user")
    queryset = Team.objects.select_related("owner").prefetch_related(
        Prefetch("memberships", queryset=memberships),
        Prefetch("invitations", queryset=pending, to_attr="pending_invitations"))
    if not user.is_staff:
        queryset = queryset.filter(members=user)
    return queryset


def team_role_of(*, team: Team, user) -> str | None:
    """`owner`, `admin`, `member`, or None for someone outside the team (staff included)."""
    if team.owner_id is not None and team.owner_id == user.pk:
        return "owner"
    return TeamMembership.objects.filter(team=team, user_id=user.pk).values_list("role", flat=True).first()


def team_ids_of(*, user) -> list[int]:
    return list(Team.objects.filter(members=user).values_list("id", flat=True))


def team_invitation_list(*, user) -> QuerySet[TeamInvitation]:
    """The invitations addressed to `user` that still wait for an answer."""
    return TeamInvitation.objects.filter(invitee=user, status=TeamInvitation.Status.PENDING).select_related(
        "team", "invited_by")
