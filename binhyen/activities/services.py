"""Every write to activities: record, update, soft-delete, import. One function per user action.

Each function checks the actor's scope through the scoping methods, validates with Vietnamese
messages naming the field, asks the period-lock registry, writes in one transaction, keeps
the reporting cube (binhyen.activities.cube) in step in that same transaction, and leaves the
audit trail (django-simple-history for single records, an ImportBatch row for a bulk import).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binhyen.core import locks, spreadsheets
from binhyen.core.bounds import parse_id
from binhyen.core.db import pipelined
from binhyen.org.scoping import EDIT_ROLES, require_editable, require_role_over

from . import cube, excel, rules
from .models import (
    ACTIVITY_HISTORY,
    Activity,
    ActivityKind,
    Attachment,
    Audience,
    Channel,
    Topic,
    natural_key_for,
)

FIELDS = (
    "unit",
    "date",
    "end_date",
    "kind",
    "title",
    "topics",
    "audiences",
    "channels",
    "sessions",
    "attendances",
    "leaflets",
    "place",
    "notes",
    "document_ref",
    "group",
    "documents",
)
M2M = {"topics": Topic, "audiences": Audience, "channels": Channel}
FK_FIELDS = ("unit", "kind", "created_by", "deleted_by", "import_batch")


def _document_errors(actor, documents, hidden=frozenset()):
    """{"documents": message} when a linked document is not among those the actor sees."""
    from binhyen.documents.models import Document

    wanted = {getattr(d, "pk", d) for d in documents}
    wanted -= hidden
    if not wanted:
        return {}
    # an id no bigint can hold is "no such document" (a query with it would overflow)
    ids = [i for i in wanted if parse_id(i) is not None]
    seen = set(Document.objects.visible_to(actor).filter(pk__in=ids).values_list("pk", flat=True))
    missing = [d for d in documents if getattr(d, "pk", d) not in seen | hidden]
    if missing:
        return {
            "documents": _(
                "Văn bản thực hiện “%(d)s” không tồn tại hoặc nằm ngoài phạm vi bạn xem được."
            )
            % {"d": str(missing[0]) if hasattr(missing[0], "pk") else missing[0]}
        }
    return {}


def _with_hidden_links(actor, activity, documents):
    """The documents to link after an edit: those chosen, plus those already linked that the
    editor cannot see (someone with a wider view linked them; an edit must not drop them)."""
    from binhyen.documents.models import Document

    linked = set(activity.documents.values_list("pk", flat=True))
    if not linked:
        return documents, frozenset()
    seen = set(
        Document.objects.visible_to(actor).filter(pk__in=linked).values_list("pk", flat=True)
    )
    hidden = frozenset(linked - seen)
    return documents + sorted(hidden), hidden


# How the scope's refusals read for activities (scoping.require_role_over, require_editable)
NO_UNIT = gettext_lazy("Hãy chọn đơn vị tổ chức.")
UNIT_REFUSED = gettext_lazy("Đơn vị không tồn tại hoặc bạn không được nhập liệu cho đơn vị này.")
ACTIVITY_REFUSED = gettext_lazy(
    "Hoạt động không tồn tại hoặc bạn không được sửa hoạt động của đơn vị này."
)


def _check(activity, m2m, actor, documents=None, hidden=frozenset(), probe_locks=False):
    """All field rules at once, so the form shows every problem in one go.

    With `probe_locks`, the lock probes of the activity's days (binhyen.core.locks) are asked in
    the same query as the twin check; returns whether any answered (then _check_locks names
    the report)."""
    errors = {}
    if documents is not None:
        errors.update(_document_errors(actor, documents, hidden))
    # full_clean turns True into 1 and 1.5 into 1 on the instance: the counts are judged as given.
    counts = (activity.sessions, activity.attendances, activity.leaflets)
    # The foreign keys arrive as objects the caller already resolved within scope (forms,
    # API, import): full_clean would re-read each one from the database. Only "is it set" is
    # left to check, below.
    try:
        activity.full_clean(
            exclude=["natural_key", "search_text", "group", *FK_FIELDS], validate_constraints=False
        )
    except ValidationError as exc:
        for name, problems in exc.error_dict.items():
            problem = problems[0]
            if name in errors:
                continue
            if problem.code in ("blank", "null", "required") and name != "__all__":
                label = Activity._meta.get_field(name).verbose_name
                verb = _("Hãy chọn") if name in ("unit", "kind") else _("Hãy nhập")
                errors[name] = f"{verb} {label}."
            else:
                errors[name] = problem.messages[0]
    for name in ("unit", "kind"):
        if getattr(activity, f"{name}_id") is None and name not in errors:
            verb = _("Hãy chọn")
            errors[name] = f"{verb} {Activity._meta.get_field(name).verbose_name}."
    if activity.kind_id and not activity.kind.active and "kind" not in errors:
        errors["kind"] = _("Loại hoạt động '%(k)s' đã ngừng sử dụng.") % {"k": activity.kind.name}
    for name, items in m2m.items():
        if name in ("topics", "audiences") and not items:
            errors[name] = _("Hãy chọn ít nhất một %(f)s.") % {
                "f": Activity._meta.get_field(name).verbose_name
            }
        inactive = [str(i) for i in items if not i.active]
        if inactive:
            errors[name] = _("'%(i)s' đã ngừng sử dụng.") % {"i": inactive[0]}
    # The clerk's rules say more than Django's generic field messages, so they win.
    errors.update(rules.date_errors(activity.date, activity.end_date))
    if activity.unit_id and activity.date and "date" not in errors:
        unit = activity.unit
        message = rules.unit_open_error(unit.name, unit.valid_from, unit.valid_to, activity.date)
        if message:
            errors["date"] = message
    if activity.kind_id:
        errors.update(rules.count_errors(activity.kind.counts_sessions, *counts))
    else:
        errors.update(rules.bound_errors(*counts))
    if activity.group_id is not None:
        # the groups app sits above this one (a group shows its activities): its model is
        # reached through the foreign key, not imported
        Group = Activity._meta.get_field("group").related_model
        if not Group.objects.visible_to(actor).filter(pk=activity.group_id).exists():
            errors["group"] = _("Mô hình không tồn tại hoặc nằm ngoài phạm vi của bạn.")
    maybe_locked = True  # unless the probes are asked below and none answers
    if not errors and activity.unit_id and activity.date and activity.kind_id:
        key = natural_key_for(activity.unit_id, activity.date, activity.kind_id, activity.title)
        q = connection.ops.quote_name
        parts = [
            f"(SELECT id FROM {q(Activity._meta.db_table)} WHERE natural_key = %s AND deleted_at IS NULL "
            f"AND (%s IS NULL OR id <> %s) LIMIT 1)"
        ]
        params = [
            Activity._meta.get_field("natural_key").get_db_prep_value(key, connection),
            activity.pk,
            activity.pk,
        ]
        if probe_locks:
            for day in _lock_days(activity):
                for sql, probe_params in locks.probes(activity.unit, day):
                    parts.append(f"EXISTS ({sql})")
                    params += probe_params
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            twin, *probed = cursor.fetchone()
        maybe_locked = not probe_locks or any(probed)
        if twin is not None:
            errors["title"] = _(
                "Đã có hoạt động này (cùng đơn vị, ngày, loại hoạt động và tên, mã số %(id)d). "
                "Hãy sửa hoạt động đó hoặc đặt tên khác."
            ) % {"id": twin}
    if errors:
        raise ValidationError(errors)
    return maybe_locked


def _lock_days(activity):
    days = [activity.date]
    if activity.end_date and activity.end_date != activity.date:
        days.append(activity.end_date)
    return days


def _check_locks(activity, probed=False):
    """Refuse a locked day. With `probed`, _check asked the lock probes and none answered:
    only the checkers without a probe are left to ask."""
    for day, field in zip(_lock_days(activity), ("date", "end_date"), strict=False):
        locks.check_unlocked(activity.unit, day, field, probed=probed)


# --------------------------------------------------------------------------------------------
# Attachments

ALLOWED_TYPES = {
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",), _("ảnh JPG")),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",), _("ảnh JPG")),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",), _("ảnh PNG")),
    "webp": ("image/webp", (b"RIFF",), _("ảnh WEBP")),
    "pdf": ("application/pdf", (b"%PDF-",), _("tệp PDF")),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
        _("tệp Word (.docx)"),
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
        _("tệp Excel (.xlsx)"),
    ),
}
MAX_ATTACHMENTS = 20


def attachment_max_bytes():
    return int(getattr(settings, "ACTIVITY_ATTACHMENT_MAX_MB", 10)) * 1024 * 1024


def check_file(upload):
    """(content type) for an acceptable upload, else ValidationError on "files"."""
    name = upload.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED_TYPES:
        raise ValidationError(
            {
                "files": _(
                    "Tệp '%(n)s' không được nhận; chỉ nhận ảnh (JPG, PNG, WEBP), PDF, Word (.docx) và Excel (.xlsx)."
                )
                % {"n": name}
            }
        )
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"files": _("Tệp '%(n)s' rỗng.") % {"n": name}})
    limit = attachment_max_bytes()
    if size > limit:
        raise ValidationError(
            {
                "files": _("Tệp '%(n)s' quá lớn (%(s).1f MB); tối đa %(m)d MB mỗi tệp.")
                % {"n": name, "s": size / 1048576, "m": limit // 1048576}
            }
        )
    content_type, magics, label = ALLOWED_TYPES[ext]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    good = any(head.startswith(m) for m in magics)
    if ext == "webp":
        good = good and head[8:12] == b"WEBP"
    if not good:
        raise ValidationError(
            {
                "files": _(
                    "Tệp '%(n)s' không phải là %(kind)s thật: nội dung không khớp phần mở rộng."
                )
                % {"n": name, "kind": label}
            }
        )
    return content_type


def _attach(actor, activity, files):
    files = list(files or ())
    if not files:
        return []
    current = activity.attachments.filter(removed_at__isnull=True).count() if activity.pk else 0
    if current + len(files) > MAX_ATTACHMENTS:
        raise ValidationError(
            {"files": _("Mỗi hoạt động có tối đa %(n)d tệp đính kèm.") % {"n": MAX_ATTACHMENTS}}
        )
    types = [check_file(f) for f in files]
    saved = []
    for upload, content_type in zip(files, types, strict=True):
        attachment = Attachment(
            activity=activity,
            name=upload.name[:255],
            size=upload.size,
            content_type=content_type,
            uploaded_by=actor,
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment._history_user = actor
        attachment.save()
        saved.append(attachment)
    return saved


def check_files(files):
    """Validate uploads before anything is written (used by record/update)."""
    files = list(files or ())
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError(
            {"files": _("Mỗi hoạt động có tối đa %(n)d tệp đính kèm.") % {"n": MAX_ATTACHMENTS}}
        )
    for f in files:
        check_file(f)


# --------------------------------------------------------------------------------------------
# Single activities


def _save_with_history(activity, actor, m2m, history_type):
    """Save the row and its topics/audiences/channels, then write ONE history record holding
    all of it (simple-history alone would add a record per many-to-many change)."""
    activity._history_user = actor
    activity.skip_history_when_saving = True
    try:
        activity.save()
        for name, items in m2m.items():
            getattr(activity, name).set(items)
    finally:
        del activity.skip_history_when_saving
    ACTIVITY_HISTORY.create_historical_record(activity, history_type)


def _create_with_history(activity, actor, m2m):
    """Insert a new activity, its link rows and ONE history record holding all of it.

    After the activity's own INSERT (which returns its id), everything else is derived in the
    database from rows this transaction wrote: the link rows from their ids, the history row
    as a copy of the activity's row, the history's link rows as copies of the link rows. None
    of these statements needs another's answer, so on PostgreSQL they go in one round trip
    (binhyen.core.db.pipelined, entered by the caller) — recording an activity is a handful of
    round trips, not a dozen (simple-history's generic path and `.set()` read back what was
    just written)."""
    activity.skip_history_when_saving = True
    try:
        activity.save()
    finally:
        del activity.skip_history_when_saving
    q = connection.ops.quote_name
    history_model = Activity.history.model
    history_table = q(history_model._meta.db_table)
    with connection.cursor() as cursor:
        linked = []
        for name, items in m2m.items():
            ids = list(dict.fromkeys(getattr(i, "pk", i) for i in items))
            if not ids:
                continue
            field = Activity._meta.get_field(name)
            through = field.remote_field.through
            target = through._meta.get_field(field.m2m_reverse_field_name()).column
            source = through._meta.get_field(field.m2m_field_name()).column
            table = q(through._meta.db_table)
            cursor.execute(
                f"INSERT INTO {table} ({q(source)}, {q(target)}) VALUES "
                + ", ".join(["(%s, %s)"] * len(ids)),
                [v for pk in ids for v in (activity.pk, pk)],
            )
            linked.append((field, table, source, target))
        columns = ", ".join(q(f.column) for f in ACTIVITY_HISTORY.fields_included(activity))
        cursor.execute(
            f"INSERT INTO {history_table} ({columns}, history_date, history_type, history_user_id, "
            f"history_change_reason) SELECT {columns}, %s, %s, %s, NULL "
            f"FROM {q(Activity._meta.db_table)} WHERE id = %s",
            [
                connection.ops.adapt_datetimefield_value(timezone.now()),
                "+",
                actor.pk if actor else None,
                activity.pk,
            ],
        )
        history_id = f"(SELECT MAX(history_id) FROM {history_table} WHERE id = %s)"
        for field, table, source, target in linked:
            copy = q(ACTIVITY_HISTORY.m2m_models[field]._meta.db_table)
            cursor.execute(
                f"INSERT INTO {copy} (id, {q(source)}, {q(target)}, history_id) "
                f"SELECT id, {q(source)}, {q(target)}, {history_id} FROM {table} WHERE {q(source)} = %s",
                [activity.pk, activity.pk],
            )


@transaction.atomic
def record_activity(
    actor,
    *,
    unit,
    date,
    kind,
    title,
    topics=(),
    audiences=(),
    channels=(),
    sessions=1,
    attendances=0,
    leaflets=None,
    end_date=None,
    place="",
    notes="",
    document_ref="",
    group=None,
    documents=(),
    files=(),
):
    """A unit's officer records one activity (with photos or files)."""
    require_role_over(actor, unit, EDIT_ROLES, missing=NO_UNIT, message=UNIT_REFUSED)
    activity = Activity(
        unit=unit,
        date=date,
        end_date=end_date,
        kind=kind,
        title=(title or "").strip(),
        sessions=sessions,
        attendances=attendances,
        leaflets=leaflets,
        place=(place or "").strip(),
        notes=(notes or "").strip(),
        document_ref=(document_ref or "").strip(),
        group=group,
        created_by=actor,
    )
    m2m = {
        "topics": list(topics or ()),
        "audiences": list(audiences or ()),
        "channels": list(channels or ()),
    }
    documents = list(documents or ())
    maybe_locked = _check(activity, m2m, actor, documents, probe_locks=True)
    check_files(files)
    _check_locks(activity, probed=not maybe_locked)
    with pipelined():  # the writes after the activity's own INSERT: one round trip
        _create_with_history(activity, actor, {**m2m, "documents": documents})
        cube.activity_changed(
            None,
            cube.state_of(activity, **m2m, documents=documents),
            units={unit.pk: (unit.path, unit.kind_id)},
        )
    _attach(actor, activity, files)
    return activity


@transaction.atomic
def update_activity(actor, activity, *, files=(), remove_attachments=(), **changes):
    """Edit an activity; the previous version stays in its history."""
    require_editable(actor, activity, ACTIVITY_REFUSED)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown activity fields: {sorted(unknown)}")
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _check_locks(activity)  # the day it leaves must be open too
    if "unit" in changes and changes["unit"] != activity.unit:
        require_role_over(actor, changes["unit"], EDIT_ROLES, missing=NO_UNIT, message=UNIT_REFUSED)
    m2m = {name: list(getattr(activity, name).all()) for name in M2M}
    before = cube.state_of(activity, **m2m)
    documents = None
    for name, value in changes.items():
        if name in M2M:
            m2m[name] = list(value or ())
        elif name == "documents":
            documents = list(value or ())
        elif isinstance(value, str):
            setattr(activity, name, value.strip())
        else:
            setattr(activity, name, value)
    hidden = frozenset()
    if documents is not None:
        documents, hidden = _with_hidden_links(actor, activity, documents)
    _check(activity, m2m, actor, documents, hidden)
    check_files(files)
    _check_locks(activity)
    links = {n: m2m[n] for n in M2M if n in changes}
    if documents is not None:
        links["documents"] = documents
    _save_with_history(activity, actor, links, "~")
    kept = before.documents if documents is None and before is not None else documents
    cube.activity_changed(before, cube.state_of(activity, **m2m, documents=kept))
    if remove_attachments:
        for attachment in activity.attachments.filter(
            pk__in=list(remove_attachments), removed_at__isnull=True
        ):
            attachment.removed_at = timezone.now()
            attachment._history_user = actor
            attachment.save(update_fields=["removed_at"])
    _attach(actor, activity, files)
    return activity


@transaction.atomic
def delete_activity(actor, activity):
    """Soft delete: the row stays (reports and history depend on it) but leaves every list."""
    require_editable(actor, activity, ACTIVITY_REFUSED)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _check_locks(activity)
    before = cube.state_of(activity)
    activity.deleted_at = timezone.now()
    activity.deleted_by = actor
    activity._history_user = actor
    activity._change_reason = "Xóa"
    activity.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    cube.activity_changed(before, None)
    return activity


def import_activities(actor, upload, *, file_name=None, dry_run=False, source="web", on_rows=None):
    """Import a filled template: every row checked, then all rows written or none.

    Returns a spreadsheets.ImportResult (created, skipped duplicates, row/column errors).
    `on_rows(n)`, if given, hears after each written batch how many rows were read so far (a
    background job's progress: tasks.RowProgress).
    """
    name = file_name or getattr(upload, "name", "") or "tệp tải lên"
    handler = excel.ActivityImport(actor, file_name=name, source=source, on_rows=on_rows)
    return spreadsheets.run_import(
        upload, excel.activity_spec(), excel.activity_lookups(actor), handler, dry_run=dry_run
    )


def active_choices():
    """The active reference items, for forms and templates."""
    return {
        "kinds": ActivityKind.objects.filter(active=True),
        "topics": Topic.objects.filter(active=True),
        "audiences": Audience.objects.filter(active=True),
        "channels": Channel.objects.filter(active=True),
    }
