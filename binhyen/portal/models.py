"""The public portal: federation sections, news articles, the work calendar, tips from the
public and the visit counters the pages show."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from binhyen.core import periods
from binhyen.core.text import fold, search_terms
from binhyen.org.models import Unit
from binhyen.org.scoping import EDIT_ROLES, VIEW_ROLES, ScopedQuerySet, scope_of


class PortalSection(models.Model):
    """One federation's public site: its news, calendar and figures. A closed federation
    (LĐLĐ TP Mỹ Tho, 30/06/2025) keeps its section as a read-only archive."""

    scope_unit = "unit"
    scope_edit_roles = EDIT_ROLES

    unit = models.OneToOneField(
        Unit,
        verbose_name=_("đơn vị công đoàn"),
        on_delete=models.PROTECT,
        related_name="portal_section",
    )
    slug = models.SlugField(_("đường dẫn"), max_length=80, unique=True)
    title = models.CharField(_("tên cổng thông tin"), max_length=200)
    tagline = models.CharField(_("khẩu hiệu"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang hiển thị"), default=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("cổng thông tin kế thừa"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Với trang lưu trữ: cổng của đơn vị nay phụ trách địa bàn."),
    )

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cổng thông tin đơn vị")
        verbose_name_plural = _("cổng thông tin đơn vị")
        ordering = ["order", "slug"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("portal:section", args=[self.slug])

    @property
    def closed_on(self):
        """The unit's last day when it has closed (the section is then an archive)."""
        end = self.unit.valid_to
        return end if end is not None and end < periods.today() else None


class Category(models.Model):
    """A news category of one section (Tin tức - Sự kiện, Phòng chống tội phạm, Pháp luật…)."""

    scope_unit = "section__unit"

    section = models.ForeignKey(
        PortalSection,
        verbose_name=_("cổng thông tin"),
        on_delete=models.CASCADE,
        related_name="categories",
    )
    name = models.CharField(_("tên chuyên mục"), max_length=120)
    slug = models.SlugField(_("đường dẫn"), max_length=120)
    description = models.CharField(_("mô tả"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chuyên mục")
        verbose_name_plural = _("chuyên mục")
        ordering = ["section", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "slug"],
                name="portal_category_unique_slug",
                violation_error_message=_("Đường dẫn chuyên mục này đã có trong cổng thông tin."),
            ),
            models.UniqueConstraint(
                fields=["section", "name"],
                name="portal_category_unique_name",
                violation_error_message=_("Tên chuyên mục này đã có trong cổng thông tin."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("portal:category", args=[self.section.slug, self.slug])


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    PENDING = "pending", _("Chờ duyệt")
    PUBLISHED = "published", _("Đã duyệt đăng")
    WITHDRAWN = "withdrawn", _("Đã gỡ xuống")


class ArticleQuerySet(ScopedQuerySet):
    def published(self, now=None):
        """What the public sees: approved articles whose publication time has come (a
        scheduled article appears by itself at its time, no job needed)."""
        return self.filter(status=ArticleStatus.PUBLISHED, publish_at__lte=now or timezone.now())

    def visible_to(self, user):
        """Published articles for everyone, plus drafts of the sections the user may see
        (an editor previews an article at its public address)."""
        published = Q(status=ArticleStatus.PUBLISHED, publish_at__lte=timezone.now())
        scope = scope_of(user, VIEW_ROLES)
        if scope.everything:
            return self
        if not scope.paths:
            return self.filter(published)
        return self.filter(published | scope.q("section__unit__path"))

    def search(self, query):
        qs = self
        for term in search_terms(query):
            qs = qs.filter(search_text__contains=term)
        return qs


class Article(models.Model):
    """A news article. Its body is sanitized HTML (see sanitize.py) written in the editor."""

    scope_unit = "section__unit"

    section = models.ForeignKey(
        PortalSection,
        verbose_name=_("cổng thông tin"),
        on_delete=models.PROTECT,
        related_name="articles",
    )
    category = models.ForeignKey(
        Category, verbose_name=_("chuyên mục"), on_delete=models.PROTECT, related_name="articles"
    )
    title = models.CharField(_("tiêu đề"), max_length=300)
    slug = models.SlugField(_("đường dẫn"), max_length=140, unique=True)
    summary = models.TextField(_("tóm tắt"), max_length=1000)
    body = models.TextField(_("nội dung"))
    cover = models.ImageField(_("ảnh đại diện"), upload_to="portal/covers/%Y/%m/", blank=True)
    cover_caption = models.CharField(_("chú thích ảnh"), max_length=300, blank=True)
    cover_alt = models.CharField(
        _("mô tả ảnh cho người khiếm thị"),
        max_length=300,
        blank=True,
        help_text=_("Nội dung bức ảnh, đọc cho người dùng trình đọc màn hình."),
    )
    author_name = models.CharField(_("tác giả"), max_length=150)
    featured = models.BooleanField(_("tin nổi bật"), default=False)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    publish_at = models.DateTimeField(_("thời điểm đăng"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người duyệt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("thời điểm duyệt"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)
    view_count = models.PositiveBigIntegerField(_("lượt xem"), default=0, editable=False)
    search_text = models.TextField(editable=False, default="")

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text", "view_count", "updated_at"])

    class Meta:
        verbose_name = _("bài viết")
        verbose_name_plural = _("bài viết")
        ordering = ["-publish_at", "-id"]
        indexes = [
            models.Index(fields=["status", "publish_at"], name="portal_article_pub"),
            models.Index(fields=["section", "status", "publish_at"], name="portal_article_sec_pub"),
            models.Index(
                fields=["category", "status", "publish_at"], name="portal_article_cat_pub"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ArticleStatus.PUBLISHED)
                | Q(publish_at__isnull=False, approved_by__isnull=False),
                name="portal_article_published_is_approved",
                violation_error_message=_("Bài đã đăng phải có người duyệt và thời điểm đăng."),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        from .sanitize import html_to_text

        self.search_text = fold(
            f"{self.title} {self.summary} {html_to_text(self.body)} {self.author_name}"
        )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("portal:article", args=[self.slug])

    @property
    def is_live(self):
        return (
            self.status == ArticleStatus.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )

    @property
    def publish_in_future(self):
        return self.publish_at is not None and self.publish_at > timezone.now()

    @property
    def is_scheduled(self):
        return (
            self.status == ArticleStatus.PUBLISHED
            and self.publish_at is not None
            and self.publish_at > timezone.now()
        )


class OldSlug(models.Model):
    """An address an article had before its title changed; it redirects for good (301)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")
    slug = models.SlugField(max_length=140, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đường dẫn cũ")
        verbose_name_plural = _("đường dẫn cũ")

    def __str__(self):
        return self.slug


class Upload(models.Model):
    """An image an editor put into an article body (already resized and re-encoded)."""

    scope_unit = "section__unit"

    section = models.ForeignKey(PortalSection, on_delete=models.PROTECT, related_name="uploads")
    image = models.ImageField(_("ảnh"), upload_to="portal/uploads/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("ảnh tải lên")
        verbose_name_plural = _("ảnh tải lên")

    def __str__(self):
        return self.image.name


class DayPart(models.TextChoices):
    MORNING = "sang", _("Sáng")
    AFTERNOON = "chieu", _("Chiều")


class ScheduleEntry(models.Model):
    """One line of a federation's weekly work calendar (Lịch công tác)."""

    scope_unit = "section__unit"

    section = models.ForeignKey(
        PortalSection,
        verbose_name=_("cổng thông tin"),
        on_delete=models.CASCADE,
        related_name="schedule",
    )
    day = models.DateField(_("ngày"))
    part = models.CharField(_("buổi"), max_length=10, choices=DayPart.choices)
    start = models.TimeField(_("giờ bắt đầu"), null=True, blank=True)
    content = models.TextField(_("nội dung công việc"), max_length=2000)
    host = models.CharField(_("chủ trì"), max_length=255, blank=True)
    place = models.CharField(_("địa điểm"), max_length=255, blank=True)
    participants = models.TextField(_("thành phần"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lịch công tác")
        verbose_name_plural = _("lịch công tác")
        ordering = ["day", "-part", "start", "id"]  # "sang" sorts after "chieu": reversed
        indexes = [models.Index(fields=["section", "day"])]

    def __str__(self):
        return f"{self.day:%d/%m/%Y} {self.get_part_display()}: {self.content[:60]}"


class SiteCounter(models.Model):
    """A persistent counter (total visits), advanced in batches from the cache buffer."""

    name = models.CharField(max_length=40, unique=True)
    value = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bộ đếm truy cập")
        verbose_name_plural = _("bộ đếm truy cập")

    def __str__(self):
        return f"{self.name}: {self.value}"


def week_start(day):
    """The Monday of `day`'s week (the calendar runs Thứ Hai … Chủ Nhật)."""
    return day - datetime.timedelta(days=day.weekday())
