"""Shared view plumbing: scoped list, scoped detail lookup and service-backed forms.

Every app's pages are built from these three pieces so that none can forget the scoping
(`Model.objects.visible_to(user)`), the page size, the htmx partials or the way a service's
ValidationError reaches the form. NetBox's generic views in miniature.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import IntegerField, Model, OuterRef, Q, QuerySet, Subquery, Value
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, ListView

from binhyen.core.text import format_date, format_number

PAGE_SIZE = 50


def scoped_get(user, model_or_queryset, *, editable=False, **lookup):
    """The one object `lookup` names among what `user` may see (or administer, if `editable`).

    Anything outside the user's scope is a 404, exactly like an object that does not exist,
    so a page never confirms what lies beyond its reader's reach.
    """
    if isinstance(model_or_queryset, QuerySet):
        queryset = model_or_queryset
    else:
        queryset = model_or_queryset._default_manager.all()
    queryset = queryset.editable_by(user) if editable else queryset.visible_to(user)
    return get_object_or_404(queryset, **lookup)


def paginate(request, queryset, per_page=PAGE_SIZE, param="page"):
    """A page of `queryset` for `?page=N`; an out-of-range or garbage N gives the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get(param))


class ScopedListView(LoginRequiredMixin, ListView):
    """A paginated list of `model` restricted to what the user may see.

    Subclasses set `model`, `template_name` and, for live updates, `partial_template_name`
    (rendered alone when the request comes from htmx, e.g. a search box that refreshes the
    results while typing). They narrow the list in `filter_queryset()` and never replace
    `get_queryset()`, so the scope is always applied first.
    """

    paginate_by = PAGE_SIZE
    partial_template_name = None
    htmx_target = "list-results"  # id of the element the partial replaces

    def base_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def filter_queryset(self, queryset):
        """Hook: apply the page's filters (from `self.request.GET`) to the scoped queryset."""
        return queryset

    def get_queryset(self):
        queryset = self.filter_queryset(self.base_queryset())
        ordering = self.get_ordering()
        if ordering:
            queryset = queryset.order_by(*ordering)
        return queryset

    def paginate_queryset(self, queryset, page_size):
        page = paginate(self.request, queryset, page_size)
        return page.paginator, page, page.object_list, page.has_other_pages()

    def get_template_names(self):
        htmx = getattr(self.request, "htmx", None)
        if self.partial_template_name and htmx and not htmx.boosted:
            return [self.partial_template_name]
        return super().get_template_names()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["htmx_target"] = self.htmx_target
        context["partial_template_name"] = self.partial_template_name
        return context


class ServiceFormView(LoginRequiredMixin, FormView):
    """A form whose valid data is handed to one service function.

    Subclasses implement `perform(form)`, which calls the service and returns the object to
    redirect to (or a URL). A `ValidationError` raised by the service is put next to the
    matching form field (keys renamed through `error_fields` when the service and the form
    name a field differently; unknown keys become errors of the whole form), and nothing has
    been saved because every service runs in one transaction.
    """

    error_fields = {}
    success_message = ""

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except ValidationError as exc:
            self.add_service_errors(form, exc)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(self.get_success_url(result))

    def add_service_errors(self, form, exc):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
        for key, messages_ in errors.items():
            field = self.error_fields.get(key, key)
            if field not in form.fields:
                field = None
            for message in messages_:
                form.add_error(field, message)

    def get_success_url(self, result=None):
        if isinstance(result, Model) and hasattr(result, "get_absolute_url"):
            return result.get_absolute_url()
        if isinstance(result, str):
            return result
        return super().get_success_url()


# --- Audit history pages --------------------------------------------------------------------


class HistoryEntry:
    """One audited change as a page shows it: when, who, what, and each field's before → after."""

    KINDS = {"+": _("Tạo mới"), "~": _("Sửa"), "-": _("Xoá")}

    def __init__(self, record, label, changes):
        self.record = record
        self.when = record.history_date
        self.who = record.history_user
        self.kind = record.history_type
        self.kind_label = self.KINDS.get(record.history_type, record.history_type)
        self.label = label
        self.changes = changes


def _prev_subquery(history_model):
    """The history_id of the same object's record just before this one."""
    pk = history_model.instance_type._meta.pk.attname
    earlier = Q(history_date__lt=OuterRef("history_date")) | Q(
        history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id")
    )
    return Subquery(
        history_model.objects.filter(earlier, **{pk: OuterRef(pk)})
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )


def history_page(request, sources, per_page=PAGE_SIZE):
    """A newest-first page over the audit trails of several models at once.

    `sources` is a list of `(history_queryset, describe)`: the simple-history records to show
    (already limited to what the reader may see) and `describe(record, name_of)`, returning
    the line that names the changed object. Records, their predecessors (for before → after)
    and the names behind foreign keys are fetched in a fixed number of queries, whatever the
    page holds; names of units outside the reader's scope are never shown.
    """
    parts = [
        qs.order_by()
        .annotate(src=Value(i, output_field=IntegerField()), prev_id=_prev_subquery(qs.model))
        .values_list("history_id", "history_date", "src", "prev_id")
        for i, (qs, _describe) in enumerate(sources)
    ]
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    page = paginate(request, union.order_by("-history_date", "-history_id"), per_page)
    rows = list(page.object_list)

    records = {}
    for i, (qs, _describe) in enumerate(sources):
        wanted = {hid for hid, _d, src, _p in rows if src == i}
        wanted |= {prev for _h, _d, src, prev in rows if src == i and prev}
        if wanted:
            found = qs.model.objects.filter(history_id__in=wanted).select_related("history_user")
            records[i] = {r.history_id: r for r in found}

    diffs = []
    needed = {}
    for hid, _date, src, prev_id in rows:
        record = records[src][hid]
        prev = records[src].get(prev_id)
        changed = _changed_fields(record, prev)
        diffs.append((record, prev, changed, src))
        for field in changed:
            if field.is_relation and field.many_to_one:
                for rec in (record, prev):
                    value = getattr(rec, field.attname, None) if rec else None
                    if value is not None:
                        needed.setdefault(field.related_model, set()).add(value)
    names = _resolve_names(request.user, needed)

    def name_of(model, pk):
        if pk is None:
            return "—"
        return names.get((model, pk), _("(ngoài phạm vi của bạn)"))

    entries = []
    for record, prev, changed, src in diffs:
        changes = [
            (
                capfirst(field.verbose_name),
                _display(field, getattr(prev, field.attname) if prev else None, name_of),
                _display(field, getattr(record, field.attname), name_of),
            )
            for field in changed
        ]
        entries.append(HistoryEntry(record, sources[src][1](record, name_of), changes))
    page.object_list = entries
    return page


def _changed_fields(record, prev):
    if record.history_type == "-":
        return []
    fields = []
    for field in record.tracked_fields:
        if field.primary_key or not field.editable:
            continue
        new = getattr(record, field.attname)
        if prev is None:
            if new not in (None, ""):
                fields.append(field)
        elif getattr(prev, field.attname) != new:
            fields.append(field)
    return fields


def _resolve_names(user, needed):
    """{(model, pk): name} with one query per model; scoped models only reveal what `user` sees."""
    names = {}
    for model, pks in needed.items():
        queryset = model._default_manager.filter(pk__in=pks)
        if hasattr(queryset, "visible_to"):
            queryset = queryset.visible_to(user)
        for obj in queryset:
            names[(model, obj.pk)] = str(obj)
    return names


def _display(field, value, name_of):
    if value is None or value == "":
        return "—"
    if field.is_relation:
        return name_of(field.related_model, value)
    if field.choices:
        label = dict(field.flatchoices).get(value, value)
        return gettext(str(label))
    if isinstance(value, bool):
        return gettext("Có") if value else gettext("Không")
    if isinstance(value, datetime.datetime):
        return (
            timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
            if timezone.is_aware(value)
            else value.strftime("%d/%m/%Y %H:%M")
        )
    if isinstance(value, datetime.date):
        return format_date(value)
    if isinstance(value, int):
        return format_number(value)
    return str(value)
