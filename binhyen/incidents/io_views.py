"""The incidents' spreadsheets: the Excel template, the export of the list exactly as filtered
on the list page (the list view's own filters), and the import page, whose upload runs as a
background job (tasks.py) the page then follows (`?job=N`: progress, then the result)."""

import tempfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from binhyen.core import periods
from binhyen.core.text import format_number
from binhyen.enterprises.views import import_job_page
from binhyen.org.scoping import may_record

from . import excel, tasks
from .views import IncidentListView

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def template(request):
    if not may_record(request.user):
        raise Http404
    out = tempfile.TemporaryFile()
    excel.template_workbook(request.user, out=out)
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename="mau-nhap-vu-viec.xlsx", content_type=XLSX
    )


@login_required
def export(request):
    """The cases of the list page as filtered there (same query string), as an .xlsx the
    import accepts back; no tip and no sender in it."""
    view = IncidentListView()
    view.setup(request)
    queryset = view.filter_queryset(view.base_queryset()).order_by("-started_at", "-id")
    summary = [
        (_("Xuất lúc"), timezone.localtime().strftime("%d/%m/%Y %H:%M")),
        (_("Người xuất"), request.user.get_username()),
        (_("Số vụ việc"), format_number(queryset.count())),
    ]
    out = tempfile.TemporaryFile()
    excel.export_workbook(request.user, queryset, out=out, summary=summary)
    out.seek(0)
    name = f"vu-viec-{periods.today():%Y%m%d}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX)


@login_required
def import_page(request):
    """Upload a filled template: checked whole, imported whole or not at all, as a job."""
    return import_job_page(
        request, tasks, "incidents_io:import", "incidents:list", "incidents/io/import.html"
    )
