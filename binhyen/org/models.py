"""The union tree (Unit, UnitKind, UnitEvent), the geography it sits on (Area), and who may
do what where (Assignment)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from binhyen.core import periods
from binhyen.core.bounds import Bound
from binhyen.core.text import fold, format_number
from binhyen.org.scoping import ADMIN_ROLES, Role, ScopedQuerySet, UnitScopedQuerySet

# The day the 2025 local-government reform took effect: legacy areas end the day before.
REFORM_DATE = datetime.date(2025, 7, 1)
PATH_STEP = 9  # "%08d/" per level: ids up to 99,999,999

# Where a point in Viet Nam can be: Lũng Cú (23,39° N) down to Cà Mau and Côn Đảo (8,4° N),
# A Pa Chải (102,14° E) out to the Trường Sa islands (up to about 117° E); every centroid of
# the geography packages lies inside (8,60–23,37° N, 102,22–114,45° E). Shared by the areas
# and by every record placed on the map (cameras).
LATITUDE = Bound(8.0, 23.5)
LONGITUDE = Bound(102.0, 117.5)

# A unit's figures: the same fields hold a grassroots union's (its enterprise's workforce,
# its members) and, if someone records them, an upper-level union's totals; the whole
# Vietnamese union, the root of the tree, counts about 11 million members in a workforce of
# some 53 million. A grassroots union's own figures are held to GRASSROOTS_HEADCOUNT below.
WORKFORCE = Bound(0, 60_000_000)
UNION_MEMBERS = Bound(0, 60_000_000)
# The largest employers (Samsung's plants in Bắc Ninh and Thái Nguyên, Pou Yuen) count up to
# about 100.000 workers under one grassroots union: twice that is the ceiling of one.
GRASSROOTS_HEADCOUNT = 200_000


def path_segment(pk):
    return f"{pk:08d}/"


class AreaLevel(models.TextChoices):
    PROVINCE = "province", _("Tỉnh/thành phố")
    WARD = "ward", _("Phường/xã/đặc khu")
    LEGACY_PROVINCE = "legacy_province", _("Tỉnh/thành phố (trước 01/07/2025)")
    LEGACY_DISTRICT = "legacy_district", _("Quận/huyện (trước 01/07/2025)")
    LEGACY_WARD = "legacy_ward", _("Phường/xã (trước 01/07/2025)")


class AreaQuerySet(models.QuerySet):
    def current(self):
        return self.filter(level__in=[AreaLevel.PROVINCE, AreaLevel.WARD])

    def search(self, query):
        from binhyen.core.text import search_terms

        qs = self
        for term in search_terms(query):
            qs = qs.filter(search_text__contains=term)
        return qs


class Area(models.Model):
    """Administrative geography: the 34 provinces and their wards in force since 2025-07-01,
    and the legacy provinces, districts and wards with the new area each maps to."""

    level = models.CharField(_("cấp"), max_length=20, choices=AreaLevel.choices)
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên"), max_length=150)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("thuộc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    province = models.ForeignKey(
        "self",
        verbose_name=_("tỉnh/thành phố"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("nay thuộc"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
    )
    latitude = models.FloatField(_("vĩ độ"), null=True, blank=True, validators=LATITUDE.validators)
    longitude = models.FloatField(
        _("kinh độ"), null=True, blank=True, validators=LONGITUDE.validators
    )
    search_text = models.CharField(max_length=300, editable=False, default="")

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("địa bàn")
        verbose_name_plural = _("địa bàn")
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["level", "code"], name="area_unique_code_per_level"),
            LATITUDE.constraint("latitude", "area"),
            LONGITUDE.constraint("longitude", "area"),
        ]
        indexes = [models.Index(fields=["level", "province"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.name} {self.code}")
        super().save(*args, **kwargs)

    @property
    def is_legacy(self):
        return self.level.startswith("legacy_")


class UnitKind(models.Model):
    """A kind of union unit. Kinds are data (like DHIS2 levels): new kinds need no code change."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên loại"), max_length=150)
    short_name = models.CharField(_("viết tắt"), max_length=40, blank=True)
    rank = models.PositiveSmallIntegerField(
        _("bậc"),
        help_text=_(
            "0 = Tổng Liên đoàn, 1 = tỉnh/thành phố, 2 = cấp trên trực tiếp cơ sở, 3 = cơ sở"
        ),
    )
    is_grassroots = models.BooleanField(_("cấp cơ sở"), default=False)
    is_legacy = models.BooleanField(_("chỉ có trước 01/07/2025"), default=False)

    class Meta:
        verbose_name = _("loại đơn vị")
        verbose_name_plural = _("loại đơn vị")
        ordering = ["rank", "name"]

    def __str__(self):
        return self.name


class Ownership(models.TextChoices):
    STATE = "nha_nuoc", _("Nhà nước")
    NON_STATE = "ngoai_nha_nuoc", _("Ngoài nhà nước")
    FDI = "fdi", _("Có vốn đầu tư nước ngoài (FDI)")


class UnitQuerySet(UnitScopedQuerySet):
    def open_on(self, day):
        return self.filter(
            Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        )

    def descendants_of(self, unit, include_self=True):
        qs = self.filter(path__startswith=unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)

    def search(self, query):
        from binhyen.core.text import search_terms

        qs = self
        for term in search_terms(query):
            qs = qs.filter(search_text__contains=term)
        return qs


code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9._-]*$",
    _("Mã chỉ gồm chữ in hoa không dấu, chữ số và các ký tự . _ -"),
)


class Unit(models.Model):
    """A node of the union tree. The materialized `path` (ancestor ids, root first) lets any
    subtree be one indexed prefix query; closed units keep their rows and dates."""

    scope_unit = ""  # the unit is its own owner
    scope_ward = "ward"  # a police liaison sees the units located in their wards
    scope_edit_roles = (
        ADMIN_ROLES  # changing a unit is administering it (Unit.objects.administered_by)
    )

    code = models.CharField(_("mã đơn vị"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("tên đơn vị"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=120, blank=True)
    kind = models.ForeignKey(UnitKind, verbose_name=_("loại đơn vị"), on_delete=models.PROTECT)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=1, editable=False)
    province = models.ForeignKey(
        Area,
        verbose_name=_("tỉnh/thành phố"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="province_units",
    )
    ward = models.ForeignKey(
        Area,
        verbose_name=_("phường/xã"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ward_units",
    )
    valid_from = models.DateField(_("ngày thành lập"))
    valid_to = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị kế thừa"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    enterprise_name = models.CharField(_("tên doanh nghiệp/cơ quan"), max_length=255, blank=True)
    ownership = models.CharField(
        _("loại hình sở hữu"), max_length=20, choices=Ownership.choices, blank=True
    )
    workforce = models.PositiveIntegerField(
        _("số lao động"), null=True, blank=True, validators=WORKFORCE.validators
    )
    members = models.PositiveIntegerField(
        _("số đoàn viên"), null=True, blank=True, validators=UNION_MEMBERS.validators
    )
    search_text = models.CharField(max_length=600, editable=False, default="")

    objects = UnitQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text", "path", "depth"])

    class Meta:
        verbose_name = _("đơn vị công đoàn")
        verbose_name_plural = _("đơn vị công đoàn")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="unit_closes_after_it_opens",
                violation_error_message=_("Ngày kết thúc không được trước ngày thành lập."),
            ),
            models.CheckConstraint(
                condition=Q(members__isnull=True)
                | Q(workforce__isnull=True)
                | Q(members__lte=F("workforce")),
                name="unit_members_within_workforce",
                violation_error_message=_("Số đoàn viên không được lớn hơn số lao động."),
            ),
            WORKFORCE.constraint("workforce", "unit"),
            UNION_MEMBERS.constraint("members", "unit"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.name} {self.short_name} {self.code} {self.enterprise_name}")
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            errors["valid_to"] = _("Ngày kết thúc không được trước ngày thành lập.")
        if (
            self.members is not None
            and self.workforce is not None
            and self.members > self.workforce
        ):
            errors["members"] = _("Số đoàn viên không được lớn hơn số lao động.")
        if self.kind_id and self.kind.is_grassroots:
            for name, label in (("workforce", _("Số lao động")), ("members", _("Số đoàn viên"))):
                value = getattr(self, name)
                if value is not None and value > GRASSROOTS_HEADCOUNT and name not in errors:
                    errors[name] = _("%(label)s của một công đoàn cơ sở tối đa %(max)s.") % {
                        "label": label,
                        "max": format_number(GRASSROOTS_HEADCOUNT),
                    }
        if self.parent_id and self.kind_id and self.parent.kind.rank >= self.kind.rank:
            errors["kind"] = _("Loại đơn vị phải ở cấp thấp hơn đơn vị cấp trên (%(parent)s).") % {
                "parent": self.parent.kind.name
            }
        if self.parent_id and self.parent.kind.is_grassroots and "kind" not in errors:
            # the grassroots union is where members belong: the lowest level of the tree (and
            # the rollup cube reads a grassroots union's figures from its parent's row)
            errors["parent"] = _("%(parent)s là công đoàn cơ sở: không có đơn vị trực thuộc.") % {
                "parent": self.parent.name
            }
        if (
            self.pk
            and self.kind_id
            and Unit.objects.filter(parent_id=self.pk, kind__rank__lte=self.kind.rank).exists()
        ):
            errors["kind"] = _("Loại đơn vị phải ở cấp cao hơn các đơn vị trực thuộc.")
        if (
            self.pk
            and self.kind_id
            and self.kind.is_grassroots
            and Unit.objects.filter(parent_id=self.pk).exists()
        ):
            errors["kind"] = _("Đơn vị đang có đơn vị trực thuộc nên không thể là công đoàn cơ sở.")
        if self.parent_id and self.pk and self.parent.path.startswith(self.path or "\0"):
            errors["parent"] = _(
                "Không thể chuyển đơn vị vào chính nó hoặc đơn vị cấp dưới của nó."
            )
        if self.ward_id and self.ward.level not in (AreaLevel.WARD, AreaLevel.LEGACY_WARD):
            errors["ward"] = _("Hãy chọn một phường/xã.")
        if self.province_id and self.province.level not in (
            AreaLevel.PROVINCE,
            AreaLevel.LEGACY_PROVINCE,
        ):
            errors["province"] = _("Hãy chọn một tỉnh/thành phố.")
        if self.ward_id and self.province_id and self.ward.province_id != self.province_id:
            errors["ward"] = _("Phường/xã này không thuộc tỉnh/thành phố đã chọn.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self):
        return self.valid_to is None or self.valid_to >= periods.today()

    def open_on(self, day):
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)

    @property
    def ancestor_ids(self):
        """Ids root first, this unit last: what rollup facts store as level1_id … levelN_id."""
        return [int(self.path[i : i + PATH_STEP - 1]) for i in range(0, len(self.path), PATH_STEP)]


class UnitEventKind(models.TextChoices):
    CREATED = "created", _("Thành lập")
    MOVED = "moved", _("Chuyển đơn vị cấp trên")
    MERGED = "merged", _("Sáp nhập")
    CLOSED = "closed", _("Giải thể/kết thúc hoạt động")
    REOPENED = "reopened", _("Hoạt động trở lại")


class UnitEvent(models.Model):
    """A dated change of the tree. Moves and merges are recorded here, never just overwritten,
    so a period can be answered with the tree as it stood then."""

    scope_unit = "unit"

    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("sự kiện"), max_length=20, choices=UnitEventKind.choices)
    date = models.DateField(_("ngày hiệu lực"))
    old_parent = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cấp trên cũ"),
    )
    new_parent = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cấp trên mới"),
    )
    successor = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị kế thừa"),
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("sự kiện tổ chức")
        verbose_name_plural = _("sự kiện tổ chức")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["unit", "date"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.unit} ({self.date:%d/%m/%Y})"


class Assignment(models.Model):
    """A role a user holds over one unit's subtree (or, for a police liaison, over wards)."""

    scope_unit = "unit"
    scope_edit_roles = ADMIN_ROLES

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    wards = models.ManyToManyField(
        Area, verbose_name=_("phường/xã phụ trách"), blank=True, related_name="police_assignments"
    )
    active = models.BooleanField(_("đang hiệu lực"), default=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[wards])

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        ordering = ["unit__path", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                condition=Q(active=True),
                name="assignment_one_active_role_per_unit",
                violation_error_message=_("Người dùng này đã có vai trò đó tại đơn vị này."),
            ),
            models.CheckConstraint(
                condition=Q(role=Role.POLICE) | Q(unit__isnull=False),
                name="assignment_unit_required",
                violation_error_message=_("Vai trò này phải gắn với một đơn vị."),
            ),
        ]

    def __str__(self):
        where = self.unit or _("các phường/xã được giao")
        return f"{self.user} — {self.get_role_display()} — {where}"


def _audit_users():
    """Users are audited like every other record (who changed whom, when, before, after)."""
    from django.contrib.auth.models import User
    from simple_history import register
    from simple_history.exceptions import MultipleRegistrationsError

    try:
        register(User, app="binhyen.org", excluded_fields=["last_login", "password"])
    except MultipleRegistrationsError:
        pass


_audit_users()
