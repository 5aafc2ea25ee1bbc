"""The editors' pages of the portal: articles (write, submit, publish, schedule, withdraw),
categories, the work calendar, the tips received and view statistics. Everything is scoped
to the sections the user edits (`editable_by`) or may see (`visible_to`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from binhyen.core import periods
from binhyen.core.views import paginate, scoped_get

from . import counters, schedule, services
from .forms import ArticleForm, CategoryForm, ScheduleEntryForm
from .models import (
    Article,
    ArticleStatus,
    Category,
    PortalSection,
    ScheduleEntry,
    week_start,
)


def _errors_to_form(form, exc):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for field, msgs in errors.items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


def _section(user, slug):
    return scoped_get(user, PortalSection.objects.select_related("unit"), editable=True, slug=slug)


@login_required
def dashboard(request):
    """Articles of the sections the user edits, newest first, with their views."""
    articles = (
        Article.objects.editable_by(request.user)
        .select_related("section", "category", "approved_by")
        .order_by("-updated_at", "-id")
    )
    status = request.GET.get("trang-thai")
    if status in ArticleStatus.values:
        articles = articles.filter(status=status)
    query = request.GET.get("q", "").strip()
    if query:
        articles = articles.search(query)
    page = paginate(request, articles, 25)
    rows = list(page.object_list)
    pending = counters.pending_views([a.pk for a in rows])
    for a in rows:
        a.views = a.view_count + pending.get(a.pk, 0)
    sections = list(services.sections_for_editor(request.user))
    approvable = set(PortalSection.objects.approvable_by(request.user).values_list("pk", flat=True))
    total_views = Article.objects.editable_by(request.user).aggregate(n=Sum("view_count"))["n"] or 0
    return render(
        request,
        "portal/editor/dashboard.html",
        {
            "page": page,
            "rows": rows,
            "sections": sections,
            "approvable": approvable,
            "statuses": ArticleStatus.choices,
            "status": status,
            "query": query,
            "total_views": total_views,
            "now": timezone.now(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def article_new(request, section_slug):
    section = _section(request.user, section_slug)
    form = ArticleForm(
        request.POST or None,
        request.FILES or None,
        section=section,
        initial={"author_name": request.user.get_full_name() or request.user.get_username()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            article = services.create_article(
                request.user,
                section=section,
                cover=form.cleaned_data.get("cover"),
                **form.article_fields(),
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Đã lưu bản nháp “%(t)s”.") % {"t": article.title})
            return redirect("portal:editor_article", article.pk)
    return render(request, "portal/editor/article_form.html", {"form": form, "section": section})


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request, pk):
    article = scoped_get(
        request.user, Article.objects.select_related("section", "category"), editable=True, pk=pk
    )
    initial = {name: getattr(article, name) for name in services.ARTICLE_FIELDS}
    if initial["publish_at"]:
        initial["publish_at"] = timezone.localtime(initial["publish_at"])
    form = ArticleForm(
        request.POST or None, request.FILES or None, section=article.section, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            article = services.update_article(
                request.user,
                article,
                cover=form.cleaned_data.get("cover"),
                remove_cover=form.cleaned_data.get("remove_cover"),
                **form.article_fields(),
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Đã lưu bài viết."))
            return redirect("portal:editor_article", article.pk)
    can_approve = (
        PortalSection.objects.approvable_by(request.user).filter(pk=article.section_id).exists()
    )
    return render(
        request,
        "portal/editor/article_form.html",
        {
            "form": form,
            "section": article.section,
            "article": article,
            "can_approve": can_approve,
        },
    )


ACTIONS = {
    "gui-duyet": (services.submit_article, gettext_lazy("Đã gửi bài viết chờ duyệt.")),
    "dang": (services.publish_article, gettext_lazy("Đã duyệt đăng bài viết.")),
    "go": (services.withdraw_article, gettext_lazy("Đã gỡ bài viết khỏi cổng thông tin.")),
}


@login_required
@require_POST
def article_action(request, pk, action):
    article = scoped_get(request.user, Article, pk=pk)
    if action not in ACTIONS:
        return redirect("portal:editor_article", pk)
    service, done = ACTIONS[action]
    try:
        article = service(request.user, article)
    except ValidationError as exc:
        for msgs in exc.message_dict.values():
            for msg in msgs:
                messages.error(request, msg)
    else:
        if article.is_scheduled:
            done = _("Đã lên lịch đăng lúc %(t)s.") % {
                "t": timezone.localtime(article.publish_at).strftime("%H:%M %d/%m/%Y")
            }
        messages.success(request, done)
    return redirect("portal:editor_article", pk)


@login_required
@require_POST
def upload(request, section_slug):
    """An image for the editor's toolbar: resized, stored, its address returned as JSON."""
    section = _section(request.user, section_slug)
    image = request.FILES.get("image")
    if image is None:
        return JsonResponse({"error": _("Hãy chọn một ảnh.")}, status=400)
    try:
        up = services.upload_image(request.user, section, image)
    except ValidationError as exc:
        return JsonResponse(
            {"error": " ".join(m for ms in exc.message_dict.values() for m in ms)}, status=400
        )
    return JsonResponse({"url": up.image.url, "width": up.width, "height": up.height})


@login_required
@require_http_methods(["GET", "POST"])
def categories(request, section_slug, pk=None):
    section = _section(request.user, section_slug)
    current = None
    if pk is not None:
        current = scoped_get(request.user, Category, editable=True, pk=pk, section=section)
    initial = (
        {"name": current.name, "description": current.description, "order": current.order}
        if current
        else None
    )
    form = CategoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_category(request.user, section, current, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Đã lưu chuyên mục."))
            return redirect("portal:editor_categories", section.slug)
    return render(
        request,
        "portal/editor/categories.html",
        {
            "section": section,
            "form": form,
            "current": current,
            "categories": Category.objects.filter(section=section).order_by("order", "name"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request, section_slug, pk=None):
    section = _section(request.user, section_slug)
    today = periods.today()
    entry = None
    if pk is not None:
        entry = scoped_get(request.user, ScheduleEntry, editable=True, pk=pk, section=section)
    monday = week_start(entry.day) if entry else schedule.parse_week(request.GET.get("tuan"), today)
    initial = (
        {
            name: getattr(entry, name)
            for name in ("day", "part", "start", "content", "host", "participants", "place")
        }
        if entry
        else {"day": max(today, monday)}
    )
    form = ScheduleEntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_schedule_entry(request.user, section, entry, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Đã lưu lịch công tác."))
            return redirect(
                f"{_url('portal:editor_calendar', section.slug)}?tuan={schedule.week_code(week_start(saved.day))}"
            )
    return render(
        request,
        "portal/editor/calendar.html",
        {
            "section": section,
            "form": form,
            "entry": entry,
            "week": schedule.week_of(section, monday, today),
        },
    )


def _url(name, *args):
    from django.urls import reverse

    return reverse(name, args=args)


@login_required
@require_POST
def calendar_delete(request, pk):
    entry = scoped_get(
        request.user, ScheduleEntry.objects.select_related("section"), editable=True, pk=pk
    )
    services.delete_schedule_entry(request.user, entry)
    messages.success(request, _("Đã xoá một dòng lịch công tác."))
    return redirect(
        f"{_url('portal:editor_calendar', entry.section.slug)}?tuan={schedule.week_code(week_start(entry.day))}"
    )


@login_required
def tips(request):
    """The tip inbox moved to the incidents app ("Tin báo" in the menu); old links follow it."""
    return redirect("incidents:tips")


@login_required
def tip_detail(request, pk):
    return redirect("incidents:tip", pk)
