"""The reporting app's background tasks (run by `binhyen worker`): the dashboard's table as an
Excel file, built for the person who asked within their figure scope as it stands when it runs."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from binhyen.core.api import ScopedNotFound
from binhyen.ops.tasks import job_task

from . import views


def keep_file(job, name, data):
    """Put `data` in `job.result` as `name`, in the place of whatever an earlier run of the
    same job left there: the file's place is the job's own, so running a job again replaces
    its file instead of piling up copies beside it."""
    storage = job.result.storage
    place = job.result.field.generate_filename(job, name)
    if job.result and job.result.name != place:
        job.result.delete(save=False)
    if storage.exists(place):
        storage.delete(place)
    job.result.save(name, ContentFile(data), save=False)
    job.result_name = name


DASHBOARD_KIND = "reporting.dashboard_export"


@job_task
def export_dashboard_table(job, progress):
    """The dashboard's table as .xlsx (params: unit, period, basis, language): the unit must
    still be in the person's scope when it runs, and the figures are those of their figure
    scope then (a police liaison: their wards only)."""
    params = job.params
    with translation.override(params.get("language") or settings.LANGUAGE_CODE):
        try:
            unit, period, basis, error = views.question(job.requested_by, params)
        except ScopedNotFound as exc:
            raise ValidationError(
                _(
                    "Bạn không còn quyền xem số liệu của đơn vị này (vai trò của bạn đã thay "
                    "đổi), nên tệp không được tạo. %(why)s"
                )
                % {"why": exc}
            ) from None
        if error:
            raise ValidationError(error)
        progress(0, 1, _("Đang tổng hợp số liệu…"))
        data = views.table_workbook(job.requested_by, unit, period, basis)
        name = f"tong-hop-{unit.code}-{period.code.replace('..', '_')}.xlsx"
        keep_file(job, name, data)
        query = {"unit": unit.code, "period": period.code, "basis": basis}
        return {
            "message": _("Đã tạo tệp %(name)s.") % {"name": name},
            "link": f"{reverse('reporting:dashboard')}?{urlencode(query)}",
            "link_label": _("Về bảng tổng hợp"),
        }
