"""Issuing, checking and revoking personal API tokens (see itsm.models.ApiToken)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ApiToken

KEY_PREFIX = "itsm_"
MAX_DAYS = 366


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def password_fingerprint(user) -> str:
    return _hash(f"{user.pk}:{user.password}")


def token_issue(*, actor, user, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for `user` (by the user or an admin): the row and the key, which is
    never stored and cannot be shown again."""
    if actor.pk != user.pk and not actor.is_superuser:
        raise PermissionDenied(_("You can create API tokens only for yourself."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. what uses it.")})
    days = days or settings.ITSM["API_TOKEN_DAYS"]
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(
            {"days": _("A token lasts from 1 to %(max)d days.") % {"max": MAX_DAYS}}
        )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=key[: len(KEY_PREFIX) + 6],
        key_hash=_hash(key),
        password_fingerprint=password_fingerprint(user),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return token, key


def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    if actor.pk != token.user_id and not actor.is_superuser:
        raise PermissionDenied(_("You can revoke only your own API tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_authenticate(key: str):
    """The active token for `key`, or None: unknown, revoked, expired, its user
    inactive, or the password changed since it was issued."""
    if not key:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(key), revoked_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if token is None or token.expires_at <= now or not token.user.is_active:
        return None
    if not secrets.compare_digest(token.password_fingerprint, password_fingerprint(token.user)):
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def tokens_of(user):
    return ApiToken.objects.filter(user=user).order_by("-created_at")
