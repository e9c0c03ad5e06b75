from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from .models import PersonalAccessToken, Team

# last_used_at is written at most this often per token, so that a busy CI
# token does not turn every read into a write.
LAST_USED_RESOLUTION_S = 60


def user_ensure_admin(*, username: str, password: str | None) -> tuple[object, str | None]:
    """Create the first admin if it does not exist.

    Returns the user and the password when one was generated here (so that it can
    be printed once); an existing admin's password is never changed.
    """
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, None
    generated = None
    if not password:
        password = generated = secrets.token_urlsafe(12)
    user = User.objects.create_superuser(username=username, email="", password=password)
    return user, generated


def token_for(*, user) -> str:
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def _hash_secret(secret: str) -> str:
    # The secret has 256 bits of entropy: a plain SHA-256 is as safe as a slow
    # password hash here, and lets a request find its token by an index lookup.
    return hashlib.sha256(secret.encode()).hexdigest()


def personal_token_create(*, user, name: str, expires_at: datetime | None = None) -> tuple[PersonalAccessToken, str]:
    """Create a token; returns the row and the secret, which is never stored."""
    secret = PersonalAccessToken.PREFIX + secrets.token_urlsafe(32)
    token = PersonalAccessToken.objects.create(
        user=user, name=name, token_hash=_hash_secret(secret), hint=secret[:10], expires_at=expires_at
    )
    return token, secret


def personal_token_revoke(*, token: PersonalAccessToken) -> PersonalAccessToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def personal_token_authenticate(*, secret: str) -> PersonalAccessToken | None:
    """The active token for `secret`, or None (unknown, revoked, expired, inactive user)."""
    token = (
        PersonalAccessToken.objects.select_related("user").filter(token_hash=_hash_secret(secret)).first()
    )
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_RESOLUTION_S:
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def team_create(*, creator, name: str) -> Team:
    with transaction.atomic():
        team = Team.objects.create(name=name)
        team.members.add(creator)
    return team


def team_member_add(*, team: Team, username: str) -> Team:
    User = get_user_model()
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise LookupError(f"No active user named {username!r}.")
    team.members.add(user)
    return team


def team_member_remove(*, team: Team, username: str) -> Team:
    team.members.remove(*team.members.filter(username=username))
    return team
