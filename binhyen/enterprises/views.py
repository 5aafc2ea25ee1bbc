"""Pages of the enterprises app: the list (search without accents by name or MST, filters by
ownership, industry, ward and union, totals), an enterprise's page, the forms, the picker's
search fragment, and the Excel template, export and import.

The incidents that name an enterprise are the incidents app's to list (it sits above this one):
the enterprise page links to the incidents list filtered by `?enterprise=<pk>`."""

import tempfile
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binhyen.core import periods
from binhyen.core.bounds import parse_id
from binhyen.core.text import format_number
from binhyen.core.views import ScopedListView, ServiceFormView, history_page, scoped_get
from binhyen.ops.imports import job_of, result_of
from binhyen.org.models import Area, AreaLevel
from binhyen.org.scoping import may_record

from . import excel, services, tasks
from .forms import EnterpriseForm, ImportForm
from .models import Enterprise, Industry, Ownership

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SEARCH_LIMIT = 20


@dataclass
class Filters:
    q: str = ""
    ownership: Ownership | None = None
    industry: Industry | None = None
    ward: Area | None = None
    union: str = ""  # "co": has a union, "khong": none

    def describe(self):
        """(label, value) pairs of the filters in force, for an export's summary sheet."""
        rows = []
        if self.q:
            rows.append((_("Tìm"), self.q))
        if self.ownership:
            rows.append((_("Loại hình sở hữu"), self.ownership.name))
        if self.industry:
            rows.append((_("Ngành nghề"), self.industry.name))
        if self.ward:
            rows.append((_("Phường, xã"), self.ward.name))
        if self.union:
            rows.append(
                (
                    _("Công đoàn"),
                    _("Đã có công đoàn") if self.union == "co" else _("Chưa có công đoàn"),
                )
            )
        return rows


def parse_filters(params):
    """The list's filters from a query string; unknown values are ignored (a stale link still
    shows a list). `ownership`/`industry` are codes, `ward` a ward's id or code."""
    f = Filters(q=(params.get("q") or "").strip()[:200])
    code = params.get("so_huu")
    if code:
        f.ownership = Ownership.objects.filter(code=code).first()
    code = params.get("nganh")
    if code:
        f.industry = Industry.objects.filter(code=code).first()
    ward = (params.get("phuong") or "").strip()
    if ward:
        wards = Area.objects.filter(level=AreaLevel.WARD)
        pk = parse_id(ward)
        f.ward = (wards.filter(pk=pk).first() if pk else None) or wards.filter(code=ward).first()
    if params.get("cong_doan") in ("co", "khong"):
        f.union = params["cong_doan"]
    return f


def apply_filters(queryset, f):
    if f.q:
        queryset = queryset.search(f.q)
    if f.ownership:
        queryset = queryset.filter(ownership=f.ownership)
    if f.industry:
        queryset = queryset.filter(industry=f.industry)
    if f.ward:
        queryset = queryset.filter(ward=f.ward)
    if f.union:
        queryset = queryset.filter(union__isnull=f.union == "khong")
    return queryset


def totals(queryset):
    """Count, workforce, FDI and no-union counts of the filtered set, in one query."""
    found = queryset.order_by().aggregate(
        count=Count("pk"),
        workforce=Sum("workforce"),
        fdi=Count("pk", filter=Q(ownership__code=Ownership.FDI)),
        no_union=Count("pk", filter=Q(union__isnull=True)),
    )
    found["workforce"] = found["workforce"] or 0
    return found


def incidents_url(enterprise):
    """The incidents list filtered by this enterprise (served by the incidents app)."""
    try:
        base = reverse("incidents:list")
    except NoReverseMatch:
        base = "/vu-viec/"
    return f"{base}?enterprise={enterprise.pk}"


class EnterpriseListView(ScopedListView):
    model = Enterprise
    template_name = "enterprises/enterprise_list.html"
    partial_template_name = "enterprises/_results.html"
    htmx_target = "enterprise-results"

    def get_ordering(self):
        return ["name", "id"]

    def filter_queryset(self, queryset):
        self.filters = parse_filters(self.request.GET)
        filtered = apply_filters(queryset, self.filters)
        self.totals = totals(filtered)
        return filtered.select_related("ownership", "industry", "ward", "union")

    def paginate_queryset(self, queryset, page_size):
        paginator, page, rows, more = super().paginate_queryset(queryset, page_size)
        paginator.count = self.totals["count"]  # already counted by the aggregate
        return paginator, page, rows, more

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            f=self.filters,
            totals=self.totals,
            ownerships=Ownership.objects.all(),
            industries=Industry.objects.all(),
            can_record=may_record(self.request.user),
            query=self.request.GET.urlencode(),
        )
        return context


@login_required
def enterprise_history(request, pk):
    """Who changed the enterprise's facts, when, from what to what."""
    enterprise = scoped_get(request.user, Enterprise.objects.all(), pk=pk)
    page = history_page(
        request,
        [(Enterprise.history.filter(id=enterprise.pk), lambda r, _n: r.name)],
    )
    return render(request, "enterprises/history.html", {"enterprise": enterprise, "page_obj": page})


@login_required
def detail(request, pk):
    enterprise = scoped_get(
        request.user,
        Enterprise.objects.select_related(
            "ownership", "industry", "ward__province", "union", "unit"
        ),
        pk=pk,
    )
    can_edit = Enterprise.objects.editable_by(request.user).filter(pk=pk).exists()
    return render(
        request,
        "enterprises/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "can_edit": can_edit,
            "cases_url": incidents_url(enterprise),
        },
    )


class EnterpriseFormPage(ServiceFormView):
    form_class = EnterpriseForm
    template_name = "enterprises/enterprise_form.html"
    title = ""
    submit_label = gettext_lazy("Lưu")
    error_fields = {"union": "union_code"}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, instance=self.instance)
        return kwargs

    instance = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.title,
            submit_label=self.submit_label,
            enterprise=self.instance,
            cancel_url=(
                self.instance.get_absolute_url() if self.instance else reverse("enterprises:list")
            ),
        )
        return context


class EnterpriseCreateView(EnterpriseFormPage):
    title = gettext_lazy("Thêm doanh nghiệp")
    submit_label = gettext_lazy("Thêm doanh nghiệp")
    success_message = gettext_lazy("Đã thêm doanh nghiệp.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_record(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        return services.create_enterprise(self.request.user, **form.service_fields())


class EnterpriseEditView(EnterpriseFormPage):
    title = gettext_lazy("Sửa thông tin doanh nghiệp")
    success_message = gettext_lazy("Đã lưu thông tin doanh nghiệp.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.instance = scoped_get(
                request.user,
                Enterprise.objects.select_related("unit", "union"),
                editable=True,
                pk=kwargs["pk"],
            )
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        fields = form.service_fields()
        return services.update_enterprise(self.request.user, self.instance, **fields)


@login_required
def delete(request, pk):
    enterprise = scoped_get(request.user, Enterprise, editable=True, pk=pk)
    error = None
    if request.method == "POST":
        try:
            services.delete_enterprise(request.user, enterprise)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("Đã xóa doanh nghiệp “%(n)s”. Các vụ việc đã ghi vẫn giữ tên doanh nghiệp.")
                % {"n": enterprise.name},
            )
            return redirect("enterprises:list")
    return render(
        request, "enterprises/enterprise_delete.html", {"enterprise": enterprise, "error": error}
    )


@login_required
def search(request):
    """The enterprise picker's search (the incident form): up to 20 enterprises the reader
    sees whose name, MST or address holds every word of `q`, accents ignored. HTML <option>s
    (value: the id) by default; `?format=json` gives {"results": [{id, name, tax_code, ward,
    address, workforce}]}."""
    q = (request.GET.get("q") or "").strip()[:200]
    found = []
    if q:
        found = list(
            Enterprise.objects.visible_to(request.user)
            .search(q)
            .select_related("ward")
            .order_by("name", "id")[:SEARCH_LIMIT]
        )
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "results": [
                    {
                        "id": e.pk,
                        "name": e.name,
                        "tax_code": e.tax_code,
                        "ward": e.ward.name,
                        "address": e.address,
                        "workforce": e.workforce,
                    }
                    for e in found
                ]
            },
            json_dumps_params={"ensure_ascii": False},
        )
    return render(request, "enterprises/_search_options.html", {"found": found, "q": q})


# --- spreadsheets ------------------------------------------------------------------------------


@login_required
def export(request):
    """Exactly the filtered list of the page, as an Excel file the import accepts back."""
    f = parse_filters(request.GET)
    queryset = apply_filters(Enterprise.objects.visible_to(request.user), f).order_by("name", "id")
    found = totals(queryset)
    summary = [
        (_("Xuất lúc"), timezone.localtime().strftime("%d/%m/%Y %H:%M")),
        (_("Người xuất"), request.user.get_username()),
        *f.describe(),
        (_("Số doanh nghiệp"), format_number(found["count"])),
        (_("Tổng số lao động"), format_number(found["workforce"])),
    ]
    out = tempfile.TemporaryFile()
    excel.export_workbook(request.user, queryset, out=out, summary=summary)
    out.seek(0)
    name = f"doanh-nghiep-{periods.today():%Y%m%d}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX)


@login_required
def template(request):
    if not may_record(request.user):
        raise Http404
    out = tempfile.TemporaryFile()
    excel.template_workbook(request.user, out=out)
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename="mau-nhap-doanh-nghiep.xlsx", content_type=XLSX
    )


@login_required
def import_page(request):
    """Upload a filled template: checked whole and imported whole or not at all, as a
    background job (tasks.py) the page then follows (`?job=N`: progress, then the result)."""
    return import_job_page(
        request, tasks, "enterprises:import", "enterprises:list", "enterprises/import.html"
    )


def import_job_page(request, jobs, url_name, list_url_name, template):
    """An import page for any app whose `jobs` module has `start_import(user, file, dry_run)`
    and `KIND`: the upload starts the job, `?job=N` follows it, htmx polls its partial."""
    if not may_record(request.user):
        raise Http404
    job = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = jobs.start_import(
                    request.user, form.cleaned_data["file"], dry_run=form.cleaned_data["dry_run"]
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                return redirect(f"{reverse(url_name)}?job={job.pk}")
    else:
        form = ImportForm()
        if "job" in request.GET:
            job = job_of(request.user, jobs.KIND, request.GET["job"])
    context = {
        "form": form,
        "job": job,
        "result": result_of(job) if job is not None and job.finished else None,
        "list_url": reverse(list_url_name),
    }
    htmx = getattr(request, "htmx", None)
    if job is not None and htmx and not htmx.boosted:
        return render(request, "enterprises/_import_job.html", context)
    return render(request, template, context)
