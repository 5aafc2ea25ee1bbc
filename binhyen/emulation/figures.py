"""The emulation app's figures, registered in EmulationConfig.ready():

- `emulation.registered[title=…]`: registrations for the titles of a year; a registration
  counts on the first day of its year (1 January), under the tree of that day on the as-was
  basis — so the year's figure holds every registration of the year, whenever it was entered,
  and a quarter other than the first counts none;
- `emulation.recognised[title=…]`: of those, the ones recognised (counted the same way);
- `awards.count[form=…]`: awards, counted on their decision's date.

No cube: a year has at most one registration per unit and title and a few awards per unit, so
every figure is counted from the records through the engine's tree attribution
(`engine.attr.paths_q`, and `engine.count`, which attributes each record's unit through the
tree as it stood when the attribution is mapped), like the incidents' figures. None of these
records has a ward: a police liaison's ward scope gets none of them (`records`).
"""

import datetime
from collections import defaultdict

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy, gettext_noop

from binhyen.figures import registry
from binhyen.figures.cube import as_date
from binhyen.figures.registry import FLOW, Reference, indicator

from .models import Award, Registration, RegistrationState


def _years(period):
    """The years whose 1 January falls in `period`."""
    return [
        y
        for y in range(period.start.year, period.end.year + 1)
        if period.start <= datetime.date(y, 1, 1) <= period.end
    ]


def _ref_filter(f, dim, field):
    code, pk = f[dim]
    return {field: pk} if pk is not None else {f"{field}__code": code}


def _evaluate(engine, qs, path_field, unit_field, by, month_of):
    """({key: count}, total) of `qs` (already over the subtree) for the breakdown `by`."""
    qs = engine.scope.restrict(qs)
    if by == "child":
        values = engine.count(qs, path_field, unit_field, "count", None, True)
        values = {k: v for k, v in values.items() if v}
        return values, sum(values.values())
    total = engine.count(qs, path_field, unit_field, "count", None, False).get((), 0)
    if by == "month":
        values = defaultdict(int)
        for row in month_of(qs):
            values[as_date(row[0]).replace(day=1)] += row[1]
        return dict(values), total
    return {}, total


class RegistrationSource(registry.Source):
    """Registrations (and recognitions) of the years starting in the period."""

    def evaluate(self, engine, request, by):
        f = request.filter_ids()
        qs = Registration.objects.filter(
            engine.attr.paths_q("unit__path"), year__in=_years(engine.period)
        )
        if request.indicator.measure == "recognised":
            qs = qs.filter(state=RegistrationState.RECOGNISED)
        if "title" in f:
            qs = qs.filter(**_ref_filter(f, "title", "title"))

        def month_of(qs):
            return [
                (datetime.date(year, 1, 1), n)
                for year, n in qs.values_list("year").annotate(n=Count("id")).order_by()
            ]

        return _evaluate(engine, qs, "unit__path", "unit_id", by, month_of)


class AwardSource(registry.Source):
    """Awards decided in the period (by the decision's date)."""

    def evaluate(self, engine, request, by):
        f = request.filter_ids()
        qs = Award.objects.filter(
            engine.attr.paths_q("recipient_unit__path"),
            decision__date__gte=engine.period.start,
            decision__date__lte=engine.period.end,
        )
        if "form" in f:
            qs = qs.filter(**_ref_filter(f, "form", "form"))

        def month_of(qs):
            return (
                qs.annotate(m=TruncMonth("decision__date"))
                .values_list("m")
                .annotate(n=Count("id"))
                .order_by()
            )

        return _evaluate(engine, qs, "recipient_unit__path", "recipient_unit_id", by, month_of)


REGISTRATIONS = RegistrationSource()
AWARDS = AwardSource()

TITLE = Reference("title", gettext_lazy("danh hiệu thi đua"), "emulation.Title")
FORM = Reference("form", gettext_lazy("hình thức khen thưởng"), "emulation.AwardForm")

INDICATORS = (
    indicator(
        "emulation.registered",
        gettext_noop("Số lượt đăng ký danh hiệu thi đua"),
        "Emulation title registrations",
        gettext_noop("lượt"),
        FLOW,
        references=(TITLE,),
        measure="registered",
        source=REGISTRATIONS,
        records="emulation.Registration",
        description=gettext_noop(
            "Đăng ký danh hiệu thi đua của các năm bắt đầu trong kỳ (tính vào ngày 01/01 của năm)."
        ),
    ),
    indicator(
        "emulation.recognised",
        gettext_noop("Số lượt được công nhận danh hiệu thi đua"),
        "Emulation titles recognised",
        gettext_noop("lượt"),
        FLOW,
        references=(TITLE,),
        measure="recognised",
        source=REGISTRATIONS,
        records="emulation.Registration",
        description=gettext_noop(
            "Đăng ký đã được công nhận, của các năm bắt đầu trong kỳ (tính vào ngày 01/01 của năm)."
        ),
    ),
    indicator(
        "awards.count",
        gettext_noop("Số khen thưởng"),
        "Awards",
        gettext_noop("lượt"),
        FLOW,
        references=(FORM,),
        measure="awards",
        source=AWARDS,
        records="emulation.Award",
        description=gettext_noop("Khen thưởng theo quyết định ký trong kỳ (theo ngày ký)."),
    ),
)


def register():
    registry.register(*INDICATORS)
