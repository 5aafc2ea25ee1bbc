"""Documents (directives, resolutions, plans, letters…), who issued them, what each carries out,
and the targets a plan sets for the units below it."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from binhyen.core.bounds import Bound
from binhyen.core.text import fold, search_terms
from binhyen.org.models import Unit
from binhyen.org.scoping import VIEW_ROLES, ScopedQuerySet, scope_of

from .citations import symbol_key


class DocumentType(models.Model):
    """A kind of document with the abbreviation its symbols carry (Kế hoạch → KH). Codes are
    those of `citations.TYPES`, so what the parser finds maps onto this table."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên loại văn bản"), max_length=100)
    abbreviation = models.CharField(_("chữ viết tắt trong ký hiệu"), max_length=20, blank=True)
    is_plan = models.BooleanField(
        _("có thể đặt chỉ tiêu"),
        default=False,
        help_text=_("Kế hoạch, chương trình: văn bản giao chỉ tiêu cho các đơn vị."),
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("loại văn bản")
        verbose_name_plural = _("loại văn bản")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Issuer(models.Model):
    """A body outside the union tree that issues documents the unions carry out (Bộ Chính trị,
    Chính phủ, Ban Chỉ đạo 138…). Shared reference data: everyone logged in reads it."""

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên cơ quan"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    aliases = models.CharField(
        _("cách gọi khác"),
        max_length=300,
        blank=True,
        help_text=_(
            "Các cách viết khác trong văn bản, cách nhau bởi dấu chấm phẩy (BCĐ 138; Ban Chỉ đạo 138)."
        ),
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    search_text = models.CharField(max_length=600, editable=False, default="")

    class Meta:
        verbose_name = _("cơ quan ban hành ngoài hệ thống công đoàn")
        verbose_name_plural = _("cơ quan ban hành ngoài hệ thống công đoàn")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.name}; {self.short_name}; {self.aliases}")
        super().save(*args, **kwargs)

    def names(self):
        """Every folded way of writing this body's name."""
        raw = [self.name, self.short_name, *self.aliases.split(";")]
        return [fold(n) for n in raw if n and n.strip()]


class DocumentQuerySet(ScopedQuerySet):
    """Who sees which document — the one rule, documented here:

    - an outside body's document (Bộ Chính trị, Chính phủ…; `shared`) is reference data that
      every logged-in person reads, whichever unit registered it;
    - a union unit's own document follows the unit scoping of every other record: visible to
      the people holding a role over the owning unit's subtree (so a federation sees its
      districts' plans, never its siblings');
    - a plan also reaches the units it assigns a target to: the people of those units read the
      plan whose target they carry, not the rest of their superior's documents.

    Editing is the standard rule: editors and admins over the owning unit. For an outside
    document the owner is the unit that registered it, which keeps that shared entry.
    """

    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        scope = scope_of(user, VIEW_ROLES)
        if scope.everything:
            return self
        q = Q(shared=True)
        if scope.paths:
            addressed = TargetAssignment.objects.visible_to(user).values("target__plan_id")
            q |= scope.q("unit__path") | Q(pk__in=addressed)
        return self.filter(q)

    def owned_in_scope(self, user):
        """Documents of the units the person works for (not the shared outside ones)."""
        return self._filter_scope(scope_of(user, VIEW_ROLES))

    def search(self, query):
        qs = self
        for term in search_terms(query):
            qs = qs.filter(search_text__contains=term)
        return qs

    def plans(self):
        return self.filter(doc_type__is_plan=True)


class AliveDocuments(models.Manager.from_queryset(DocumentQuerySet)):
    """Soft-deleted documents stay in the table and in history, out of every listing."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


def document_file_path(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    key = symbol_key(instance.symbol or instance.number).replace("/", "-") or "van-ban"
    return f"documents/{instance.unit_id}/{key}.{ext}"


class Document(models.Model):
    """A directive, resolution, conclusion, plan, letter, decision or programme: number, symbol
    ("329/KH-LĐLĐ"), type, issuer, date, summary (trích yếu), file and validity. `implements`
    links a document to those it carries out (a plan to the directive behind it)."""

    scope_unit = "unit"

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị quản lý"),
        on_delete=models.PROTECT,
        related_name="documents",
        help_text=_(
            "Đơn vị có văn bản này: đơn vị ban hành, hoặc đơn vị đã đăng ký văn bản của cơ quan ngoài."
        ),
    )
    doc_type = models.ForeignKey(
        DocumentType,
        verbose_name=_("loại văn bản"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    number = models.CharField(_("số"), max_length=10)
    symbol = models.CharField(
        _("ký hiệu"), max_length=60, blank=True, help_text=_("Ví dụ 329/KH-LĐLĐ, 44-KL/TW.")
    )
    symbol_key = models.CharField(max_length=80, editable=False, db_index=True)
    issuer_unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị ban hành"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_documents",
    )
    issuer = models.ForeignKey(
        Issuer,
        verbose_name=_("cơ quan ban hành"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    shared = models.BooleanField(_("văn bản của cơ quan ngoài"), default=False, editable=False)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True, editable=False)
    summary = models.TextField(_("trích yếu"), blank=True)
    file = models.FileField(
        _("tệp văn bản"), upload_to=document_file_path, max_length=255, blank=True
    )
    file_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    file_size = models.PositiveIntegerField(_("dung lượng (byte)"), null=True, blank=True)
    file_type = models.CharField(_("loại tệp"), max_length=100, blank=True)
    valid_from = models.DateField(_("hiệu lực từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến ngày"), null=True, blank=True)
    implements = models.ManyToManyField(
        "self",
        verbose_name=_("thực hiện văn bản"),
        symmetrical=False,
        blank=True,
        related_name="implemented_by",
    )
    search_text = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        null=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("ngày nhập"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)
    deleted_at = models.DateTimeField(_("ngày xóa"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xóa"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = AliveDocuments()
    all_objects = DocumentQuerySet.as_manager()
    history = HistoricalRecords(
        m2m_fields=[implements], excluded_fields=["search_text", "symbol_key"]
    )

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        ordering = ["-issued_on", "-id"]
        base_manager_name = "all_objects"
        indexes = [
            models.Index(fields=["unit", "issued_on"], name="document_unit_date"),
            models.Index(fields=["year", "doc_type"], name="document_year_type"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(issuer__isnull=False) & Q(issuer_unit__isnull=True))
                | (Q(issuer__isnull=True) & Q(issuer_unit__isnull=False)),
                name="document_one_issuer",
                violation_error_message=_(
                    "Hãy chọn một cơ quan ban hành: một đơn vị công đoàn hoặc một cơ quan ngoài."
                ),
            ),
            models.CheckConstraint(
                condition=Q(shared=True, issuer__isnull=False)
                | Q(shared=False, issuer__isnull=True),
                name="document_shared_iff_outside_issuer",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="document_valid_to_after_from",
                violation_error_message=_("Ngày hết hiệu lực không được trước ngày có hiệu lực."),
            ),
            models.UniqueConstraint(
                fields=["issuer_unit", "doc_type", "symbol_key", "year"],
                condition=Q(deleted_at__isnull=True, issuer_unit__isnull=False),
                name="document_unique_per_unit_issuer",
                violation_error_message=_(
                    "Đã có văn bản cùng số, ký hiệu, năm của đơn vị ban hành này."
                ),
            ),
            models.UniqueConstraint(
                fields=["issuer", "doc_type", "symbol_key", "year"],
                condition=Q(deleted_at__isnull=True, issuer__isnull=False),
                name="document_unique_per_outside_issuer",
                violation_error_message=_(
                    "Đã có văn bản cùng số, ký hiệu, năm của cơ quan ban hành này."
                ),
            ),
        ]

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("documents:detail", args=[self.pk])

    @property
    def reference(self):
        """ "329/KH-LĐLĐ", or "số 478" for a document without a symbol."""
        return self.symbol or f"{_('số')} {self.number}"

    @property
    def label(self):
        """ "Kế hoạch số 329/KH-LĐLĐ" (type name from the related row when it is loaded)."""
        name = self.doc_type.name if self.doc_type_id else ""
        return f"{name} {_('số')} {self.symbol or self.number}".strip()

    @property
    def issuer_name(self):
        if self.issuer_id:
            return self.issuer.name
        return self.issuer_unit.name if self.issuer_unit_id else ""

    @property
    def is_deleted(self):
        return self.deleted_at is not None

    def refresh_derived(self):
        """The columns computed from others: comparison key, year, shared flag, search text."""
        self.symbol_key = symbol_key(self.symbol or self.number)
        self.year = self.issued_on.year if self.issued_on else _symbol_year(self.symbol)
        self.shared = self.issuer_id is not None
        type_name = self.doc_type.name if self.doc_type_id else ""
        self.search_text = fold(
            f"{type_name} {self.number} {self.symbol} {self.symbol_key} {self.summary}"
        )


def _symbol_year(symbol):
    from .citations import split_symbol

    if not symbol:
        return None
    for code in split_symbol(symbol)[1]:
        if code.isdecimal() and len(code) == 4 and 1945 <= int(code) <= 2100:
            return int(code)
    return None


# What a plan asks of each unit: a count (sessions, attendances, members…) or a percentage. The
# largest real one is a province's yearly attendance target (Ho Chi Minh City reached 3.740.917
# attendances over five years), so ten million per unit is generous, and a sum over every
# unit of a plan stays far from overflowing.
TARGET_VALUE = Bound(1, 10_000_000)


class AppliesTo(models.TextChoices):
    UNIT = "unit", _("Chính đơn vị ban hành kế hoạch (toàn hệ thống của đơn vị)")
    CHILDREN = "children", _("Tất cả đơn vị trực thuộc")
    GRASSROOTS = "grassroots", _("Tất cả công đoàn cơ sở trong hệ thống")
    LIST = "list", _("Danh sách đơn vị được chọn")


class TargetQuerySet(ScopedQuerySet):
    pass


class Target(models.Model):
    """What a plan asks: an indicator of the rollup registry, for a period, a value per unit,
    and which units. Each unit it applies to gets its own copy (TargetAssignment)."""

    scope_unit = "plan__unit"

    plan = models.ForeignKey(
        Document, verbose_name=_("kế hoạch"), on_delete=models.PROTECT, related_name="targets"
    )
    indicator = models.CharField(
        _("chỉ tiêu"),
        max_length=200,
        help_text=_(
            "Mã trong danh mục chỉ tiêu, có thể kèm bộ lọc: activity.sessions[kind=tuyen_truyen]."
        ),
    )
    description = models.CharField(_("nội dung chỉ tiêu"), max_length=300, blank=True)
    period = models.CharField(
        _("kỳ"),
        max_length=30,
        help_text=_("2022, 2022H1, 2022Q1, 2022-03 hoặc 2022-03-23..2022-12-31."),
    )
    period_start = models.DateField(_("từ ngày"), editable=False)
    period_end = models.DateField(_("đến ngày"), editable=False)
    value = models.PositiveIntegerField(
        _("mức chỉ tiêu mỗi đơn vị"), validators=TARGET_VALUE.validators
    )
    applies_to = models.CharField(_("áp dụng cho"), max_length=20, choices=AppliesTo.choices)
    units = models.ManyToManyField(Unit, verbose_name=_("các đơn vị"), blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TargetQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[units])

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["plan", "id"]
        constraints = [
            TARGET_VALUE.constraint("value", "target"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="target_period_ordered",
            ),
        ]

    def __str__(self):
        return self.description or self.indicator


class TargetAssignment(models.Model):
    """A unit's own copy of a plan's target: the unit sees what it was asked, and its progress
    is read live from the rollup for it alone."""

    scope_unit = "unit"

    target = models.ForeignKey(
        Target, verbose_name=_("chỉ tiêu"), on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="target_assignments"
    )
    indicator = models.CharField(_("chỉ tiêu"), max_length=200)
    period = models.CharField(_("kỳ"), max_length=30)
    value = models.PositiveIntegerField(_("mức chỉ tiêu"), validators=TARGET_VALUE.validators)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chỉ tiêu được giao")
        verbose_name_plural = _("chỉ tiêu được giao")
        ordering = ["target", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "unit"], name="target_assignment_once_per_unit"
            ),
            TARGET_VALUE.constraint("value", "target_assignment"),
        ]

    def __str__(self):
        return f"{self.target} — {self.unit}"
