"""Personal API tokens and teams."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.models import PersonalAccessToken, Team
from accounts.selectors import personal_token_list, team_list
from accounts.services import (
    personal_token_create,
    personal_token_revoke,
    team_create,
    team_member_add,
    team_member_remove,
)


class PersonalTokenSerializer(serializers.ModelSerializer):
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = PersonalAccessToken
        fields = ["id", "name", "hint", "created_at", "expires_at", "revoked_at", "last_used_at", "active"]
        read_only_fields = fields


class PersonalTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                           help_text="When the token stops working; none for no expiry.")


class PersonalTokenCreatedSerializer(PersonalTokenSerializer):
    token = serializers.CharField(read_only=True, help_text="The secret. Shown only in this response.")

    class Meta(PersonalTokenSerializer.Meta):
        fields = [*PersonalTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(tags=["accounts"], summary="Your personal API tokens (secrets are never shown again)"),
    retrieve=extend_schema(tags=["accounts"], summary="One of your personal API tokens"),
    destroy=extend_schema(tags=["accounts"], summary="Revoke a personal API token", responses={204: None}),
)
class PersonalTokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                           viewsets.GenericViewSet):
    serializer_class = PersonalTokenSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PersonalAccessToken.objects.none()
        return personal_token_list(user=self.request.user)

    @extend_schema(tags=["accounts"], summary="Create a personal API token for CI; the secret is shown once",
                   request=PersonalTokenCreateSerializer, responses={201: PersonalTokenCreatedSerializer})
    def create(self, request):
        payload = PersonalTokenCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        token, secret = personal_token_create(user=request.user, **payload.validated_data)
        token.token = secret
        return Response(PersonalTokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        personal_token_revoke(token=instance)


class TeamSerializer(serializers.ModelSerializer):
    members = serializers.SerializerMethodField()

    class Meta:
        model = Team
        fields = ["id", "name", "members", "created_at"]
        read_only_fields = ["id", "members", "created_at"]

    def get_members(self, team) -> list[str]:
        return sorted(member.username for member in team.members.all())


class TeamMemberSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)


@extend_schema_view(
    list=extend_schema(tags=["accounts"], summary="The teams you belong to"),
    retrieve=extend_schema(tags=["accounts"], summary="A team and its members"),
)
class TeamViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = TeamSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Team.objects.none()
        return team_list(user=self.request.user)

    @extend_schema(tags=["accounts"], summary="Create a team; you become its first member",
                   request=TeamSerializer, responses={201: TeamSerializer})
    def create(self, request):
        payload = TeamSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        team = team_create(creator=request.user, name=payload.validated_data["name"])
        return Response(TeamSerializer(team).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=["accounts"], summary="Add a user to the team", request=TeamMemberSerializer,
                   responses={200: TeamSerializer})
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        team = self.get_object()
        payload = TeamMemberSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            team_member_add(team=team, username=payload.validated_data["username"])
        except LookupError as exc:
            raise ValidationError({"username": [str(exc)]}) from exc
        return Response(TeamSerializer(get_object_or_404(self.get_queryset(), pk=team.pk)).data)

    @extend_schema(tags=["accounts"], summary="Remove a user from the team", request=None,
                   responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"members/(?P<username>[^/]+)")
    def remove_member(self, request, pk=None, username=None):
        team_member_remove(team=self.get_object(), username=username)
        return Response(status=status.HTTP_204_NO_CONTENT)
