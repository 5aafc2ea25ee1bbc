"""Pages of the emulation app: the movements a reader's units take part in, a movement with its
titles and criteria (and the admin forms that add them), a unit's registrations of a year with
the coverage of its direct children, a registration's page (self-assessment beside the live
figures, submit, the reviewer's decision, its history) and the reviewer's queue.

Reads go through `visible_to` (out of scope is a 404), except that a movement issued above a
reader's unit is theirs to read too: it is the movement they register in. Every write goes
through services.py, whose refusals land on the form that asked."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binhyen.core.periods import today
from binhyen.core.views import ScopedListView, history_page, scoped_get
from binhyen.figures import registry
from binhyen.org.models import PATH_STEP, Unit
from binhyen.org.scoping import (
    ADMIN_ROLES,
    APPROVE_ROLES,
    EDIT_ROLES,
    VIEW_ROLES,
    holds_role_over,
    outermost,
    scope_of,
)

from . import services
from .forms import (
    AssessForm,
    CriterionForm,
    MovementForm,
    RegisterForm,
    ReviewForm,
    TitleForm,
)
from .models import (
    Criterion,
    Movement,
    Registration,
    RegistrationState,
    SelfAssessment,
    Title,
)

ASSESSABLE = (RegistrationState.REGISTERED, RegistrationState.ASSESSED, RegistrationState.RETURNED)
SUBMITTABLE = (RegistrationState.ASSESSED, RegistrationState.RETURNED)


def _errors_on(form, exc):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for key, messages_ in errors.items():
        for message in messages_:
            if hasattr(form, "add_service_error") and key:
                form.add_service_error(key, message)
            else:
                form.add_error(key if key in form.fields else None, message)


def _year(request, default=None):
    raw = (request.GET.get("year") or request.GET.get("nam") or "").strip()
    if raw.isdigit() and 1929 <= int(raw) <= 2100:
        return int(raw)
    return default


# ---------------------------------------------------------------- movements


def _prefixes(path):
    return [path[:i] for i in range(PATH_STEP, len(path) + 1, PATH_STEP)]


def movements_for(user):
    """The movements a reader may read: those issued inside their scope and those issued by an
    ancestor of one of their units (the movements their units register in)."""
    scope = scope_of(user, VIEW_ROLES)
    if scope.everything:
        return Movement.objects.all()
    above = {p for path in scope.paths for p in _prefixes(path)}
    return Movement.objects.filter(scope.q("issuer__path") | Q(issuer__path__in=above))


class MovementListView(ScopedListView):
    model = Movement
    template_name = "emulation/movement_list.html"

    def base_queryset(self):
        return movements_for(self.request.user)

    def filter_queryset(self, queryset):
        self.year = _year(self.request)
        if self.year:
            queryset = queryset.filter(start__year__lte=self.year).filter(
                Q(end__isnull=True) | Q(end__year__gte=self.year)
            )
        return queryset.select_related("issuer").annotate(n_titles=Count("titles"))

    def get_ordering(self):
        return ["-start", "name"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            year=self.year,
            years=range(today().year + 1, 2017, -1),
            can_add=not scope_of(self.request.user, ADMIN_ROLES).empty,
        )
        return context


def _get_movement(user, pk):
    movement = movements_for(user).select_related("issuer", "document").filter(pk=pk).first()
    if movement is None:
        raise Http404
    return movement


@login_required
def movement_detail(request, pk):
    movement = _get_movement(request.user, pk)
    titles = list(
        movement.titles.prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.order_by("order", "id"))
        )
    )
    for title in titles:
        for criterion in title.criteria.all():
            criterion.indicator_label = (
                registry.label(criterion.indicator) if criterion.computed else ""
            )
    return render(
        request,
        "emulation/movement_detail.html",
        {
            "movement": movement,
            "titles": titles,
            "can_admin": holds_role_over(request.user, ADMIN_ROLES, movement.issuer),
        },
    )


def _form_page(request, form, *, title, cancel_url, subtitle="", status=200):
    return render(
        request,
        "emulation/form.html",
        {"form": form, "title": title, "subtitle": subtitle, "cancel_url": cancel_url},
        status=status,
    )


@login_required
def movement_create(request):
    units = Unit.objects.administered_by(request.user)
    if scope_of(request.user, ADMIN_ROLES).empty:
        raise Http404
    form = MovementForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            movement = services.create_movement(request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_on(form, exc)
        else:
            messages.success(request, _("Đã tạo phong trào “%(m)s”.") % {"m": movement.name})
            return redirect("emulation:movement", movement.pk)
    return _form_page(
        request,
        form,
        title=_("Phát động phong trào thi đua"),
        cancel_url=reverse("emulation:movements"),
    )


@login_required
def title_create(request, pk):
    movement = _get_movement(request.user, pk)
    if not holds_role_over(request.user, ADMIN_ROLES, movement.issuer):
        raise Http404
    form = TitleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            title = services.create_title(request.user, movement, **form.cleaned_data)
        except ValidationError as exc:
            _errors_on(form, exc)
        else:
            messages.success(request, _("Đã thêm danh hiệu “%(t)s”.") % {"t": title.name})
            return redirect("emulation:movement", movement.pk)
    return _form_page(
        request,
        form,
        title=_("Thêm danh hiệu thi đua"),
        subtitle=movement.name,
        cancel_url=reverse("emulation:movement", args=[movement.pk]),
    )


@login_required
def criterion_create(request, pk):
    title = Title.objects.select_related("movement__issuer").filter(pk=pk).first()
    if title is None:
        raise Http404
    movement = _get_movement(request.user, title.movement_id)
    if not holds_role_over(request.user, ADMIN_ROLES, movement.issuer):
        raise Http404
    form = CriterionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_criterion(request.user, title, **form.cleaned_data)
        except ValidationError as exc:
            _errors_on(form, exc)
        else:
            messages.success(request, _("Đã thêm tiêu chí cho “%(t)s”.") % {"t": title.name})
            return redirect("emulation:movement", movement.pk)
    return _form_page(
        request,
        form,
        title=_("Thêm tiêu chí"),
        subtitle=f"{title.name} — {movement.name}",
        cancel_url=reverse("emulation:movement", args=[movement.pk]),
    )


# ---------------------------------------------------------------- a unit's registrations


def _open_in(units, year):
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return units.filter(valid_from__lte=last).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=first)
    )


def coverage(unit, year):
    """ "100% đơn vị trực thuộc đăng ký": the direct child units open in `year`, each with its
    number of registrations for the year; and (registered, open) counts."""
    children = list(
        _open_in(Unit.objects.filter(parent=unit), year)
        .annotate(n=Count("emulation_registrations", filter=Q(emulation_registrations__year=year)))
        .order_by("path")
    )
    done = sum(1 for c in children if c.n)
    return children, done, len(children)


def fitting_titles(unit, year):
    """Titles of movements issued at or above `unit`, running in `year`, that fit it."""
    titles = (
        Title.objects.filter(movement__issuer__path__in=_prefixes(unit.path))
        .filter(movement__start__year__lte=year)
        .filter(Q(movement__end__isnull=True) | Q(movement__end__year__gte=year))
        .select_related("movement")
        .order_by("movement__name", "order", "id")
    )
    return [t for t in titles if services.fits(t, unit) is None]


def _render_registrations(request, unit, year, form=None, status=200):
    user = request.user
    regs = list(
        Registration.objects.visible_to(user)
        .filter(unit=unit, year=year)
        .select_related("title__movement")
        .order_by("title__movement__name", "title__order", "title_id")
    )
    can_register = holds_role_over(user, EDIT_ROLES, unit)
    titles = []
    if can_register:
        taken = {r.title_id for r in regs}
        titles = [t for t in fitting_titles(unit, year) if t.pk not in taken]
        if form is None:
            form = RegisterForm(titles=Title.objects.filter(pk__in=[t.pk for t in titles]))
    children, done, total = coverage(unit, year) if not unit.kind.is_grassroots else ([], 0, 0)
    return render(
        request,
        "emulation/registrations.html",
        {
            "unit": unit,
            "year": year,
            "years": range(today().year + 1, 2017, -1),
            "registrations": regs,
            "form": form if can_register and titles else None,
            "children": children,
            "covered": done,
            "open_children": total,
            "share": round(100 * done / total) if total else None,
        },
        status=status,
    )


def _unit_of(request, code):
    user = request.user
    if code:
        unit = Unit.objects.visible_to(user).select_related("kind").filter(code=code).first()
    else:
        paths = outermost(scope_of(user, VIEW_ROLES).paths)
        unit = Unit.objects.select_related("kind").filter(path=paths[0]).first() if paths else None
    if unit is None:
        raise Http404
    return unit


@login_required
def registrations(request):
    unit = _unit_of(request, (request.GET.get("unit") or "").strip())
    year = _year(request, today().year)
    if request.method == "POST":
        if not holds_role_over(request.user, EDIT_ROLES, unit):
            raise Http404
        titles = Title.objects.filter(pk__in=[t.pk for t in fitting_titles(unit, year)])
        # a title posted that does not fit is refused by the service, naming it
        form = RegisterForm(request.POST, titles=Title.objects.all())
        if form.is_valid():
            try:
                reg = services.register(request.user, unit, form.cleaned_data["title"], year)
            except ValidationError as exc:
                _errors_on(form, exc)
            else:
                messages.success(
                    request,
                    _("%(u)s đã đăng ký danh hiệu “%(t)s” năm %(y)d.")
                    % {"u": unit.name, "t": reg.title.name, "y": year},
                )
                return redirect(
                    f"{reverse('emulation:registrations')}?unit={unit.code}&year={year}"
                )
        form.fields["title"].queryset = titles
        return _render_registrations(request, unit, year, form=form, status=400)
    return _render_registrations(request, unit, year)


# ---------------------------------------------------------------- a registration


def _registration(request, pk):
    return scoped_get(
        request.user,
        Registration.objects.select_related("unit__kind", "title__movement__issuer", "decided_by"),
        pk=pk,
    )


def _rows(reg, assessments):
    """Each criterion with its assessment and, for a computed one, the live figure."""
    rows = []
    for criterion in reg.title.criteria.all():
        row = assessments.get(criterion.pk)
        live = live_met = None
        if criterion.computed:
            live = services.computed_value(reg.unit, criterion, reg.year)
            live_met = criterion.met_by(live)
        rows.append(
            {
                "criterion": criterion,
                "assessment": row,
                "indicator_label": registry.label(criterion.indicator)
                if criterion.computed
                else "",
                "live": live,
                "live_met": live_met,
            }
        )
    return rows


def _render_registration(request, reg, status=200, assess_form=None, review_form=None):
    user = request.user
    assessments = {a.criterion_id: a for a in reg.assessments.all()}
    criteria = list(reg.title.criteria.all())
    can_edit = holds_role_over(user, EDIT_ROLES, reg.unit)
    reviewer = reg.state == RegistrationState.SUBMITTED and services.may_review(user, reg)
    if can_edit and reg.state in ASSESSABLE and assess_form is None:
        assess_form = AssessForm(criteria=criteria, assessments=assessments)
    if reviewer and review_form is None:
        review_form = ReviewForm(criteria=criteria)
    context = {
        "reg": reg,
        "rows": _rows(reg, assessments),
        "assess_form": assess_form if can_edit and reg.state in ASSESSABLE else None,
        "can_submit": can_edit and reg.state in SUBMITTABLE and reg.assessed_at is not None,
        "review_form": review_form if reviewer else None,
        "states": RegistrationState,
    }
    return render(request, "emulation/registration_detail.html", context, status=status)


@login_required
def registration_detail(request, pk):
    return _render_registration(request, _registration(request, pk))


@login_required
@require_POST
def assess(request, pk):
    reg = _registration(request, pk)
    if not holds_role_over(request.user, EDIT_ROLES, reg.unit):
        raise Http404
    assessments = {a.criterion_id: a for a in reg.assessments.all()}
    form = AssessForm(
        request.POST,
        request.FILES,
        criteria=list(reg.title.criteria.all()),
        assessments=assessments,
    )
    if form.is_valid():
        try:
            services.self_assess(request.user, reg, attested=form.attested())
        except ValidationError as exc:
            _errors_on(form, exc)
        else:
            messages.success(request, _("Đã tự chấm; số liệu lấy theo dữ liệu hiện có."))
            return redirect("emulation:registration", reg.pk)
    return _render_registration(request, reg, status=400, assess_form=form)


@login_required
@require_POST
def submit(request, pk):
    reg = _registration(request, pk)
    if not holds_role_over(request.user, EDIT_ROLES, reg.unit):
        raise Http404
    try:
        services.submit(request.user, reg)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã gửi đăng ký lên cấp xét công nhận."))
    return redirect("emulation:registration", reg.pk)


@login_required
@require_POST
def review(request, pk):
    reg = _registration(request, pk)
    if not services.may_review(request.user, reg):
        raise Http404
    form = ReviewForm(request.POST, criteria=list(reg.title.criteria.all()))
    if form.is_valid():
        decision, note = form.cleaned_data["decision"], form.cleaned_data["note"]
        try:
            if decision == ReviewForm.RECOGNISE:
                services.recognise(request.user, reg, checks=form.checked(), note=note)
                done = _("Đã công nhận danh hiệu.")
            elif decision == ReviewForm.RETURN:
                services.return_with_reason(request.user, reg, reason=note)
                done = _("Đã trả lại đăng ký kèm lý do.")
            else:
                services.refuse(request.user, reg, reason=note)
                done = _("Đã ghi không công nhận.")
        except ValidationError as exc:
            _errors_on(form, exc)
        else:
            messages.success(request, done)
            return redirect("emulation:registration", reg.pk)
    reg.refresh_from_db()
    return _render_registration(request, reg, status=400, review_form=form)


@login_required
def evidence(request, pk):
    """An evidence file, only for those who see the registration."""
    row = SelfAssessment.objects.visible_to(request.user).filter(pk=pk).first()
    if row is None or not row.evidence:
        raise Http404
    return FileResponse(row.evidence.open("rb"), as_attachment=True)


@login_required
def registration_history(request, pk):
    reg = _registration(request, pk)
    page = history_page(
        request,
        [
            (
                Registration.history.filter(id=reg.pk),
                lambda r, _n: _("Đăng ký thi đua"),
            ),
            (
                SelfAssessment.history.filter(registration_id=reg.pk),
                lambda r, n: _("Tự chấm tiêu chí: %(c)s") % {"c": n(Criterion, r.criterion_id)},
            ),
        ],
    )
    return render(request, "emulation/history.html", {"reg": reg, "page_obj": page})


# ---------------------------------------------------------------- the reviewer's queue


def reviewable(user, queryset):
    """The submitted registrations of `queryset` that `user` may review: each one's
    recognising unit (services.recognising_unit's rule) read for all of them in one query."""
    approve = scope_of(user, APPROVE_ROLES)
    if approve.empty:
        return []
    regs = list(queryset.filter(state=RegistrationState.SUBMITTED))
    prefixes = {p for r in regs for p in _prefixes(r.unit.path)[:-1]}
    ancestors = {
        u.path: u.kind.rank for u in Unit.objects.filter(path__in=prefixes).select_related("kind")
    }
    out = []
    for r in regs:
        above = [
            p
            for p in _prefixes(r.unit.path)[:-1]
            if p in ancestors and ancestors[p] <= r.title.recognising_rank
        ]
        if above and approve.covers_path(above[-1]):
            out.append(r)
    return out


@login_required
def queue(request):
    regs = reviewable(
        request.user,
        Registration.objects.visible_to(request.user)
        .select_related("unit", "title__movement")
        .order_by("submitted_at", "id"),
    )
    return render(request, "emulation/queue.html", {"registrations": regs})
