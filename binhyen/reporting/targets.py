"""Every write to a plan's targets: one function per thing a user does (set, change, delete a
target; bring the units' copies in line after the tree changed).

A target names an indicator of the registry (`activity.sessions[kind=tuyen_truyen]`), so it
is checked against the registry here, above the documents app that stores it: the models
(`Target`, `TargetAssignment`) are a plan's data and stay with the plan. Each unit the target
applies to gets its own copy, as the tree stood for the target's period.

Spec strings are built and read through the registry (`with_filter`, `indicator_of`), never
by hand.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from binhyen.core.periods import parse_period, today
from binhyen.core.text import format_number
from binhyen.documents.models import TARGET_VALUE, AppliesTo, Target, TargetAssignment
from binhyen.documents.services import DOCUMENT_REFUSED, FIRST_YEAR, LAST_YEAR
from binhyen.figures import registry
from binhyen.org.history import Attribution
from binhyen.org.models import Unit
from binhyen.org.scoping import require_editable

# --- indicator specs -------------------------------------------------------------------------


def parse_indicator(spec, user=None):
    """The registry's Request for `spec`, with its error moved to the "indicator" field (a
    document filter, with `user`, only on a document that person sees)."""
    try:
        return registry.parse(spec, user=user)
    except ValidationError as exc:
        messages = exc.message_dict.get("indicators") or exc.messages
        raise ValidationError({"indicator": messages[0]}) from None


def _document_filter(spec):
    """The document a spec filters on, as written (None when it names none or is not a spec
    the registry reads without looking anything up: set_target names what is wrong)."""
    try:
        return registry.parse(spec, resolve=False).filter_codes().get("document")
    except ValidationError:
        return None


def plan_only(spec, plan):
    """`spec` counting only the activities recorded as carrying out `plan`: document=<plan id>
    added to its filters (a spec that already names a document, or that the registry cannot
    read, is left as it is)."""
    spec = (spec or "").strip()
    if not spec:
        return spec
    try:
        request = registry.parse(spec, resolve=False)
    except ValidationError:
        return spec
    if "document" in request.filter_codes():
        return spec
    return registry.with_filter(spec, document=plan.pk)


def split_plan_only(spec, plan):
    """(spec without the filter on `plan`, whether it had it): what the target form shows."""
    if _document_filter(spec) != str(plan.pk):
        return spec, False
    return registry.with_filter(spec, document=None), True


def accepts_plan_filter(spec):
    """Whether the indicator of `spec` can be counted by document (the activity indicators)."""
    indicator = registry.indicator_of((spec or "").strip())
    return indicator is not None and "document" in indicator.dimensions


def is_ratio(request):
    return request.indicator.kind == registry.RATIO


# --- the tree a target reaches ---------------------------------------------------------------


def as_of_for(period, day=None):
    """The tree a period is read through: as it stood on the period's last day, or today's
    tree for a period still running (so Mỹ Tho's 2022 plan still reaches its 2022 unions)."""
    day = day or today()
    return period.end if period.end < day else None


def _attribution(unit, period):
    return Attribution(unit, as_of_for(period))


def _open_during(queryset, period):
    return queryset.filter(valid_from__lte=period.end).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=period.start)
    )


def units_in_subtree(unit, period, queryset=None):
    """Units below `unit` (not itself) in the tree as it stood for `period`."""
    attr = _attribution(unit, period)
    queryset = (
        (queryset if queryset is not None else Unit.objects.all())
        .filter(attr.paths_q("path"))
        .exclude(pk=unit.pk)
    )
    if not attr.mapped:
        return queryset
    inside = [
        pk for pk in queryset.values_list("pk", flat=True) if attr.key_of_unit(pk) is not None
    ]
    return Unit.objects.filter(pk__in=inside)


def target_unit_ids(target, period=None):
    """The units a target applies to, as the tree stood for its period."""
    period = period or parse_period(target.period)
    plan_unit = target.plan.unit
    if target.applies_to == AppliesTo.UNIT:
        return {plan_unit.pk}
    if target.applies_to == AppliesTo.CHILDREN:
        return {pk for pk, _code, _name in _attribution(plan_unit, period).children(period)}
    if target.applies_to == AppliesTo.GRASSROOTS:
        grassroots = _open_during(Unit.objects.filter(kind__is_grassroots=True), period)
        return set(units_in_subtree(plan_unit, period, grassroots).values_list("pk", flat=True))
    return set(target.units.values_list("pk", flat=True))


# --- checks ----------------------------------------------------------------------------------


def _ratio_on_grassroots():
    return _(
        "Chỉ tiêu tỷ lệ tính trên các công đoàn cơ sở trực thuộc, nên không giao cho từng công đoàn cơ sở."
    )


def _target_errors(actor, plan, indicator, period, value, applies_to, units):
    errors = {}
    request = None
    the_period = None
    if not plan.doc_type.is_plan:
        errors["plan"] = _("Chỉ kế hoạch, chương trình mới đặt được chỉ tiêu; %(d)s là %(t)s.") % {
            "d": plan.reference,
            "t": plan.doc_type.name.lower(),
        }
    if plan.shared:
        errors["plan"] = _("Văn bản của cơ quan ngoài không giao chỉ tiêu cho đơn vị công đoàn.")
    try:
        request = parse_indicator((indicator or "").strip(), user=actor)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    try:
        the_period = parse_period(period)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if the_period is not None and not (
        FIRST_YEAR <= the_period.start.year and the_period.end.year <= LAST_YEAR
    ):
        errors["period"] = _(
            "Kỳ %(p)s không hợp lý: chỉ tiêu đặt cho các kỳ từ năm %(a)d đến năm %(b)d."
        ) % {"p": the_period.code, "a": FIRST_YEAR, "b": LAST_YEAR}
    if value is None or isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        errors["value"] = _("Mức chỉ tiêu phải là số nguyên lớn hơn 0.")
    elif value > TARGET_VALUE.high:
        errors["value"] = _("Mức chỉ tiêu tối đa %(max)s cho mỗi đơn vị; %(v)s là quá lớn.") % {
            "max": format_number(TARGET_VALUE.high),
            "v": format_number(value),
        }
    elif request is not None and is_ratio(request) and value > 100:
        errors["value"] = _("Chỉ tiêu tỷ lệ tính bằng %%; mức tối đa là 100.")
    if applies_to not in AppliesTo.values:
        errors["applies_to"] = _("Hãy chọn các đơn vị áp dụng chỉ tiêu.")
    elif request is not None and is_ratio(request) and applies_to == AppliesTo.GRASSROOTS:
        errors["applies_to"] = _ratio_on_grassroots()
    if applies_to == AppliesTo.LIST and "period" not in errors:
        errors.update(_unit_errors(plan, units, request, the_period))
    return errors, request, the_period


def _unit_errors(plan, units, request, the_period):
    """A listed target's units: at least one, each in the plan's unit's tree for the period,
    and no grassroots union for a ratio."""
    if not units:
        return {"units": _("Hãy chọn ít nhất một đơn vị.")}
    if the_period is None:
        return {}
    inside = set(
        units_in_subtree(plan.unit, the_period)
        .filter(pk__in=[u.pk for u in units])
        .values_list("pk", flat=True)
    )
    outside = [u for u in units if u.pk not in inside and u.pk != plan.unit_id]
    if outside:
        return {
            "units": _("%(u)s không thuộc hệ thống của %(p)s trong kỳ này.")
            % {"u": outside[0].name, "p": plan.unit.name}
        }
    if request is not None and is_ratio(request) and any(u.kind.is_grassroots for u in units):
        return {"units": _ratio_on_grassroots()}
    return {}


def _raise(errors):
    if errors:
        raise ValidationError(errors)


# --- writes ----------------------------------------------------------------------------------


@transaction.atomic
def set_target(actor, plan, *, indicator, period, value, applies_to, units=(), description=""):
    """Give a plan a target and cascade it: each unit it applies to gets its own copy."""
    require_editable(actor, plan, DOCUMENT_REFUSED)
    units = list(units or ())
    errors, request, the_period = _target_errors(
        actor, plan, indicator, period, value, applies_to, units
    )
    _raise(errors)
    target = Target(
        plan=plan,
        indicator=request.key,
        description=(description or "").strip(),
        period=the_period.code,
        period_start=the_period.start,
        period_end=the_period.end,
        value=value,
        applies_to=applies_to,
        created_by=actor,
    )
    target._history_user = actor
    target.save()
    if applies_to == AppliesTo.LIST:
        target.units.set(units)
    cascade_target(actor, target)
    return target


@transaction.atomic
def update_target(actor, target, **changes):
    """Change a target; the copies held by the units follow."""
    require_editable(actor, target.plan, DOCUMENT_REFUSED)
    fields = dict(
        indicator=target.indicator,
        period=target.period,
        value=target.value,
        applies_to=target.applies_to,
        description=target.description,
        units=list(target.units.all()),
    )
    unknown = set(changes) - set(fields)
    if unknown:
        raise ValueError(f"unknown target fields: {sorted(unknown)}")
    fields.update(changes)
    errors, request, the_period = _target_errors(
        actor,
        target.plan,
        fields["indicator"],
        fields["period"],
        fields["value"],
        fields["applies_to"],
        fields["units"],
    )
    _raise(errors)
    target.indicator, target.period = request.key, the_period.code
    target.period_start, target.period_end = the_period.start, the_period.end
    target.value, target.applies_to = fields["value"], fields["applies_to"]
    target.description = (fields["description"] or "").strip()
    target._history_user = actor
    target.save()
    target.units.set(fields["units"] if target.applies_to == AppliesTo.LIST else [])
    cascade_target(actor, target)
    return target


@transaction.atomic
def delete_target(actor, target):
    require_editable(actor, target.plan, DOCUMENT_REFUSED)
    for assignment in target.assignments.all():
        assignment._history_user = actor
        assignment.delete()
    target._history_user = actor
    target.delete()


@transaction.atomic
def cascade_target(actor, target):
    """Bring the units' copies in line with the target: a copy for every unit it applies to
    (as the tree stood for its period), none for the others. Returns (added, removed)."""
    wanted = target_unit_ids(target)
    held = {a.unit_id: a for a in target.assignments.all()}
    removed = 0
    for unit_id, assignment in held.items():
        if unit_id not in wanted:
            assignment._history_user = actor
            assignment.delete()
            removed += 1
        elif (assignment.indicator, assignment.period, assignment.value) != (
            target.indicator,
            target.period,
            target.value,
        ):
            assignment.indicator, assignment.period, assignment.value = (
                target.indicator,
                target.period,
                target.value,
            )
            assignment._history_user = actor
            assignment.save(update_fields=["indicator", "period", "value"])
    new = [
        TargetAssignment(
            target=target,
            unit_id=unit_id,
            indicator=target.indicator,
            period=target.period,
            value=target.value,
        )
        for unit_id in sorted(wanted - set(held))
    ]
    if new:
        bulk_create_with_history(new, TargetAssignment, batch_size=1000, default_user=actor)
    return len(new), removed
