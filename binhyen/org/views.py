"""Pages of the union tree: home, unit search, unit page, its admin actions and its history."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import F, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from binhyen.core import periods
from binhyen.core.bounds import parse_id
from binhyen.core.views import ScopedListView, ServiceFormView, history_page, paginate, scoped_get
from binhyen.org.scoping import ADMIN_ROLES, VIEW_ROLES, holds_role_over, scope_of

from . import home as home_panels
from . import services
from .forms import (
    ROLE_LABELS,
    AssignForm,
    CloseForm,
    MergeForm,
    MoveForm,
    NewUserForm,
    UnitForm,
)
from .models import PATH_STEP, Area, Assignment, Unit, UnitEvent, UnitKind


def unit_url(unit):
    return reverse("unit_detail", args=[unit.code])


def _open_on(day):
    return Q(valid_to__isnull=True) | Q(valid_to__gte=day)


def _count(queryset):
    """A correlated COUNT(*) over `queryset`, for use as an annotation (one SQL statement)."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_counts(queryset, user):
    """Annotate each unit with its open children and the open grassroots units below it,
    counting only what `user` may see, in the same query as the units themselves."""
    visible_open = Unit.objects.visible_to(user).filter(_open_on(periods.today()))
    return queryset.annotate(
        n_children=_count(visible_open.filter(parent=OuterRef("pk"))),
        n_grassroots=_count(
            visible_open.filter(
                path__startswith=OuterRef("path"), kind__is_grassroots=True
            ).exclude(pk=OuterRef("pk"))
        ),
    )


def visible_units(user, ids, extra=None):
    """{pk: unit} for those of `ids` the user may see (plus the units matching `extra`)."""
    condition = Q(pk__in=[i for i in ids if i])
    if extra is not None:
        condition |= extra
    queryset = (
        Unit.objects.visible_to(user)
        .filter(condition)
        .only("pk", "code", "name", "path", "valid_to", "successor_id")
    )
    return {unit.pk: unit for unit in queryset}


def breadcrumb(unit, known):
    """The unit's ancestors that the reader may see (from `known`), root first; never the
    names above their scope."""
    return [known[pk] for pk in unit.ancestor_ids[:-1] if pk in known]


def home(request):
    """The top units of the reader's scope; a police liaison also gets the units in their wards;
    and the panels other apps add (binhyen.org.home: overdue cases, tips to answer), some of
    them above the units. Visitors who are not logged in are the public: they get the portal."""
    if not request.user.is_authenticated:
        return redirect("portal:home")
    user = request.user
    scope = scope_of(user, VIEW_ROLES, include_police=True)
    visible = Unit.objects.visible_to(user).select_related("kind")
    roots = visible.none()
    if scope.everything:
        roots = visible.filter(parent__isnull=True)
    elif scope.paths:
        roots = visible.filter(path__in=scope.paths)
    roots = list(with_counts(roots, user).order_by("path")[:50])
    ward_units = None
    if scope.ward_ids and not scope.everything:
        ward_units = paginate(
            request,
            visible.filter(ward_id__in=scope.ward_ids)
            .select_related("ward", "province")
            .order_by("ward__name", "name"),
        )
    panels = home_panels.panels(request)
    return render(
        request,
        "org/home.html",
        {
            "roots": roots,
            "ward_units": ward_units,
            "panels_first": [p for p in panels if p.first],
            "panels": [p for p in panels if not p.first],
        },
    )


class UnitListView(ScopedListView):
    """Unit search: accent-insensitive, filtered by kind and open/closed, live through htmx."""

    model = Unit
    template_name = "org/unit_list.html"
    partial_template_name = "org/_unit_results.html"
    htmx_target = "unit-results"
    ordering = ["path"]
    STATUSES = {
        "": gettext_lazy("Tất cả"),
        "open": gettext_lazy("Đang hoạt động"),
        "closed": gettext_lazy("Đã kết thúc"),
    }

    def filter_queryset(self, queryset):
        params = self.request.GET
        self.q = params.get("q", "").strip()
        self.kind = params.get("kind", "")
        self.status = params.get("status", "")
        if self.q:
            queryset = queryset.search(self.q)
        if self.kind:
            queryset = queryset.filter(kind__code=self.kind)
        today = periods.today()
        if self.status == "open":
            queryset = queryset.filter(_open_on(today))
        elif self.status == "closed":
            queryset = queryset.filter(valid_to__lt=today)
        return queryset.select_related("kind", "province", "ward")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        units = context["object_list"]
        parents = visible_units(self.request.user, [u.parent_id for u in units])
        for unit in units:
            unit.visible_parent = parents.get(unit.parent_id)
        context.update(
            q=self.q,
            kind=self.kind,
            status=self.status,
            statuses=self.STATUSES,
            kinds=UnitKind.objects.all() if not self.request.htmx else (),
            filtered=bool(self.q or self.kind or self.status),
        )
        return context


@login_required
def unit_detail(request, code):
    user = request.user
    unit = scoped_get(user, Unit.objects.select_related("kind", "province", "ward"), code=code)
    events = list(
        UnitEvent.objects.visible_to(user).filter(unit=unit).select_related("created_by")[:20]
    )
    related = [unit.successor_id] + unit.ancestor_ids[:-1]
    for event in events:
        related += [event.old_parent_id, event.new_parent_id, event.successor_id]
    known = visible_units(user, related, extra=Q(successor=unit))
    for event in events:
        event.old_parent_seen = known.get(event.old_parent_id)
        event.new_parent_seen = known.get(event.new_parent_id)
        event.successor_seen = known.get(event.successor_id)
    predecessors = sorted(
        (u for u in known.values() if u.successor_id == unit.pk), key=lambda u: u.path
    )
    can_admin = holds_role_over(user, ADMIN_ROLES, unit)
    # the parent's path is the unit's own path without its last segment
    can_restructure = unit.parent_id is not None and scope_of(user, ADMIN_ROLES).covers_path(
        unit.path[:-PATH_STEP]
    )
    children = paginate(
        request,
        with_counts(
            Unit.objects.visible_to(user).filter(parent=unit).select_related("kind"), user
        ).order_by(F("valid_to").desc(nulls_first=True), "name", "pk"),  # open ones first
    )
    assignments = []
    if can_admin:
        assignments = list(
            Assignment.objects.editable_by(user)
            .filter(unit=unit, active=True)
            .select_related("user")
            .prefetch_related("wards")
            .order_by("role", "user__username")
        )
        for assignment in assignments:
            assignment.role_label = ROLE_LABELS.get(assignment.role, assignment.role)
    return render(
        request,
        "org/unit_detail.html",
        {
            "unit": unit,
            "crumbs": breadcrumb(unit, known),
            "successor": known.get(unit.successor_id),
            "predecessors": predecessors,
            "children": children,
            "events": events,
            "assignments": assignments,
            "can_admin": can_admin,
            "can_restructure": can_restructure,
            "closed": not unit.is_open,
        },
    )


@login_required
def ward_options(request):
    """The <option>s of the ward select for the province just chosen (htmx)."""
    wards = Area.objects.none()
    province_id = parse_id(request.GET.get("province"))
    if province_id is not None:
        province = Area.objects.filter(pk=province_id).first()
        if province is not None:
            wards = services.wards_of_province(province)
    return render(request, "org/_ward_options.html", {"wards": wards})


# --- Admin actions -------------------------------------------------------------------------


class UnitActionView(ServiceFormView):
    """An admin action on the unit named in the URL, which the user must administer (else 404).

    `restructure` actions (move, close, merge) change where the unit sits, so the service
    requires the user to administer its parent too; without that the page does not exist.
    """

    template_name = "org/unit_form.html"
    restructure = False
    title = ""
    submit_label = gettext_lazy("Lưu")
    intro = ""

    @cached_property
    def unit(self):
        user = self.request.user
        unit = scoped_get(
            user,
            Unit.objects.select_related("kind", "parent", "province"),
            editable=True,
            code=self.kwargs["code"],
        )
        if self.restructure and not (
            unit.parent_id and holds_role_over(user, ADMIN_ROLES, unit.parent)
        ):
            raise Http404
        return unit

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(self.extra_form_kwargs())
        return kwargs

    def extra_form_kwargs(self):
        return {"user": self.request.user, "unit": self.unit}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        known = visible_units(self.request.user, self.unit.ancestor_ids[:-1])
        context.update(
            unit=self.unit,
            crumbs=breadcrumb(self.unit, known),
            title=self.title,
            submit_label=self.submit_label,
            intro=self.intro,
            cancel_url=unit_url(self.unit),
        )
        return context


class UnitCreateView(UnitActionView):
    title = gettext_lazy("Thêm đơn vị trực thuộc")
    submit_label = gettext_lazy("Thêm đơn vị")
    form_class = UnitForm

    def extra_form_kwargs(self):
        return {"parent": self.unit}

    def perform(self, form):
        child = services.create_unit(self.request.user, parent=self.unit, **form.unit_fields())
        messages.success(self.request, _("Đã thêm đơn vị %(name)s.") % {"name": child.name})
        return unit_url(child)


class UnitEditView(UnitActionView):
    title = gettext_lazy("Sửa thông tin đơn vị")
    form_class = UnitForm

    def extra_form_kwargs(self):
        return {"parent": self.unit.parent, "instance": self.unit}

    def perform(self, form):
        changes = {
            name: value for name, value in form.unit_fields().items() if name in form.changed_data
        }
        if not changes:
            messages.info(self.request, _("Không có thay đổi nào."))
            return unit_url(self.unit)
        unit = services.update_unit(self.request.user, self.unit, **changes)
        messages.success(self.request, _("Đã lưu thông tin đơn vị."))
        return unit_url(unit)


class UnitMoveView(UnitActionView):
    title = gettext_lazy("Chuyển đơn vị sang đơn vị cấp trên khác")
    submit_label = gettext_lazy("Chuyển đơn vị")
    intro = gettext_lazy(
        "Đơn vị cùng toàn bộ đơn vị trực thuộc sẽ chuyển sang đơn vị cấp trên mới từ ngày hiệu lực; lịch sử trước đó được giữ nguyên."
    )
    restructure = True
    form_class = MoveForm

    def perform(self, form):
        data = form.cleaned_data
        unit = services.move_unit(
            self.request.user, self.unit, data["parent"], data["date"], note=data["note"]
        )
        messages.success(
            self.request, _("Đã chuyển đơn vị sang %(name)s.") % {"name": data["parent"].name}
        )
        return unit_url(unit)


class UnitCloseView(UnitActionView):
    title = gettext_lazy("Kết thúc hoạt động đơn vị")
    submit_label = gettext_lazy("Kết thúc hoạt động")
    intro = gettext_lazy(
        "Đơn vị vẫn được giữ lại và hiện trong các báo cáo của thời kỳ nó còn hoạt động."
    )
    restructure = True
    form_class = CloseForm

    def perform(self, form):
        data = form.cleaned_data
        unit = services.close_unit(
            self.request.user,
            self.unit,
            data["date"],
            successor=data["successor"],
            note=data["note"],
        )
        messages.success(self.request, _("Đã ghi nhận đơn vị kết thúc hoạt động."))
        return unit_url(unit)


class UnitMergeView(UnitActionView):
    title = gettext_lazy("Sáp nhập đơn vị")
    submit_label = gettext_lazy("Sáp nhập")
    intro = gettext_lazy(
        "Các đơn vị trực thuộc đang hoạt động chuyển sang đơn vị nhận sáp nhập; đơn vị này kết thúc vào ngày trước ngày sáp nhập."
    )
    restructure = True
    form_class = MergeForm
    error_fields = {"sources": None, "successor": "target", "parent": "target"}

    def perform(self, form):
        data = form.cleaned_data
        services.merge_units(
            self.request.user, [self.unit], data["target"], data["date"], note=data["note"]
        )
        messages.success(
            self.request, _("Đã sáp nhập vào %(name)s.") % {"name": data["target"].name}
        )
        return unit_url(self.unit)


class AssignView(UnitActionView):
    title = gettext_lazy("Phân công người dùng")
    submit_label = gettext_lazy("Phân công")
    form_class = AssignForm

    def extra_form_kwargs(self):
        return {"unit": self.unit}

    def perform(self, form):
        data = form.cleaned_data
        services.assign_role(
            self.request.user,
            form.user,
            self.unit,
            data["role"],
            wards=list(data["wards"]),
            note=data["note"],
        )
        messages.success(
            self.request, _("Đã phân công %(user)s.") % {"user": form.user.get_username()}
        )
        return unit_url(self.unit)


class NewUserView(UnitActionView):
    title = gettext_lazy("Tạo người dùng mới và phân công")
    submit_label = gettext_lazy("Tạo người dùng")
    form_class = NewUserForm

    def extra_form_kwargs(self):
        return {"unit": self.unit}

    def perform(self, form):
        data = form.cleaned_data
        user = services.create_user(
            self.request.user,
            username=data["username"],
            full_name=data["full_name"],
            email=data["email"],
            password=data["password"] or None,
            unit=self.unit,
            role=data["role"],
            wards=list(data["wards"]),
        )
        messages.success(
            self.request, _("Đã tạo người dùng %(user)s.") % {"user": user.get_username()}
        )
        return unit_url(self.unit)


@login_required
@require_POST
def revoke(request, pk):
    assignment = scoped_get(
        request.user, Assignment.objects.select_related("unit", "user"), editable=True, pk=pk
    )
    services.revoke_assignment(request.user, assignment)
    messages.success(
        request, _("Đã thu hồi phân công của %(user)s.") % {"user": assignment.user.get_username()}
    )
    if assignment.unit is not None:
        return redirect(unit_url(assignment.unit))
    return redirect("home")


# --- History -------------------------------------------------------------------------------


def _describe_unit(record, name_of):
    return _("Đơn vị %(name)s") % {"name": record.name}


def _describe_assignment(record, name_of):
    return _("Phân công: %(user)s — %(role)s") % {
        "user": name_of(get_user_model(), record.user_id),
        "role": ROLE_LABELS.get(record.role, record.role),
    }


def _describe_user(record, name_of):
    return _("Tài khoản %(username)s") % {"username": record.username}


@login_required
def unit_history(request, code):
    """Who changed what on this unit (and, for its admins, on its assignments), newest first."""
    user = request.user
    unit = scoped_get(user, Unit.objects.select_related("kind"), code=code)
    known = visible_units(user, unit.ancestor_ids[:-1])
    sources = [(Unit.history.filter(id=unit.pk), _describe_unit)]
    can_admin = holds_role_over(user, ADMIN_ROLES, unit)
    if can_admin:
        sources.append((Assignment.history.filter(unit_id=unit.pk), _describe_assignment))
    page = history_page(request, sources)
    return render(
        request,
        "org/history.html",
        {
            "unit": unit,
            "crumbs": breadcrumb(unit, known),
            "page_obj": page,
            "can_admin": can_admin,
            "subject": unit.name,
        },
    )


@login_required
def user_history(request, username):
    """A person's account and role changes, for an admin of a unit where they hold a role."""
    user = request.user
    reachable = Assignment.objects.editable_by(user)
    person = get_object_or_404(
        get_user_model().objects.filter(pk__in=reachable.values("user_id")), username=username
    )
    sources = [
        (get_user_model().history.filter(id=person.pk), _describe_user),
        (
            Assignment.history.filter(
                user_id=person.pk, unit_id__in=Unit.objects.administered_by(user).values("pk")
            ),
            _describe_assignment,
        ),
    ]
    page = history_page(request, sources)
    return render(
        request,
        "org/history.html",
        {
            "person": person,
            "page_obj": page,
            "subject": f"{person.last_name} {person.first_name}".strip() or person.get_username(),
        },
    )
