"""The write-side plumbing every app's services share: validate a record with its messages
per field, save it with the actor as the audit trail's author, refuse unknown keyword fields
and missing required ones. (groups, org and portal keep older copies of the first two.)"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binhyen.core.bounds import check_past_date


def full_clean(obj, exclude=("search_text",)):
    """obj.full_clean(), its errors keyed by field; a broken CheckConstraint's field-less
    message is dropped when a field already says the same."""
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        errors = exc.message_dict
        said = {m for field, msgs in errors.items() if field != "__all__" for m in msgs}
        general = [m for m in errors.pop("__all__", []) if m not in said]
        if general:
            errors["__all__"] = general
        raise ValidationError(errors) from None


def save(obj, actor, **kwargs):
    """Save with `actor` as the history user; a constraint the checks missed (a concurrent
    writer) becomes a message, nothing saved."""
    obj._history_user = actor
    try:
        with transaction.atomic():
            obj.save(**kwargs)
    except IntegrityError:
        raise ValidationError(
            {"__all__": _("Dữ liệu vừa bị thay đổi đồng thời; hãy thử lại.")}
        ) from None
    return obj


def check_fields(given, allowed):
    """A programming slip (a keyword the service does not take) is a ValueError, not a 400."""
    unknown = set(given) - set(allowed)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")


def require(fields, names):
    """ValidationError naming each of `names` ({field: label}) left empty in `fields`."""
    errors = {}
    for name, label in names.items():
        value = fields.get(name)
        if value is None or value == "":
            errors[name] = _("Hãy nhập %(field)s.") % {"field": label}
    if errors:
        raise ValidationError(errors)


def check_past_dates(obj, labels):
    """Dates of what has happened are neither in the future nor before 1929."""
    errors = {}
    for field, label in labels.items():
        value = getattr(obj, field)
        if isinstance(value, datetime.datetime):
            value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
        message = check_past_date(value, label)
        if message:
            errors[field] = message
    if errors:
        raise ValidationError(errors)
