"""Reading a rollup question from request parameters, shared by the API and the dashboard.

Bad parameters raise `BadParameter` with a Vietnamese message (the API answers 400 with it);
a unit outside the person's scope is a 404 like any other unseen object."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from binhyen.core.api import ScopedNotFound
from binhyen.core.periods import parse_period
from binhyen.figures import registry
from binhyen.org import history
from binhyen.org.models import Unit
from binhyen.org.scoping import VIEW_ROLES, scope_of

from .rollup import BY_CHOICES


class BadParameter(Exception):
    """A rollup parameter that cannot be understood (answered with 400)."""


def _first_message(exc):
    if hasattr(exc, "error_dict"):
        return " ".join(m for messages in exc.message_dict.values() for m in messages)
    return " ".join(exc.messages)


def default_unit(user):
    """The top unit of the person's scope: the highest unit they hold a role over (never a
    closed predecessor they read as its heir, which comes after it in the scope), else the
    highest unit they see (the root of the tree for a superuser, a police liaison's wards)."""
    scope = scope_of(user, VIEW_ROLES)
    if scope.paths:
        return Unit.objects.filter(path=scope.paths[0]).first()
    return Unit.objects.visible_to(user).order_by("depth", "path").first()


def unit_for(user, code):
    if not code:
        unit = default_unit(user)
        if unit is None:
            raise ScopedNotFound(_("Bạn chưa được phân công ở đơn vị nào."))
        return unit
    unit = Unit.objects.visible_to(user).filter(code=code).first()
    if unit is None:
        raise ScopedNotFound(
            _("Không tìm thấy đơn vị “%(code)s” trong phạm vi của bạn.") % {"code": code}
        )
    return unit


def period_for(text):
    if not text:
        raise BadParameter(
            _(
                "Thiếu tham số “period” (kỳ báo cáo), ví dụ 2022, 2022Q1, 2022H1, 2022-03 hoặc 2018-01-01..2023-12-31."
            )
        )
    try:
        return parse_period(text)
    except ValidationError as exc:
        raise BadParameter(_first_message(exc)) from None


def requests_for(text, user=None):
    if not text:
        raise BadParameter(
            _("Thiếu tham số “indicators” (danh sách chỉ tiêu, cách nhau bởi dấu phẩy).")
        )
    try:
        return registry.parse_list(text, user=user)
    except ValidationError as exc:
        raise BadParameter(_first_message(exc)) from None


def basis_for(text):
    """WAS, NOW or None (the default basis) from ?basis=…"""
    value = (text or "").strip()
    if not value:
        return None
    if value not in history.BASES:
        raise BadParameter(
            _(
                "Tham số “basis” phải là was (theo cơ cấu tại thời điểm phát sinh) hoặc now (theo cơ cấu hiện nay)."
            )
        )
    return value


def by_for(text):
    by = (text or "child").strip()
    if by not in BY_CHOICES:
        raise BadParameter(
            _("Tham số “by” phải là child (theo đơn vị trực thuộc), month (theo tháng) hoặc none.")
        )
    return by


def as_of_for(text):
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise BadParameter(
            _("Tham số “as_of” phải là ngày dạng YYYY-MM-DD (ví dụ 2020-12-31).")
        ) from None
