from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from itsm.tokens import token_authenticate


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` against the hashed personal tokens."""

    def authenticate_credentials(self, key):
        token = token_authenticate(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        return token.user, token
