"""Period locks: a registry of checkers saying whether a unit's record on a day is locked.

An approved periodic report freezes the figures it summed, so every write to a dated record
(an activity, a patrol, an incident) asks here first. The apps that own locks (reporting)
register a checker at start-up; the apps that write records only call `check_unlocked`, so
neither imports the other.

A checker is a callable `checker(unit, day)` returning None when the day is open, or the
name of the report that locks it ("Báo cáo quý I/2022 của LĐLĐ TP Mỹ Tho"). A checker may
also offer `checker.many(pairs)` taking an iterable of `(unit_id, day)` and returning a dict
`{(unit_id, day): report name}` for the locked ones, so a bulk import asks once per batch
instead of once per row. And it may offer `checker.probe(unit, day)` returning `(sql,
params)` of a SELECT that yields a row only when the day may be locked: a service can then
ask every probe in the same query as its own checks (`probes`), and call the checkers
(`check_unlocked`) only when a probe answers — recording an activity pays no round trip of
its own for locks on the days nearly all of which are open.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from binhyen.core.text import format_date

_checkers = []


def register(checker):
    """Add a lock checker (idempotent); returns it so it can be used as a decorator."""
    if checker not in _checkers:
        _checkers.append(checker)
    return checker


def unregister(checker):
    if checker in _checkers:
        _checkers.remove(checker)


def registered():
    return tuple(_checkers)


def locked_by(unit, day):
    """The name of the report locking `unit` on `day`, or None when the day is open."""
    for checker in _checkers:
        name = checker(unit, day)
        if name:
            return str(name)
    return None


def message(unit, day, report):
    return _("Số liệu của %(unit)s ngày %(day)s đã bị khóa vì %(report)s đã được phê duyệt.") % {
        "unit": unit,
        "day": format_date(day),
        "report": report,
    }


def check_unlocked(unit, day, field="date", probed=False):
    """Raise ValidationError({field: …}) naming the locking report when `day` is locked.
    With `probed`, the checkers that offer a probe are skipped: their probes (see `probes`)
    were asked and found the day open."""
    if day is None or unit is None:
        return
    for checker in _checkers:
        if probed and hasattr(checker, "probe"):
            continue
        report = checker(unit, day)
        if report:
            raise ValidationError({field: message(unit, day, str(report))})


def probes(unit, day):
    """[(sql, params)] of the registered probes for `unit` on `day`: each a SELECT yielding
    a row when the day may be locked."""
    if day is None or unit is None:
        return []
    return [checker.probe(unit, day) for checker in _checkers if hasattr(checker, "probe")]


def locked_pairs(units_by_id, pairs):
    """For a bulk import: `{(unit_id, day): report name}` for every locked pair in `pairs`.

    `units_by_id` maps ids to Unit objects for checkers that only offer the single-pair call.
    """
    pairs = set(pairs)
    found = {}
    if not pairs:
        return found
    for checker in _checkers:
        many = getattr(checker, "many", None)
        todo = pairs - found.keys()
        if many is not None:
            for key, name in many(todo).items():
                if name:
                    found.setdefault(key, str(name))
        else:
            for unit_id, day in todo:
                name = checker(units_by_id[unit_id], day)
                if name:
                    found[(unit_id, day)] = str(name)
    return found
