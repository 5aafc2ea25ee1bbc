"""Periodic reports: a unit's request for a period's report, each requested unit's submission
through draft, sent, returned and approved (its figures frozen, its period locked), and the
notices the workflow sends.

The tables keep the names they had when these models lived in the reporting app
(`reporting_submission`, …): the move was a change of Django's state only.
"""

from django.conf import settings
from django.db import connection, models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from binhyen.core import locks
from binhyen.core.bounds import Bound
from binhyen.core.periods import parse_period
from binhyen.org.models import PATH_STEP, Unit
from binhyen.org.scoping import ScopedQuerySet


class ReportTemplate(models.Model):
    """A named indicator set a request asks for ("Báo cáo công tác phòng, chống tội phạm")."""

    code = models.SlugField(_("mã mẫu"), max_length=60, unique=True)
    name = models.CharField(_("tên mẫu báo cáo"), max_length=255)
    frequency = models.CharField(
        _("kỳ báo cáo"),
        max_length=20,
        choices=[
            ("quarter", _("Quý")),
            ("half", _("6 tháng")),
            ("year", _("Năm")),
            ("range", _("Giai đoạn")),
        ],
        default="year",
    )
    # indicator requests in the registry's syntax: "activity.sessions[kind=tuyen_truyen]"
    indicators = models.JSONField(_("các chỉ tiêu"), default=list)
    description = models.TextField(_("mô tả"), blank=True)
    history = HistoricalRecords(table_name="reporting_historicalreporttemplate")

    class Meta:
        db_table = "reporting_reporttemplate"
        verbose_name = _("mẫu báo cáo")
        verbose_name_plural = _("mẫu báo cáo")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Audience(models.TextChoices):
    CHILDREN = "children", _("Các đơn vị trực thuộc")
    GRASSROOTS = "grassroots", _("Tất cả công đoàn cơ sở trong đơn vị")


class ReportRequest(models.Model):
    """A unit's request for a period's report from the units below it, with one deadline."""

    scope_unit = "unit"

    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("đơn vị yêu cầu"),
        on_delete=models.PROTECT,
        related_name="report_requests",
    )
    template = models.ForeignKey(
        ReportTemplate, verbose_name=_("mẫu báo cáo"), on_delete=models.PROTECT
    )
    title = models.CharField(_("tiêu đề"), max_length=255)
    period_code = models.CharField(_("kỳ báo cáo"), max_length=40)
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    deadline = models.DateField(_("hạn nộp"))
    instructions = models.TextField(_("hướng dẫn"), blank=True)
    audience = models.CharField(
        _("đơn vị được yêu cầu"), max_length=20, choices=Audience.choices, default=Audience.CHILDREN
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ban hành"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("thời điểm ban hành"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(table_name="reporting_historicalreportrequest")

    class Meta:
        db_table = "reporting_reportrequest"
        verbose_name = _("yêu cầu báo cáo")
        verbose_name_plural = _("yêu cầu báo cáo")
        ordering = ["-period_end", "-issued_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="reportrequest_period_ordered",
                violation_error_message=_("Ngày kết thúc kỳ không được trước ngày bắt đầu."),
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("period_start")),
                name="reportrequest_deadline_in_or_after_period",
                violation_error_message=_("Hạn nộp không được trước ngày bắt đầu kỳ báo cáo."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def period(self):
        return parse_period(self.period_code)


class Status(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Bị trả lại")
    APPROVED = "approved", _("Đã phê duyệt")


class Submission(models.Model):
    """One requested unit's report. `version` grows on every workflow step, so two approvers
    acting on the same page at once cannot overwrite each other (optimistic locking)."""

    scope_unit = "unit"

    request = models.ForeignKey(
        ReportRequest,
        verbose_name=_("yêu cầu báo cáo"),
        on_delete=models.CASCADE,
        related_name="submissions",
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("đơn vị báo cáo"),
        on_delete=models.PROTECT,
        related_name="report_submissions",
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    narrative = models.TextField(_("nội dung báo cáo"), blank=True)
    # the figures and documents of the draft written from the data (narrative.provenance()),
    # each with its source: the page finds them again in the text the officer edited
    narrative_sources = models.JSONField(
        _("nguồn các số liệu của bản nháp"), default=list, blank=True, editable=False
    )
    assessment = models.TextField(_("đánh giá chung"), blank=True)
    shortcomings = models.TextField(_("tồn tại, hạn chế"), blank=True)
    proposals = models.TextField(_("kiến nghị, đề xuất"), blank=True)
    missing_units = models.JSONField(
        _("đơn vị cấp dưới chưa được duyệt khi gửi"), default=list, blank=True
    )
    first_submitted_at = models.DateTimeField(_("gửi lần đầu lúc"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    comment = models.TextField(_("ý kiến khi trả lại"), blank=True)
    approved_at = models.DateTimeField(_("phê duyệt lúc"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người phê duyệt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    locked = models.BooleanField(_("đã khóa số liệu"), default=False)
    unlock_reason = models.TextField(_("lý do mở khóa"), blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["narrative_sources"],  # derived from the narrative
        table_name="reporting_historicalsubmission",
    )

    class Meta:
        db_table = "reporting_submission"
        verbose_name = _("báo cáo của đơn vị")
        verbose_name_plural = _("báo cáo của đơn vị")
        ordering = ["request", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["request", "unit"], name="submission_one_per_unit"),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="submission_status_known"
            ),
            models.CheckConstraint(
                condition=Q(locked=False) | Q(status=Status.APPROVED),
                name="submission_locked_only_when_approved",
                violation_error_message=_("Chỉ báo cáo đã phê duyệt mới được khóa số liệu."),
            ),
        ]
        indexes = [models.Index(fields=["locked", "status"], name="submission_locked")]

    def __str__(self):
        return _("%(title)s của %(unit)s") % {"title": self.request.title, "unit": self.unit}


# A kept figure is a count, a sum or a percentage of the nation's records at most: never
# negative, and far below 10**12 (sixty million union members times every activity of a
# decade). NaN and infinity are refused by the workflow before they reach the column; in
# PostgreSQL the constraint refuses them too (NaN and Infinity compare above every number).
FIGURE_VALUE = Bound(0, 10**12)


class SubmissionFigure(models.Model):
    """A figure as it was sent, then as it was approved ("as reported"): one indicator for one
    row (a child unit, the unit's own records, or the total when `row_code` is empty)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="figures")
    indicator = models.CharField(_("chỉ tiêu"), max_length=200)
    row_code = models.CharField(_("mã đơn vị của dòng"), max_length=40, blank=True)
    row_name = models.CharField(_("tên đơn vị của dòng"), max_length=255, blank=True)
    position = models.PositiveIntegerField(default=0)
    value = models.FloatField(_("giá trị"), null=True, validators=FIGURE_VALUE.validators)

    class Meta:
        db_table = "reporting_submissionfigure"
        verbose_name = _("số liệu đã phê duyệt")
        verbose_name_plural = _("số liệu đã phê duyệt")
        ordering = ["submission", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "indicator", "row_code"], name="figure_one_per_cell"
            ),
            FIGURE_VALUE.constraint("value", "submission_figure"),
        ]

    def __str__(self):
        return f"{self.indicator} {self.row_code or '='} {self.value}"


class Notification(models.Model):
    """An in-app notice (also mailed): request received, deadline near, returned, approved;
    and a case past its deadline (an incident without its rapid report or not settled in
    time, a tip not answered), told once per person, case and deadline."""

    class Kind(models.TextChoices):
        REQUESTED = "requested", _("Nhận yêu cầu báo cáo")
        DEADLINE = "deadline", _("Sắp đến hạn nộp")
        SUBMITTED = "submitted", _("Có báo cáo được gửi")
        RETURNED = "returned", _("Báo cáo bị trả lại")
        APPROVED = "approved", _("Báo cáo được phê duyệt")
        UNLOCKED = "unlocked", _("Báo cáo được mở khóa")
        OVERDUE = "overdue", _("Báo cáo quá hạn nộp")
        INCIDENT_REPORT = "incident_report", _("Vụ việc quá hạn báo cáo nhanh")
        INCIDENT_RESOLVE = "incident_resolve", _("Vụ việc quá hạn giải quyết")
        TIP_OVERDUE = "tip_overdue", _("Tin báo quá hạn trả lời")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_notices"
    )
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    submission = models.ForeignKey(
        Submission, null=True, on_delete=models.CASCADE, related_name="notices"
    )
    incident = models.ForeignKey(
        "incidents.Incident", null=True, on_delete=models.CASCADE, related_name="notices"
    )
    tip = models.ForeignKey(
        "incidents.Tip", null=True, on_delete=models.CASCADE, related_name="notices"
    )
    message = models.TextField(_("nội dung"))
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        db_table = "reporting_notification"
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        constraints = [
            # one deadline reminder per person and submission, however often the command runs
            models.UniqueConstraint(
                fields=["user", "submission", "kind"],
                condition=Q(kind="deadline"),
                name="notification_one_deadline_reminder",
            ),
            # a case's missed deadline is told once per person, however often the task runs
            models.UniqueConstraint(
                fields=["user", "incident", "kind"],
                condition=Q(kind__in=["incident_report", "incident_resolve"]),
                name="notification_once_per_incident_deadline",
            ),
            models.UniqueConstraint(
                fields=["user", "tip", "kind"],
                condition=Q(kind="tip_overdue"),
                name="notification_once_per_tip_deadline",
            ),
        ]

    def __str__(self):
        return self.message


def _ancestor_paths(path):
    return [path[:i] for i in range(PATH_STEP, len(path) + 1, PATH_STEP)]


def _locked_rows(paths, first, last):
    return Submission.objects.filter(
        locked=True,
        status=Status.APPROVED,
        unit__path__in=paths,
        request__period_start__lte=last,
        request__period_end__gte=first,
    ).select_related("request", "unit")


def _lock_probe(unit, day):
    """(sql, params): a row when an approved, locked report covers `unit`'s record on `day`.
    Nearly every day is open: this bare probe answers that (recording an activity asks it in
    the same query as its own checks); the named report is built only for a locked day."""
    paths = _ancestor_paths(unit.path)
    q = connection.ops.quote_name
    sql = (
        f"SELECT 1 FROM {q(Submission._meta.db_table)} s "
        f"JOIN {q(ReportRequest._meta.db_table)} r ON r.id = s.request_id "
        f"JOIN {q(Unit._meta.db_table)} u ON u.id = s.unit_id "
        f"WHERE s.locked = %s AND s.status = %s AND r.period_start <= %s AND r.period_end >= %s "
        f"AND u.path IN ({', '.join(['%s'] * len(paths))})"
    )
    day_value = connection.ops.adapt_datefield_value(day)
    return sql, [True, Status.APPROVED.value, day_value, day_value, *paths]


def approved_report_lock(unit, day):
    """Lock checker (binhyen.core.locks): the approved report covering `unit`'s record on `day`."""
    sql, params = _lock_probe(unit, day)
    with connection.cursor() as cursor:
        cursor.execute(sql + " LIMIT 1", params)
        if cursor.fetchone() is None:
            return None
    return str(_locked_rows(_ancestor_paths(unit.path), day, day).first())


approved_report_lock.probe = _lock_probe


def _many(pairs):
    pairs = list(pairs)
    if not pairs:
        return {}
    paths = dict(Unit.objects.filter(pk__in={u for u, _d in pairs}).values_list("pk", "path"))
    days = [d for _u, d in pairs]
    every = {p for path in paths.values() for p in _ancestor_paths(path)}
    rows = [
        (s.unit.path, s.request.period_start, s.request.period_end, str(s))
        for s in _locked_rows(every, min(days), max(days))
    ]
    found = {}
    for unit_id, day in pairs:
        path = paths.get(unit_id, "")
        for prefix, start, end, name in rows:
            if path.startswith(prefix) and start <= day <= end:
                found[(unit_id, day)] = name
                break
    return found


approved_report_lock.many = _many
locks.register(approved_report_lock)
