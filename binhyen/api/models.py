"""API tokens: a secret shown once, stored only as its SHA-256 hash."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

TOKEN_PREFIX = "by_"
VISIBLE_CHARS = 10  # "by_" and 7 random characters: enough to tell tokens apart in a list


def hash_key(key):
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key():
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiToken(models.Model):
    """A Bearer token for one user. The key itself is never stored, so a leaked database does
    not leak working tokens; `prefix` lets a person recognise a token they were shown."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("tên gợi nhớ"), max_length=100, blank=True)
    key_hash = models.CharField(_("mã băm SHA-256"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("phần đầu của token"), max_length=VISIBLE_CHARS, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True, editable=False)
    revoked = models.BooleanField(_("đã thu hồi"), default=False)

    # last_used_at changes through queryset.update(), so it never floods the history.
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        label = f"{self.prefix}…"
        return f"{label} ({self.name})" if self.name else label
