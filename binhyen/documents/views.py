"""Pages of the documents app: the register of documents, a document's page with the chain of
plans that carry it out, the forms (with the one-box quick entry), the targets each unit was
given, and the page that finds the documents a narrative cites. A plan's figures, the progress
of its targets and the target forms read the rollup engine: the reporting app's plan_views.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from binhyen.core.bounds import parse_id
from binhyen.core.views import ScopedListView, ServiceFormView, history_page, paginate, scoped_get
from binhyen.figures import registry
from binhyen.org.models import Unit
from binhyen.org.scoping import EDIT_ROLES, holds_role_over, may_record

from . import chain, services
from .forms import DocumentForm, TextForm, filled_from_reference
from .models import Document, DocumentType, Issuer, TargetAssignment

RELATED = ("doc_type", "issuer", "issuer_unit", "unit")


def _documents():
    return Document.objects.select_related(*RELATED)


# --- the register --------------------------------------------------------------------------


class DocumentListView(ScopedListView):
    """Documents the reader may see: search without diacritics by number, symbol and summary;
    filter by type, issuer, year, and "carried out by a plan of my unit"."""

    model = Document
    template_name = "documents/document_list.html"
    partial_template_name = "documents/_document_results.html"
    htmx_target = "document-results"

    def base_queryset(self):
        return super().base_queryset().select_related(*RELATED)

    def get_ordering(self):
        return [F("issued_on").desc(nulls_last=True), "-id"]

    def filter_queryset(self, queryset):
        params = self.request.GET
        self.q = params.get("q", "").strip()
        self.type = params.get("loai", "")
        self.issuer = params.get("ban_hanh", "")
        self.year = params.get("nam", "").strip()
        self.mine = params.get("cua_toi") == "1"
        self.errors = []
        if self.q:
            queryset = queryset.search(self.q)
        if self.type:
            queryset = queryset.filter(doc_type__code=self.type)
        if self.issuer.startswith("dv:"):
            queryset = queryset.filter(issuer_unit__code=self.issuer[3:])
        elif self.issuer.startswith("cq:"):
            queryset = queryset.filter(issuer__code=self.issuer[3:])
        if self.year:
            if self.year.isascii() and self.year.isdigit() and 1900 <= int(self.year) <= 2100:
                queryset = queryset.filter(year=int(self.year))
            else:
                self.errors.append(
                    _("Năm “%(y)s” không hợp lệ; hãy nhập năm có 4 chữ số.") % {"y": self.year}
                )
        if self.mine:
            plans = Document.objects.owned_in_scope(self.request.user).plans()
            links = Document.implements.through.objects.filter(
                to_document=OuterRef("pk"), from_document__in=plans
            )
            queryset = queryset.filter(Exists(links))
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            q=self.q,
            type=self.type,
            issuer=self.issuer,
            year=self.year,
            mine=self.mine,
            errors=self.errors,
            filtered=bool(self.q or self.type or self.issuer or self.year or self.mine),
        )
        if not self.request.htmx:
            visible = Document.objects.visible_to(user)
            context.update(
                types=DocumentType.objects.all(),
                issuers=Issuer.objects.filter(pk__in=visible.values("issuer")),
                issuer_units=Unit.objects.filter(pk__in=visible.values("issuer_unit")).order_by(
                    "path"
                )[:300],
                years=visible.exclude(year=None)
                .order_by("-year")
                .values_list("year", flat=True)
                .distinct(),
                can_add=may_record(user),
            )
        return context


# --- one document --------------------------------------------------------------------------


@login_required
def document_detail(request, pk):
    user = request.user
    document = scoped_get(user, _documents(), pk=pk)
    visible = Document.objects.visible_to(user).select_related("doc_type", "issuer", "issuer_unit")
    implements = visible.filter(implemented_by=document).order_by(
        F("issued_on").asc(nulls_first=True), "id"
    )
    implemented_by = (
        visible.filter(implements=document).select_related("unit").order_by("issued_on", "id")
    )
    targets = []
    if document.doc_type.is_plan:
        targets = list(document.targets.annotate(copies=Count("assignments")).order_by("id"))
        for target in targets:  # the indicator's name, without reading its filters' lists
            indicator = registry.indicator_of(target.indicator)
            target.is_ratio = indicator is not None and indicator.kind == registry.RATIO
            target.indicator_label = (
                str(indicator.label) if indicator is not None else target.indicator
            )
    return render(
        request,
        "documents/document_detail.html",
        {
            "document": document,
            "implements": list(implements),
            "implemented_by": list(implemented_by),
            "targets": targets,
            "can_edit": holds_role_over(user, EDIT_ROLES, document.unit),
        },
    )


@login_required
def document_file(request, pk):
    """The document's file, only through the scope (never straight from MEDIA_URL)."""
    document = scoped_get(request.user, Document, pk=pk)
    if not document.file:
        raise Http404(_("Văn bản này chưa có tệp."))
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.file_type or "application/octet-stream",
        as_attachment=True,
        filename=document.file_name or document.file.name.rsplit("/", 1)[-1],
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def document_history(request, pk):
    document = scoped_get(request.user, Document, pk=pk)

    def describe(record, name_of):
        return _("Văn bản %(d)s") % {"d": document.label}

    page = history_page(request, [(Document.history.filter(id=document.pk), describe)])
    return render(request, "documents/history.html", {"document": document, "page_obj": page})


class DocumentFormView(ServiceFormView):
    """Register or change a document. "Điền tự động" reads the quick-entry box into the fields;
    "Lưu" does the same for the fields left empty, then saves through the service."""

    template_name = "documents/document_form.html"
    form_class = DocumentForm
    error_fields = {"issuer": "issuer", "implements": "implements_text", "unit": "unit"}
    document = None
    fill_message = ""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, document=self.document)
        if self.request.method == "POST":
            data = kwargs["data"]
            if data.get("reference", "").strip() and (self._filling() or not data.get("number")):
                data, self.fill_message = filled_from_reference(data, self.request.user)
                kwargs["data"] = data
        return kwargs

    def _filling(self):
        return self.request.POST.get("action") == "fill"

    def post(self, request, *args, **kwargs):
        if self._filling():
            form = self.get_form()
            initial = {k: form.data.get(k) for k in form.fields if k != "file"}
            fresh = DocumentForm(initial=initial, user=request.user, document=self.document)
            if self.fill_message:
                messages.warning(request, self.fill_message)
            else:
                messages.info(
                    request, _("Đã điền các ô theo dòng nhập nhanh; hãy kiểm tra rồi bấm Lưu.")
                )
            return self.render_to_response(self.get_context_data(form=fresh))
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["document"] = self.document
        return context


class DocumentCreateView(DocumentFormView):
    success_message = ""

    def get_initial(self):
        initial = {"issuer_kind": "unit"}
        choices = Unit.objects.recordable_by(self.request.user).order_by("depth", "path")
        first = choices.filter(kind__is_grassroots=False).first() or choices.first()
        if first is not None:
            initial.update(issuer_unit=first.pk, unit=first.pk)
        implemented = parse_id(self.request.GET.get("thuc_hien"))
        if implemented is not None:
            target = (
                Document.objects.visible_to(self.request.user)
                .select_related("doc_type")
                .filter(pk=implemented)
                .first()
            )
            if target is not None:
                initial["implements_text"] = target.label
        return initial

    def perform(self, form):
        data = form.cleaned_data
        fields = form.service_fields()
        document = services.register_document(
            self.request.user,
            unit=data["unit"],
            implements=data["implements"],
            file=data.get("file"),
            **fields,
        )
        messages.success(self.request, _("Đã đăng ký %(d)s.") % {"d": document.label})
        return document


class DocumentEditView(DocumentFormView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.document = scoped_get(request.user, _documents(), editable=True, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        d = self.document
        implements = (
            Document.objects.visible_to(self.request.user)
            .filter(implemented_by=d)
            .select_related("doc_type")
        )
        return {
            "doc_type": d.doc_type_id,
            "number": d.number,
            "symbol": d.symbol,
            "issued_on": d.issued_on,
            "issuer_kind": "outside" if d.issuer_id else "unit",
            "issuer_unit": d.issuer_unit_id,
            "issuer": d.issuer_id,
            "unit": d.unit_id,
            "summary": d.summary,
            "valid_from": d.valid_from,
            "valid_to": d.valid_to,
            "implements_text": "; ".join(doc.label for doc in implements),
        }

    def perform(self, form):
        data = form.cleaned_data
        fields = form.service_fields()
        document = services.update_document(
            self.request.user,
            self.document,
            implements=data["implements"],
            file=data.get("file"),
            remove_file=data.get("remove_file", False),
            **fields,
        )
        messages.success(self.request, _("Đã lưu %(d)s.") % {"d": document.label})
        return document


@login_required
def document_delete(request, pk):
    document = scoped_get(request.user, _documents(), editable=True, pk=pk)
    if request.method == "POST":
        services.delete_document(request.user, document)
        messages.success(
            request, _("Đã xóa %(d)s (vẫn lưu trong lịch sử).") % {"d": document.label}
        )
        return redirect("documents:list")
    dependants = Document.objects.visible_to(request.user).filter(implements=document).count()
    return render(
        request, "documents/document_delete.html", {"document": document, "dependants": dependants}
    )


# --- the chain: directive → plans → activities ---------------------------------------------


@login_required
def document_chain(request, pk):
    user = request.user
    document = scoped_get(user, _documents(), pk=pk)
    period, error = chain.period_from(request.GET.get("ky", ""), chain.default_period(document))
    root = chain.implementation_tree(document, user)
    nodes = chain.flatten(root)
    return render(
        request,
        "documents/chain.html",
        {
            "document": document,
            "nodes": nodes,
            "period": period,
            "period_error": error,
            "choices": chain.period_choices(document),
        },
    )


# --- the targets given to one's units ------------------------------------------------------


@login_required
def my_targets(request):
    """The target copies held by the reader's units: what each unit was asked, by which plan."""
    assignments = (
        TargetAssignment.objects.visible_to(request.user)
        .select_related("unit", "target", "target__plan", "target__plan__doc_type")
        .order_by("-target__period_end", "target__plan_id", "target_id", "unit__path")
    )
    return render(
        request, "documents/my_targets.html", {"page_obj": paginate(request, assignments)}
    )


# --- references found in a narrative -------------------------------------------------------


@login_required
def register_text(request):
    """Paste a report or an article: the references it makes, matched to registered documents;
    the missing ones can be created and the found ones linked to a plan of one's unit."""
    user = request.user
    form = TextForm(request.POST or None)
    found = None
    units = (
        Unit.objects.recordable_by(user).filter(kind__is_grassroots=False).order_by("path")[:300]
    )
    plans = (
        Document.objects.editable_by(user)
        .select_related("doc_type")
        .order_by("-issued_on", "-id")[:200]
    )
    if request.method == "POST" and form.is_valid():
        found = services.register_text(user, form.cleaned_data["text"])
        action = request.POST.get("action")
        if action in ("create", "link"):
            done = _act_on_found(request, found, action)
            if done is not None:
                return done
            found = services.register_text(
                user, form.cleaned_data["text"]
            )  # the new ones are found now
    return render(
        request,
        "documents/register_text.html",
        {
            "form": form,
            "found": found,
            "units": units,
            "plans": plans,
            "can_register": may_record(user),
        },
    )


def _act_on_found(request, found, action):
    user = request.user
    chosen = {
        int(i) for i in request.POST.getlist("chon") if i.isascii() and i.isdigit() and len(i) < 6
    }
    picked = [f for i, f in enumerate(found) if i in chosen]
    if not picked:
        messages.warning(request, _("Hãy đánh dấu ít nhất một văn bản."))
        return None
    try:
        if action == "create":
            unit = (
                Unit.objects.recordable_by(user).filter(code=request.POST.get("don_vi", "")).first()
            )
            if unit is None:
                raise ValidationError({"unit": _("Hãy chọn đơn vị đăng ký các văn bản mới.")})
            with transaction.atomic():  # all the chosen documents, or none
                created = [
                    services.register_cited(
                        user,
                        found[i],
                        unit=unit,
                        summary=request.POST.get(f"tom_tat_{i}", "").strip(),
                    )
                    for i in sorted(chosen)
                    if i < len(found) and found[i].status == "missing"
                ]
            messages.success(request, _("Đã đăng ký %(n)d văn bản mới.") % {"n": len(created)})
        else:
            wanted = parse_id(request.POST.get("ke_hoach"))
            plan = Document.objects.editable_by(user).filter(pk=wanted).first() if wanted else None
            if plan is None:
                raise ValidationError({"plan": _("Hãy chọn văn bản của đơn vị mình để liên kết.")})
            targets = [
                f.document for f in picked if f.document is not None and f.document.pk != plan.pk
            ]
            services.link_implements(user, plan, targets)
            messages.success(
                request,
                _("%(p)s nay ghi nhận thực hiện %(n)d văn bản.")
                % {"p": plan.label, "n": len(targets)},
            )
            return redirect(plan.get_absolute_url())
    except ValidationError as exc:
        for message_list in exc.message_dict.values():
            for message in message_list:
                messages.error(request, message)
    return None
