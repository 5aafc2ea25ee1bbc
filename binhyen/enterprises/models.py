"""Enterprises (doanh nghiệp): the workplaces where incidents happen, groups' members work and
emulation titles are held, with the facts the reports count about them — ownership (state,
private domestic, foreign-invested with the investor's country), industry, ward, workforce and
the grassroots union that represents their workers, if any ("chưa có tổ chức công đoàn").

An enterprise is kept by one union unit (`unit`: the representing union when there is one,
else the district or zone union that follows it); the scoping of every record follows that
unit, and the ward's police liaison reads the enterprises of their wards.
"""

import re

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from binhyen.core.bounds import Bound
from binhyen.core.text import fold, search_terms
from binhyen.org.scoping import ScopedQuerySet

# The largest factories in Việt Nam employ some tens of thousands (a shoe maker in Đồng Nai
# passed 60.000); beyond 200.000 a workforce is a typing slip.
WORKFORCE = Bound(0, 200_000)

# Mã số thuế: 10 digits for the enterprise, 13 (10 + "-" + 3) for a dependent branch.
TAX_CODE_RE = r"^[0-9]{10}(-[0-9]{3})?$"
tax_code_validator = RegexValidator(
    TAX_CODE_RE,
    _("Mã số thuế gồm 10 chữ số, hoặc 13 chữ số với chi nhánh (ví dụ 0301234567-001)."),
)


def normalize_tax_code(value):
    """The stored form of a tax code as people type it: spaces and dots dropped, 13 digits
    written 10-3 with a dash ("0301234567001" → "0301234567-001")."""
    raw = re.sub(r"[\s.]", "", str(value or ""))
    if re.fullmatch(r"[0-9]{13}", raw):
        raw = f"{raw[:10]}-{raw[10:]}"
    return raw


class Ownership(models.Model):
    """Reference data: the ownership kinds the reports count by (codes are stable)."""

    STATE = "nha_nuoc"
    PRIVATE = "tu_nhan"
    FDI = "fdi"

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("loại hình sở hữu"), max_length=200)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("loại hình sở hữu")
        verbose_name_plural = _("loại hình sở hữu")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class Industry(models.Model):
    """Reference data: the industries (ngành nghề) enterprises are grouped by."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("ngành nghề"), max_length=200)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("ngành nghề")
        verbose_name_plural = _("ngành nghề")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class Country(models.TextChoices):
    """The investors' countries and territories met in Vietnamese industrial parks (ISO codes)."""

    KR = "KR", _("Hàn Quốc")
    JP = "JP", _("Nhật Bản")
    TW = "TW", _("Đài Loan (Trung Quốc)")
    CN = "CN", _("Trung Quốc")
    SG = "SG", _("Singapore")
    HK = "HK", _("Hồng Kông (Trung Quốc)")
    US = "US", _("Hoa Kỳ")
    DE = "DE", _("Đức")
    FR = "FR", _("Pháp")
    GB = "GB", _("Vương quốc Anh")
    NL = "NL", _("Hà Lan")
    TH = "TH", _("Thái Lan")
    MY = "MY", _("Malaysia")
    AU = "AU", _("Úc")
    VG = "VG", _("Quần đảo Virgin thuộc Anh")
    OTHER = "XX", _("Quốc gia khác")


class EnterpriseQuerySet(ScopedQuerySet):
    def search(self, query):
        qs = self
        for term in search_terms(query):
            qs = qs.filter(search_text__contains=term)
        return qs


class AliveManager(models.Manager.from_queryset(EnterpriseQuerySet)):
    """Deleted enterprises stay in the table (incidents name them) but out of every list."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class Enterprise(models.Model):
    scope_unit = "unit"
    scope_ward = "ward"  # the ward's police liaison reads the enterprises of their wards

    name = models.CharField(_("tên doanh nghiệp"), max_length=255)
    tax_code = models.CharField(_("mã số thuế"), max_length=14, validators=[tax_code_validator])
    ownership = models.ForeignKey(
        Ownership, verbose_name=_("loại hình sở hữu"), on_delete=models.PROTECT
    )
    investor_country = models.CharField(
        _("quốc gia nhà đầu tư"), max_length=2, choices=Country.choices, blank=True
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("ngành nghề"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    ward = models.ForeignKey(
        "org.Area",
        verbose_name=_("phường, xã"),
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    workforce = models.PositiveIntegerField(
        _("số lao động"), default=0, validators=WORKFORCE.validators
    )
    union = models.ForeignKey(
        "org.Unit",
        verbose_name=_("công đoàn cơ sở"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="represented_enterprises",
        help_text=_("Để trống khi doanh nghiệp chưa có tổ chức công đoàn."),
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("đơn vị theo dõi"),
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    notes = models.TextField(_("ghi chú"), blank=True, max_length=2000)
    search_text = models.CharField(max_length=600, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = AliveManager()
    all_objects = EnterpriseQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("doanh nghiệp")
        verbose_name_plural = _("doanh nghiệp")
        ordering = ["name", "id"]
        base_manager_name = "all_objects"
        indexes = [models.Index(fields=["ward"]), models.Index(fields=["unit"])]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_code"],
                condition=Q(deleted_at__isnull=True),
                name="enterprise_tax_code_unique",
                violation_error_message=_("Đã có doanh nghiệp mang mã số thuế này."),
            ),
            WORKFORCE.constraint("workforce", "enterprise"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.name} {self.tax_code} {self.address}")[:600]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("enterprises:detail", args=[self.pk])

    @property
    def has_union(self):
        return self.union_id is not None

    @property
    def is_fdi(self):
        return self.ownership.code == Ownership.FDI
