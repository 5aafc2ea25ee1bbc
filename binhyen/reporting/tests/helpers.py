"""Activities written through the activities services, which keep the cube themselves
(cube.activity_changed in their transaction), and the naive rollup the engine must equal."""

import datetime

from binhyen.activities import services
from binhyen.activities.models import Activity, ActivityKind, Audience, Channel, Topic
from binhyen.factories import superuser
from binhyen.figures.cube import path_ids


def _refs(model, codes):
    return list(model.objects.filter(code__in=codes))


def record(
    unit,
    date,
    kind="tuyen_truyen",
    topics=("ma_tuy",),
    audiences=("cnvcld",),
    channels=(),
    sessions=1,
    attendances=10,
    leaflets=None,
    title=None,
    documents=(),
):
    if isinstance(date, str):
        date = datetime.date.fromisoformat(date)
    kind_obj = ActivityKind.objects.get(code=kind)
    if not kind_obj.counts_sessions and not leaflets:
        leaflets = 100
    activity = services.record_activity(
        superuser(),
        unit=unit,
        date=date,
        kind=kind_obj,
        title=title or f"Hoạt động {Activity.all_objects.count() + 1}",
        topics=_refs(Topic, topics),
        audiences=_refs(Audience, audiences),
        channels=_refs(Channel, channels),
        sessions=sessions,
        attendances=attendances,
        leaflets=leaflets,
        documents=list(documents),
    )
    return activity


def edit(activity, **changes):
    for name, model in (("topics", Topic), ("audiences", Audience), ("channels", Channel)):
        if name in changes:
            changes[name] = _refs(model, changes[name])
    if "kind" in changes:
        changes["kind"] = ActivityKind.objects.get(code=changes["kind"])
    if isinstance(changes.get("date"), str):
        changes["date"] = datetime.date.fromisoformat(changes["date"])
    return services.update_activity(superuser(), activity, **changes)


def delete(activity):
    return services.delete_activity(superuser(), activity)


def naive(
    unit,
    start,
    end,
    measure="sessions",
    kind=None,
    topic=None,
    audience=None,
    channel=None,
    document=None,
):
    """{child code or unit code (own records): total} by walking every alive activity of the
    subtree in Python: the slow, obviously right answer the engine must equal."""
    if isinstance(start, str):
        start, end = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
    qs = Activity.objects.filter(unit__path__startswith=unit.path, date__gte=start, date__lte=end)
    if kind:
        qs = qs.filter(kind__code=kind)
    for name, code in (("topics", topic), ("audiences", audience), ("channels", channel)):
        if code:
            qs = qs.filter(**{f"{name}__code": code})
    if document:
        qs = qs.filter(documents=document)
    from binhyen.org.models import Unit

    out = {}
    depth = unit.depth
    for a in qs.select_related("unit"):
        ids = path_ids(a.unit.path)
        key_id = ids[depth] if len(ids) > depth else unit.pk
        code = Unit.objects.get(pk=key_id).code
        value = {
            "sessions": a.sessions,
            "attendances": a.attendances,
            "activities": 1,
            "leaflets": a.leaflets or 0,
        }[measure]
        out[code] = out.get(code, 0) + value
    return {code: v for code, v in out.items() if v}


def by_code(result, key):
    """{unit code: value} of a rollup's rows, zeros left out."""
    return {row["unit"]["code"]: row["values"][key] for row in result["rows"] if row["values"][key]}
