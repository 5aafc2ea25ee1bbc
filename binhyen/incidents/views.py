"""Pages of the incidents app: the case list with its filters and totals, a case's page (its
timeline, the stoppage file, attachments, the tip it came from, the activities held after it,
the state moves the reader may make, a step noted or the police's confirmation, the rapid
report), the forms, the tip inbox and a tip's page (the answer, each side's confirmation,
conversion to a case, the sealed sender shown once to a holder of the identity role), and the
tip form for logged-in officers and group leaders.

Every record comes through `visible_to` (out of scope is a 404); every write through
services.py, whose refusals land on the form that asked."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from binhyen.activities.models import Activity
from binhyen.core.bounds import EARLIEST_DATE, parse_id
from binhyen.core.periods import Period, today
from binhyen.core.views import ScopedListView, ServiceFormView, history_page, scoped_get
from binhyen.enterprises.models import Enterprise
from binhyen.groups.services import unit_province
from binhyen.org import history
from binhyen.org.models import Area, AreaLevel, Unit
from binhyen.org.scoping import APPROVE_ROLES, VIEW_ROLES, holds_role_over, may_record, scope_of
from binhyen.org.services import wards_of_province

from . import rapid, seal, services
from .forms import AnswerForm, IncidentForm, MoveForm, StepForm, TipForm, UploadForm
from .models import (
    Action,
    Attachment,
    Channel,
    Incident,
    IncidentKind,
    State,
    Stoppage,
    Tip,
)
from .services import may_confirm_as_police, may_edit, may_move

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _day(params, name, errors):
    value = (params.get(name) or "").strip()
    if not value:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    errors.append(
        _("Ngày “%(v)s” không hợp lệ; hãy nhập dạng dd/mm/yyyy.") % {"v": value},
    )
    return None


def _moment(day, end=False):
    """The first moment of `day` (or of the day after, for an end), in the site's zone."""
    if end:
        day += datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _period(params, errors):
    """(start, end) dates from `tu`/`den` or `nam`; each may be None."""
    start, end = _day(params, "tu", errors), _day(params, "den", errors)
    year = (params.get("nam") or "").strip()
    if year:
        if year.isdigit() and 2000 <= int(year) <= 2100:
            start = start or datetime.date(int(year), 1, 1)
            end = end or datetime.date(int(year), 12, 31)
        else:
            errors.append(_("Năm “%(v)s” không hợp lệ.") % {"v": year})
    if start and end and end < start:
        errors.append(_("Ngày cuối kỳ không được trước ngày đầu kỳ."))
    return start, end


# ---------------------------------------------------------------- the case list


class IncidentListView(ScopedListView):
    """The cases the reader sees, filtered (kind, state, ward, enterprise, period, overdue,
    words), with the totals of the filtered set (the number of cases, the workers who stopped)
    in one aggregate query that also gives the paginator its count."""

    model = Incident
    template_name = "incidents/incident_list.html"
    partial_template_name = "incidents/_incident_results.html"
    htmx_target = "incident-results"

    def get_ordering(self):
        return None

    def filter_queryset(self, queryset):
        p = self.request.GET
        self.errors = []
        self.kinds = list(IncidentKind.objects.all())
        f = {name: (p.get(name) or "").strip() for name in ("kind", "state", "ward", "q")}
        f["overdue"] = p.get("qua_han") == "1"
        f["start"], f["end"] = _period(p, self.errors)
        f["year"] = (p.get("nam") or "").strip()
        f["enterprise"] = None
        self.f = f
        if f["kind"]:
            kind = next((k for k in self.kinds if k.code == f["kind"]), None)
            if kind is None:
                self.errors.append(_("Loại vụ việc “%(v)s” không có.") % {"v": f["kind"]})
            queryset = queryset.filter(kind=kind)
        if f["state"]:
            if f["state"] not in State.values:
                self.errors.append(_("Trạng thái “%(v)s” không có.") % {"v": f["state"]})
            queryset = queryset.filter(state=f["state"])
        if f["ward"]:
            queryset = queryset.filter(ward_id=parse_id(f["ward"]) or 0)
        raw = (p.get("enterprise") or "").strip()
        if raw:
            f["enterprise"] = (
                Enterprise.objects.visible_to(self.request.user)
                .filter(pk=parse_id(raw) or 0)
                .first()
            )
            if f["enterprise"] is None:
                self.errors.append(_("Không tìm thấy doanh nghiệp trong phạm vi bạn xem được."))
            queryset = queryset.filter(enterprise=f["enterprise"])
        queryset = self._unit_subtree(queryset, p, f)
        if f["start"]:
            queryset = queryset.filter(started_at__gte=_moment(f["start"]))
        if f["end"]:
            queryset = queryset.filter(started_at__lt=_moment(f["end"], end=True))
        if f["overdue"]:
            queryset = queryset.overdue()
        if f["q"]:
            queryset = queryset.search(f["q"])
        if self.errors:
            return queryset.none()
        return queryset.select_related("kind", "unit", "ward", "enterprise", "stoppage").order_by(
            "-started_at", "-id"
        )

    def _unit_subtree(self, queryset, p, f):
        """`unit=CODE`: the cases of that unit and its subtree, taken on a basis (`basis=was|now`,
        else the default for the period, binhyen.org.history) as every figure is, so the list
        and its totals are the dashboard's figures for the same unit, dates and kind."""
        self.unit, self.basis = None, None
        code = (p.get("unit") or "").strip()
        if not code:
            return queryset
        self.unit = Unit.objects.visible_to(self.request.user).filter(code=code).first()
        if self.unit is None:
            self.errors.append(
                _("Không tìm thấy đơn vị “%(code)s” trong phạm vi của bạn.") % {"code": code}
            )
            return queryset
        start = f["start"] or self.unit.valid_from or EARLIEST_DATE
        end = max(start, f["end"] or today())
        period = Period(start, end, f"{start}..{end}", "range")
        asked = (p.get("basis") or "").strip()
        if asked and asked not in history.BASES:
            self.errors.append(_("Cơ sở tính “%(v)s” không có.") % {"v": asked})
            return queryset
        self.basis = history.choose(self.unit, period, asked or None)
        return queryset.filter(
            history.within(self.unit, period, self.basis, date_field="started_at", moment=True)
        )

    def paginate_queryset(self, queryset, page_size):
        self.totals = queryset.aggregate(
            count=Count("id"), workers=Coalesce(Sum("stoppage__workers_involved"), Value(0))
        )
        paginator = Paginator(queryset, page_size)
        paginator.count = self.totals["count"]
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        f = self.f
        context.update(
            f=f,
            unit=self.unit,
            basis=(
                history.note(self.request.GET, self.unit, self.basis)
                if self.unit is not None and self.basis
                else None
            ),
            errors=self.errors,
            totals=self.totals,
            kinds=self.kinds,
            states=State.choices,
            filtered=any(
                (f["kind"], f["state"], f["ward"], f["q"], f["start"], f["end"], f["overdue"])
            )
            or self.unit is not None
            or bool(self.request.GET.get("enterprise")),
            can_add=may_record(user),
            now=timezone.now(),
        )
        if not getattr(self.request, "htmx", None):
            visible = Incident.objects.visible_to(user)
            context["wards"] = Area.objects.filter(pk__in=visible.values("ward")).order_by("name")
        return context


# ---------------------------------------------------------------- a case's page


def _incident(request, pk):
    return scoped_get(
        request.user,
        Incident.objects.select_related(
            "kind",
            "unit__kind",
            "unit__parent",
            "ward",
            "enterprise__ownership",
            "enterprise__union",
            "enterprise__ward",
            "enterprise__industry",
            "boarding_house",
            "tip",
            "stoppage",
            "created_by",
        ),
        pk=pk,
    )


def _render_incident(request, incident, status=200, **forms):
    """The case page; `forms` are bound forms a POST sent back with their errors."""
    user = request.user
    can_edit = may_edit(user, incident)
    police = may_confirm_as_police(user, incident)
    moves = [State(s) for s in incident.next_states() if may_move(user, incident, s)]
    stoppage = getattr(incident, "stoppage", None) if incident.kind.is_stoppage else None
    linked = list(
        Activity.objects.visible_to(user)
        .filter(incidents=incident)
        .select_related("kind")
        .order_by("-date", "-id")[:20]
    )
    tip = None
    if incident.tip_id:
        tip = Tip.objects.visible_to(user).filter(pk=incident.tip_id).first()
    context = {
        "incident": incident,
        "stoppage": stoppage,
        "causes": list(stoppage.causes.all()) if stoppage else [],
        "actions": list(incident.actions.all()),
        "attachments": list(incident.attachments.filter(deleted_at__isnull=True)),
        "activities": linked,
        "linkable": _linkable(user, incident, linked) if can_edit else [],
        "tip": tip,
        "from_tip": bool(incident.tip_id),
        "overdue": incident.overdue_reasons(),
        "can_edit": can_edit,
        "can_delete": holds_role_over(user, APPROVE_ROLES, incident.unit),
        "police": police and not can_edit,
        "moves": moves,
        "move_form": forms.get("move_form") or (MoveForm(states=moves) if moves else None),
        "step_form": forms.get("step_form") or (StepForm() if can_edit or police else None),
        "upload_form": forms.get("upload_form") or (UploadForm() if can_edit else None),
        "rapid": incident.kind.report_hours is not None,
    }
    return render(request, "incidents/incident_detail.html", context, status=status)


@login_required
def detail(request, pk):
    return _render_incident(request, _incident(request, pk))


def _service_errors(form, exc):
    """A service's ValidationError on the form's fields (the rest on the whole form)."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for key, messages_ in errors.items():
        field = key if key in form.fields else None
        for message in messages_:
            form.add_error(field, message)


@login_required
@require_POST
def move(request, pk):
    incident = _incident(request, pk)
    moves = [s for s in incident.next_states() if may_move(request.user, incident, s)]
    form = MoveForm(request.POST, states=moves)
    if form.is_valid():
        try:
            services.move_incident(request.user, incident, **form.cleaned_data)
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã chuyển vụ việc sang “%(s)s”.")
                % {"s": State(form.cleaned_data["state"]).label},
            )
            return redirect(incident)
    return _render_incident(request, incident, move_form=form)


@login_required
@require_POST
def note(request, pk):
    """A step on the case's timeline (an editor), or the police's confirmation (the ward's
    police liaison)."""
    incident = _incident(request, pk)
    return _note_step(request, incident, _render_incident, _("Đã ghi vào quá trình xử lý."))


def _note_step(request, record, render_page, done):
    """A step posted on a case or a tip: saved and back to its page, or the page again with
    the form's errors."""
    form = StepForm(request.POST)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            services.note_step(request.user, record, **data)
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(record)
    return render_page(request, record, step_form=form)


@login_required
@require_POST
def upload(request, pk):
    incident = _incident(request, pk)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attach(request.user, incident, form.cleaned_data["file"])
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, _("Đã đính kèm tệp."))
            return redirect(incident)
    return _render_incident(request, incident, upload_form=form)


@login_required
@require_POST
def link_activity(request, pk):
    """Link or unlink (`bo=1`) an activity held about the case."""
    incident = _incident(request, pk)
    try:
        found = services.link_activity(
            request.user,
            incident,
            parse_id(request.POST.get("activity")),
            linked=request.POST.get("bo") != "1",
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            (
                _("Đã bỏ gắn hoạt động “%(t)s”.")
                if request.POST.get("bo") == "1"
                else _("Đã gắn hoạt động “%(t)s”.")
            )
            % {"t": found.title},
        )
    return redirect(incident)


def _linkable(user, incident, linked):
    """Activities an editor may link: those they see of the case's unit and its subtree, held
    from the case's start on (the latest 30), the linked ones left out."""
    return list(
        Activity.objects.visible_to(user)
        .filter(
            unit__path__startswith=incident.unit.path,
            date__gte=timezone.localtime(incident.started_at).date(),
        )
        .exclude(pk__in=[a.pk for a in linked])
        .select_related("kind")
        .order_by("-date", "-id")[:30]
    )


@login_required
def incident_history(request, pk):
    """A case's audit trail: its facts, its stoppage file and its attachments, who changed
    what and when (the timeline tells the handling; this tells the edits)."""
    incident = _incident(request, pk)
    page = history_page(
        request,
        [
            (
                Incident.history.filter(id=incident.pk),
                lambda r, _n: _("Vụ việc %(c)s") % {"c": r.code},
            ),
            (
                Stoppage.history.filter(incident_id=incident.pk),
                lambda r, _n: _("Hồ sơ ngừng việc tập thể"),
            ),
            (
                Attachment.history.filter(incident_id=incident.pk),
                lambda r, _n: _("Tệp đính kèm %(n)s") % {"n": r.name},
            ),
        ],
    )
    return render(request, "incidents/history.html", {"incident": incident, "page_obj": page})


def _attachment(request, pk):
    """An attachment of a case the reader sees (else 404, like one that does not exist)."""
    item = Attachment.objects.filter(pk=pk, deleted_at__isnull=True).first()
    if item is None:
        raise Http404
    scoped_get(request.user, Incident, pk=item.incident_id)
    return item


@login_required
def attachment(request, pk):
    """A file of a case, only for those who see the case (never a public media URL)."""
    item = _attachment(request, pk)
    image = item.name.lower().rsplit(".", 1)[-1] in ("jpg", "jpeg", "png")
    return FileResponse(item.file.open("rb"), as_attachment=not image, filename=item.name)


@login_required
@require_POST
def remove_attachment(request, pk):
    item = _attachment(request, pk)
    try:
        services.remove_attachment(request.user, item)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã gỡ tệp “%(n)s”.") % {"n": item.name})
    return redirect("incidents:detail", item.incident_id)


@login_required
def rapid_report(request, pk):
    """The rapid report as a one-page DOCX. Made by someone who records for the unit, it
    stops the rapid-report clock (the first time) and goes on the timeline."""
    incident = _incident(request, pk)
    if incident.kind.report_hours is None:
        raise Http404
    if may_edit(request.user, incident):
        services.mark_rapid_report(request.user, incident)
    data = rapid.build(incident)
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-nhanh-{incident.code}.docx"'
    return response


@login_required
def delete(request, pk):
    """The soft delete (approvers of the unit): the reports that counted the case keep it."""
    incident = _incident(request, pk)
    if not holds_role_over(request.user, APPROVE_ROLES, incident.unit):
        raise Http404
    error = None
    if request.method == "POST":
        try:
            services.delete_incident(request.user, incident)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("Đã xóa vụ việc %(c)s. Bản ghi vẫn được giữ trong lịch sử.")
                % {"c": incident.code},
            )
            return redirect("incidents:list")
    return render(request, "incidents/incident_delete.html", {"incident": incident, "error": error})


# ---------------------------------------------------------------- the forms


class IncidentFormPage(ServiceFormView):
    template_name = "incidents/incident_form.html"
    form_class = IncidentForm
    error_fields = {"__all__": None}
    title = ""
    submit_label = gettext_lazy("Lưu vụ việc")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, instance=self.incident)
        return kwargs

    incident = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context.update(
            title=self.title,
            submit_label=self.submit_label,
            incident=self.incident,
            cancel_url=self.cancel_url(),
            stoppage_code=IncidentKind.STOPPAGE,
            main_fields=[form[n] for n in ("unit", "kind", "title", "started_at", "ended_at")],
            stoppage_fields=[form[n] for n in services.STOPPAGE_FIELDS],
        )
        return context


class CreateView(IncidentFormPage):
    title = gettext_lazy("Ghi nhận vụ việc")
    success_message = gettext_lazy("Đã ghi nhận vụ việc.")

    @cached_property
    def tip(self):
        """The tip being turned into a case (`?tip=`), if the reader may handle it."""
        raw = self.request.GET.get("tip") or self.request.POST.get("tip")
        if not raw:
            return None
        tip = scoped_get(
            self.request.user, Tip.objects.select_related("unit"), pk=parse_id(raw) or 0
        )
        if not may_edit(self.request.user, tip):
            raise Http404
        return tip

    def get_initial(self):
        initial = {"started_at": timezone.localtime().replace(second=0, microsecond=0)}
        units = Unit.objects.recordable_by(self.request.user)
        tip = self.tip
        if tip is not None:
            when = datetime.datetime.combine(tip.happened_on, tip.happened_time or datetime.time(0))
            initial.update(
                tip=tip.pk,
                ward=tip.ward_id,
                place=tip.place,
                summary=tip.what,
                started_at=timezone.make_aware(when),
                title=_("Vụ việc từ tin báo %(c)s") % {"c": tip.code},
            )
            if units.filter(pk=tip.unit_id).exists():
                initial["unit"] = tip.unit_id
        if "unit" not in initial and units[:2].count() == 1:
            initial["unit"] = units.first().pk
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tip"] = self.tip
        return context

    def cancel_url(self):
        return self.tip.get_absolute_url() if self.tip else reverse("incidents:list")

    def perform(self, form):
        return services.open_incident(
            self.request.user,
            unit=form.cleaned_data["unit"],
            stoppage=form.stoppage_fields(),
            tip=self.tip,
            **form.incident_fields(),
        )


class EditView(IncidentFormPage):
    title = gettext_lazy("Sửa vụ việc")
    success_message = gettext_lazy("Đã lưu thay đổi.")

    @cached_property
    def incident(self):
        incident = _incident(self.request, self.kwargs["pk"])
        if not may_edit(self.request.user, incident):
            raise Http404
        return incident

    def cancel_url(self):
        return self.incident.get_absolute_url()

    def perform(self, form):
        return services.update_incident(
            self.request.user,
            self.incident,
            stoppage=form.stoppage_fields(),
            **form.incident_fields(),
        )


def _picker_form(request):
    return IncidentForm(data=request.GET, user=request.user)


@login_required
def enterprise_options(request):
    """The enterprise select with the matches of the search box (htmx, outerHTML)."""
    return render(request, "incidents/_select.html", {"field": _picker_form(request)["enterprise"]})


@login_required
def house_options(request):
    """The boarding-house select with the matches of the search box (htmx, outerHTML)."""
    return render(
        request, "incidents/_select.html", {"field": _picker_form(request)["boarding_house"]}
    )


@login_required
def ward_options(request):
    """The ward select for the unit just chosen (incident form) or the province just chosen
    (tip form), htmx outerHTML."""
    if "province" in request.GET:
        province = Area.objects.filter(
            pk=parse_id(request.GET["province"]) or 0, level=AreaLevel.PROVINCE
        ).first()
        return render(
            request, "incidents/_select.html", {"field": _tip_form(request, province)["ward"]}
        )
    return render(request, "incidents/_select.html", {"field": _picker_form(request)["ward"]})


# ---------------------------------------------------------------- tips


class TipListView(ScopedListView):
    """Tips received by the reader's units, or about the police liaison's wards."""

    model = Tip
    template_name = "incidents/tip_list.html"
    partial_template_name = "incidents/_tip_results.html"
    htmx_target = "tip-results"

    def get_ordering(self):
        return None

    def filter_queryset(self, queryset):
        p = self.request.GET
        self.errors = []
        f = {name: (p.get(name) or "").strip() for name in ("state", "ward", "channel", "q")}
        f["overdue"] = p.get("qua_han") == "1"
        self.f = f
        if f["state"]:
            if f["state"] not in State.values:
                self.errors.append(_("Trạng thái “%(v)s” không có.") % {"v": f["state"]})
            queryset = queryset.filter(state=f["state"])
        if f["channel"]:
            if f["channel"] not in Channel.values:
                self.errors.append(_("Kênh tiếp nhận “%(v)s” không có.") % {"v": f["channel"]})
            queryset = queryset.filter(channel=f["channel"])
        if f["ward"]:
            queryset = queryset.filter(ward_id=parse_id(f["ward"]) or 0)
        if f["overdue"]:
            queryset = queryset.overdue()
        if f["q"]:
            queryset = queryset.search(f["q"])
        if self.errors:
            return queryset.none()
        return queryset.select_related("unit", "ward").order_by("-created_at", "-id")

    def paginate_queryset(self, queryset, page_size):
        self.count = queryset.count()
        paginator = Paginator(queryset, page_size)
        paginator.count = self.count
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        f = self.f
        context.update(
            f=f,
            errors=self.errors,
            count=self.count,
            states=State.choices,
            channels=Channel.choices,
            filtered=any(f.values()),
            now=timezone.now(),
        )
        if not getattr(self.request, "htmx", None):
            visible = Tip.objects.visible_to(self.request.user)
            context["wards"] = Area.objects.filter(pk__in=visible.values("ward")).order_by("name")
        return context


def _tip(request, pk):
    return scoped_get(request.user, Tip.objects.select_related("unit", "ward"), pk=pk)


def _render_tip(request, tip, status=200, revealed=None, **forms):
    user = request.user
    can_edit = may_edit(user, tip)
    police = may_confirm_as_police(user, tip)
    incident = Incident.objects.visible_to(user).filter(tip=tip).first()
    context = {
        "tip": tip,
        "actions": list(Action.objects.filter(tip=tip)),
        "incident": incident,
        "converted": incident is not None or Incident.all_objects.filter(tip=tip).exists(),
        "can_edit": can_edit,
        "police": police and not can_edit,
        "can_reveal": seal.may_reveal(user, tip) and not tip.anonymous,
        "revealed": revealed,
        "answer_form": forms.get("answer_form")
        or (AnswerForm(tip=tip) if can_edit and tip.next_states() else None),
        "step_form": forms.get("step_form") or (StepForm() if can_edit or police else None),
    }
    return render(request, "incidents/tip_detail.html", context, status=status)


@login_required
def tip_detail(request, pk):
    return _render_tip(request, _tip(request, pk))


@login_required
@require_POST
def tip_answer(request, pk):
    tip = _tip(request, pk)
    form = AnswerForm(request.POST, tip=tip)
    if form.is_valid():
        try:
            services.answer_tip(request.user, tip, **form.cleaned_data)
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu trả lời tin báo."))
            return redirect(tip)
    return _render_tip(request, tip, answer_form=form)


@login_required
@require_POST
def tip_note(request, pk):
    """What the unit did, or what the ward's police did: each side confirms its part."""
    return _note_step(request, _tip(request, pk), _render_tip, _("Đã ghi xác nhận xử lý."))


@login_required
@require_POST
def tip_reveal(request, pk):
    """The sealed sender, shown on this one answer to a holder of the identity role (the
    reading goes on the timeline and the audit log); never stored in the session or a URL."""
    tip = _tip(request, pk)
    try:
        revealed = services.reveal_sender(request.user, tip)
    except ValidationError:
        raise Http404 from None
    return _render_tip(request, tip, revealed=revealed or {})


def _tip_form(request, province, data=None):
    wards = wards_of_province(province) if province is not None else Area.objects.none()
    choices = [(w.pk, w.name) for w in wards.only("id", "name")]
    return TipForm(data if data is not None else request.GET, wards=choices)


def _home_province(user):
    """The province a tip form starts on: the reader's first unit's, else their police ward's."""
    scope = scope_of(user, VIEW_ROLES, include_police=True)
    if scope.ward_ids:
        ward = Area.objects.filter(pk=scope.ward_ids[0]).select_related("province").first()
        if ward is not None and ward.province is not None:
            return ward.province
    unit = Unit.objects.visible_to(user).order_by("path").first() if not scope.empty else None
    return unit_province(unit) if unit is not None else None


@login_required
def tip_create(request):
    """A tip from a logged-in officer or group leader (submit_tip with them as the sender)."""
    provinces = Area.objects.filter(level=AreaLevel.PROVINCE).order_by("name")
    raw = request.POST.get("province") or request.GET.get("province")
    province = (
        provinces.filter(pk=parse_id(raw) or 0).first() if raw else _home_province(request.user)
    )
    form = _tip_form(request, province, request.POST if request.method == "POST" else {})
    if request.method != "POST":
        form = TipForm(initial={"anonymous": False}, wards=form.fields["ward"].choices[1:])
    elif form.is_valid():
        try:
            tip = services.submit_tip(sender=request.user, **form.tip_fields())
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, _("Đã gửi tin báo, mã tiếp nhận %(c)s.") % {"c": tip.code})
            visible = Tip.objects.visible_to(request.user).filter(pk=tip.pk).exists()
            return redirect(tip if visible else "home")
    return render(
        request,
        "incidents/tip_form.html",
        {"form": form, "provinces": provinces, "province": province},
    )
