"""Incidents (vụ việc) and tips (tin báo): what the movement exists to prevent, known, acted on,
reported up and handled to the end with the ward's police.

- `Incident`: one case of a kind (reference data `IncidentKind`: a collective work stoppage,
  a crime, drugs, loan sharks…), where (an enterprise, a boarding house, a ward), when, who
  reported it, its state through the workflow (`State`, `TRANSITIONS`), its deadlines (a
  rapid report within the kind's hours of the start, a resolution within its days), its
  handling timeline (`Action`), attachments, the tip it came from and the activities held
  after it.
- `Stoppage`: a work stoppage's own case file (workers involved and their share of the
  workforce, worker-days lost, lawful or not, causes, demands, the union's role, outcome).
- `Tip`: a tip from the portal, an officer or a group leader, routed to the union unit and
  the ward; its sender's identity is sealed (`binhyen.incidents.seal`) and read only by the
  holders of the dedicated role, each reading written to the audit log.

Both are scoped by their unit's subtree (`scope_unit`) and read by the police liaison of
their ward (`scope_ward`).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from binhyen.core.bounds import Bound
from binhyen.core.text import fold, search_terms
from binhyen.org.scoping import ScopedQuerySet

# People involved in one case: a brawl has a handful, a stoppage at a shoe factory tens of
# thousands (the enterprise's workforce bounds it again).
PEOPLE = Bound(0, 200_000)
WORKER_DAYS = Bound(0, 10_000_000)
REPORT_HOURS = Bound(1, 24 * 30)
RESOLVE_DAYS = Bound(1, 365)
ATTACHMENT_MAX_MB = 20
ATTACHMENT_TYPES = ("pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png", "txt")
# A tip gets its first answer (a step or a word to the sender) within this many days.
TIP_ANSWER_DAYS = 7


class State(models.TextChoices):
    RECEIVED = "tiep_nhan", _("Tiếp nhận")
    VERIFYING = "xac_minh", _("Xác minh")
    HANDLING = "dang_xu_ly", _("Đang xử lý")
    RESOLVED = "da_giai_quyet", _("Đã giải quyết")
    TRANSFERRED = "chuyen_co_quan", _("Chuyển cơ quan chức năng")
    CLOSED = "dong", pgettext_lazy("trạng thái hồ sơ", "Đóng")


# Where each state may go. A resolved or transferred case may be taken up again (new facts);
# a closed one is final.
TRANSITIONS = {
    State.RECEIVED: (State.VERIFYING, State.HANDLING, State.TRANSFERRED, State.CLOSED),
    State.VERIFYING: (State.HANDLING, State.RESOLVED, State.TRANSFERRED, State.CLOSED),
    State.HANDLING: (State.RESOLVED, State.TRANSFERRED),
    State.RESOLVED: (State.CLOSED, State.HANDLING),
    State.TRANSFERRED: (State.CLOSED, State.HANDLING),
    State.CLOSED: (),
}
# States in which a case is settled for the figures (resolution time, open cases).
SETTLED = frozenset({State.RESOLVED, State.TRANSFERRED, State.CLOSED})


class IncidentKind(models.Model):
    """Reference data: the kinds of incident, with their deadlines. Codes are stable."""

    STOPPAGE = "ngung_viec"

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("loại vụ việc"), max_length=200)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    report_hours = models.PositiveSmallIntegerField(
        _("hạn báo cáo nhanh (giờ)"),
        null=True,
        blank=True,
        validators=REPORT_HOURS.validators,
        help_text=_("Để trống nếu loại vụ việc này không phải báo cáo nhanh."),
    )
    resolve_days = models.PositiveSmallIntegerField(
        _("hạn giải quyết (ngày)"), default=30, validators=RESOLVE_DAYS.validators
    )

    class Meta:
        verbose_name = _("loại vụ việc")
        verbose_name_plural = _("loại vụ việc")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name

    @property
    def is_stoppage(self):
        return self.code == self.STOPPAGE


class StoppageCause(models.Model):
    """Reference data: why workers stopped (wages, bonuses, overtime, unpaid insurance…)."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("nguyên nhân"), max_length=200)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("nguyên nhân ngừng việc")
        verbose_name_plural = _("nguyên nhân ngừng việc")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class CaseQuerySet(ScopedQuerySet):
    def search(self, query):
        qs = self
        for term in search_terms(query):
            qs = qs.filter(search_text__contains=term)
        return qs


class IncidentQuerySet(CaseQuerySet):
    def overdue(self, now=None):
        """Cases past a deadline: the rapid report not made in time, or not settled in time."""
        now = now or timezone.now()
        return self.filter(
            Q(rapid_report_due__lt=now, rapid_reported_at__isnull=True)
            | Q(resolve_due__lt=now, settled_at__isnull=True)
        )

    def open(self):
        return self.exclude(state=State.CLOSED)


class AliveIncidents(models.Manager.from_queryset(IncidentQuerySet)):
    """Deleted cases stay in the table (reports counted them) but out of every list."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class Incident(models.Model):
    scope_unit = "unit"
    scope_ward = "ward"  # the ward's police liaison reads the cases of their wards

    code = models.CharField(_("mã vụ việc"), max_length=20, unique=True, editable=False)
    kind = models.ForeignKey(IncidentKind, verbose_name=_("loại vụ việc"), on_delete=models.PROTECT)
    title = models.CharField(_("tên vụ việc"), max_length=255)
    summary = models.TextField(_("tóm tắt diễn biến"), max_length=8000)
    started_at = models.DateTimeField(_("bắt đầu lúc"))
    ended_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("đơn vị báo cáo"),
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    ward = models.ForeignKey(
        "org.Area", verbose_name=_("phường, xã"), on_delete=models.PROTECT, related_name="incidents"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("doanh nghiệp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    boarding_house = models.ForeignKey(
        "groups.BoardingHouse",
        verbose_name=_("nhà trọ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    # the enterprise's facts when the case is written, so that the figures of a past case do
    # not change when the enterprise later gets a union or changes hands
    ownership = models.ForeignKey(
        "enterprises.Ownership",
        verbose_name=_("loại hình doanh nghiệp"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    union_absent = models.BooleanField(
        _("doanh nghiệp chưa có công đoàn"), default=False, editable=False
    )
    place = models.CharField(_("địa điểm cụ thể"), max_length=255, blank=True)
    people_involved = models.PositiveIntegerField(
        _("số người liên quan"), null=True, blank=True, validators=PEOPLE.validators
    )
    people = models.TextField(
        _("những người liên quan"),
        blank=True,
        max_length=4000,
        help_text=_("Vai trò, độ tuổi, nơi làm việc; không ghi số CCCD."),
    )
    state = models.CharField(
        _("trạng thái"), max_length=20, choices=State.choices, default=State.RECEIVED
    )
    rapid_report_due = models.DateTimeField(_("hạn báo cáo nhanh"), null=True, blank=True)
    rapid_reported_at = models.DateTimeField(_("đã báo cáo nhanh lúc"), null=True, blank=True)
    resolve_due = models.DateTimeField(_("hạn giải quyết"), null=True, blank=True)
    settled_at = models.DateTimeField(_("giải quyết xong lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)
    police_confirmed_at = models.DateTimeField(
        _("công an phường xác nhận lúc"), null=True, blank=True
    )
    tip = models.OneToOneField(
        "incidents.Tip",
        verbose_name=_("tin báo"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incident",
    )
    activities = models.ManyToManyField(
        "activities.Activity",
        verbose_name=_("hoạt động liên quan"),
        blank=True,
        related_name="incidents",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        null=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("nhập lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    search_text = models.CharField(max_length=600, editable=False, default="")

    objects = AliveIncidents()
    all_objects = IncidentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])

    class Meta:
        verbose_name = _("vụ việc")
        verbose_name_plural = _("vụ việc")
        ordering = ["-started_at", "-id"]
        base_manager_name = "all_objects"
        indexes = [
            models.Index(fields=["started_at"]),
            models.Index(fields=["unit", "started_at"]),
            models.Index(fields=["ward", "started_at"]),
            models.Index(fields=["state"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="incident_end_after_start",
                violation_error_message=_("Thời điểm kết thúc không được trước thời điểm bắt đầu."),
            ),
            PEOPLE.constraint("people_involved", "incident"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.code} {self.title} {self.place}")[:600]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("incidents:detail", args=[self.pk])

    def set_deadlines(self):
        """The due times from the kind: a rapid report `report_hours` after the start, the
        settlement `resolve_days` after it."""
        kind = self.kind
        self.rapid_report_due = (
            self.started_at + datetime.timedelta(hours=kind.report_hours)
            if kind.report_hours
            else None
        )
        self.resolve_due = self.started_at + datetime.timedelta(days=kind.resolve_days)

    def overdue_reasons(self, now=None):
        """The deadlines this case has missed, in words (empty when none)."""
        now = now or timezone.now()
        reasons = []
        if self.rapid_report_due and not self.rapid_reported_at and self.rapid_report_due < now:
            reasons.append(_("Quá hạn báo cáo nhanh"))
        if self.resolve_due and not self.settled_at and self.resolve_due < now:
            reasons.append(_("Quá hạn giải quyết"))
        return reasons

    @property
    def is_overdue(self):
        return bool(self.overdue_reasons())

    def next_states(self):
        return TRANSITIONS[self.state]


class Outcome(models.TextChoices):
    PENDING = "chua_co", _("Chưa có kết quả")
    FULL = "toan_bo", _("Yêu cầu được đáp ứng toàn bộ")
    PART = "mot_phan", _("Yêu cầu được đáp ứng một phần")
    NONE = "khong", _("Yêu cầu không được đáp ứng")


class Stoppage(models.Model):
    """A collective work stoppage's case file, kept by the union (one per stoppage incident)."""

    scope_unit = "incident__unit"
    scope_ward = "incident__ward"

    incident = models.OneToOneField(
        Incident, on_delete=models.CASCADE, related_name="stoppage", primary_key=True
    )
    workers_involved = models.PositiveIntegerField(
        _("số người ngừng việc"), validators=PEOPLE.validators
    )
    workforce = models.PositiveIntegerField(
        _("tổng số lao động của doanh nghiệp"),
        validators=PEOPLE.validators,
        help_text=_("Lấy từ hồ sơ doanh nghiệp lúc xảy ra vụ việc."),
    )
    worker_days = models.PositiveIntegerField(
        _("số ngày công bị mất"),
        validators=WORKER_DAYS.validators,
        help_text=_("Để trống để tính bằng số người ngừng việc nhân số ngày ngừng việc."),
    )
    lawful = models.BooleanField(
        _("đúng trình tự đình công theo Bộ luật Lao động 2019"),
        default=False,
        help_text=_("Hầu hết các vụ ngừng việc tập thể không theo trình tự này (trái luật)."),
    )
    causes = models.ManyToManyField(
        StoppageCause, verbose_name=_("nguyên nhân"), blank=True, related_name="+"
    )
    causes_other = models.CharField(_("nguyên nhân khác"), max_length=500, blank=True)
    demands = models.TextField(_("yêu cầu của người lao động"), blank=True, max_length=4000)
    representative = models.CharField(
        _("người đại diện người lao động"),
        max_length=255,
        blank=True,
        help_text=_("Ví dụ: Ban chấp hành công đoàn cơ sở, LĐLĐ quận, đại diện tự phát."),
    )
    dialogue_held = models.BooleanField(_("đã tổ chức đối thoại"), default=False)
    union_role = models.TextField(_("công đoàn đã làm gì"), blank=True, max_length=4000)
    authorities = models.CharField(_("cơ quan chức năng tham gia"), max_length=500, blank=True)
    outcome = models.CharField(
        _("kết quả"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING
    )
    resumed_on = models.DateField(_("ngày trở lại làm việc"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hồ sơ ngừng việc tập thể")
        verbose_name_plural = _("hồ sơ ngừng việc tập thể")
        constraints = [
            models.CheckConstraint(
                condition=Q(workers_involved__lte=models.F("workforce")),
                name="stoppage_workers_within_workforce",
                violation_error_message=_(
                    "Số người ngừng việc không được vượt quá tổng số lao động."
                ),
            ),
            WORKER_DAYS.constraint("worker_days", "stoppage"),
        ]

    def __str__(self):
        return str(self.incident)

    @property
    def share(self):
        """Workers involved as a share of the workforce (0–1), None without a workforce."""
        return self.workers_involved / self.workforce if self.workforce else None


class ActionKind(models.TextChoices):
    NOTE = "ghi_nhan", _("Ghi nhận xử lý")
    STATE = "trang_thai", _("Chuyển trạng thái")
    POLICE = "cong_an", _("Công an phường xác nhận")
    UNIT = "don_vi", _("Đơn vị xác nhận")
    RAPID = "bao_cao_nhanh", _("Báo cáo nhanh")
    REVEAL = "xem_danh_tinh", _("Xem danh tính người báo tin")
    CONVERTED = "tao_vu_viec", _("Chuyển thành vụ việc")


class Action(models.Model):
    """One step of a case's or a tip's handling: who did what, when, with which authority."""

    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    tip = models.ForeignKey(
        "incidents.Tip", null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    kind = models.CharField(_("loại"), max_length=20, choices=ActionKind.choices)
    at = models.DateTimeField(_("thời điểm"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("người thực hiện"), max_length=150, blank=True)
    authority = models.CharField(_("với tư cách / thẩm quyền"), max_length=255, blank=True)
    what = models.TextField(_("nội dung"), max_length=4000)
    state_from = models.CharField(max_length=20, choices=State.choices, blank=True)
    state_to = models.CharField(max_length=20, choices=State.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(incident__isnull=False, tip__isnull=True)
                | Q(incident__isnull=True, tip__isnull=False),
                name="action_of_one_case",
            )
        ]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.what[:60]}"


def attachment_path(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"incidents/{instance.incident_id}/{timezone.now():%Y%m%d%H%M%S%f}.{ext}"


class Attachment(models.Model):
    """A file of a case (minutes, photos, the employer's answer); served through the case's
    scope, never as a public media URL."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("tệp"), upload_to=attachment_path, max_length=255)
    name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name


class Channel(models.TextChoices):
    PORTAL = "cong_thong_tin", _("Cổng thông tin (người dân, người lao động)")
    OFFICER = "can_bo", _("Cán bộ công đoàn")
    GROUP_LEADER = "to_truong", _("Tổ trưởng tổ tự quản")


class TipQuerySet(CaseQuerySet):
    def overdue(self, now=None):
        now = now or timezone.now()
        return self.filter(answer_due__lt=now, answered_at__isnull=True)


class Tip(models.Model):
    """A tip (tin báo) routed to the union unit responsible for its ward. The sender follows it
    with the receipt code, without an account; who sent it is sealed (`sealed_sender`)."""

    scope_unit = "unit"
    scope_ward = "ward"

    code = models.CharField(_("mã tiếp nhận"), max_length=20, unique=True)
    channel = models.CharField(
        _("kênh tiếp nhận"), max_length=20, choices=Channel.choices, default=Channel.PORTAL
    )
    source = models.CharField(_("gửi từ"), max_length=120, blank=True)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("đơn vị tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="tips",
    )
    ward = models.ForeignKey(
        "org.Area", verbose_name=_("phường/xã"), on_delete=models.PROTECT, related_name="tips"
    )
    what = models.TextField(_("nội dung sự việc"), max_length=4000)
    place = models.CharField(_("địa điểm cụ thể"), max_length=255, blank=True)
    happened_on = models.DateField(_("ngày xảy ra"))
    happened_time = models.TimeField(_("giờ xảy ra (khoảng)"), null=True, blank=True)
    anonymous = models.BooleanField(_("gửi ẩn danh"), default=True)
    # {"name", "phone", "user"} encrypted (binhyen.incidents.seal); empty when anonymous
    sealed_sender = models.TextField(editable=False, blank=True, default="")
    state = models.CharField(
        _("trạng thái"), max_length=20, choices=State.choices, default=State.RECEIVED
    )
    public_note = models.TextField(_("phản hồi cho người báo"), max_length=2000, blank=True)
    answer_due = models.DateTimeField(_("hạn trả lời"), null=True, blank=True)
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    unit_confirmed_at = models.DateTimeField(_("đơn vị xác nhận lúc"), null=True, blank=True)
    police_confirmed_at = models.DateTimeField(
        _("công an phường xác nhận lúc"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("tiếp nhận lúc"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    search_text = models.CharField(max_length=600, editable=False, default="")

    objects = TipQuerySet.as_manager()
    # the sealed sender never enters the history: a reading is an Action, not a diff
    history = HistoricalRecords(excluded_fields=["updated_at", "sealed_sender", "search_text"])

    class Meta:
        verbose_name = _("tin báo")
        verbose_name_plural = _("tin báo")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "state"]),
            models.Index(fields=["ward", "state"]),
            models.Index(fields=["created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=True, sealed_sender="") | Q(anonymous=False),
                name="tip_anonymous_has_no_sender",
                violation_error_message=_("Tin báo ẩn danh không lưu thông tin người gửi."),
            ),
        ]

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.code} {self.what[:400]} {self.place}")[:600]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("incidents:tip", args=[self.pk])

    @property
    def happened_label(self):
        day = self.happened_on.strftime("%d/%m/%Y")
        return f"{self.happened_time:%H:%M} {day}" if self.happened_time else day

    @property
    def is_overdue(self):
        return bool(self.answer_due and not self.answered_at and self.answer_due < timezone.now())

    def next_states(self):
        return TRANSITIONS[self.state]
