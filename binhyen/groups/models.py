"""Standing initiatives (Group) with their members over time, the boarding houses they cover
and the security cameras the movement funds.

Dates follow one rule across the app: a record is in force on day D when
`start <= D` and (`end` is empty or `end > D`); the end date (closed, left, coverage end) is the
first day it no longer counts, so a leader handing over on 15/03 and the next one joining on
15/03 never overlap.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from binhyen.core.bounds import Bound
from binhyen.core.text import fold, search_terms
from binhyen.org.models import LATITUDE, LONGITUDE
from binhyen.org.scoping import ScopedQuerySet

PHONE_RE = r"^0[35789][0-9]{8}$"
ID_NUMBER_RE = r"^[0-9]{12}$"

# A boarding house can be a worker-housing block of a few thousand people; the largest worker
# housing estates by the industrial parks count rooms in the thousands and residents in the
# tens of thousands. Beyond these a figure is a typing slip (or 10^12 from a probe).
ROOMS = Bound(0, 10_000)
RESIDENT_WORKERS = Bound(0, 100_000)
# A camera point (cameras, recorder, pole, wiring) costs some millions to some tens of
# millions of đồng; an enterprise-funded system some hundreds of millions: 1 tỷ is the ceiling.
CAMERA_COST = Bound(0, 1_000_000_000)

phone_validator = RegexValidator(
    PHONE_RE, _("Số điện thoại di động gồm 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09.")
)
id_number_validator = RegexValidator(ID_NUMBER_RE, _("Số CCCD gồm đúng 12 chữ số."))


def in_force_on(day, start="founded", end="closed", prefix=""):
    """The Q for "in force on `day`" under the app's date rule (end = first day not counted)."""
    return Q(**{f"{prefix}{start}__lte": day}) & (
        Q(**{f"{prefix}{end}__isnull": True}) | Q(**{f"{prefix}{end}__gt": day})
    )


class GroupKind(models.Model):
    """A kind of standing initiative; codes are stable (reports and imports use them)."""

    NHA_TRO = "nha_tro"
    XE_OM = "xe_om"
    DU_LUAN_XA_HOI = "du_luan_xa_hoi"
    NONG_COT = "nong_cot"
    KHAC = "khac"

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên loại mô hình"), max_length=200)
    short_name = models.CharField(_("tên ngắn"), max_length=80, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("loại mô hình")
        verbose_name_plural = _("loại mô hình")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class SoftDeleteQuerySet(ScopedQuerySet):
    def search(self, query):
        qs = self
        for term in search_terms(query):
            qs = qs.filter(search_text__contains=term)
        return qs


class GroupQuerySet(SoftDeleteQuerySet):
    def active_on(self, day):
        return self.filter(in_force_on(day))

    def in_subtree(self, unit):
        return self.filter(unit__path__startswith=unit.path)


class AliveManager(models.Manager):
    """Soft-deleted rows stay in the table (reports depend on them) but out of every listing."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class GroupManager(AliveManager.from_queryset(GroupQuerySet)):
    pass


class Group(models.Model):
    """A self-managed group, a motorbike-taxi group, a public-opinion group, a core force…"""

    scope_unit = "unit"
    scope_ward = "ward"  # the ward's police liaison sees the groups of their ward

    kind = models.ForeignKey(GroupKind, verbose_name=_("loại mô hình"), on_delete=models.PROTECT)
    code = models.CharField(
        _("mã tổ"),
        max_length=40,
        blank=True,
        help_text=_("Không bắt buộc; dùng để nhập danh sách thành viên, nhà trọ từ Excel."),
    )
    name = models.CharField(_("tên tổ/mô hình"), max_length=255)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("đơn vị quản lý"),
        on_delete=models.PROTECT,
        related_name="groups",
    )
    ward = models.ForeignKey(
        "org.Area", verbose_name=_("phường, xã"), on_delete=models.PROTECT, related_name="groups"
    )
    legacy_ward = models.ForeignKey(
        "org.Area",
        verbose_name=_("phường, xã (trước 01/07/2025)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    founded = models.DateField(_("ngày thành lập"))
    closed = models.DateField(_("ngày ngừng hoạt động"), null=True, blank=True)
    leader_name = models.CharField(
        _("tổ trưởng"),
        max_length=150,
        blank=True,
        help_text=_("Để trống nếu tổ trưởng đã có trong danh sách thành viên."),
    )
    police_contact = models.CharField(
        _("cán bộ công an phường phụ trách"), max_length=255, blank=True
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    search_text = models.CharField(max_length=600, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = GroupManager()
    all_objects = GroupQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("mô hình")
        verbose_name_plural = _("mô hình")
        ordering = ["unit__path", "name", "id"]
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code=""),
                name="group_code_unique",
                violation_error_message=_("Mã tổ này đã được dùng."),
            ),
            models.CheckConstraint(
                condition=Q(closed__isnull=True) | Q(closed__gte=F("founded")),
                name="group_closes_after_founding",
                violation_error_message=_("Ngày ngừng hoạt động không được trước ngày thành lập."),
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "founded"]),
            models.Index(fields=["ward", "founded"]),
            models.Index(fields=["kind", "founded"]),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.name} {self.code} {self.address} {self.leader_name}")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("groups:detail", args=[self.pk])

    def clean(self):
        if self.closed and self.founded and self.closed < self.founded:
            raise ValidationError(
                {"closed": _("Ngày ngừng hoạt động không được trước ngày thành lập.")}
            )

    def is_active_on(self, day):
        return self.founded <= day and (self.closed is None or self.closed > day)


class MemberRole(models.TextChoices):
    LEADER = "to_truong", _("Tổ trưởng")
    DEPUTY = "to_pho", _("Tổ phó")
    MEMBER = "thanh_vien", _("Thành viên")


class MemberQuerySet(SoftDeleteQuerySet):
    def active_on(self, day):
        return self.filter(in_force_on(day, "joined", "left"))


class GroupMember(models.Model):
    """A person in a group over a date range; never deleted, only given a leaving date.
    Phone and ID number are personal data: shown masked outside the managing unit's editors
    and never written to logs."""

    scope_unit = "group__unit"
    scope_ward = "group__ward"

    group = models.ForeignKey(
        Group, verbose_name=_("tổ/mô hình"), on_delete=models.PROTECT, related_name="members"
    )
    full_name = models.CharField(_("họ và tên"), max_length=150)
    role = models.CharField(
        _("vai trò"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    phone = models.CharField(
        _("số điện thoại"), max_length=10, blank=True, validators=[phone_validator]
    )
    id_number = models.CharField(
        _("số CCCD"), max_length=12, blank=True, validators=[id_number_validator]
    )
    workplace = models.CharField(_("nơi làm việc"), max_length=255, blank=True)
    workplace_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("công đoàn cơ sở nơi làm việc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    joined = models.DateField(_("ngày vào tổ"))
    left = models.DateField(_("ngày rời tổ"), null=True, blank=True)
    search_text = models.CharField(max_length=300, editable=False, default="")

    objects = MemberQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("thành viên")
        verbose_name_plural = _("thành viên")
        ordering = ["group", "joined", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left__isnull=True) | Q(left__gte=F("joined")),
                name="member_leaves_after_joining",
                violation_error_message=_("Ngày rời tổ không được trước ngày vào tổ."),
            ),
            models.CheckConstraint(
                condition=Q(role__in=MemberRole.values),
                name="member_role_known",
                violation_error_message=_("Vai trò không hợp lệ."),
            ),
            models.CheckConstraint(
                condition=Q(phone="") | Q(phone__regex=PHONE_RE),
                name="member_phone_format",
                violation_error_message=_(
                    "Số điện thoại di động gồm 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09."
                ),
            ),
            models.CheckConstraint(
                condition=Q(id_number="") | Q(id_number__regex=ID_NUMBER_RE),
                name="member_id_number_format",
                violation_error_message=_("Số CCCD gồm đúng 12 chữ số."),
            ),
            # One person is in a group once at a time. The database holds the part it can
            # state (an ID number on two open memberships of one group); the services refuse
            # any overlap of two periods with the same ID number, and so does the import.
            models.UniqueConstraint(
                fields=["group", "id_number"],
                condition=~Q(id_number="") & Q(left__isnull=True),
                name="member_id_number_once_per_group",
                violation_error_message=_("Số CCCD này đã có ở một thành viên khác của tổ."),
            ),
        ]
        indexes = [models.Index(fields=["group", "joined", "left"])]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.full_name} {self.workplace}")
        super().save(*args, **kwargs)

    def clean(self):
        if self.left and self.joined and self.left < self.joined:
            raise ValidationError({"left": _("Ngày rời tổ không được trước ngày vào tổ.")})

    def is_active_on(self, day):
        return self.joined <= day and (self.left is None or self.left > day)


class BoardingHouseQuerySet(SoftDeleteQuerySet):
    pass


class BoardingHouseManager(AliveManager.from_queryset(BoardingHouseQuerySet)):
    pass


class BoardingHouse(models.Model):
    """A boarding house (nhà trọ) where workers live; covered by one group at a time."""

    scope_unit = "unit"
    scope_ward = "ward"

    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("đơn vị quản lý"),
        on_delete=models.PROTECT,
        related_name="boarding_houses",
    )
    name = models.CharField(_("tên nhà trọ"), max_length=255, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=255)
    ward = models.ForeignKey(
        "org.Area",
        verbose_name=_("phường, xã"),
        on_delete=models.PROTECT,
        related_name="boarding_houses",
    )
    legacy_ward = models.ForeignKey(
        "org.Area",
        verbose_name=_("phường, xã (trước 01/07/2025)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    landlord_name = models.CharField(_("chủ nhà trọ"), max_length=150, blank=True)
    landlord_phone = models.CharField(
        _("số điện thoại chủ nhà trọ"), max_length=10, blank=True, validators=[phone_validator]
    )
    rooms = models.PositiveIntegerField(_("số phòng"), default=0, validators=ROOMS.validators)
    resident_workers = models.PositiveIntegerField(
        _("số công nhân lưu trú"), default=0, validators=RESIDENT_WORKERS.validators
    )
    cooperative = models.BooleanField(_("chủ nhà trọ hợp tác tốt"), default=False)
    notes = models.TextField(_("ghi chú"), blank=True)
    search_text = models.CharField(max_length=600, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = BoardingHouseManager()
    all_objects = BoardingHouseQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("nhà trọ")
        verbose_name_plural = _("nhà trọ")
        ordering = ["ward__name", "address", "id"]
        base_manager_name = "all_objects"
        constraints = [
            models.CheckConstraint(
                condition=Q(landlord_phone="") | Q(landlord_phone__regex=PHONE_RE),
                name="house_landlord_phone_format",
                violation_error_message=_(
                    "Số điện thoại di động gồm 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09."
                ),
            ),
            ROOMS.constraint("rooms", "house"),
            RESIDENT_WORKERS.constraint("resident_workers", "house"),
        ]

    def __str__(self):
        return self.name or self.address

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.name} {self.address} {self.landlord_name}")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("groups:house_edit", args=[self.pk])


class CoverageQuerySet(ScopedQuerySet):
    def active_on(self, day):
        return self.filter(in_force_on(day, "start", "end"))


class BoardingHouseCoverage(models.Model):
    """Which group looks after a boarding house, from when to when (never two at once)."""

    scope_unit = "group__unit"
    scope_ward = "group__ward"

    house = models.ForeignKey(
        BoardingHouse, verbose_name=_("nhà trọ"), on_delete=models.PROTECT, related_name="coverages"
    )
    group = models.ForeignKey(
        Group, verbose_name=_("tổ/mô hình"), on_delete=models.PROTECT, related_name="coverages"
    )
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)

    objects = CoverageQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phụ trách nhà trọ")
        verbose_name_plural = _("phụ trách nhà trọ")
        ordering = ["house", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="coverage_ends_after_start",
                violation_error_message=_("Ngày kết thúc phụ trách không được trước ngày bắt đầu."),
            ),
        ]
        indexes = [models.Index(fields=["group", "start", "end"])]

    def __str__(self):
        return f"{self.group} — {self.house}"

    def clean(self):
        if self.end and self.start and self.end < self.start:
            raise ValidationError(
                {"end": _("Ngày kết thúc phụ trách không được trước ngày bắt đầu.")}
            )


class FunderKind(models.TextChoices):
    UNION = "cong_doan", _("Công đoàn")
    ENTERPRISE = "doanh_nghiep", _("Doanh nghiệp")
    RESIDENTS = "nguoi_dan", _("Người dân")


class CameraStateKind(models.TextChoices):
    WORKING = "hoat_dong", pgettext_lazy("camera state", "Hoạt động")
    BROKEN = "hong", _("Hỏng")
    REMOVED = "thao_do", _("Tháo dỡ")


class CameraQuerySet(SoftDeleteQuerySet):
    def with_state_on(self, day):
        """Annotate `state_on`: the state whose period covers `day` (None before installation)."""
        latest = (
            CameraState.objects.filter(camera=models.OuterRef("pk"), since__lte=day)
            .order_by("-since", "-id")
            .values("state")[:1]
        )
        return self.annotate(state_on=models.Subquery(latest))

    def working_on(self, day):
        return self.with_state_on(day).filter(state_on=CameraStateKind.WORKING)


class CameraManager(AliveManager.from_queryset(CameraQuerySet)):
    pass


class Camera(models.Model):
    """A security-camera point ("Camera giám sát an ninh trật tự") funded through the movement."""

    scope_unit = "unit"
    scope_ward = "ward"

    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("đơn vị quản lý"),
        on_delete=models.PROTECT,
        related_name="cameras",
    )
    group = models.ForeignKey(
        Group,
        verbose_name=_("tổ/mô hình"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cameras",
    )
    place = models.CharField(_("vị trí lắp đặt"), max_length=255)
    ward = models.ForeignKey(
        "org.Area", verbose_name=_("phường, xã"), on_delete=models.PROTECT, related_name="cameras"
    )
    legacy_ward = models.ForeignKey(
        "org.Area",
        verbose_name=_("phường, xã (trước 01/07/2025)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    latitude = models.FloatField(_("vĩ độ"), null=True, blank=True, validators=LATITUDE.validators)
    longitude = models.FloatField(
        _("kinh độ"), null=True, blank=True, validators=LONGITUDE.validators
    )
    location_from_ward = models.BooleanField(
        _("toạ độ lấy theo tâm phường, xã"), default=False, editable=False
    )
    funder_kind = models.CharField(_("nguồn kinh phí"), max_length=20, choices=FunderKind.choices)
    funder_name = models.CharField(_("tên nhà tài trợ"), max_length=255, blank=True)
    funder_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("công đoàn tài trợ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cost = models.PositiveBigIntegerField(
        _("kinh phí (đồng)"), null=True, blank=True, validators=CAMERA_COST.validators
    )
    installed = models.DateField(_("ngày lắp đặt"))
    police_can_view = models.BooleanField(_("công an phường xem được"), default=False)
    state = models.CharField(
        _("tình trạng hiện tại"),
        max_length=20,
        choices=CameraStateKind.choices,
        default=CameraStateKind.WORKING,
        editable=False,
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    search_text = models.CharField(max_length=600, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CameraManager()
    all_objects = CameraQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("camera an ninh")
        verbose_name_plural = _("camera an ninh")
        ordering = ["ward__name", "place", "id"]
        base_manager_name = "all_objects"
        constraints = [
            LATITUDE.constraint("latitude", "camera"),
            LONGITUDE.constraint("longitude", "camera"),
            CAMERA_COST.constraint("cost", "camera"),
        ]

    def __str__(self):
        return self.place

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.place} {self.funder_name}")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("groups:camera_edit", args=[self.pk])


class CameraState(models.Model):
    """A camera's state from a date on; the state on day D is the latest one dated ≤ D."""

    scope_unit = "camera__unit"
    scope_ward = "camera__ward"

    camera = models.ForeignKey(
        Camera, verbose_name=_("camera"), on_delete=models.CASCADE, related_name="states"
    )
    state = models.CharField(_("tình trạng"), max_length=20, choices=CameraStateKind.choices)
    since = models.DateField(_("từ ngày"))
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tình trạng camera")
        verbose_name_plural = _("tình trạng camera")
        ordering = ["camera", "since", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["camera", "since"],
                name="camera_one_state_per_day",
                violation_error_message=_("Camera đã có một tình trạng ghi cho ngày này."),
            ),
        ]

    def __str__(self):
        return f"{self.camera}: {self.get_state_display()} ({self.since:%d/%m/%Y})"


class StockFact(models.Model):
    """One cell of the stock cube (binhyen.groups.cube): the change, on one day
    (grain DAY), over one month (grain MONTH, `day` = the 1st) or over one year (grain YEAR,
    `day` = 1 January), of one stock figure of `child`'s subtree (of `ancestor` itself when
    child = ancestor). A figure on day D is the sum of the YEAR cells before D's year, the
    MONTH cells of D's year before D's month and the DAY cells of D's month up to D.

    Plain integer keys: the cube is derived data, rebuilt from the groups' records."""

    MONTH, DAY, YEAR = 0, 1, 2

    ancestor_id = models.IntegerField(_("đơn vị tổng hợp"))
    child_id = models.IntegerField(_("đơn vị trực thuộc trên nhánh"))
    measure = models.SmallIntegerField(_("chỉ tiêu"))
    grain = models.SmallIntegerField(_("độ chi tiết"))
    day = models.DateField(_("ngày"))
    kind_id = models.IntegerField(_("loại mô hình"), default=0)
    ward_id = models.IntegerField(_("phường, xã"), default=0)
    delta = models.BigIntegerField(_("thay đổi"), default=0)

    class Meta:
        verbose_name = _("ô số liệu tổng hợp mô hình")
        verbose_name_plural = _("số liệu tổng hợp mô hình")
        constraints = [
            # Also the index a rollup reads: one ancestor's cells of one figure and grain form
            # one contiguous range by day.
            models.UniqueConstraint(
                fields=["ancestor_id", "measure", "grain", "day", "child_id", "kind_id", "ward_id"],
                name="stockfact_cell",
            ),
        ]

    def __str__(self):
        return (
            f"{self.ancestor_id}/{self.child_id} {self.measure} {self.day:%d/%m/%Y} {self.delta:+d}"
        )
