from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Team(models.Model):
    """A group of users who share models (visibility "team").

    Three roles: the owner (one user, `owner`), admins and members (`TeamMembership.role`). The owner
    promotes and demotes admins, removes anyone and hands the team over; admins invite and remove
    plain members; members read what is shared and may leave. Staff may do what the owner does.
    """

    name = models.CharField(max_length=150, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="teams", blank=True,
                                     through="TeamMembership")
    # Null for teams created before owners existed (or whose owner's account was deleted): there,
    # staff and admins manage the team, and staff may hand it to a member.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="owned_teams")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    """One accepted member of a team and their role. The owner is `Team.owner`, whatever the role
    on their row says; a row exists only for a user who accepted an invitation (or whom staff added)."""

    class Role(models.TextChoices):
        MEMBER = "member"
        ADMIN = "admin"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        # The table Django created for the plain many-to-many before roles existed.
        db_table = "accounts_team_members"
        unique_together = [("team", "user")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.role})"


class TeamInvitation(models.Model):
    """An offer to join a team. The invitee becomes a member (a row of
    `Team.members`) only by accepting it, so nobody can be pulled into a team, and
    a team's webhooks and lists never reach a user who did not agree."""

    class Status(models.TextChoices):
        PENDING = "pending"
        ACCEPTED = "accepted"
        DECLINED = "declined"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    invitee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "invitee"], condition=models.Q(status="pending"),
                                    name="one_pending_invitation_per_team_and_user"),
        ]

    def __str__(self) -> str:
        return f"{self.invitee} to {self.team} ({self.status})"


class Scope(models.TextChoices):
    """What an API token may do. A console (session) login may do everything."""

    READ = "read", "read everything you can see (every GET)"
    REGISTER = "register", "register models, upload versions, edit and delete models"
    OPTIMIZE = "optimize", "start and cancel optimizations, export packages"
    DEPLOY = "deploy", "deploy, redeploy and undeploy"
    ADMIN = "admin", "manage API tokens, teams, invitations and webhooks"


ALL_SCOPES = [choice.value for choice in Scope]


class PersonalAccessToken(models.Model):
    """A named API token. Only a SHA-256 of the secret is stored: the secret
    itself is shown once, when the token is created. Every token expires and
    carries the scopes it may use."""

    PREFIX = "wst_"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personal_tokens")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=16, help_text="The first characters of the secret, to recognise it.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    scopes = models.JSONField(default=list, help_text="What the token may do: a list of scope names.")
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
