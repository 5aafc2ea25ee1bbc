"""Who reads members' and landlords' phones and ID numbers in clear: editors of the managing
unit, nobody else. Pages, API and exports all ask here, so the rule lives in one place."""

from .models import BoardingHouse, Group


def revealed_groups(user, groups):
    """The ids among `groups` (ids or objects) whose personal data `user` may read. 1 query."""
    ids = [g if isinstance(g, int) else g.pk for g in groups]
    if not ids:
        return set()
    return set(Group.objects.editable_by(user).filter(pk__in=ids).values_list("pk", flat=True))


def revealed_houses(user, houses):
    ids = [h if isinstance(h, int) else h.pk for h in houses]
    if not ids:
        return set()
    return set(
        BoardingHouse.objects.editable_by(user).filter(pk__in=ids).values_list("pk", flat=True)
    )


def mask(value):
    """`0912345612` → `09******12`: enough to recognise a number, not enough to use it."""
    value = value or ""
    if len(value) <= 4:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 4) + value[-2:]


def shown(value, reveal):
    """The value as this reader may see it: in clear, or `09******12`."""
    return value if reveal else mask(value)
