"""Activities (outreach sessions, conferences, contests, trainings…), their reference lists,
attachments and import batches."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from binhyen.core.bounds import Bound
from binhyen.core.text import fold, search_terms
from binhyen.org.models import Unit
from binhyen.org.scoping import ScopedQuerySet

# The plausible range of each figure an activity carries, read by the model (validators and a
# CheckConstraint), the form, the API schema, the import column and the service's own check.
# One record may be an aggregate written for a whole district or province over a year (a
# district federation's year: 648 sessions, 17.879 attendances; Ho Chi Minh City reported
# 45.284 conferences with 3.740.917 attendances over five years), so the upper bounds leave
# room for that and stay far below what overflows a 32-bit column or the sums of the national
# cube (millions of rows × 10.000.000 is still far from 2**63).
SESSIONS = Bound(0, 100_000)
ATTENDANCES = Bound(0, 10_000_000)
LEAFLETS = Bound(0, 10_000_000)  # a province-wide leaflet drive hands out some hundred thousand


class ReferenceItem(models.Model):
    """A row of an editable reference list. Codes are stable: templates, the API and imports
    use them, so a code is never renamed — an obsolete item is made inactive instead."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=150)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class ActivityKind(ReferenceItem):
    counts_sessions = models.BooleanField(
        _("tính theo số cuộc"),
        default=True,
        help_text=_(
            "Bỏ chọn cho hoạt động không tổ chức thành cuộc (như phát tờ rơi): khi đó "
            "số cuộc có thể bằng 0 nhưng phải nhập số tờ rơi."
        ),
    )
    history = HistoricalRecords()

    class Meta(ReferenceItem.Meta):
        verbose_name = _("loại hoạt động")
        verbose_name_plural = _("loại hoạt động")


class Topic(ReferenceItem):
    history = HistoricalRecords()

    class Meta(ReferenceItem.Meta):
        verbose_name = _("chủ đề")
        verbose_name_plural = _("chủ đề")


class Audience(ReferenceItem):
    history = HistoricalRecords()

    class Meta(ReferenceItem.Meta):
        verbose_name = _("đối tượng")
        verbose_name_plural = _("đối tượng")


class Channel(ReferenceItem):
    history = HistoricalRecords()

    class Meta(ReferenceItem.Meta):
        verbose_name = _("hình thức")
        verbose_name_plural = _("hình thức")


class ImportBatch(models.Model):
    """One spreadsheet import. A bulk import writes this one row instead of a history row per
    activity; each imported activity points back here with its row number."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("thời điểm nhập"), auto_now_add=True)
    file_name = models.CharField(_("tên tệp"), max_length=255)
    source = models.CharField(_("nguồn"), max_length=20, default="web")
    rows_created = models.PositiveIntegerField(_("số dòng đã nhập"), default=0)
    rows_skipped = models.PositiveIntegerField(_("số dòng trùng đã bỏ qua"), default=0)

    class Meta:
        verbose_name = _("lần nhập từ Excel")
        verbose_name_plural = _("lần nhập từ Excel")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%d/%m/%Y %H:%M})"


class _FoldTable(dict):
    """Per-character fold(), memoized: str.translate with it gives fold()'s result (tested)
    about ten times faster, which a 50,000-row import notices."""

    def __missing__(self, code):
        char = chr(code)
        value = self[code] = " " if char.isspace() else fold(char)
        return value


_FOLD = _FoldTable()


def quick_fold(text):
    """fold(text), fast: map each character, then collapse whitespace."""
    if not text:
        return ""
    if "Σ" in text:  # final sigma depends on context: leave it to fold()
        return fold(text)
    return " ".join(text.translate(_FOLD).split())


def natural_key_for(unit_id, day, kind_id, title, folded_title=None):
    """The import key: same unit, same day, same kind and same title (ignoring case, accents
    and spacing) is the same activity. Hashed so one short indexed column carries it."""
    folded = quick_fold(title) if folded_title is None else folded_title
    raw = f"{unit_id}|{day.isoformat()}|{kind_id}|{folded}"
    return hashlib.sha1(raw.encode()).hexdigest()[:32]  # 128 bits: a UUID column holds them


class ActivityQuerySet(ScopedQuerySet):
    def in_subtree(self, unit):
        return self.filter(unit__path__startswith=unit.path)

    def in_period(self, start=None, end=None):
        qs = self
        if start:
            qs = qs.filter(date__gte=start)
        if end:
            qs = qs.filter(date__lte=end)
        return qs

    def search(self, query):
        qs = self
        for term in search_terms(query):
            qs = qs.filter(search_text__contains=term)
        return qs

    def totals(self):
        """Sessions, attendances and the count of the set, in one aggregate query."""
        zero = models.Value(0)
        return self.aggregate(
            count=models.Count("id"),
            sessions=Coalesce(Sum("sessions"), zero),
            attendances=Coalesce(Sum("attendances"), zero),
            leaflets=Coalesce(Sum("leaflets"), zero),
        )


class AliveManager(models.Manager.from_queryset(ActivityQuerySet)):
    """Soft-deleted activities stay in the table (and in history) but out of every listing."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class _Link(models.Model):
    """An activity's link to one reference item.

    Why no database foreign keys here: a 50,000-row import writes about 250,000 links, and on
    PostgreSQL each foreign-key check is a separate lookup run at commit (about 5 s for those
    rows, more than the whole rest of the import). The links are written only by services.py
    and the import, with ids they have just created or checked; activities are never deleted
    (soft delete) and reference items are protected by on_delete=PROTECT in the ORM. The
    unique constraint stays in the database; it also serves every lookup by activity. No index
    on the reference column alone: a dozen values over millions of links, which no query
    would pick, and which each import would have to grow (PROTECT's check when someone deletes
    a reference item scans the table instead; reference items are deactivated, not deleted)."""

    activity = models.ForeignKey(
        "Activity", on_delete=models.CASCADE, db_constraint=False, db_index=False, related_name="+"
    )

    class Meta:
        abstract = True


class ActivityTopic(_Link):
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, db_constraint=False, db_index=False, related_name="+"
    )

    class Meta:
        verbose_name = _("chủ đề của hoạt động")
        constraints = [
            models.UniqueConstraint(fields=["activity", "topic"], name="activity_topic_once")
        ]

    def __str__(self):
        return f"{self.activity_id} → {self.topic_id}"


class ActivityAudience(_Link):
    audience = models.ForeignKey(
        Audience, on_delete=models.PROTECT, db_constraint=False, db_index=False, related_name="+"
    )

    class Meta:
        verbose_name = _("đối tượng của hoạt động")
        constraints = [
            models.UniqueConstraint(fields=["activity", "audience"], name="activity_audience_once")
        ]

    def __str__(self):
        return f"{self.activity_id} → {self.audience_id}"


class ActivityChannel(_Link):
    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, db_constraint=False, db_index=False, related_name="+"
    )

    class Meta:
        verbose_name = _("hình thức của hoạt động")
        constraints = [
            models.UniqueConstraint(fields=["activity", "channel"], name="activity_channel_once")
        ]

    def __str__(self):
        return f"{self.activity_id} → {self.channel_id}"


# Kept by name so services can write one record per user action (row and links together).
ACTIVITY_HISTORY = HistoricalRecords(
    m2m_fields=["topics", "audiences", "channels", "documents"],
    excluded_fields=["search_text", "natural_key"],
)


class Activity(models.Model):
    """An outreach session, conference, contest, sports event, exchange, commendation,
    training or leaflet drive held by one unit, with its attendance."""

    scope_unit = "unit"

    # FK indexes that no query needs are left out: each costs every insert of a bulk import.
    # unit is served by the (unit, date) index.
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị tổ chức"),
        on_delete=models.PROTECT,
        related_name="activities",
        db_index=False,
    )
    date = models.DateField(_("ngày"))
    end_date = models.DateField(_("đến ngày"), null=True, blank=True)
    kind = models.ForeignKey(
        ActivityKind,
        verbose_name=_("loại hoạt động"),
        on_delete=models.PROTECT,
        related_name="activities",
        db_index=False,
    )
    title = models.CharField(_("tên hoạt động"), max_length=255)
    topics = models.ManyToManyField(
        Topic, verbose_name=_("chủ đề"), related_name="activities", through=ActivityTopic
    )
    audiences = models.ManyToManyField(
        Audience, verbose_name=_("đối tượng"), related_name="activities", through=ActivityAudience
    )
    channels = models.ManyToManyField(
        Channel,
        verbose_name=_("hình thức"),
        blank=True,
        related_name="activities",
        through=ActivityChannel,
    )
    sessions = models.PositiveIntegerField(
        _("số cuộc/buổi"), default=1, validators=SESSIONS.validators
    )
    attendances = models.PositiveIntegerField(
        _("số lượt người tham dự"), default=0, validators=ATTENDANCES.validators
    )
    leaflets = models.PositiveIntegerField(
        _("số tờ rơi"), null=True, blank=True, validators=LEAFLETS.validators
    )
    place = models.CharField(_("địa điểm"), max_length=255, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    document_ref = models.CharField(
        _("văn bản thực hiện"),
        max_length=255,
        blank=True,
        help_text=_("Số, ký hiệu văn bản mà hoạt động này thực hiện, ví dụ 329/KH-LĐLĐ."),
    )
    # No database foreign keys on the link rows, for the reason given on _Link (they were a
    # seventh of a 50,000-row import's database time): the links are written by services.py
    # and the import with ids they have checked, and documents, like activities, are deleted
    # softly (the ORM would still cascade a hard delete to the links).
    documents = models.ManyToManyField(
        "documents.Document",
        blank=True,
        related_name="activities",
        verbose_name=_("văn bản thực hiện"),
        db_constraint=False,
        help_text=_(
            "Kế hoạch, văn bản mà hoạt động này thực hiện (trong số văn bản bạn xem được)."
        ),
    )
    # Indexed only where set (a partial index, see Meta): most activities have no group.
    group = models.ForeignKey(
        "groups.Group",
        verbose_name=_("mô hình"),
        null=True,
        blank=True,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="activities",
        help_text=_("Mô hình (tổ tự quản, tổ dư luận xã hội…) tổ chức hoặc tham gia hoạt động."),
    )
    # 128 bits of natural_key_for() as hex. A UUID column: 16 bytes compared byte by byte on
    # PostgreSQL (a text column is compared by the locale's rules on every index insert and
    # lookup, a third of a bulk import's work in the activities table); 32 hex characters on
    # SQLite, as before.
    natural_key = models.UUIDField(editable=False)
    search_text = models.TextField(editable=False, default="")
    # Audit metadata without database foreign keys: on PostgreSQL each one is a lookup per row
    # at commit, a tenth of a 50,000-row import. Import batches are never deleted (PROTECT in
    # the ORM) and users are deactivated, not deleted (SET_NULL in the ORM).
    import_batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("lần nhập"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="activities",
        db_index=False,
        db_constraint=False,
    )
    import_row = models.PositiveIntegerField(
        _("dòng trong tệp"), null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        null=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
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
        db_index=False,
    )

    objects = AliveManager()
    all_objects = ActivityQuerySet.as_manager()
    history = ACTIVITY_HISTORY

    class Meta:
        verbose_name = _("hoạt động")
        verbose_name_plural = _("hoạt động")
        ordering = ["-date", "-id"]
        base_manager_name = "all_objects"
        indexes = [
            models.Index(fields=["unit", "date"], name="activity_unit_date"),
            models.Index(fields=["date"], name="activity_date"),
            models.Index(fields=["group"], name="activity_group", condition=Q(group__isnull=False)),
        ]
        constraints = [
            SESSIONS.constraint("sessions", "activity"),
            ATTENDANCES.constraint("attendances", "activity"),
            LEAFLETS.constraint("leaflets", "activity"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("date")),
                name="activity_ends_after_it_starts",
                violation_error_message=_("Ngày kết thúc không được trước ngày bắt đầu."),
            ),
            models.UniqueConstraint(
                fields=["natural_key"],
                condition=Q(deleted_at__isnull=True),
                name="activity_natural_key_unique",
                violation_error_message=_(
                    "Đã có hoạt động này (cùng đơn vị, ngày, loại hoạt động và tên)."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.date:%d/%m/%Y})"

    def save(self, *args, **kwargs):
        if self.unit_id and self.date and self.kind_id:
            self.refresh_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("activities:detail", args=[self.pk])

    def refresh_derived(self):
        """The columns computed from others: the import key and the folded search text."""
        self.natural_key = natural_key_for(self.unit_id, self.date, self.kind_id, self.title)
        self.search_text = search_text_for(self.title, self.place, self.notes, self.document_ref)

    @property
    def is_deleted(self):
        return self.deleted_at is not None


def search_text_for(title, place="", notes="", document_ref=""):
    return quick_fold(f"{title} {place} {document_ref} {notes}")


def attachment_path(instance, filename):
    return f"activities/{instance.activity.date:%Y/%m}/{instance.activity_id}/{filename}"


class AttachmentQuerySet(ScopedQuerySet):
    pass


class Attachment(models.Model):
    """A photo or file documenting an activity. Served only through a scoped view, never
    straight from MEDIA_URL, because an activity's photos are as private as the activity."""

    scope_unit = "activity__unit"

    activity = models.ForeignKey(
        Activity, verbose_name=_("hoạt động"), on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("tệp"), upload_to=attachment_path, max_length=255)
    name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    content_type = models.CharField(_("loại tệp"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = AttachmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name

    @property
    def is_image(self):
        return self.content_type.startswith("image/")


# ---------------------------------------------------------------- the activity cube
#
# For every activity and every ancestor A of its unit (the unit itself included), the activity
# adds to one cell keyed (A, the child of A on the path down to the unit — or A itself for A's
# own activities —, month, kind, dimension slot). A rollup of unit X by its children is then a
# `GROUP BY child` over X's rows only, whatever the size of X's subtree.
#
# Topics, audiences and channels are many-to-many, so they cannot share one cell without
# multiplying totals: each activity writes one `dim = NONE` cell (the plain totals, with the kind)
# and one cell per topic, per audience and per channel (`dim = TOPIC`, `dim_id` = topic id…).
# A filter on the kind plus at most one of those three reads the cube; two or more of them at
# once (a topic AND an audience) is answered from the raw activities (rollup.py).


class Dim(models.IntegerChoices):
    NONE = 0, _("Tổng (không phân theo chiều)")
    TOPIC = 1, _("Chủ đề")
    AUDIENCE = 2, _("Đối tượng")
    CHANNEL = 3, _("Hình thức")
    DOCUMENT = 4, _("Văn bản thực hiện")


class ActivityFact(models.Model):
    """One cell of the per-level cube: sums of the activities of `child`'s subtree (of
    `ancestor` itself when child = ancestor) in one month, of one kind, in one dimension slot.

    Plain integer keys without foreign-key constraints: the cube is derived data, rebuilt from
    the activities (`binhyen rebuild-facts`), and every write is an upsert of deltas."""

    ancestor_id = models.IntegerField(_("đơn vị tổng hợp"))
    child_id = models.IntegerField(_("đơn vị trực thuộc trên nhánh"))
    month = models.DateField(_("tháng"))
    kind_id = models.IntegerField(_("loại hoạt động"))
    dim = models.SmallIntegerField(_("chiều"), choices=Dim.choices, default=Dim.NONE)
    dim_id = models.IntegerField(_("giá trị của chiều"), default=0)
    activities = models.BigIntegerField(_("số hoạt động"), default=0)
    sessions = models.BigIntegerField(_("số cuộc/buổi"), default=0)
    attendances = models.BigIntegerField(_("số lượt người"), default=0)
    leaflets = models.BigIntegerField(_("số tờ rơi"), default=0)

    class Meta:
        db_table = "reporting_activityfact"  # moved from reporting without touching the table
        verbose_name = _("ô số liệu tổng hợp hoạt động")
        verbose_name_plural = _("số liệu tổng hợp hoạt động")
        constraints = [
            # Also the index every rollup reads: ancestor and dimension slot first, so the month
            # range of one slot is one contiguous stretch of the index (the topic, audience and
            # channel cells, ten times as many, are not scanned by an unfiltered rollup).
            models.UniqueConstraint(
                fields=["ancestor_id", "dim", "dim_id", "month", "child_id", "kind_id"],
                name="activityfact_slot_cell",
            ),
        ]

    def __str__(self):
        return f"{self.ancestor_id}/{self.child_id} {self.month:%m/%Y} {self.kind_id} {self.dim}:{self.dim_id}"
