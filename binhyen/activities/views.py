"""Pages of the activities app: the filtered list with its totals and Excel export, an
activity's page and history, the forms, attachments, and the spreadsheet template and upload."""

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binhyen.core import periods
from binhyen.core.text import format_number
from binhyen.core.views import PAGE_SIZE, ScopedListView, ServiceFormView, history_page, scoped_get
from binhyen.ops.imports import job_of, result_of
from binhyen.org import history as tree_history
from binhyen.org.models import Unit
from binhyen.org.scoping import VIEW_ROLES, may_record, scope_of

from . import excel, filters, services, tasks
from .forms import ActivityForm, ImportForm
from .models import Activity, Attachment

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def filter_units(user):
    """Units offered by the list's unit filter: the non-grassroots units the reader sees (a
    grassroots code still works through the URL), plus the tops of their own scope."""
    scope = scope_of(user, VIEW_ROLES)
    queryset = Unit.objects.visible_to(user).filter(kind__is_grassroots=False)
    if scope.paths:
        queryset = Unit.objects.visible_to(user).filter(
            kind__is_grassroots=False
        ) | Unit.objects.filter(path__in=scope.paths)
    return queryset.only("pk", "code", "name", "valid_to", "path").order_by("path")


class ActivityListView(ScopedListView):
    """Activities of the reader's subtree, filtered, with the totals of the filtered set above
    the page (one aggregate query, which also gives the paginator its count)."""

    model = Activity
    template_name = "activities/activity_list.html"
    partial_template_name = "activities/_activity_results.html"
    htmx_target = "activity-results"

    def get_ordering(self):
        return None  # filters.apply() orders

    def filter_queryset(self, queryset):
        self.lists = filters.reference_lists()
        self.filters = filters.parse(self.request.user, self.request.GET, self.lists)
        return filters.apply(queryset, self.filters).select_related("unit", "kind")

    def paginate_queryset(self, queryset, page_size):
        self.totals = queryset.totals()
        paginator = Paginator(queryset, page_size)
        paginator.count = self.totals["count"]  # already counted by the aggregate
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        rows = list(context["object_list"])
        _attach_codes(rows)
        context.update(
            object_list=rows,
            f=self.filters,
            totals=self.totals,
            sorts=filters.SORTS,
            lists=self.lists,
            can_record=may_record(user),
            query=self.request.GET.urlencode(),
            basis=(
                tree_history.note(self.request.GET, self.filters.unit, self.filters.basis)
                if self.filters.unit is not None and self.filters.basis
                else None
            ),
        )
        if not getattr(self.request, "htmx", None):
            context["units"] = filter_units(user)
        return context


def _attach_codes(rows):
    """The topics of a page of activities in one query (names shown in the list)."""
    from .models import ActivityTopic

    by_activity = {}
    links = ActivityTopic.objects.filter(activity__in=[r.pk for r in rows]).select_related("topic")
    for link in links.order_by("topic__position"):
        by_activity.setdefault(link.activity_id, []).append(link.topic)
    for r in rows:
        r.topic_list = by_activity.get(r.pk, [])


@login_required
def export(request):
    """Exactly the filtered list of the page, as an Excel file the import accepts back."""
    f = filters.parse(request.user, request.GET)
    if f.errors:
        for message in f.errors.values():
            messages.error(request, message)
        return redirect(f"{reverse('activities:list')}?{request.GET.urlencode()}")
    queryset = filters.apply(Activity.objects.visible_to(request.user), f)
    totals = queryset.totals()
    summary = [
        (_("Xuất lúc"), timezone.localtime().strftime("%d/%m/%Y %H:%M")),
        (_("Người xuất"), request.user.get_username()),
        *f.describe(),
        (_("Số hoạt động"), format_number(totals["count"])),
        (_("Số cuộc/buổi"), format_number(totals["sessions"])),
        (_("Số lượt người"), format_number(totals["attendances"])),
    ]
    out = tempfile.TemporaryFile()
    excel.export_workbook(request.user, queryset, out=out, summary=summary)
    out.seek(0)
    name = f"hoat-dong-{periods.today():%Y%m%d}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX)


@login_required
def detail(request, pk):
    user = request.user
    from django.db.models import Prefetch

    from binhyen.documents.models import Document

    documents = (
        Document.objects.visible_to(user).select_related("doc_type").order_by("issued_on", "id")
    )
    activity = scoped_get(
        user,
        Activity.objects.select_related(
            "unit", "kind", "created_by", "import_batch", "group"
        ).prefetch_related(
            "topics", "audiences", "channels", Prefetch("documents", queryset=documents)
        ),
        pk=pk,
    )
    attachments = list(activity.attachments.filter(removed_at__isnull=True))
    return render(
        request,
        "activities/activity_detail.html",
        {
            "activity": activity,
            "attachments": attachments,
            "can_edit": Activity.objects.editable_by(user).filter(pk=pk).exists(),
        },
    )


def _describe(record, name_of):
    return _("Hoạt động “%(title)s”") % {"title": record.title}


def _describe_attachment(record, name_of):
    if record.removed_at:
        return _("Gỡ tệp đính kèm %(name)s") % {"name": record.name}
    return _("Tệp đính kèm %(name)s") % {"name": record.name}


@login_required
def history(request, pk):
    activity = scoped_get(request.user, Activity.all_objects.select_related("unit"), pk=pk)
    page = history_page(
        request,
        [
            (Activity.history.filter(id=activity.pk), _describe),
            (Attachment.history.filter(activity_id=activity.pk), _describe_attachment),
        ],
    )
    return render(request, "activities/history.html", {"activity": activity, "page_obj": page})


@login_required
def attachment(request, pk):
    """A photo or file, only for those who may see its activity (never a public media URL)."""
    item = scoped_get(
        request.user, Attachment.objects.select_related("activity"), pk=pk, removed_at__isnull=True
    )
    if item.activity.deleted_at is not None:
        raise Http404
    return FileResponse(
        item.file.open("rb"),
        as_attachment=not item.is_image,
        filename=item.name,
        content_type=item.content_type,
    )


class ActivityFormPage(ServiceFormView):
    template_name = "activities/activity_form.html"
    form_class = ActivityForm
    error_fields = {"__all__": None}
    title = ""
    submit_label = gettext_lazy("Lưu hoạt động")

    @cached_property
    def units(self):
        return Unit.objects.recordable_by(self.request.user).select_related("kind").order_by("path")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, units=self.units, activity=self.activity())
        return kwargs

    def activity(self):
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.title,
            submit_label=self.submit_label,
            activity=self.activity(),
            cancel_url=self.cancel_url(),
        )
        return context


class CreateView(ActivityFormPage):
    title = gettext_lazy("Ghi hoạt động mới")
    success_message = gettext_lazy("Đã ghi hoạt động.")

    def get_initial(self):
        from .models import ActivityKind

        initial = {
            "date": periods.today(),
            "sessions": 1,
            "kind": ActivityKind.objects.filter(code="tuyen_truyen", active=True).first(),
        }
        code = self.request.GET.get("unit")
        unit = self.units.filter(code=code).first() if code else None
        if unit is None and self.units[:2].count() == 1:
            unit = self.units.first()
        if unit is not None:
            initial["unit"] = unit
        return initial

    def cancel_url(self):
        return reverse("activities:list")

    def perform(self, form):
        data, files = form.service_fields()
        return services.record_activity(self.request.user, files=files, **data)


class EditView(ActivityFormPage):
    title = gettext_lazy("Sửa hoạt động")
    success_message = gettext_lazy("Đã lưu thay đổi.")

    def activity(self):
        if not hasattr(self, "_activity"):
            self._activity = scoped_get(
                self.request.user,
                Activity.objects.select_related("unit", "kind"),
                editable=True,
                pk=self.kwargs["pk"],
            )
        return self._activity

    def get_initial(self):
        a = self.activity()
        return {
            "unit": a.unit,
            "date": a.date,
            "end_date": a.end_date,
            "kind": a.kind,
            "title": a.title,
            "topics": list(a.topics.all()),
            "audiences": list(a.audiences.all()),
            "channels": list(a.channels.all()),
            "sessions": a.sessions,
            "attendances": a.attendances,
            "leaflets": a.leaflets,
            "place": a.place,
            "document_ref": a.document_ref,
            "notes": a.notes,
            "group": a.group,
            "documents": list(a.documents.all()),
        }

    def cancel_url(self):
        return self.activity().get_absolute_url()

    def perform(self, form):
        data, files = form.service_fields()
        removed = form.cleaned_data.get("remove_attachments") or []
        return services.update_activity(
            self.request.user,
            self.activity(),
            files=files,
            remove_attachments=[a.pk for a in removed],
            **data,
        )


@login_required
def delete(request, pk):
    activity = scoped_get(
        request.user, Activity.objects.select_related("unit", "kind"), editable=True, pk=pk
    )
    error = None
    if request.method == "POST":
        try:
            services.delete_activity(request.user, activity)
        except ValidationError as exc:
            error = " ".join(m for ms in exc.message_dict.values() for m in ms)
        else:
            messages.success(
                request,
                _("Đã xóa hoạt động “%(t)s”. Bản ghi vẫn được giữ trong lịch sử.")
                % {"t": activity.title},
            )
            return redirect("activities:list")
    return render(
        request, "activities/activity_delete.html", {"activity": activity, "error": error}
    )


# --- spreadsheets ------------------------------------------------------------------------------


@login_required
def template(request):
    """The Excel template: headers, drop-downs, the user's unit codes, instructions, an example."""
    out = tempfile.TemporaryFile()
    excel.template_workbook(request.user, out=out)
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename="mau-nhap-hoat-dong.xlsx", content_type=XLSX
    )


@login_required
def import_page(request):
    """Upload a filled template: the check and the import run as a background job (tasks.py),
    and the page follows it (`?job=N`: its progress, refreshed by htmx, then its result)."""
    job = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = tasks.start_import(
                    request.user, form.cleaned_data["file"], dry_run=form.cleaned_data["dry_run"]
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                return redirect(f"{reverse('activities:import')}?job={job.pk}")
    else:
        form = ImportForm()
        if "job" in request.GET:
            job = job_of(request.user, tasks.KIND, request.GET["job"])
    context = {
        "form": form,
        "job": job,
        "result": result_of(job) if job is not None and job.finished else None,
        "can_record": may_record(request.user),
        "page_size": PAGE_SIZE,
    }
    htmx = getattr(request, "htmx", None)
    if job is not None and htmx and not htmx.boosted:
        return render(request, "activities/_import_job.html", context)
    return render(request, "activities/import.html", context)
