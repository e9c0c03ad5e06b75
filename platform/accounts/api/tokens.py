"""Personal API tokens, teams and team invitations.

Token scopes needed here (accounts.permissions): reading needs `read`; creating
or revoking tokens, and changing teams or answering invitations, need `admin`."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from accounts.api.schema import ErrorSerializer
from accounts.models import ALL_SCOPES, PersonalAccessToken, Team, TeamInvitation, TeamMembership
from accounts.selectors import personal_token_list, team_invitation_list, team_list
from accounts.services import (
    TeamRefused,
    TokenRefused,
    personal_token_create,
    personal_token_revoke,
    team_create,
    team_invitation_respond,
    team_member_add,
    team_member_remove,
    team_member_role_set,
    team_ownership_transfer,
)


class PersonalTokenSerializer(serializers.ModelSerializer):
    active = serializers.BooleanField(source="is_active", read_only=True)
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=ALL_SCOPES), read_only=True,
                                   help_text="What the token may do.")

    class Meta:
        model = PersonalAccessToken
        fields = ["id", "name", "hint", "scopes", "created_at", "expires_at", "revoked_at", "last_used_at", "active"]
        read_only_fields = fields


class PersonalTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    expires_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None,
        help_text="When the token stops working. Every token expires: absent or null means the default, "
                  "WHETSTONE_LOGIN_TOKEN_TTL_DAYS from now "
                  "(or with the token that creates it, if sooner); at most "
                  "WHETSTONE_TOKEN_MAX_LIFETIME_DAYS from now, and never after the token that creates it.")
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=ALL_SCOPES), required=False, allow_empty=False,
        help_text="What the token may do; by default everything its creator may. A token can only "
                  "create tokens with scopes it has itself.")


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
    token_scopes = {"create": "admin", "destroy": "admin"}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PersonalAccessToken.objects.none()
        return personal_token_list(user=self.request.user)

    @extend_schema(tags=["accounts"], summary="Create a personal API token for CI; the secret is shown once",
                   request=PersonalTokenCreateSerializer, responses={201: PersonalTokenCreatedSerializer})
    def create(self, request):
        payload = PersonalTokenCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        creator = request.auth if isinstance(request.auth, PersonalAccessToken) else None
        try:
            token, secret = personal_token_create(user=request.user, creator_token=creator,
                                                  **payload.validated_data)
        except TokenRefused as exc:
            if exc.forbidden:
                raise PermissionDenied(str(exc)) from exc
            raise ValidationError({exc.field: [str(exc)]}) from exc
        token.token = secret
        return Response(PersonalTokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        personal_token_revoke(token=instance)


class TeamSerializer(serializers.ModelSerializer):
    members = serializers.SerializerMethodField(help_text="Every member's username, the owner and admins included.")
    admins = serializers.SerializerMethodField(
        help_text="Members who may invite and remove plain members (the owner is not listed here). "
                  "The owner promotes and demotes them with PATCH .../members/<username>/.")
    invited = serializers.SerializerMethodField(
        help_text="Users invited who have not answered yet: not members, they see nothing of the team. "
                  "DELETE .../members/<username>/ withdraws an invitation.")

    class Meta:
        model = Team
        fields = ["id", "name", "owner", "admins", "members", "invited", "created_at"]
        read_only_fields = ["id", "owner", "admins", "members", "invited", "created_at"]

    owner = serializers.CharField(source="owner.username", read_only=True, allow_null=True, default=None,
                                  help_text="Who promotes and demotes admins, removes anyone and may hand the "
                                            "team over (POST .../transfer/); null for teams created before "
                                            "owners existed.")

    # Both read the memberships team_list prefetches (with their users): no query per team.
    def get_members(self, team) -> list[str]:
        return sorted(membership.user.username for membership in team.memberships.all())

    def get_admins(self, team) -> list[str]:
        return sorted(membership.user.username for membership in team.memberships.all()
                      if membership.role == TeamMembership.Role.ADMIN and membership.user_id != team.owner_id)

    def get_invited(self, team) -> list[str]:
        pending = getattr(team, "pending_invitations", None)
        if pending is None:  # a team fresh from create(), not read through team_list
            pending = team.invitations.filter(status=TeamInvitation.Status.PENDING).select_related("invitee")
        return sorted(invitation.invitee.username for invitation in pending)


class TeamMemberSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)


class TeamMemberRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=TeamMembership.Role.choices,
                                   help_text="admin: may invite and remove plain members; member: may not.")


class TeamInvitationSerializer(serializers.ModelSerializer):
    team = serializers.IntegerField(source="team_id", read_only=True)
    team_name = serializers.CharField(source="team.name", read_only=True)
    invitee = serializers.CharField(source="invitee.username", read_only=True)
    invited_by = serializers.CharField(source="invited_by.username", read_only=True, allow_null=True,
                                       default=None)

    class Meta:
        model = TeamInvitation
        fields = ["id", "team", "team_name", "invitee", "invited_by", "status", "created_at", "responded_at"]
        read_only_fields = fields


class TeamMemberAddedSerializer(serializers.Serializer):
    team = TeamSerializer()
    invitation = TeamInvitationSerializer(allow_null=True, help_text=(
        "The pending invitation the user must accept before joining; null when staff added them directly."))


def _refused(exc: TeamRefused) -> Exception:
    """A role the actor lacks is 403; a change that cannot be made (the owner leaving a team that
    still has members, demoting the owner) is 400 on the field it is about."""
    if exc.forbidden:
        return PermissionDenied(str(exc))
    return ValidationError({exc.field: [str(exc)]} if exc.field else str(exc))


@extend_schema_view(
    list=extend_schema(tags=["accounts"], summary="The teams you belong to"),
    retrieve=extend_schema(tags=["accounts"], summary="A team, its owner, admins and members"),
)
class TeamViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Teams and their roles: the owner promotes and demotes admins, removes anyone but themself and
    hands the team over; admins invite and remove plain members; members may leave. Staff may do
    what an owner does. A team you are not in answers 404."""

    serializer_class = TeamSerializer
    filter_backends = []
    # Changing who is in a team, or what they may do there, changes what its members and webhooks see.
    token_scopes = {"create": "admin", "members": "admin", "remove_member": "admin", "set_member_role": "admin",
                    "transfer": "admin", "leave": "admin"}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Team.objects.none()
        return team_list(user=self.request.user)

    def _answer(self, team: Team, status_code: int = status.HTTP_200_OK) -> Response:
        """The team as its members now see it, read again through team_list."""
        return Response(TeamSerializer(get_object_or_404(self.get_queryset(), pk=team.pk)).data, status=status_code)

    @extend_schema(tags=["accounts"], summary="Create a team; you become its owner and first member",
                   request=TeamSerializer, responses={201: TeamSerializer})
    def create(self, request):
        payload = TeamSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        team = team_create(creator=request.user, name=payload.validated_data["name"])
        return self._answer(team, status.HTTP_201_CREATED)

    @extend_schema(tags=["accounts"],
                   summary="Invite a user to the team: its owner and admins (they join when they accept; "
                           "staff add directly)",
                   request=TeamMemberSerializer, responses={201: TeamMemberAddedSerializer,
                                                            200: TeamMemberAddedSerializer})
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        team = self.get_object()
        payload = TeamMemberSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            invitation = team_member_add(team=team, username=payload.validated_data["username"], by=request.user)
        except LookupError as exc:
            raise ValidationError({"username": [str(exc)]}) from exc
        except TeamRefused as exc:
            raise _refused(exc) from exc
        body = {"team": TeamSerializer(get_object_or_404(self.get_queryset(), pk=team.pk)).data,
                "invitation": TeamInvitationSerializer(invitation).data if invitation is not None else None}
        return Response(body, status=status.HTTP_201_CREATED if invitation is not None else status.HTTP_200_OK)

    @extend_schema(tags=["accounts"], summary="Leave the team (its owner only once nobody else is in it)",
                   request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        try:
            team_member_remove(team=self.get_object(), username=request.user.username, by=request.user)
        except TeamRefused as exc:
            raise _refused(exc) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(tags=["accounts"], summary="Remove a user from the team (the owner removes anyone but "
                                              "themself, admins remove plain members), or withdraw an "
                                              "invitation (the owner, an admin, or whoever sent it)",
                   request=None, responses={204: None, 403: ErrorSerializer})
    @action(detail=True, methods=["delete"], url_path=r"members/(?P<username>[^/]+)")
    def remove_member(self, request, pk=None, username=None):
        try:
            team_member_remove(team=self.get_object(), username=username, by=request.user)
        except TeamRefused as exc:
            raise _refused(exc) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(tags=["accounts"], summary="Promote a member to admin, or demote an admin (the owner only)",
                   request=TeamMemberRoleSerializer, responses={200: TeamSerializer, 403: ErrorSerializer})
    @remove_member.mapping.patch
    def set_member_role(self, request, pk=None, username=None):
        team = self.get_object()
        payload = TeamMemberRoleSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            team_member_role_set(team=team, username=username, role=payload.validated_data["role"], by=request.user)
        except LookupError as exc:
            raise NotFound(str(exc)) from exc
        except TeamRefused as exc:
            raise _refused(exc) from exc
        return self._answer(team)

    @extend_schema(tags=["accounts"],
                   summary="Hand the team to another member (the owner only); the previous owner stays as an admin",
                   request=TeamMemberSerializer, responses={200: TeamSerializer, 403: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        team = self.get_object()
        payload = TeamMemberSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            team_ownership_transfer(team=team, username=payload.validated_data["username"], by=request.user)
        except LookupError as exc:
            raise ValidationError({"username": [str(exc)]}) from exc
        except TeamRefused as exc:
            raise _refused(exc) from exc
        return self._answer(team)


@extend_schema_view(
    list=extend_schema(tags=["accounts"], summary="Team invitations waiting for your answer"),
)
class TeamInvitationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Invitations addressed to you: accept to join the team, or decline."""

    serializer_class = TeamInvitationSerializer
    filter_backends = []
    token_scopes = {"accept": "admin", "decline": "admin"}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TeamInvitation.objects.none()
        return team_invitation_list(user=self.request.user)

    def _respond(self, request, *, accept: bool):
        invitation = self.get_object()
        try:
            team_invitation_respond(invitation=invitation, user=request.user, accept=accept)
        except TeamRefused as exc:
            raise ValidationError({"detail": [str(exc)]}) from exc
        return Response(TeamInvitationSerializer(invitation).data)

    @extend_schema(tags=["accounts"], summary="Accept an invitation: you join the team", request=None,
                   responses={200: TeamInvitationSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._respond(request, accept=True)

    @extend_schema(tags=["accounts"], summary="Decline an invitation", request=None,
                   responses={200: TeamInvitationSerializer})
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._respond(request, accept=False)
