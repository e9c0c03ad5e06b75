from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token


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
