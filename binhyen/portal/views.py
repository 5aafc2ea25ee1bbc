"""Public pages of the portal: a federation's home, news, articles, the work calendar and the
tip form. Anonymous visitors read published content only; every page is a fixed handful of
queries (the figures and the visit total come from the cache)."""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.static import serve

from binhyen.core import periods
from binhyen.core.text import format_number
from binhyen.core.views import paginate
from binhyen.incidents import services as incident_services
from binhyen.org.models import Area, AreaLevel

from . import captcha, counters, schedule, services, throttle
from .figures import generation as figures_generation
from .figures import section_figures
from .forms import FollowForm, TipForm
from .models import Article, Category, PortalSection, week_start

NEWS_PER_PAGE = 10
VIEWS_MARKER = "\ue000views\ue000"  # a private-use character no text contains


def _sections():
    """Every active section, for the switcher in the header. 1 query, cached a minute."""
    sections = cache.get("portal:sections")
    if sections is None:
        sections = list(
            PortalSection.objects.filter(is_active=True).select_related("unit", "successor")
        )
        cache.set("portal:sections", sections, 60)
    return sections


def _section(slug=None):
    sections = _sections()
    if slug is None:
        if not sections:
            raise Http404(_("Chưa có cổng thông tin nào."))
        # the home is the first section still open (an archive is never the front door)
        return next((s for s in sections if not s.closed_on), sections[0]), sections
    for s in sections:
        if s.slug == slug:
            return s, sections
    raise Http404(_("Không có cổng thông tin này."))


def _categories(section):
    """Lazy: the header that lists them is a cached fragment, so mostly never queried."""
    return (
        Category.objects.filter(section=section).select_related("section").order_by("order", "name")
    )


FRAGMENT_SECONDS = 60


def _fragment(request, key, template, build):
    """A page's main content, rendered once a minute per key: the lists it shows may lag a
    minute (a scheduled article appears within a minute of its time)."""
    key = f"portal:fragment:{key}:{get_language()}"
    html = cache.get(key)
    if html is None:
        html = render_to_string(template, build(), request)
        cache.set(key, html, FRAGMENT_SECONDS)
    return mark_safe(html)  # our own template's output, escaped when it was rendered


def _counter():
    """The footer's visitor counter: online now and total visits (no query most of the time)."""
    return {"online": counters.online_now(), "total": counters.total_visits()}


def _with_pending_views(articles):
    """View counts include what still waits in the cache buffer (0 extra queries)."""
    pending = counters.pending_views([a.pk for a in articles])
    for a in articles:
        a.views = a.view_count + pending.get(a.pk, 0)
    return articles


def _page(request, template, context, section=None, sections=None, status=200):
    if section is not None:
        context.setdefault("section", section)
        context.setdefault("nav_categories", _categories(section))
    context.setdefault("sections", sections if sections is not None else _sections())
    context["counter"] = _counter()
    context["today_label"] = schedule.long_date(periods.today())
    return render(request, template, context, status=status)


def _published(section=None):
    qs = Article.objects.published().select_related("category__section", "section")
    return qs.filter(section=section) if section is not None else qs


@require_GET
def home(request):
    section, sections = _section()
    return _home(request, section, sections)


@require_GET
def section_home(request, slug):
    section, sections = _section(slug)
    return _home(request, section, sections)


def _home(request, section, sections):
    today = periods.today()

    def build():
        featured = list(_published(section).filter(featured=True)[:3])
        latest = list(_published(section).exclude(pk__in=[a.pk for a in featured])[:9])
        _with_pending_views(featured + latest)
        return {
            "section": section,
            "featured": featured[0] if featured else None,
            "also_featured": featured[1:],
            "latest": latest,
            "week": schedule.week_of(section, week_start(today), today),
            "figures": section_figures(section, today),
        }

    # the figures' generation in the key: a corrected record leaves the cached home at once
    main = _fragment(
        request,
        f"home:{section.pk}:{today}:{figures_generation()}",
        "portal/_home_main.html",
        build,
    )
    return _page(request, "portal/home.html", {"main": main}, section, sections)


@require_GET
def news(request):
    """All published news, or a section's, with the accent-insensitive search box."""
    query = request.GET.get("q", "").strip()[:200]
    section = None
    sections = _sections()
    slug = request.GET.get("muc")
    if slug:
        section = next((s for s in sections if s.slug == slug), None)
    articles = _published(section)
    if query:
        articles = articles.search(query)
    page = paginate(request, articles, NEWS_PER_PAGE)
    _with_pending_views(list(page.object_list))
    return _page(
        request,
        "portal/news.html",
        {"page": page, "query": query, "scope_section": section},
        section or _section()[0],
        sections,
    )


@require_GET
def category(request, section_slug, slug):
    section, sections = _section(section_slug)
    cat = get_object_or_404(Category, section=section, slug=slug)
    page = paginate(request, _published(section).filter(category=cat), NEWS_PER_PAGE)
    _with_pending_views(list(page.object_list))
    return _page(
        request, "portal/category.html", {"category": cat, "page": page}, section, sections
    )


def _article_or_redirect(request, slug, route):
    """The article at `slug`, or a redirect from one of its old addresses. An old address
    redirects only to an article the visitor may see (for the public: published and live):
    else the new address would tell them the new title of a draft or a scheduled article, so
    they get the same 404 as for an address that never existed."""
    visible = Article.objects.visible_to(request.user)
    article = (
        visible.select_related(
            "section__unit", "section__successor", "category__section", "approved_by"
        )
        .filter(slug=slug)
        .first()
    )
    if article is None:
        moved_to = visible.filter(old_slugs__slug=slug).values_list("slug", flat=True).first()
        if moved_to is not None:
            return None, redirect(route, moved_to, permanent=True)
        raise Http404(_("Không tìm thấy bài viết."))
    return article, None


@require_GET
def article(request, slug):
    counters.maybe_flush()
    article, moved = _article_or_redirect(request, slug, "portal:article")
    if moved:
        return moved
    if article.is_live:
        counters.count_article_view(request, article.pk)
    _with_pending_views([article])
    share_url = request.build_absolute_uri(article.get_absolute_url())

    def build():
        related = list(
            _published(article.section).filter(category=article.category).exclude(pk=article.pk)[:4]
        )
        _with_pending_views(related)
        return {
            "article": article,
            "related": related,
            "share_url": share_url,
            "section": article.section,
            "views_marker": VIEWS_MARKER,
        }

    key = f"article:{article.pk}:{article.updated_at.timestamp()}:{article.status}:{share_url}"
    if article.is_live:
        main = _fragment(request, key, "portal/_article_main.html", build)
    else:  # an editor's preview is never cached
        main = mark_safe(render_to_string("portal/_article_main.html", build(), request))
    views = ngettext("%(n)s lượt xem", "%(n)s lượt xem", article.views) % {
        "n": format_number(article.views)
    }
    main = mark_safe(main.replace(VIEWS_MARKER, escape(views)))
    return _page(
        request, "portal/article.html", {"article": article, "main": main}, article.section
    )


@require_GET
def article_print(request, slug):
    article, moved = _article_or_redirect(request, slug, "portal:article_print")
    if moved:
        return moved
    _with_pending_views([article])
    return render(
        request,
        "portal/article_print.html",
        {
            "article": article,
            "url": request.build_absolute_uri(article.get_absolute_url()),
        },
    )


def _week(request, section):
    today = periods.today()
    return schedule.week_of(
        section, schedule.parse_week(request.GET.get("tuan"), today), today
    ), today


@require_GET
def calendar(request, slug=None):
    section, sections = _section(slug)
    week, today = _week(request, section)
    return _page(
        request,
        "portal/calendar.html",
        {
            "week": week,
            "this_week": schedule.week_code(week_start(today)),
        },
        section,
        sections,
    )


@require_GET
def calendar_pdf(request, slug):
    section, _sections_ = _section(slug)
    week, _today = _week(request, section)
    response = HttpResponse(schedule.week_pdf(section, week), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="lich-cong-tac-{section.slug}-{week.code}.pdf"'
    )
    return response


def _province(request, section):
    code = request.GET.get("tinh") or request.POST.get("tinh")
    if code:
        found = Area.objects.filter(level=AreaLevel.PROVINCE, code=code).first()
        if found:
            return found
    return services.default_province(section)


@require_http_methods(["GET", "POST"])
def tip(request):
    """The public tip form. A post first takes a place under the sender's limits (throttle.py):
    over them it is refused with 429 and the form as filled in, never dropped silently."""
    sections = _sections()
    section = next(
        (s for s in sections if s.slug == request.GET.get("muc", request.POST.get("muc"))), None
    )
    section = section or _section()[0]
    province = _province(request, section)
    wards = list(services.wards_of_province(province).only("id", "name"))
    form = TipForm(request.POST or None, wards=wards)
    if request.method == "POST":
        ticket = throttle.reserve(request)
        if ticket.refused:
            form.add_error(
                None,
                ngettext(
                    "Đã có quá nhiều tin báo gửi từ mạng của bạn trong một giờ qua; hãy chờ khoảng "
                    "%(n)s phút rồi gửi lại (nội dung bạn nhập vẫn còn trên trang). Trường hợp khẩn "
                    "cấp, hãy gọi ngay Công an 113.",
                    "Đã có quá nhiều tin báo gửi từ mạng của bạn trong một giờ qua; hãy chờ khoảng "
                    "%(n)s phút rồi gửi lại (nội dung bạn nhập vẫn còn trên trang). Trường hợp khẩn "
                    "cấp, hãy gọi ngay Công an 113.",
                    ticket.minutes,
                )
                % {"n": ticket.minutes},
            )
            return _tip_page(request, form, section, sections, province, status=429)
        sent = _send_tip(form, section)
        if sent is None:
            ticket.release()
        else:
            return _page(request, "portal/tip_sent.html", {"tip": sent}, section, sections)
    return _tip_page(request, form, section, sections, province)


def _send_tip(form, section):
    """The saved tip, or None with the reasons on the form."""
    if not form.is_valid():
        return None
    problem = captcha.check(form.cleaned_data["captcha_token"], form.cleaned_data["captcha"])
    if problem:
        form.add_error("captcha", problem)
        return None
    try:
        return incident_services.submit_tip(
            source=section.title if section else "", **form.tip_fields()
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    return None


def _tip_page(request, form, section, sections, province, status=200):
    form.set_challenge(captcha.new_challenge())
    return _page(
        request,
        "portal/tip.html",
        {
            "form": form,
            "province": province,
            "provinces": services.current_provinces(),
        },
        section,
        sections,
        status=status,
    )


@require_GET
def tip_wards(request):
    """<option>s of a province's wards, for the tip form's ward picker (fetched by portal.js)."""
    province = Area.objects.filter(level=AreaLevel.PROVINCE, code=request.GET.get("tinh")).first()
    wards = services.wards_of_province(province) if province else Area.objects.none()
    return render(request, "portal/_ward_options.html", {"wards": wards.only("id", "name")})


@require_http_methods(["GET", "POST"])
def tip_follow(request):
    """Follow a tip by its receipt code (asked by POST, so codes stay out of addresses and logs)."""
    form = FollowForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        found = incident_services.find_tip(form.cleaned_data["code"])
        if found is None:
            form.add_error("code", _("Không tìm thấy tin báo có mã này; hãy kiểm tra lại mã."))
    section, sections = _section()
    return _page(request, "portal/tip_follow.html", {"form": form, "tip": found}, section, sections)


@require_GET
def media(request, path):
    """The portal's images (covers, uploads) when no web server sits in front (demo, tests).
    In production the web server serves MEDIA_ROOT/portal/ itself at the same address."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT / "portal")
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
