"""Pages of the groups app: the group list with its figures, a group's page (roster over
time, boarding houses, cameras, activities, history), the forms, and the ward map."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from binhyen.activities.models import Activity
from binhyen.core import periods
from binhyen.core.bounds import parse_id
from binhyen.core.views import ScopedListView, ServiceFormView, history_page, paginate, scoped_get
from binhyen.figures import registry
from binhyen.ops.imports import job_of, result_of
from binhyen.org.models import Area, AreaLevel, Unit
from binhyen.org.scoping import VIEW_ROLES, figure_scope, may_record, scope_of

from . import excel, services, stats, tasks
from .forms import (
    CameraForm,
    CameraStateForm,
    CoverageEndForm,
    GroupForm,
    HouseForm,
    MemberForm,
)
from .models import (
    BoardingHouse,
    BoardingHouseCoverage,
    Camera,
    CameraStateKind,
    Group,
    GroupKind,
    GroupMember,
    MemberRole,
)
from .privacy import revealed_groups, revealed_houses, shown

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y")
ROLE_ORDER = Case(
    When(role=MemberRole.LEADER, then=Value(0)),
    When(role=MemberRole.DEPUTY, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
PERSONAL_LABELS = {
    capfirst(GroupMember._meta.get_field("phone").verbose_name),
    capfirst(GroupMember._meta.get_field("id_number").verbose_name),
    capfirst(BoardingHouse._meta.get_field("landlord_phone").verbose_name),
}


def parse_day(value):
    """A date typed as dd/mm/yyyy (or yyyy-mm-dd); None when empty, ValueError when wrong."""
    value = (value or "").strip()
    if not value:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def _day_param(request, errors, name="ngay"):
    try:
        return parse_day(request.GET.get(name))
    except ValueError:
        errors.append(
            _("Ngày “%(v)s” không đúng dạng dd/mm/yyyy; đang dùng ngày hôm nay.")
            % {"v": request.GET.get(name)}
        )
        return None


def default_unit(user):
    """The unit a page's figures start from: the top of the reader's scope."""
    scope = scope_of(user, VIEW_ROLES)
    if scope.everything:
        return Unit.objects.filter(parent__isnull=True).order_by("path").first()
    if scope.paths:
        return Unit.objects.filter(path=scope.paths[0]).first()
    return None


def _chosen_unit(request, errors):
    code = request.GET.get("unit", "").strip()
    if not code:
        return None
    unit = Unit.objects.visible_to(request.user).filter(code=code).first()
    if unit is None:
        errors.append(_("Không tìm thấy đơn vị “%(code)s” trong phạm vi của bạn.") % {"code": code})
    return unit


def _unit_options(user):
    # Grassroots unions are too many to list; a grassroots code still works through the URL.
    return (
        Unit.objects.visible_to(user)
        .filter(kind__is_grassroots=False)
        .only("pk", "code", "name", "valid_to")
        .order_by("path")
    )


def _group_activities(user, group):
    """The latest activities the group organised (an activity names its organising group)."""
    return list(
        Activity.objects.visible_to(user)
        .filter(group=group)
        .select_related("kind")
        .order_by("-date", "-id")[:20]
    )


# --- list --------------------------------------------------------------------------------


class GroupListView(ScopedListView):
    """Groups the reader may see, filtered by unit subtree, kind, ward, date and search words,
    with "N tổ với M thành viên, hoạt động tại K phường, xã" for the unit and date."""

    model = Group
    template_name = "groups/group_list.html"
    partial_template_name = "groups/_group_results.html"
    htmx_target = "group-results"
    ordering = ["ward__name", "name", "id"]

    def filter_queryset(self, queryset):
        params = self.request.GET
        self.errors = []
        self.unit = _chosen_unit(self.request, self.errors)
        self.day = _day_param(self.request, self.errors)
        self.kind = params.get("kind", "")
        self.ward = params.get("ward", "")
        self.q = params.get("q", "").strip()
        if self.errors and self.unit is None and params.get("unit"):
            return queryset.none()
        if self.unit is not None:
            queryset = queryset.filter(unit__path__startswith=self.unit.path)
        if self.kind:
            queryset = queryset.filter(kind__code=self.kind)
        if self.ward:
            # an id no bigint can hold (or not an id at all) is a ward with no groups
            queryset = queryset.filter(ward_id=parse_id(self.ward) or 0)
        if self.day:
            queryset = queryset.active_on(self.day)
        if self.q:
            queryset = queryset.search(self.q)
        return stats.groups_with_figures(queryset, self.day or periods.today())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        day = self.day or periods.today()
        # a unit asked for but not found gives no panel: never the whole scope's figures instead
        asked = bool(self.request.GET.get("unit", "").strip())
        panel_unit = self.unit or (None if asked else default_unit(user))
        panel = None
        if panel_unit is not None:
            panel = stats.headline(
                panel_unit, day, self.kind or None, scope=figure_scope(user, panel_unit)
            )
            panel.update(unit=panel_unit, day=day)
        context.update(
            errors=self.errors,
            unit=self.unit,
            day=self.day,
            kind=self.kind,
            ward=self.ward,
            q=self.q,
            panel=panel,
            today=periods.today(),
            filtered=bool(self.unit or self.day or self.kind or self.ward or self.q),
            can_add=may_record(user),
        )
        if not self.request.htmx:
            visible = Group.objects.visible_to(user)
            context.update(
                kinds=GroupKind.objects.all(),
                units=_unit_options(user),
                wards=Area.objects.filter(pk__in=visible.values("ward")).order_by("name"),
            )
        return context


# --- a group's page ------------------------------------------------------------------------


@login_required
def group_detail(request, pk):
    user = request.user
    group = scoped_get(
        user, Group.objects.select_related("kind", "unit", "ward", "legacy_ward"), pk=pk
    )
    can_edit = bool(revealed_groups(user, [group]))
    errors = []
    day = _day_param(request, errors) or periods.today()
    show_all = request.GET.get("tat_ca") == "1"
    members = group.members.select_related("workplace_unit").annotate(role_order=ROLE_ORDER)
    roster_qs = members if show_all else members.active_on(day)
    roster = paginate(request, roster_qs.order_by("role_order", "full_name", "id"))
    for m in roster.object_list:
        m.phone_shown = shown(m.phone, can_edit)
        m.id_shown = shown(m.id_number, can_edit)
        m.active = m.is_active_on(day)
    coverages = list(group.coverages.select_related("house__ward").order_by("end", "-start"))
    for c in coverages:
        c.phone_shown = shown(c.house.landlord_phone, can_edit)
        c.current = c.end is None or c.end > periods.today()
    cameras = list(group.cameras.with_state_on(periods.today()).select_related("ward"))
    return render(
        request,
        "groups/group_detail.html",
        {
            "group": group,
            "can_edit": can_edit,
            "errors": errors,
            "day": day,
            "show_all": show_all,
            "roster": roster,
            "ever": group.members.count(),
            "coverages": coverages,
            "cameras": cameras,
            "activities": _group_activities(user, group),
            "active": group.is_active_on(periods.today()),
            "today": periods.today(),
        },
    )


def _describe_group(record, name_of):
    return _("Tổ %(name)s") % {"name": record.name}


def _describe_member(record, name_of):
    return _("Thành viên %(name)s") % {"name": record.full_name}


def _describe_coverage(record, name_of):
    return _("Phụ trách nhà trọ %(house)s") % {"house": name_of(BoardingHouse, record.house_id)}


@login_required
def group_history(request, pk):
    user = request.user
    group = scoped_get(user, Group.objects.select_related("unit"), pk=pk)
    can_edit = bool(revealed_groups(user, [group]))
    page = history_page(
        request,
        [
            (Group.history.filter(id=group.pk), _describe_group),
            (GroupMember.history.filter(group_id=group.pk), _describe_member),
            (BoardingHouseCoverage.history.filter(group_id=group.pk), _describe_coverage),
        ],
    )
    if not can_edit:
        for entry in page.object_list:
            entry.changes = [
                (
                    label,
                    shown(before, False) if before != "—" else before,
                    shown(after, False) if after != "—" else after,
                )
                if label in PERSONAL_LABELS
                else (label, before, after)
                for label, before, after in entry.changes
            ]
    return render(
        request, "groups/history.html", {"group": group, "parent_group": group, "page_obj": page}
    )


# --- forms ---------------------------------------------------------------------------------


class GroupFormPage(ServiceFormView):
    template_name = "groups/form.html"
    title = ""
    submit_label = gettext_lazy("Lưu")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.title,
            submit_label=self.submit_label,
            cancel_url=self.cancel_url(),
            subject=self.subject(),
            parent_group=self.parent_group(),
        )
        return context

    def cancel_url(self):
        return reverse("groups:list")

    def parent_group(self):
        return None

    def subject(self):
        return ""


class GroupCreateView(GroupFormPage):
    form_class = GroupForm
    title = gettext_lazy("Đăng ký tổ, mô hình")
    submit_label = gettext_lazy("Đăng ký")
    success_message = gettext_lazy("Đã đăng ký tổ, mô hình.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        unit = None
        code = self.request.GET.get("unit")
        if code:
            unit = Unit.objects.recordable_by(self.request.user).filter(code=code).first()
        kwargs.update(user=self.request.user, unit=unit)
        return kwargs

    def perform(self, form):
        return services.create_group(
            self.request.user, unit=form.cleaned_data["unit"], **form.group_fields()
        )


class GroupContextMixin:
    editable = True

    @cached_property
    def group(self):
        return scoped_get(
            self.request.user,
            Group.objects.select_related("unit", "kind", "ward"),
            editable=self.editable,
            pk=self.kwargs["pk"],
        )

    def cancel_url(self):
        return self.group.get_absolute_url()

    def subject(self):
        return self.group.name

    def parent_group(self):
        return self.group


class GroupEditView(GroupContextMixin, GroupFormPage):
    form_class = GroupForm
    title = gettext_lazy("Sửa thông tin tổ, mô hình")
    success_message = gettext_lazy("Đã lưu thay đổi.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, instance=self.group)
        return kwargs

    def perform(self, form):
        return services.update_group(self.request.user, self.group, **form.group_fields())


@login_required
@require_POST
def group_delete(request, pk):
    group = scoped_get(request.user, Group, editable=True, pk=pk)
    services.delete_group(request.user, group)
    messages.success(
        request,
        _("Đã xoá %(name)s khỏi danh sách (bản ghi vẫn được lưu để đối chiếu).")
        % {"name": group.name},
    )
    return redirect("groups:list")


@login_required
def ward_options(request):
    """The <option>s of the ward select for the unit just chosen (htmx)."""
    form = GroupForm(data=request.GET, user=request.user)
    return render(request, "groups/_ward_options.html", {"field": form["ward"]})


class MemberAddView(GroupContextMixin, GroupFormPage):
    form_class = MemberForm
    title = gettext_lazy("Thêm thành viên")
    submit_label = gettext_lazy("Thêm thành viên")
    success_message = gettext_lazy("Đã thêm thành viên.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user)
        return kwargs

    def perform(self, form):
        services.add_member(self.request.user, self.group, **form.cleaned_data)
        return self.group


class MemberEditView(GroupFormPage):
    form_class = MemberForm
    title = gettext_lazy("Sửa thông tin thành viên")
    success_message = gettext_lazy("Đã lưu thay đổi.")

    @cached_property
    def member(self):
        return scoped_get(
            self.request.user,
            GroupMember.objects.select_related("group", "workplace_unit"),
            editable=True,
            pk=self.kwargs["pk"],
        )

    def cancel_url(self):
        return self.member.group.get_absolute_url()

    def parent_group(self):
        return self.member.group

    def subject(self):
        return f"{self.member.full_name} · {self.member.group.name}"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, instance=self.member)
        return kwargs

    def perform(self, form):
        services.update_member(self.request.user, self.member, **form.cleaned_data)
        return self.member.group


# --- boarding houses -----------------------------------------------------------------------


class HouseListView(ScopedListView):
    model = BoardingHouse
    template_name = "groups/house_list.html"
    ordering = ["ward__name", "address", "id"]

    def filter_queryset(self, queryset):
        self.q = self.request.GET.get("q", "").strip()
        if self.q:
            queryset = queryset.search(self.q)
        return queryset.select_related("ward", "unit")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        houses = context["object_list"]
        reveal = revealed_houses(self.request.user, houses)
        today = periods.today()
        covering = {
            c.house_id: c.group
            for c in BoardingHouseCoverage.objects.active_on(today)
            .filter(house__in=houses)
            .select_related("group")
        }
        for h in houses:
            h.phone_shown = shown(h.landlord_phone, h.pk in reveal)
            h.can_edit = h.pk in reveal
            h.group_now = covering.get(h.pk)
        context.update(q=self.q)
        return context


class HouseCreateView(GroupContextMixin, GroupFormPage):
    """A boarding house registered from its group's page, covered by the group from then."""

    form_class = HouseForm
    title = gettext_lazy("Thêm nhà trọ do tổ phụ trách")
    success_message = gettext_lazy("Đã thêm nhà trọ.")
    error_fields = {"start": "coverage_start"}  # the coverage's start, as cover_house names it

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(unit=self.group.unit, with_coverage=True)
        kwargs.setdefault("initial", {})["ward"] = self.group.ward_id
        return kwargs

    def perform(self, form):
        data = dict(form.cleaned_data)
        start = data.pop("coverage_start") or self.group.founded
        services.create_boarding_house(
            self.request.user, unit=self.group.unit, group=self.group, coverage_start=start, **data
        )
        return self.group


class HouseEditView(GroupFormPage):
    form_class = HouseForm
    title = gettext_lazy("Sửa thông tin nhà trọ")
    success_message = gettext_lazy("Đã lưu thay đổi.")

    @cached_property
    def house(self):
        return scoped_get(
            self.request.user,
            BoardingHouse.objects.select_related("unit"),
            editable=True,
            pk=self.kwargs["pk"],
        )

    def cancel_url(self):
        return reverse("groups:houses")

    def subject(self):
        return str(self.house)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(unit=self.house.unit, instance=self.house)
        return kwargs

    def perform(self, form):
        services.update_boarding_house(self.request.user, self.house, **form.cleaned_data)
        return reverse("groups:houses")


class CoverageEndView(GroupFormPage):
    form_class = CoverageEndForm
    title = gettext_lazy("Thôi phụ trách nhà trọ")
    submit_label = gettext_lazy("Lưu ngày thôi phụ trách")

    @cached_property
    def coverage(self):
        return scoped_get(
            self.request.user,
            BoardingHouseCoverage.objects.select_related("group", "house"),
            editable=True,
            pk=self.kwargs["pk"],
        )

    def cancel_url(self):
        return self.coverage.group.get_absolute_url()

    def parent_group(self):
        return self.coverage.group

    def subject(self):
        return f"{self.coverage.house} · {self.coverage.group.name}"

    def perform(self, form):
        services.end_coverage(self.request.user, self.coverage, form.cleaned_data["end"])
        return self.coverage.group


# --- cameras -------------------------------------------------------------------------------


class CameraListView(ScopedListView):
    model = Camera
    template_name = "groups/camera_list.html"
    ordering = ["ward__name", "place", "id"]

    def filter_queryset(self, queryset):
        self.q = self.request.GET.get("q", "").strip()
        if self.q:
            queryset = queryset.search(self.q)
        return queryset.with_state_on(periods.today()).select_related("ward", "unit", "group")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        editable = set(
            Camera.objects.editable_by(self.request.user)
            .filter(pk__in=[c.pk for c in context["object_list"]])
            .values_list("pk", flat=True)
        )
        for camera in context["object_list"]:
            camera.can_edit = camera.pk in editable
        context.update(q=self.q, states=dict(CameraStateKind.choices))
        return context


class CameraCreateView(GroupFormPage):
    form_class = CameraForm
    title = gettext_lazy("Thêm điểm camera an ninh")
    submit_label = gettext_lazy("Thêm camera")
    success_message = gettext_lazy("Đã thêm điểm camera.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        group = None
        if pk := parse_id(self.request.GET.get("group")):
            group = Group.objects.editable_by(self.request.user).filter(pk=pk).first()
        kwargs.update(user=self.request.user, group=group, unit=group.unit if group else None)
        return kwargs

    def cancel_url(self):
        return reverse("groups:cameras")

    def perform(self, form):
        data = dict(form.cleaned_data)
        unit = data.pop("unit")
        camera = services.create_camera(self.request.user, unit=unit, **data)
        return camera.group.get_absolute_url() if camera.group_id else reverse("groups:cameras")


class CameraEditView(GroupFormPage):
    form_class = CameraForm
    title = gettext_lazy("Sửa điểm camera")
    success_message = gettext_lazy("Đã lưu thay đổi.")

    @cached_property
    def camera(self):
        return scoped_get(
            self.request.user,
            Camera.objects.select_related("unit", "ward"),
            editable=True,
            pk=self.kwargs["pk"],
        )

    def cancel_url(self):
        return reverse("groups:cameras")

    def subject(self):
        return self.camera.place

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, instance=self.camera)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["states"] = self.camera.states.order_by("since", "id")
        context["state_url"] = reverse("groups:camera_state", args=[self.camera.pk])
        return context

    def perform(self, form):
        data = dict(form.cleaned_data)
        data.pop("unit", None)
        services.update_camera(self.request.user, self.camera, **data)
        return reverse("groups:cameras")


class CameraStateView(CameraEditView):
    form_class = CameraStateForm
    title = gettext_lazy("Ghi tình trạng camera")
    submit_label = gettext_lazy("Ghi tình trạng")
    success_message = gettext_lazy("Đã ghi tình trạng camera.")

    def get_form_kwargs(self):
        return super(CameraEditView, self).get_form_kwargs()

    def cancel_url(self):
        return reverse("groups:camera_edit", args=[self.camera.pk])

    def perform(self, form):
        data = form.cleaned_data
        services.set_camera_state(
            self.request.user, self.camera, data["state"], data["since"], data["note"]
        )
        return reverse("groups:camera_edit", args=[self.camera.pk])


# --- Excel: templates, exports, import ------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data, filename):
    response = HttpResponse(data.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def export_groups(request):
    """The group list as filtered on the page, as an .xlsx (no personal data in it)."""
    view = GroupListView()
    view.setup(request)
    groups = view.filter_queryset(view.base_queryset()).order_by("ward__name", "name", "id")
    return _xlsx(excel.export_groups(request.user, groups), "to-mo-hinh.xlsx")


@login_required
def export_members(request, pk):
    """A group's roster as an .xlsx. Phones and ID numbers only with ?ca_nhan=1 and only for
    the managing unit's editors; the file says whether they are in it."""
    group = scoped_get(request.user, Group, pk=pk)
    errors = []
    day = _day_param(request, errors) or periods.today()
    members = group.members.order_by("joined", "full_name", "id")
    if request.GET.get("tat_ca") != "1":
        members = members.active_on(day)
    data, _personal = excel.export_members(
        request.user, group, members, personal=request.GET.get("ca_nhan") == "1"
    )
    return _xlsx(data, f"thanh-vien-{group.code or group.pk}.xlsx")


@login_required
def import_template(request, sheet):
    if sheet not in excel.SPECS or not may_record(request.user):
        raise Http404
    return _xlsx(excel.template_workbook(request.user, sheet), f"mau-nhap-{sheet}.xlsx")


@login_required
def import_page(request):
    """Upload a filled template: checked whole and imported whole or not at all, as a
    background job (tasks.py) the page then follows (`?job=N`: progress, then the result)."""
    if not may_record(request.user):
        raise Http404
    job = None
    sheet = request.POST.get("sheet") or request.GET.get("sheet") or excel.GROUPS
    if sheet not in excel.SPECS:
        sheet = excel.GROUPS
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Hãy chọn tệp Excel (.xlsx) để nhập."))
        else:
            try:
                job = tasks.start_import(
                    request.user, sheet, upload, dry_run=request.POST.get("dry_run") == "1"
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                return redirect(f"{reverse('groups:import')}?sheet={sheet}&job={job.pk}")
    elif "job" in request.GET:
        job = job_of(request.user, tasks.KIND, request.GET["job"])
    context = {
        "sheet": sheet,
        "sheets": excel.TITLES,
        "job": job,
        "result": result_of(job) if job is not None and job.finished else None,
        "what": str(excel.TITLES.get(job.params.get("sheet"), "")).lower() if job else "",
    }
    htmx = getattr(request, "htmx", None)
    if job is not None and htmx and not htmx.boosted:
        return render(request, "groups/_import_job.html", context)
    return render(request, "groups/import.html", context)


# --- the ward map --------------------------------------------------------------------------

MAP_WIDTH = 860
MAP_PADDING = 24
# Five shades of blue, light to dark, for the number of groups in a ward (share of the top).
MAP_SHADES = ("#cfe2ff", "#9ec5fe", "#6ea8fe", "#3d8bfd", "#0a58ca")


def _project(points, width=MAP_WIDTH, pad=MAP_PADDING):
    """Equirectangular projection of (lat, lng) points into an SVG box; returns (project, height)."""
    import math

    lats = [p[0] for p in points]
    lngs = [p[1] for p in points]
    lat0, lat1, lng0, lng1 = min(lats), max(lats), min(lngs), max(lngs)
    squeeze = math.cos(math.radians((lat0 + lat1) / 2))
    span_x = max((lng1 - lng0) * squeeze, 1e-3)
    span_y = max(lat1 - lat0, 1e-3)
    scale = (width - 2 * pad) / span_x
    height = int(span_y * scale + 2 * pad)
    if height > width * 1.3:  # a tall province: fit the height instead
        scale = (width * 1.3 - 2 * pad) / span_y
        height = int(width * 1.3)

    def project(lat, lng):
        return round(pad + (lng - lng0) * squeeze * scale, 1), round(pad + (lat1 - lat) * scale, 1)

    return project, height


def _map_window(wards, focus):
    """The box drawn: around the (lat, lng) points with data (padded), else around all the
    province's wards; wards outside it (islands far off the coast) are left out and counted."""
    source = focus or [(w.latitude, w.longitude) for w in wards]
    lats = sorted(p[0] for p in source)
    lngs = sorted(p[1] for p in source)
    pad_lat = max((lats[-1] - lats[0]) * 0.12, 0.02)
    pad_lng = max((lngs[-1] - lngs[0]) * 0.12, 0.02)
    box = (lats[0] - pad_lat, lats[-1] + pad_lat, lngs[0] - pad_lng, lngs[-1] + pad_lng)
    inside = [
        w for w in wards if box[0] <= w.latitude <= box[1] and box[2] <= w.longitude <= box[3]
    ]
    return inside, len(wards) - len(inside)


@login_required
def ward_map(request):
    """Wards of the chosen unit's province with the unit's active groups and cameras, as an SVG
    drawn from the ward centroids the app holds (no tiles, nothing from the internet)."""
    import math

    user = request.user
    errors = []
    unit = _chosen_unit(request, errors) or default_unit(user)
    day = _day_param(request, errors) or periods.today()
    province = services.unit_province(unit) if unit is not None else None
    if unit is not None and province is None:
        # The root has no province: show its first province-level unit instead.
        unit = (
            Unit.objects.visible_to(user)
            .filter(depth=2, province__isnull=False)
            .order_by("path")
            .first()
        )
        province = services.unit_province(unit) if unit else None
    context = {
        "errors": errors,
        "unit": unit,
        "day": day,
        "province": province,
        "units": _unit_options(user),
        "today": periods.today(),
    }
    if province is None:
        return render(request, "groups/ward_map.html", context)
    wards = list(
        Area.objects.filter(level=AreaLevel.WARD, province=province, latitude__isnull=False)
        .only("pk", "code", "name", "latitude", "longitude")
        .order_by("name")
    )
    scope = figure_scope(user, unit)  # a police liaison: the groups and cameras of their wards
    counts = stats.ward_counts(unit, day, province, scope=scope)
    # the figures by ward other apps add (incidents since the year's start): registry layers,
    # since this app sits below them
    layers = [
        (layer, layer.counts(unit, day.replace(month=1, day=1), day, scope))
        for layer in registry.ward_layers()
    ]
    marked = {pk for _layer, values in layers for pk, v in values.items() if v}
    cameras = list(
        scope.restrict(Camera.objects.visible_to(user))
        .filter(
            unit__path__startswith=unit.path,
            ward__province=province,
            installed__lte=day,
            latitude__isnull=False,
        )
        .with_state_on(day)
        .exclude(state_on=CameraStateKind.REMOVED)
        .only("pk", "place", "latitude", "longitude", "ward_id")[:5000]
    )
    focus = [(w.latitude, w.longitude) for w in wards if w.pk in counts or w.pk in marked]
    focus += [(c.latitude, c.longitude) for c in cameras]
    drawn, outside = _map_window(wards, focus) if wards else ([], 0)
    if drawn:
        pts = [(w.latitude, w.longitude) for w in drawn]
        project, height = _project(pts)
        top = max(counts.values(), default=1)
        for w in drawn:
            w.x, w.y = project(w.latitude, w.longitude)
            w.n_groups = counts.get(w.pk, 0)
            share = w.n_groups / top
            w.r = round(5 + 9 * math.sqrt(share), 1) if w.n_groups else 2.5
            w.fill = MAP_SHADES[min(int(share * len(MAP_SHADES)), len(MAP_SHADES) - 1)]
            w.marks = [(layer.label, values[w.pk]) for layer, values in layers if values.get(w.pk)]
            w.ring = round(w.r + 3, 1)
        # Name the busiest wards on the map itself; the table beside it names them all.
        for w in sorted((w for w in drawn if w.n_groups), key=lambda w: -w.n_groups)[:6]:
            w.label = w.name
        box = (min(w.latitude for w in drawn), max(w.latitude for w in drawn))
        shown_cameras = []
        for c in cameras:
            if box[0] - 0.05 <= c.latitude <= box[1] + 0.05:
                c.x, c.y = project(c.latitude, c.longitude)
                if 0 <= c.x <= MAP_WIDTH and 0 <= c.y <= height:
                    c.working = c.state_on == CameraStateKind.WORKING
                    shown_cameras.append(c)
        context.update(
            width=MAP_WIDTH, height=height, cameras=shown_cameras, shades=MAP_SHADES, top=top
        )
    panel = stats.headline(unit, day, scope=scope)
    panel.update(unit=unit, day=day)
    table = sorted(
        (w for w in wards if w.pk in counts or w.pk in marked),
        key=lambda w: (-counts.get(w.pk, 0), w.name),
    )
    for w in table:
        w.n_groups = counts.get(w.pk, 0)
        w.layer_values = [values.get(w.pk, 0) for _layer, values in layers]
    context.update(
        drawn=drawn,
        outside=outside,
        panel=panel,
        table=table,
        wards_total=len(wards),
        layers=[layer for layer, _values in layers],
        cameras_total=len(cameras),
        cameras_working=sum(1 for c in cameras if c.state_on == CameraStateKind.WORKING),
    )
    return render(request, "groups/ward_map.html", context)
