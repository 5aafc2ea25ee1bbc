"""Emulation (thi đua) and awards (khen thưởng): the movements a union unit runs, the titles
units register for each year and are recognised for, and the awards decided at the year's end.

- `Movement` (phong trào): a period, the unit that issued it (its scope) and its document.
- `Title` (danh hiệu) of a movement: who may hold it (`HolderKind`: a grassroots union, the
  union of an enterprise, an agency or a school, a union above the grassroots, a person),
  which level recognises it (`recognising_rank`: the rank of the unit kind whose approvers
  recognise it, an ancestor of the registering unit — 1 = the province's federation) and its
  pass rule (`PassRule`: every criterion, at least `pass_count` of them, a total score of at
  least `pass_score`).
- `Criterion` of a title: **computed** (an indicator request of the registry,
  `activity.sessions[kind=tuyen_truyen]`, compared ≥/≤/= with `threshold` over the title's
  year for the registering unit's subtree, on the as-was basis) or **attested** (the unit
  uploads evidence, the reviewer checks it). Each has a `score`, counted when it is met.
- `Registration` (đăng ký): unit × title × year, unique. Its `state` walks `TRANSITIONS`
  (đã đăng ký → đã tự chấm → đã gửi → trả lại | đã công nhận | không công nhận); recognised or
  refused, it is final (`locked`). `SelfAssessment`: one row per criterion, with the computed
  value as it was when the unit assessed (the snapshot; the live value is recomputed by
  `services.live_value`), the attested evidence and note, and the reviewer's check.
- `AwardForm` (reference data, stable codes: Bằng khen TLĐ, Bằng khen LĐLĐ tỉnh, Bằng khen UBND
  tỉnh / Bộ, Giấy khen, Cờ thi đua…), `AwardProposal` (tờ trình: the proposing unit, the
  recipient — a unit, an enterprise or a person named with their unit — the form, the year,
  the achievement, and the eligibility flag with its override reason), `AwardDecision`
  (Quyết định khen thưởng: issuer, number unique per issuer and year — the register of
  numbers —, date, signer) and `Award` (decision × recipient × form × year × achievement; one
  award per recipient, form, movement and year).

Every record is scoped by its unit (`scope_unit`): a movement by its issuing unit, a title and
a criterion through their movement, a registration by the registering unit, a proposal by the
proposing unit, a decision by its issuer, an award by the unit its recipient belongs to (the
unit itself, the enterprise's keeping unit, the person's unit).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from binhyen.org.scoping import ScopedQuerySet


class HolderKind(models.TextChoices):
    GRASSROOTS = "co_so", _("Công đoàn cơ sở, nghiệp đoàn")
    ENTERPRISE = "doanh_nghiep", _("Doanh nghiệp (công đoàn cơ sở doanh nghiệp)")
    AGENCY = "co_quan", _("Cơ quan, đơn vị")
    SCHOOL = "truong_hoc", _("Trường học")
    UPPER = "cap_tren", _("Công đoàn cấp trên cơ sở")
    INDIVIDUAL = "ca_nhan", _("Cá nhân")


# the holder kinds a grassroots union registers for (it stands for its enterprise, agency or
# school: the tree does not say which, so any grassroots union may register for them)
GRASSROOTS_HOLDERS = frozenset(
    {HolderKind.GRASSROOTS, HolderKind.ENTERPRISE, HolderKind.AGENCY, HolderKind.SCHOOL}
)


class RecognisingRank(models.IntegerChoices):
    CONFEDERATION = 0, _("Tổng Liên đoàn")
    PROVINCE = 1, _("Liên đoàn Lao động tỉnh, thành phố")
    UPPER = 2, _("Công đoàn cấp trên trực tiếp cơ sở")


class PassRule(models.TextChoices):
    ALL = "tat_ca", _("Đạt tất cả tiêu chí")
    AT_LEAST = "toi_thieu", _("Đạt ít nhất một số tiêu chí")
    SCORE = "tong_diem", _("Tổng điểm đạt từ mức tối thiểu")


class CriterionKind(models.TextChoices):
    COMPUTED = "tu_dong", _("Tính từ số liệu")
    ATTESTED = "minh_chung", _("Có minh chứng")


class Comparison(models.TextChoices):
    GE = "ge", "≥"
    LE = "le", "≤"
    EQ = "eq", "="


class RegistrationState(models.TextChoices):
    REGISTERED = "da_dang_ky", _("Đã đăng ký")
    ASSESSED = "da_tu_cham", _("Đã tự chấm")
    SUBMITTED = "da_gui", _("Đã gửi")
    RETURNED = "tra_lai", _("Trả lại")
    RECOGNISED = "da_cong_nhan", _("Đã công nhận")
    REFUSED = "khong_cong_nhan", _("Không công nhận")


TRANSITIONS = {
    RegistrationState.REGISTERED: (RegistrationState.ASSESSED,),
    RegistrationState.ASSESSED: (RegistrationState.ASSESSED, RegistrationState.SUBMITTED),
    RegistrationState.SUBMITTED: (
        RegistrationState.RETURNED,
        RegistrationState.RECOGNISED,
        RegistrationState.REFUSED,
    ),
    RegistrationState.RETURNED: (RegistrationState.ASSESSED, RegistrationState.SUBMITTED),
    RegistrationState.RECOGNISED: (),
    RegistrationState.REFUSED: (),
}
FINAL = frozenset({RegistrationState.RECOGNISED, RegistrationState.REFUSED})


class Movement(models.Model):
    scope_unit = "issuer"

    code = models.SlugField(_("mã phong trào"), max_length=40, unique=True)
    name = models.CharField(_("tên phong trào"), max_length=255)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)
    issuer = models.ForeignKey(
        "org.Unit",
        verbose_name=_("đơn vị phát động"),
        on_delete=models.PROTECT,
        related_name="movements",
    )
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("văn bản phát động"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="movements",
    )
    description = models.TextField(_("nội dung"), blank=True, max_length=8000)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phong trào thi đua")
        verbose_name_plural = _("phong trào thi đua")
        ordering = ["-start", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="movement_end_after_start",
                violation_error_message=_("Ngày kết thúc không được trước ngày bắt đầu."),
            )
        ]

    def __str__(self):
        return self.name

    def covers_year(self, year):
        return self.start.year <= year and (self.end is None or self.end.year >= year)


class Title(models.Model):
    scope_unit = "movement__issuer"

    movement = models.ForeignKey(
        Movement, verbose_name=_("phong trào"), on_delete=models.PROTECT, related_name="titles"
    )
    code = models.SlugField(
        _("mã danh hiệu"),
        max_length=60,
        unique=True,
        help_text=_("Mã ổn định, dùng trong chỉ tiêu: emulation.registered[title=…]."),
    )
    name = models.CharField(_("tên danh hiệu"), max_length=255)
    holder = models.CharField(_("đối tượng"), max_length=20, choices=HolderKind.choices)
    recognising_rank = models.PositiveSmallIntegerField(
        _("cấp công nhận"), choices=RecognisingRank.choices, default=RecognisingRank.PROVINCE
    )
    rule = models.CharField(
        _("điều kiện đạt"), max_length=20, choices=PassRule.choices, default=PassRule.ALL
    )
    pass_count = models.PositiveSmallIntegerField(
        _("số tiêu chí tối thiểu phải đạt"), null=True, blank=True
    )
    pass_score = models.DecimalField(
        _("tổng điểm tối thiểu"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("danh hiệu thi đua")
        verbose_name_plural = _("danh hiệu thi đua")
        ordering = ["movement", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["movement", "name"],
                name="title_unique_name_in_movement",
                violation_error_message=_("Phong trào đã có danh hiệu cùng tên."),
            ),
            models.CheckConstraint(
                condition=~Q(rule="toi_thieu") | Q(pass_count__gte=1),
                name="title_at_least_has_count",
                violation_error_message=_("Hãy nhập số tiêu chí tối thiểu phải đạt."),
            ),
            models.CheckConstraint(
                condition=~Q(rule="tong_diem") | Q(pass_score__isnull=False),
                name="title_score_rule_has_score",
                violation_error_message=_("Hãy nhập tổng điểm tối thiểu."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def for_individuals(self):
        return self.holder == HolderKind.INDIVIDUAL


class Criterion(models.Model):
    scope_unit = "title__movement__issuer"

    title = models.ForeignKey(
        Title, verbose_name=_("danh hiệu"), on_delete=models.CASCADE, related_name="criteria"
    )
    label = models.CharField(_("tiêu chí"), max_length=500)
    kind = models.CharField(_("cách đánh giá"), max_length=20, choices=CriterionKind.choices)
    indicator = models.CharField(
        _("chỉ tiêu số liệu"),
        max_length=300,
        blank=True,
        help_text=_("Ví dụ: activity.sessions[kind=tuyen_truyen]"),
    )
    comparison = models.CharField(
        _("so sánh"), max_length=2, choices=Comparison.choices, blank=True
    )
    threshold = models.DecimalField(
        _("ngưỡng"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    evidence = models.CharField(_("minh chứng cần nộp"), max_length=500, blank=True)
    score = models.DecimalField(_("điểm"), max_digits=6, decimal_places=2, default=1)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["title", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="tu_dong")
                | (~Q(indicator="") & ~Q(comparison="") & Q(threshold__isnull=False)),
                name="criterion_computed_has_indicator",
                violation_error_message=_(
                    "Tiêu chí tính từ số liệu cần chỉ tiêu, phép so sánh và ngưỡng."
                ),
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0),
                name="criterion_score_not_negative",
                violation_error_message=_("Điểm không được âm."),
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def computed(self):
        return self.kind == CriterionKind.COMPUTED

    def met_by(self, value):
        """Whether a computed `value` meets the criterion (no figure: not met)."""
        if value is None:
            return False
        if self.comparison == Comparison.GE:
            return value >= self.threshold
        if self.comparison == Comparison.LE:
            return value <= self.threshold
        return value == self.threshold


class Registration(models.Model):
    scope_unit = "unit"

    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("đơn vị đăng ký"),
        on_delete=models.PROTECT,
        related_name="emulation_registrations",
    )
    title = models.ForeignKey(
        Title, verbose_name=_("danh hiệu"), on_delete=models.PROTECT, related_name="registrations"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    state = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=RegistrationState.choices,
        default=RegistrationState.REGISTERED,
    )
    registered_on = models.DateField(_("ngày đăng ký"))
    score = models.DecimalField(_("tổng điểm tự chấm"), max_digits=8, decimal_places=2, default=0)
    passed = models.BooleanField(_("tự đánh giá đạt"), null=True, blank=True)
    assessed_at = models.DateTimeField(_("tự chấm lúc"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    return_reason = models.TextField(_("lý do trả lại"), blank=True, max_length=2000)
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người quyết định"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("văn bản công nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_note = models.TextField(_("ý kiến của cấp công nhận"), blank=True, max_length=2000)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đăng ký thi đua")
        verbose_name_plural = _("đăng ký thi đua")
        ordering = ["-year", "unit__path", "title"]
        indexes = [models.Index(fields=["year", "state"])]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "title", "year"],
                name="registration_once_per_year",
                violation_error_message=_("Đơn vị đã đăng ký danh hiệu này trong năm."),
            )
        ]

    def __str__(self):
        return f"{self.unit} — {self.title} ({self.year})"

    @property
    def locked(self):
        return self.state in FINAL


def evidence_path(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"emulation/{instance.registration_id}/{instance.criterion_id}.{ext}"


class SelfAssessment(models.Model):
    scope_unit = "registration__unit"

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="assessments"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("tiêu chí"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(
        _("số liệu khi tự chấm"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    met = models.BooleanField(_("đơn vị tự đánh giá đạt"), default=False)
    evidence = models.FileField(
        _("tệp minh chứng"), upload_to=evidence_path, max_length=255, blank=True
    )
    note = models.TextField(_("giải trình"), blank=True, max_length=4000)
    checked = models.BooleanField(_("cấp trên xác nhận đạt"), null=True, blank=True)
    check_note = models.CharField(_("ý kiến thẩm định"), max_length=1000, blank=True)
    assessed_at = models.DateTimeField(_("tự chấm lúc"))

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tự chấm tiêu chí")
        verbose_name_plural = _("tự chấm tiêu chí")
        ordering = ["registration", "criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "criterion"], name="assessment_once_per_criterion"
            )
        ]

    def __str__(self):
        return f"{self.registration} — {self.criterion}"


class AwardForm(models.Model):
    """Reference data: the forms of award (Quyết định 999/QĐ-TLĐ and the State's rules)."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("hình thức khen thưởng"), max_length=255)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    collective = models.BooleanField(_("cho tập thể"), default=True)
    individual = models.BooleanField(_("cho cá nhân"), default=True)

    class Meta:
        verbose_name = _("hình thức khen thưởng")
        verbose_name_plural = _("hình thức khen thưởng")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class RecipientKind(models.TextChoices):
    UNIT = "don_vi", _("Tập thể (đơn vị công đoàn)")
    ENTERPRISE = "doanh_nghiep", _("Tập thể (doanh nghiệp)")
    PERSON = "ca_nhan", _("Cá nhân")


class Recipient(models.Model):
    """What an award proposal and an award have in common: who receives it. A person is kept
    to a name, a position and their unit (no date of birth, no ID number)."""

    recipient_kind = models.CharField(
        _("đối tượng khen thưởng"), max_length=20, choices=RecipientKind.choices
    )
    recipient_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("tập thể / đơn vị công tác"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Đơn vị được khen, hoặc đơn vị công tác của cá nhân, doanh nghiệp."),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("doanh nghiệp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    person_position = models.CharField(_("chức vụ"), max_length=255, blank=True)
    form = models.ForeignKey(
        AwardForm, verbose_name=_("hình thức khen thưởng"), on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    movement = models.ForeignKey(
        Movement,
        verbose_name=_("phong trào"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    achievement = models.TextField(_("thành tích"), max_length=8000)

    class Meta:
        abstract = True

    @property
    def recipient_name(self):
        if self.recipient_kind == RecipientKind.PERSON:
            return self.person_name
        if self.recipient_kind == RecipientKind.ENTERPRISE and self.enterprise_id:
            return self.enterprise.name
        return self.recipient_unit.name

    def recipient_key(self):
        """What makes two awards the same recipient's (for the no-second-award rule)."""
        return {
            "recipient_kind": self.recipient_kind,
            "recipient_unit": self.recipient_unit_id,
            "enterprise": self.enterprise_id,
            "person_name": self.person_name,
        }


class ProposalState(models.TextChoices):
    PROPOSED = "de_nghi", _("Đề nghị")
    DECIDED = "da_quyet_dinh", _("Đã quyết định")
    WITHDRAWN = "rut", _("Rút đề nghị")


class AwardProposal(Recipient):
    scope_unit = "unit"

    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("đơn vị đề nghị"),
        on_delete=models.PROTECT,
        related_name="award_proposals",
    )
    state = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=ProposalState.choices,
        default=ProposalState.PROPOSED,
    )
    # eligibility: flagged, never silently blocked — the proposer states why it goes ahead
    flags = models.JSONField(_("lưu ý về điều kiện"), default=list, blank=True)
    override_reason = models.TextField(_("lý do vẫn đề nghị"), blank=True, max_length=2000)
    proposed_at = models.DateTimeField(_("đề nghị lúc"), auto_now_add=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đề nghị khen thưởng")
        verbose_name_plural = _("đề nghị khen thưởng")
        ordering = ["-year", "-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(recipient_kind="ca_nhan") | ~Q(person_name=""),
                name="proposal_person_has_name",
                violation_error_message=_("Hãy nhập họ và tên người được đề nghị khen thưởng."),
            ),
            models.CheckConstraint(
                condition=~Q(recipient_kind="doanh_nghiep") | Q(enterprise__isnull=False),
                name="proposal_enterprise_named",
                violation_error_message=_("Hãy chọn doanh nghiệp được đề nghị khen thưởng."),
            ),
        ]

    def __str__(self):
        return f"{self.form} — {self.recipient_name} ({self.year})"


class AwardDecision(models.Model):
    """A decision (Quyết định khen thưởng). `number` comes from the issuer's register: unique
    per issuer and year (`year` is the decision date's)."""

    scope_unit = "issuer"

    issuer = models.ForeignKey(
        "org.Unit",
        verbose_name=_("cơ quan ban hành"),
        on_delete=models.PROTECT,
        related_name="award_decisions",
    )
    number = models.PositiveIntegerField(_("số quyết định"))
    symbol = models.CharField(_("ký hiệu"), max_length=40, default="QĐ-KT")
    year = models.PositiveSmallIntegerField(_("năm ban hành"), editable=False)
    date = models.DateField(_("ngày ký"))
    signer = models.CharField(_("người ký"), max_length=150)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=150, blank=True)
    summary = models.CharField(_("trích yếu"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quyết định khen thưởng")
        verbose_name_plural = _("quyết định khen thưởng")
        ordering = ["-date", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "year", "number"],
                name="decision_number_once_per_issuer_year",
                violation_error_message=_(
                    "Số quyết định này đã được dùng trong năm tại cơ quan ban hành."
                ),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="decision_number_positive",
                violation_error_message=_("Số quyết định phải từ 1 trở lên."),
            ),
        ]

    def __str__(self):
        return f"Số: {self.number}/{self.symbol}"

    def save(self, *args, **kwargs):
        self.year = self.date.year
        super().save(*args, **kwargs)


class Award(Recipient):
    """One award of a decision. `unit` is the unit the award counts under in the figures and
    is scoped by: the recipient unit (a collective, the enterprise's keeping unit, the person's
    unit)."""

    scope_unit = "recipient_unit"

    decision = models.ForeignKey(
        AwardDecision,
        verbose_name=_("quyết định"),
        on_delete=models.PROTECT,
        related_name="awards",
    )
    proposal = models.OneToOneField(
        AwardProposal,
        verbose_name=_("đề nghị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="award",
    )

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("khen thưởng")
        verbose_name_plural = _("khen thưởng")
        ordering = ["-year", "decision", "id"]
        indexes = [models.Index(fields=["year", "form"])]
        constraints = [
            models.UniqueConstraint(
                # an empty enterprise or movement is one value, not distinct NULLs
                "recipient_kind",
                "recipient_unit",
                Coalesce("enterprise", Value(0)),
                "person_name",
                "form",
                Coalesce("movement", Value(0)),
                "year",
                name="award_once_per_recipient_form_movement_year",
                violation_error_message=_(
                    "Đối tượng này đã được khen thưởng cùng hình thức, cùng phong trào trong năm."
                ),
            )
        ]

    def __str__(self):
        return f"{self.form} — {self.recipient_name} ({self.year})"
