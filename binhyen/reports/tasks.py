"""The reports app's background tasks (run by `binhyen worker`; the scheduled ones are
queued by `binhyen scheduler` from settings.BINHYEN_SCHEDULE)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from binhyen.ops.tasks import background, job_task
from binhyen.reporting.tasks import keep_file

from . import render, services
from .models import Submission


@background
def send_reminders():
    """Daily: remind the units whose report is due within three days (once per person)."""
    return services.send_deadline_reminders()


@background
def notify_overdue():
    """Daily: tell the late units and the unit that asked, once, that a report is overdue."""
    return services.send_overdue_notices()


@background
def notify_cases_overdue():
    """Hourly (a rapid report is due within hours): tell each case's people, once, that an
    incident or a tip is past its deadline."""
    return services.send_case_overdue_notices()


# ---------------------------------------------------------------- exports a person asked for

DOCUMENT_KIND = "reports.submission_document"
DOCUMENT_TYPES = {"docx": render.build, "pdf": render.build_pdf}


@job_task
def export_submission_document(job, progress):
    """A submission as its official DOCX or PDF (params: submission, format, day, language),
    built by the renderer the `export-report` command uses: the officer's text, assessment
    and the figures as sent or approved, dated the day it was asked for. The person who asked
    must still see the submission when it runs; running it again writes the same file in the
    same place."""
    params = job.params
    with translation.override(params.get("language") or settings.LANGUAGE_CODE):
        fmt = params.get("format")
        s = (
            Submission.objects.visible_to(job.requested_by)
            .select_related("request__unit", "request__template", "unit")
            .filter(pk=params.get("submission"))
            .first()
        )
        if s is None:
            raise ValidationError(
                _(
                    "Bạn không còn quyền xem báo cáo này (vai trò của bạn ở đơn vị đã thay đổi), "
                    "nên tệp không được tạo. Nếu vẫn cần, hãy nhờ người phụ trách đơn vị tải về."
                )
            )
        if fmt not in DOCUMENT_TYPES:
            raise ValidationError(
                _("Định dạng “%(f)s” không xuất được; chọn DOCX hoặc PDF.") % {"f": fmt}
            )
        progress(0, 2, _("Đang viết phần kết quả và đọc số liệu của báo cáo…"))
        story, _missing = services.story(s)
        progress(1, 2, _("Đang tạo tệp %(f)s…") % {"f": fmt.upper()})
        data = DOCUMENT_TYPES[fmt](
            s.unit,
            s.request.period,
            story=story,
            assessment=s.assessment,
            shortcomings=s.shortcomings,
            proposals=s.proposals,
            figures=services.frozen_rollup(s),
            day=datetime.date.fromisoformat(params["day"]) if params.get("day") else None,
        )
        name = f"bao-cao-{s.unit.code}-{s.request.period_code}.{fmt}"
        keep_file(job, name, data)
        return {
            "message": _("Đã tạo tệp %(name)s.") % {"name": name},
            "link": reverse("reports:submission-detail", args=[s.pk]),
            "link_label": _("Về trang báo cáo"),
        }
