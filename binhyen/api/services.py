"""Issuing and revoking API tokens (one function per action, audited)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import VISIBLE_CHARS, ApiToken, hash_key, new_key


@transaction.atomic
def issue_token(user, name="", actor=None):
    """Create a token for `user`; return (token, key). The key is shown once and never stored."""
    if not user.is_active:
        raise ValidationError(
            {"user": _("Tài khoản “%(u)s” đã bị khóa; không thể cấp token.") % {"u": user.username}}
        )
    key = new_key()
    token = ApiToken(
        user=user, name=name.strip(), key_hash=hash_key(key), prefix=key[:VISIBLE_CHARS]
    )
    token._history_user = actor
    token.full_clean()
    token.save()
    return token, key


@transaction.atomic
def revoke_token(token, actor=None):
    """Stop a token from working. The row stays so the audit shows who held it and when."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if not token.revoked:
        token.revoked = True
        token._history_user = actor
        token.save(update_fields=["revoked"])
    return token
