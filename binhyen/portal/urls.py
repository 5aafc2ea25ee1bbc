"""Public addresses of the portal (readable Vietnamese paths without diacritics) and the
editors' pages under /cong-thong-tin/quan-tri/."""

from django.urls import path, re_path

from . import editor_views as editor
from . import views
from .feeds import SectionAtomFeed, SectionFeed

app_name = "portal"

urlpatterns = [
    path("cong-thong-tin/", views.home, name="home"),
    # editors (before <slug:slug>/ so "quan-tri" is never read as a section)
    path("cong-thong-tin/quan-tri/", editor.dashboard, name="editor_dashboard"),
    path("cong-thong-tin/quan-tri/tin-bao/", editor.tips, name="editor_tips"),
    path("cong-thong-tin/quan-tri/tin-bao/<int:pk>/", editor.tip_detail, name="editor_tip"),
    path("cong-thong-tin/quan-tri/bai-viet/<int:pk>/", editor.article_edit, name="editor_article"),
    path(
        "cong-thong-tin/quan-tri/bai-viet/<int:pk>/<slug:action>/",
        editor.article_action,
        name="editor_article_action",
    ),
    path(
        "cong-thong-tin/quan-tri/lich/<int:pk>/xoa/",
        editor.calendar_delete,
        name="editor_calendar_delete",
    ),
    path(
        "cong-thong-tin/quan-tri/<slug:section_slug>/bai-viet-moi/",
        editor.article_new,
        name="editor_article_new",
    ),
    path("cong-thong-tin/quan-tri/<slug:section_slug>/anh/", editor.upload, name="editor_upload"),
    path(
        "cong-thong-tin/quan-tri/<slug:section_slug>/chuyen-muc/",
        editor.categories,
        name="editor_categories",
    ),
    path(
        "cong-thong-tin/quan-tri/<slug:section_slug>/chuyen-muc/<int:pk>/",
        editor.categories,
        name="editor_category",
    ),
    path(
        "cong-thong-tin/quan-tri/<slug:section_slug>/lich/", editor.calendar, name="editor_calendar"
    ),
    path(
        "cong-thong-tin/quan-tri/<slug:section_slug>/lich/<int:pk>/",
        editor.calendar,
        name="editor_calendar_entry",
    ),
    # a federation's public section
    path("cong-thong-tin/<slug:slug>/", views.section_home, name="section"),
    path(
        "cong-thong-tin/<slug:section_slug>/chuyen-muc/<slug:slug>/",
        views.category,
        name="category",
    ),
    path("cong-thong-tin/<slug:section_slug>/rss/", SectionFeed(), name="feed_rss"),
    path("cong-thong-tin/<slug:section_slug>/atom/", SectionAtomFeed(), name="feed_atom"),
    path(
        "cong-thong-tin/<slug:section_slug>/chuyen-muc/<slug:slug>/rss/",
        SectionFeed(),
        name="feed_rss",
    ),
    path(
        "cong-thong-tin/<slug:section_slug>/chuyen-muc/<slug:slug>/atom/",
        SectionAtomFeed(),
        name="feed_atom",
    ),
    # news
    path("tin-tuc/", views.news, name="news"),
    path("tin-tuc/<slug:slug>", views.article, name="article"),
    path("tin-tuc/<slug:slug>/ban-in", views.article_print, name="article_print"),
    # work calendar
    path("lich-cong-tac/", views.calendar, name="calendar_default"),
    path("lich-cong-tac/<slug:slug>/", views.calendar, name="calendar"),
    path("lich-cong-tac/<slug:slug>/pdf/", views.calendar_pdf, name="calendar_pdf"),
    # tips
    path("tin-bao/", views.tip, name="tip"),
    path("tin-bao/phuong-xa/", views.tip_wards, name="tip_wards"),
    path("tin-bao/tra-cuu/", views.tip_follow, name="tip_follow"),
    # images when no web server sits in front (demo, tests)
    re_path(r"^media/portal/(?P<path>.+)$", views.media, name="media"),
]
