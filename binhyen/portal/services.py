"""Every write of the portal: one function per thing an editor, an approver or a visitor does.

Each checks the actor's scope through the models' scoping methods, validates with Vietnamese
messages naming the field, writes in one transaction and leaves the audit trail
(django-simple-history; `_history_user` names the actor).
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binhyen.core.text import fold
from binhyen.org.models import Area, AreaLevel
from binhyen.org.scoping import ADMIN_ROLES, require_editable, require_role_over

from .images import resize_upload
from .models import (
    Article,
    ArticleStatus,
    Category,
    DayPart,
    OldSlug,
    PortalSection,
    ScheduleEntry,
    Upload,
)
from .sanitize import clean_html, plain_text

SLUG_MAX = 120
ARTICLE_FIELDS = (
    "category",
    "title",
    "summary",
    "body",
    "cover_caption",
    "cover_alt",
    "author_name",
    "featured",
    "publish_at",
)


OUT_OF_SCOPE = gettext_lazy("Không tồn tại hoặc nằm ngoài phạm vi bạn được giao.")


def _out_of_scope(field):
    return ValidationError({field: OUT_OF_SCOPE})


def _audit(obj, actor):
    obj._history_user = actor


def _full_clean(obj, exclude=()):
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None


# ------------------------------------------------------------------------------ slugs


def slugify_vi(text, max_length=SLUG_MAX):
    """ "LĐLĐ TP Mỹ Tho thực hiện Kết luận 13-KL/TW" → "ldld-tp-my-tho-thuc-hien-ket-luan-13-kl-tw"."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug or "bai-viet"


def unique_slug(title, article=None):
    """A slug no other article uses, now or as an old address; `-2`, `-3`… when taken."""
    base = slugify_vi(title)
    own = article.pk if article and article.pk else None
    taken_now = set(
        Article.objects.filter(slug__startswith=base).exclude(pk=own).values_list("slug", flat=True)
    )
    taken_old = set(
        OldSlug.objects.filter(slug__startswith=base)
        .exclude(article_id=own)
        .values_list("slug", flat=True)
    )
    taken = taken_now | taken_old
    slug, n = base, 2
    while slug in taken:
        suffix = f"-{n}"
        slug = base[: SLUG_MAX - len(suffix)] + suffix
        n += 1
    return slug


# ------------------------------------------------------------------------------ sections


@transaction.atomic
def create_section(actor, *, unit, slug, title, tagline="", order=0):
    """A portal section for a federation the actor administers (closed ones too: archives)."""
    require_role_over(actor, unit, ADMIN_ROLES, field="unit", message=OUT_OF_SCOPE)
    section = PortalSection(unit=unit, slug=slug, title=title, tagline=tagline, order=order)
    _full_clean(section)
    _audit(section, actor)
    section.save()
    return section


def sections_for_editor(actor):
    return PortalSection.objects.editable_by(actor).select_related("unit")


@transaction.atomic
def save_category(actor, section, category=None, **fields):
    """Create (category None) or edit a category of a section the actor edits."""
    if section is None:
        raise _out_of_scope("section")
    require_editable(actor, section, OUT_OF_SCOPE, field="section")
    if category is not None and category.section_id != section.pk:
        raise _out_of_scope("category")
    category = category or Category(section=section)
    for name in ("name", "description", "order"):
        if name in fields:
            setattr(category, name, fields[name])
    category.name = plain_text(category.name)
    category.description = plain_text(category.description)
    category.slug = fields.get("slug") or slugify_vi(category.name, 100)
    _full_clean(category)
    _audit(category, actor)
    category.save()
    return category


# ------------------------------------------------------------------------------ articles


def _check_article(article):
    errors = {}
    if article.category_id and article.category.section_id != article.section_id:
        errors["category"] = _("Chuyên mục không thuộc cổng thông tin của bài viết.")
    if not article.title.strip():
        errors["title"] = _("Hãy nhập tiêu đề.")
    if not article.body.strip():
        errors["body"] = _("Nội dung bài viết đang trống (hoặc chỉ có mã bị loại bỏ khi làm sạch).")
    if errors:
        raise ValidationError(errors)


def _apply_cover(article, cover):
    if cover:
        content, _w, _h = resize_upload(cover, field="cover")
        article.cover.save(content.name, content, save=False)


@transaction.atomic
def create_article(actor, *, section, cover=None, **fields):
    """A new draft in a section the actor edits; the body is sanitized before it is stored."""
    if section is None:
        raise _out_of_scope("section")
    require_editable(actor, section, OUT_OF_SCOPE, field="section")
    unknown = set(fields) - set(ARTICLE_FIELDS)
    if unknown:
        raise ValueError(f"unknown article fields: {sorted(unknown)}")
    article = Article(section=section, status=ArticleStatus.DRAFT, created_by=actor, **fields)
    article.title = plain_text(article.title)
    article.summary = plain_text(article.summary)
    article.author_name = plain_text(article.author_name)
    article.cover_caption = plain_text(article.cover_caption)
    article.cover_alt = plain_text(article.cover_alt)
    article.body = clean_html(article.body)
    article.slug = unique_slug(article.title)
    _check_article(article)
    _apply_cover(article, cover)
    _full_clean(article, exclude=["cover", "approved_by"])
    _audit(article, actor)
    article.save()
    return article


def _editable(actor, article):
    locked = Article.objects.select_for_update().filter(pk=article.pk)
    found = locked.editable_by(actor).first()
    if found is None:
        raise _out_of_scope("article")
    return found


@transaction.atomic
def update_article(actor, article, *, cover=None, remove_cover=False, **changes):
    """Edit an article. A new title gives a new address; the old one is kept and redirects."""
    article = _editable(actor, article)
    unknown = set(changes) - set(ARTICLE_FIELDS)
    if unknown:
        raise ValueError(f"unknown article fields: {sorted(unknown)}")
    old_title, old_slug = article.title, article.slug
    for name, value in changes.items():
        if name in ("title", "summary", "author_name", "cover_caption", "cover_alt"):
            value = plain_text(value)
        elif name == "body":
            value = clean_html(value)
        setattr(article, name, value)
    if article.title != old_title:
        new_slug = unique_slug(article.title, article)
        if new_slug != old_slug:
            OldSlug.objects.filter(slug=new_slug, article=article).delete()  # a title restored
            OldSlug.objects.get_or_create(slug=old_slug, defaults={"article": article})
            article.slug = new_slug
    _check_article(article)
    if remove_cover:
        article.cover = ""
    _apply_cover(article, cover)
    _full_clean(article, exclude=["cover", "approved_by"])
    _audit(article, actor)
    article.save()
    return article


@transaction.atomic
def submit_article(actor, article):
    """Draft → waiting for an approver."""
    article = _editable(actor, article)
    if article.status not in (ArticleStatus.DRAFT, ArticleStatus.WITHDRAWN):
        raise ValidationError({"status": _("Chỉ gửi duyệt được bài ở trạng thái nháp hoặc đã gỡ.")})
    article.status = ArticleStatus.PENDING
    _audit(article, actor)
    article.save(update_fields=["status", "updated_at"])
    return article


@transaction.atomic
def publish_article(actor, article, publish_at=None):
    """An approver of the section publishes now or schedules (publish_at in the future): the
    article then appears by itself at that time."""
    locked = Article.objects.select_for_update().filter(pk=article.pk)
    article = locked.approvable_by(actor).first()
    if article is None:
        raise ValidationError(
            {"status": _("Bạn không có quyền duyệt đăng bài của cổng thông tin này.")}
        )
    if article.status == ArticleStatus.PUBLISHED and publish_at is None:
        raise ValidationError({"status": _("Bài viết đã được duyệt đăng.")})
    now = timezone.now()
    article.status = ArticleStatus.PUBLISHED
    if publish_at is not None:
        article.publish_at = publish_at
    elif article.publish_at is None or article.publish_at <= now:
        article.publish_at = now  # else keep the time the editor proposed (a schedule)
    article.approved_by = actor
    article.approved_at = now
    _audit(article, actor)
    article.save()
    return article


@transaction.atomic
def withdraw_article(actor, article):
    """Take a published (or scheduled) article off the site; it keeps its address for later."""
    article = _editable(actor, article)
    if article.status != ArticleStatus.PUBLISHED:
        raise ValidationError({"status": _("Chỉ gỡ được bài đã duyệt đăng.")})
    article.status = ArticleStatus.WITHDRAWN
    _audit(article, actor)
    article.save(update_fields=["status", "updated_at"])
    return article


@transaction.atomic
def upload_image(actor, section, image):
    """An image for an article body, resized; returns the Upload (its url goes in the body)."""
    if section is None:
        raise _out_of_scope("section")
    require_editable(actor, section, OUT_OF_SCOPE, field="section")
    content, width, height = resize_upload(image)
    upload = Upload(section=section, uploaded_by=actor, width=width, height=height)
    upload.image.save(content.name, content, save=False)
    upload.save()
    return upload


# ------------------------------------------------------------------------------ calendar


@transaction.atomic
def save_schedule_entry(actor, section, entry=None, **fields):
    """Create (entry None) or edit a line of the section's work calendar."""
    if section is None:
        raise _out_of_scope("section")
    require_editable(actor, section, OUT_OF_SCOPE, field="section")
    if entry is not None:
        entry = (
            ScheduleEntry.objects.editable_by(actor)
            .select_for_update()
            .filter(pk=entry.pk, section=section)
            .first()
        )
        if entry is None:
            raise _out_of_scope("entry")
    entry = entry or ScheduleEntry(section=section, created_by=actor)
    for name in ("day", "part", "start", "content", "host", "place", "participants"):
        if name in fields:
            value = fields[name]
            setattr(
                entry,
                name,
                plain_text(value) if isinstance(value, str) and name != "part" else value,
            )
    if entry.part not in DayPart.values and entry.start is not None:
        entry.part = DayPart.MORNING if entry.start.hour < 12 else DayPart.AFTERNOON
    _full_clean(entry)
    _audit(entry, actor)
    entry.save()
    return entry


@transaction.atomic
def delete_schedule_entry(actor, entry):
    found = ScheduleEntry.objects.editable_by(actor).filter(pk=entry.pk).first()
    if found is None:
        raise _out_of_scope("entry")
    _audit(found, actor)
    found.delete()


# ------------------------------------------------------------------------------ the tip form's places


def wards_of_province(province):
    return Area.objects.filter(level=AreaLevel.WARD, province=province).order_by("name")


def current_provinces():
    return Area.objects.filter(level=AreaLevel.PROVINCE).order_by("name")


def default_province(section=None):
    """The province a section's tip form starts on; a closed federation's province maps to
    the 2025 province that holds it."""
    area = section.unit.province if section and section.unit.province_id else None
    if area is not None and area.level != AreaLevel.PROVINCE:
        area = (
            area.successor or Area.objects.filter(level=AreaLevel.PROVINCE, code=area.code).first()
        )
    return area or Area.objects.filter(level=AreaLevel.PROVINCE, code="79").first()
