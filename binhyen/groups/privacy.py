"""Who reads members' and landlords' phones and ID numbers in clear: editors of the managing
unit, nobody else. Pages, API and exports all ask here, so the rule lives in one place."""

from .models import BoardingHouse, Group
from .services import mask


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
    return set(BoardingHouse.objects.editable_by(user).filter(pk__in=ids).values_list("pk", flat=True))


def shown(value, reveal):
    """The value as this reader may see it: in clear, or `09******12`."""
    return value if reveal else mask(value)
