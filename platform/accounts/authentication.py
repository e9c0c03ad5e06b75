"""API tokens in the Authorization header: `Bearer wst_…` or `Token wst_…`.

Every API credential is a PersonalAccessToken (hashed, expiring, revocable,
scoped), including the one /api/v1/auth/token/ gives for a username and
password. Other keys are left to the next authentication class, which refuses them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .models import PersonalAccessToken
from .services import personal_token_authenticate


class PersonalTokenAuthentication(BaseAuthentication):
    keywords = (b"bearer", b"token")

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if len(parts) != 2 or parts[0].lower() not in self.keywords:
            return None
        try:
            secret = parts[1].decode()
        except UnicodeError:
            return None
        if not secret.startswith(PersonalAccessToken.PREFIX):
            return None
        token = personal_token_authenticate(secret=secret)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked API token."))
        return token.user, token

    def authenticate_header(self, request):
        return "Bearer"


try:
    from drf_spectacular.extensions import OpenApiAuthenticationExtension
except ImportError:  # pragma: no cover
    OpenApiAuthenticationExtension = None

if OpenApiAuthenticationExtension is not None:

    class PersonalTokenScheme(OpenApiAuthenticationExtension):
        target_class = "accounts.authentication.PersonalTokenAuthentication"
        name = "personalToken"

        def get_security_definition(self, auto_schema):
            return {
                "type": "http",
                "scheme": "bearer",
                "description": "A personal API token (wst_…) from /api/v1/auth/tokens/, sent as "
                               "`Authorization: Bearer wst_…` (or `Token wst_…`).",
            }
