from django.db.models import QuerySet

from .models import PersonalAccessToken, Team


def personal_token_list(*, user) -> QuerySet[PersonalAccessToken]:
    return PersonalAccessToken.objects.filter(user=user)


def team_list(*, user) -> QuerySet[Team]:
    """The teams `user` belongs to (staff see every team)."""
    queryset = Team.objects.prefetch_related("members")
    if not user.is_staff:
        queryset = queryset.filter(members=user)
    return queryset


def team_ids_of(*, user) -> list[int]:
    return list(Team.objects.filter(members=user).values_list("id", flat=True))
