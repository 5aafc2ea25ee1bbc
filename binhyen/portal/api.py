"""API routes of the portal: published news and a section's live figures (public, like the
pages), and the tips a signed-in officer or police liaison may see (scoped)."""

import datetime

from ninja import Field, Query, Router, Schema

from binhyen.core import periods
from binhyen.core.api import ERRORS, Page, PageParams, get_or_404, paginate
from binhyen.incidents.models import Tip

from .figures import section_figures
from .models import Article, PortalSection

router = Router(tags=["portal"])


class ArticleOut(Schema):
    slug: str
    title: str
    summary: str
    section: str = Field(..., alias="section.slug")
    category: str = Field(..., alias="category.name")
    author: str = Field(..., alias="author_name")
    published: datetime.datetime = Field(..., alias="publish_at")
    url: str = Field(..., alias="get_absolute_url")
    views: int = Field(..., alias="view_count")


class ArticleFilters(PageParams):
    section: str | None = Field(
        None, description="Đường dẫn cổng thông tin, ví dụ ldld-tp-ho-chi-minh"
    )
    q: str | None = Field(None, description="Từ khoá, có dấu hoặc không dấu")


@router.get("/portal/articles", response={200: Page[ArticleOut], **ERRORS}, auth=None)
def list_articles(request, filters: Query[ArticleFilters]):
    """Published articles, newest first (public, as on the portal)."""
    qs = Article.objects.published().select_related("section", "category__section")
    if filters.section:
        qs = qs.filter(section__slug=filters.section)
    if filters.q:
        qs = qs.search(filters.q)
    return paginate(qs, filters)


class FiguresOut(Schema):
    section: str
    start: datetime.date
    end: datetime.date
    groups: int | None
    members: int | None
    wards: int | None
    sessions: int | None
    attendances: int | None


@router.get("/portal/sections/{slug}/figures", response={200: FiguresOut, **ERRORS}, auth=None)
def figures(request, slug: str):
    """The live movement figures a section's home page shows (through the rollup engine)."""
    section = get_or_404(
        PortalSection.objects.filter(is_active=True).select_related("unit"), slug=slug
    )
    data = section_figures(section, periods.today())
    return {
        "section": section.slug,
        **{k: data[k] for k in FiguresOut.model_fields if k != "section"},
    }


class TipOut(Schema):
    code: str
    state: str
    unit: str = Field(..., alias="unit.code")
    ward: str = Field(..., alias="ward.name")
    what: str
    place: str
    happened_on: datetime.date
    created_at: datetime.datetime


@router.get("/portal/tips", response={200: Page[TipOut], **ERRORS})
def list_tips(request, paging: Query[PageParams]):
    """Tips received by the caller's units, or about the police liaison's wards."""
    return paginate(Tip.objects.visible_to(request.auth).select_related("unit", "ward"), paging)
