"""The activities sheet: its columns, the reference lists behind its drop-downs, the template and
export, and the import handler that checks and bulk-writes rows.

Import key: a row is the same activity as an existing one when it has the same unit, date,
kind and title (title compared ignoring case, accents and spacing). Re-uploading a file skips
the rows already recorded (each reported as "Dòng N: đã có hoạt động này … bỏ qua") and
imports only the new ones; the same key twice inside one file is an error.
"""

import threading
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binhyen.core import locks, periods, spreadsheets
from binhyen.core.db import copy_text, copy_value
from binhyen.core.spreadsheets import CODE, CODES, DATE, INTEGER, TEXT, Column, Lookup, Spec
from binhyen.core.text import format_date
from binhyen.org.models import Unit

from . import cube, rules
from .models import (
    ATTENDANCES,
    LEAFLETS,
    SESSIONS,
    Activity,
    ActivityKind,
    Audience,
    Channel,
    ImportBatch,
    Topic,
    natural_key_for,
    search_text_for,
)

UNIT_SHEET = "Đơn vị"  # sheet names stay Vietnamese in every language: instructions name them
FIELD_COLUMNS = {
    "unit": "unit",
    "date": "date",
    "end_date": "end_date",
    "sessions": "sessions",
    "attendances": "attendances",
    "leaflets": "leaflets",
    "title": "title",
    "kind": "kind",
    "document_ref": "document_ref",
}


class DocumentResolver:
    """The "Văn bản thực hiện" cell → ids of documents the importer sees.

    Each symbol the cell cites (binhyen.documents.citations.find_citations) must match exactly
    one visible document: a symbol is unique per issuer, type and year, so when several
    issuers used it, a date written after it ("ngày 23/03/2022") or, failing that, the issuer
    nearest above the row's unit decides. Results are cached per (cell text, unit): a file
    usually repeats a few plans on thousands of rows."""

    def __init__(self, actor):
        self.actor = actor
        self.by_key = None
        self.cache = {}

    def load(self):
        """Read the visible documents now (else on the first cell that cites one)."""
        if self.by_key is None:
            self._load()

    def _load(self):
        from binhyen.documents.models import Document

        self.by_key = {}
        rows = (
            Document.objects.visible_to(self.actor)
            .exclude(symbol="")
            .values_list("symbol_key", "pk", "year", "issuer_unit__path", "issued_on")
        )
        for key, pk, year, path, issued_on in rows.order_by():
            self.by_key.setdefault(key, []).append((pk, year, path or "", issued_on))

    def resolve(self, text, unit_id, unit_path):
        """(tuple of document ids, None) or ((), Vietnamese message) for a row of unit
        `unit_id` (materialized path `unit_path`)."""
        text = (text or "").strip()
        if not text:
            return (), None
        found = self.cache.get((text, unit_id))
        if found is None:
            found = self.cache[(text, unit_id)] = self._resolve(text, unit_path)
        return found

    def _resolve(self, text, path):
        from binhyen.documents.citations import find_citations, symbol_key

        if self.by_key is None:
            self._load()
        citations = [c for c in find_citations(text) if c.symbol]
        if not citations:
            return (), _("không nhận ra số, ký hiệu văn bản trong “%(t)s” (ví dụ 329/KH-LĐLĐ).") % {
                "t": text[:80]
            }
        ids = []
        for citation in citations:
            candidates = self.by_key.get(symbol_key(citation.symbol), [])
            if citation.date:
                candidates = [c for c in candidates if c[3] == citation.date]
            elif citation.year:
                candidates = [c for c in candidates if c[1] == citation.year]
            if len(candidates) > 1:
                above = [c for c in candidates if c[2] and path.startswith(c[2])]
                if above:
                    deepest = max(len(c[2]) for c in above)
                    candidates = [c for c in above if len(c[2]) == deepest]
            if not candidates:
                return (), _(
                    "không có văn bản %(s)s trong các văn bản bạn xem được (trang Văn bản)."
                ) % {"s": citation.symbol}
            if len(candidates) > 1:
                return (), _(
                    "có %(n)d văn bản cùng ký hiệu %(s)s; hãy ghi thêm ngày ban hành, ví dụ "
                    "“%(s)s ngày 23/03/2022”."
                ) % {"n": len(candidates), "s": citation.symbol}
            if candidates[0][0] not in ids:
                ids.append(candidates[0][0])
        return tuple(ids), None


def activity_spec():
    return Spec(
        title=_("Mẫu nhập hoạt động tuyên truyền, phòng chống tội phạm"),
        sheet_name=spreadsheets.DATA_SHEET,
        columns=[
            Column(
                "unit",
                gettext_lazy("Mã đơn vị"),
                CODE,
                required=True,
                lookup="units",
                width=16,
                help=_(
                    "Mã của đơn vị tổ chức hoạt động (xem trang 'Đơn vị': chỉ các đơn vị bạn được nhập liệu)."
                ),
            ),
            Column(
                "date",
                gettext_lazy("Ngày"),
                DATE,
                required=True,
                width=12,
                help=_("Ngày tổ chức, dạng dd/mm/yyyy; không được sau hôm nay."),
            ),
            Column(
                "end_date",
                gettext_lazy("Đến ngày"),
                DATE,
                width=12,
                help=_("Chỉ nhập khi hoạt động kéo dài nhiều ngày; không trước cột Ngày."),
            ),
            Column(
                "kind",
                gettext_lazy("Loại hoạt động"),
                CODE,
                required=True,
                lookup="kinds",
                width=16,
                help=_("Một mã trong danh mục Loại hoạt động, ví dụ tuyen_truyen."),
            ),
            Column(
                "title",
                gettext_lazy("Tên hoạt động"),
                TEXT,
                required=True,
                max_length=255,
                width=40,
                help=_(
                    "Tên ngắn gọn, ví dụ “Tuyên truyền phòng, chống ma túy cho công nhân ca 2”."
                ),
            ),
            Column(
                "topics",
                gettext_lazy("Chủ đề"),
                CODES,
                required=True,
                lookup="topics",
                width=24,
                help=_(
                    "Một hay nhiều mã chủ đề, cách nhau bằng dấu phẩy, ví dụ ma_tuy, tin_dung_den."
                ),
            ),
            Column(
                "audiences",
                gettext_lazy("Đối tượng"),
                CODES,
                required=True,
                lookup="audiences",
                width=20,
                help=_("Một hay nhiều mã đối tượng, cách nhau bằng dấu phẩy."),
            ),
            Column(
                "channels",
                gettext_lazy("Hình thức"),
                CODES,
                lookup="channels",
                width=20,
                help=_(
                    "Một hay nhiều mã hình thức (trực tiếp, Zalo, loa…), cách nhau bằng dấu phẩy."
                ),
            ),
            Column(
                "sessions",
                gettext_lazy("Số cuộc/buổi"),
                INTEGER,
                required=True,
                **SESSIONS.column_kwargs(),
                width=10,
                help=_("Số nguyên, ít nhất 1 (riêng phát tờ rơi có thể là 0)."),
            ),
            Column(
                "attendances",
                gettext_lazy("Số lượt người"),
                INTEGER,
                required=True,
                **ATTENDANCES.column_kwargs(),
                width=12,
                help=_("Tổng số lượt người tham dự, số nguyên không âm."),
            ),
            Column(
                "leaflets",
                gettext_lazy("Số tờ rơi"),
                INTEGER,
                **LEAFLETS.column_kwargs(),
                width=10,
                help=_("Số tờ rơi, tờ bướm đã phát (bắt buộc với loại phát tờ rơi)."),
            ),
            Column("place", gettext_lazy("Địa điểm"), TEXT, max_length=255, width=24),
            Column(
                "document_ref",
                gettext_lazy("Văn bản thực hiện"),
                TEXT,
                max_length=255,
                width=18,
                help=_(
                    "Số, ký hiệu của một hay nhiều văn bản (kế hoạch…) hoạt động này thực hiện, "
                    "cách nhau bằng dấu phẩy, ví dụ 329/KH-LĐLĐ; văn bản phải có trong trang Văn "
                    "bản và bạn xem được. Nếu hai đơn vị có văn bản cùng ký hiệu, thêm ngày: "
                    "329/KH-LĐLĐ ngày 23/03/2022."
                ),
            ),
            Column(
                "notes", gettext_lazy("Ghi chú"), TEXT, max_length=4000, width=30, multiline=True
            ),
            Column("unit_name", gettext_lazy("Tên đơn vị"), TEXT, export_only=True, width=40),
            Column("id", gettext_lazy("Mã số hoạt động"), INTEGER, export_only=True, width=12),
        ],
        instructions=[
            _(
                "1. Điền mỗi hoạt động vào một dòng của trang 'Dữ liệu', bắt đầu từ dòng 2. Không đổi tên, "
                "không xóa, không thêm cột; không gộp ô."
            ),
            _(
                "2. Cột tô màu cam là bắt buộc. Mã đơn vị xem ở trang 'Đơn vị'; mã loại hoạt động, chủ đề, "
                "đối tượng, hình thức xem ở trang 'Danh mục' (có thể nhập tên thay cho mã)."
            ),
            _(
                "3. Ngày nhập dạng dd/mm/yyyy và không được sau hôm nay; số cuộc, số lượt người, số tờ rơi "
                "là số nguyên không âm."
            ),
            _(
                "4. Hệ thống kiểm tra toàn bộ tệp trước khi ghi: chỉ cần một ô sai thì không dòng nào được "
                "ghi, và mọi lỗi được liệt kê theo dòng, cột để sửa."
            ),
            _(
                "5. Chống trùng: một dòng có cùng Mã đơn vị, Ngày, Loại hoạt động và Tên hoạt động (không "
                "phân biệt hoa thường, dấu) với hoạt động đã có sẽ được bỏ qua và báo “đã có hoạt động "
                "này”; vì vậy tải lại cùng một tệp không tạo bản ghi trùng. Hai dòng trùng nhau trong "
                "cùng tệp là lỗi. Muốn sửa số liệu của hoạt động đã nhập, hãy sửa trên trang của hoạt động đó."
            ),
            _(
                "6. Các cột 'Tên đơn vị' và 'Mã số hoạt động' chỉ có trong tệp xuất; khi nhập lại tệp xuất, "
                "hai cột này được bỏ qua."
            ),
            _(
                "7. Cột 'Văn bản thực hiện' ghi số, ký hiệu văn bản đã có trong trang Văn bản (ví dụ "
                "329/KH-LĐLĐ); ký hiệu không tìm thấy trong các văn bản bạn xem được là lỗi."
            ),
        ],
    )


def _reference_lookup(model, name, title):
    rows = (
        model.objects.filter(active=True)
        .order_by("position", "name")
        .values_list("code", "name", "id")
    )
    return Lookup.from_rows(name, title, rows)


def activity_lookups(actor):
    units = list(
        Unit.objects.recordable_by(actor)
        .order_by("path")
        .values_list("code", "name", "id", "valid_from", "valid_to", "path")
    )
    unit_lookup = Lookup(
        name="units",
        title=_("Đơn vị"),
        sheet=UNIT_SHEET,
        match_labels=False,
        items=[(c, n, format_date(f), format_date(t)) for c, n, _i, f, t, _p in units],
        values={c: (i, n, f, t, p) for c, n, i, f, t, p in units},
        code_header=_("Mã đơn vị"),
        label_header=_("Tên đơn vị"),
        extra_headers=(_("Thành lập"), _("Kết thúc")),
        unknown_message=_(
            "Mã đơn vị '%(value)s' không có hoặc bạn không được nhập liệu cho đơn vị "
            "này (xem trang 'Đơn vị')."
        ),
    )
    return {
        "units": unit_lookup,
        "kinds": _reference_lookup(ActivityKind, "kinds", _("Loại hoạt động")),
        "topics": _reference_lookup(Topic, "topics", _("Chủ đề")),
        "audiences": _reference_lookup(Audience, "audiences", _("Đối tượng")),
        "channels": _reference_lookup(Channel, "channels", _("Hình thức")),
    }


def example_row(lookups):
    units = lookups["units"].items
    return {
        "unit": units[0][0] if units else "",
        "date": periods.today().replace(day=1),
        "kind": "tuyen_truyen",
        "title": _("Tuyên truyền phòng, chống ma túy và tín dụng đen cho công nhân"),
        "topics": "ma_tuy, tin_dung_den",
        "audiences": "doan_vien, cnvcld",
        "channels": "truc_tiep, giua_ca",
        "sessions": 2,
        "attendances": 180,
        "place": _("Nhà ăn công ty"),
        "document_ref": "329/KH-LĐLĐ",
    }


def template_workbook(actor, out=None):
    lookups = activity_lookups(actor)
    return spreadsheets.write_workbook(
        activity_spec(), lookups, out=out, example=example_row(lookups)
    )


def export_rows(queryset, chunk=2000):
    """Dicts in the sheet's keys, streamed in chunks with the codes prefetched per chunk."""
    qs = queryset.select_related("unit", "kind").prefetch_related(
        "topics", "audiences", "channels", "documents"
    )
    for a in qs.iterator(chunk_size=chunk):
        yield {
            "unit": a.unit.code,
            "date": a.date,
            "end_date": a.end_date,
            "kind": a.kind.code,
            "title": a.title,
            "topics": [t.code for t in a.topics.all()],
            "audiences": [t.code for t in a.audiences.all()],
            "channels": [t.code for t in a.channels.all()],
            "sessions": a.sessions,
            "attendances": a.attendances,
            "leaflets": a.leaflets,
            "place": a.place,
            "notes": a.notes,
            # the linked documents' symbols, which an import resolves back to the same documents
            "document_ref": ", ".join(d.symbol for d in a.documents.all() if d.symbol),
            "unit_name": a.unit.name,
            "id": a.pk,
        }


def export_workbook(actor, queryset, out=None, summary=()):
    """Exactly the rows of `queryset` (already scoped and filtered by the caller)."""
    return spreadsheets.write_workbook(
        activity_spec(),
        activity_lookups(actor),
        rows=export_rows(queryset),
        out=out,
        summary=summary,
        example=None,
    )


# The columns a bulk import fills; every other column of Activity is nullable (tested).
INSERT_COLUMNS = (
    "unit_id",
    "date",
    "end_date",
    "kind_id",
    "title",
    "sessions",
    "attendances",
    "leaflets",
    "place",
    "notes",
    "document_ref",
    "natural_key",
    "search_text",
    "import_batch_id",
    "import_row",
    "created_by_id",
    "created_at",
    "updated_at",
)
INSERT_CHUNK = 400


def _insert_rows(cursor, head, one, rows, max_params=8000):
    """Multi-row INSERT … VALUES (…), (…): for narrow rows (the M2M links) about twice as fast
    as executemany on SQLite; for wide rows executemany wins."""
    if not rows:
        return
    per = max(1, max_params // len(rows[0]))
    for start in range(0, len(rows), per):
        chunk = rows[start : start + per]
        cursor.execute(head + ", ".join([one] * len(chunk)), [v for row in chunk for v in row])


def _params(items, actor_id, batch_id):
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    day = ops.adapt_datefield_value
    for i in items:
        yield (
            i.unit_id,
            day(i.date),
            day(i.end_date),
            i.kind_id,
            i.title,
            i.sessions,
            i.attendances,
            i.leaflets,
            i.place,
            i.notes,
            i.document_ref,
            i.key,
            i.search,
            batch_id,
            i.row,
            actor_id,
            now,
            now,
        )


def _copy_lines(ids, items, actor_id, batch_id):
    now = timezone.now().isoformat()
    tail = f"\t{batch_id}\t%d\t{actor_id}\t{now}\t{now}\n"
    for pk, i in zip(ids, items, strict=True):
        end = i.end_date.isoformat() if i.end_date else "\\N"
        leaflets = "\\N" if i.leaflets is None else i.leaflets
        yield (
            f"{pk}\t{i.unit_id}\t{i.date.isoformat()}\t{end}\t{i.kind_id}\t{copy_value(i.title)}\t"
            f"{i.sessions}\t{i.attendances}\t{leaflets}\t{copy_value(i.place)}\t{copy_value(i.notes)}\t"
            f"{copy_value(i.document_ref)}\t{i.key}\t{copy_value(i.search)}" + tail % i.row
        )


def new_ids(count):
    """PostgreSQL: `count` ids drawn from the activities' sequence."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Activity._meta.db_table, count],
        )
        return [r[0] for r in cursor.fetchall()]


def _copy_names():
    """Quoted names of the activities table, its insert columns and its link tables."""
    q = connection.ops.quote_name
    return (
        q(Activity._meta.db_table),
        ["id", *(q(c) for c in INSERT_COLUMNS)],
        [
            (q(getattr(Activity, name).through._meta.db_table), column, name)
            for name, column in LINKS
        ],
    )


def copy_batch(cursor, names, ids, items, actor_id, batch_id):
    """PostgreSQL: COPY a batch of activities under `ids`, then their link rows (`cursor` a
    psycopg cursor, `names` from _copy_names)."""
    table, columns, links = names
    copy_text(cursor, table, columns, _copy_lines(ids, items, actor_id, batch_id))
    for link_table, column, name in links:
        pairs = [
            f"{pk}\t{ref}\n"
            for pk, item in zip(ids, items, strict=True)
            for ref in getattr(item, name)
        ]
        if pairs:
            copy_text(cursor, link_table, ["activity_id", column], pairs)


class BackgroundCopy:
    """PostgreSQL: the COPY of one batch (activities and their links) runs in a thread while
    the import goes on receiving, checking and summing the next rows. psycopg lets go of the
    interpreter while the database works, and its connection lock keeps this thread's
    statements and the import's apart; `wait()` (called before the import's next statement
    and at the end) joins the thread and raises what went wrong in it, as Django would."""

    def __init__(self):
        self.thread = None
        self.error = None

    def start(self, ids, items, actor_id, batch_id):
        self.wait()
        raw, names = connection.connection, _copy_names()

        def run():
            try:
                with raw.cursor() as cursor:
                    copy_batch(cursor, names, ids, items, actor_id, batch_id)
            except BaseException as exc:  # raised again by wait(), in the import's thread
                self.error = exc

        self.thread = threading.Thread(target=run, name="binhyen-import-copy", daemon=True)
        self.thread.start()

    def wait(self):
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        if self.error is not None:
            error, self.error = self.error, None
            with connection.wrap_database_errors:
                raise error


LINKS = (
    ("topics", "topic_id"),
    ("audiences", "audience_id"),
    ("channels", "channel_id"),
    ("documents", "document_id"),
)


def insert_activities(items, actor_id, batch_id):
    """Insert a batch of checked rows and return their ids in row order.

    Django's bulk_create spends most of a 50,000-row import preparing each field of each model
    instance; this writes plain tuples (PostgreSQL: write_rows, by COPY). SQLite: a prepared
    INSERT run by executemany, ids read back by (batch, row) above the previous maximum id (the
    import transaction holds SQLite's write lock). Other databases: multi-row INSERT …
    RETURNING id."""
    ops = connection.ops
    table = ops.quote_name(Activity._meta.db_table)
    quoted = [ops.quote_name(c) for c in INSERT_COLUMNS]
    columns = ", ".join(quoted)
    one = "(" + ", ".join(["%s"] * len(INSERT_COLUMNS)) + ")"
    ids = []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            floor = cursor.fetchone()[0]
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES {one}",
                list(_params(items, actor_id, batch_id)),
            )
            cursor.execute(
                f"SELECT import_row, id FROM {table} WHERE id > %s AND import_batch_id = %s",
                [floor, batch_id],
            )
            by_row = dict(cursor.fetchall())
            return [by_row[i.row] for i in items]
        for start in range(0, len(items), INSERT_CHUNK):
            chunk = items[start : start + INSERT_CHUNK]
            params = [value for row in _params(chunk, actor_id, batch_id) for value in row]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(chunk))} RETURNING id",
                params,
            )
            ids += [r[0] for r in cursor.fetchall()]
    return ids


def insert_links(ids, items):
    """The topic/audience/channel/document rows of just-inserted activities as plain multi-row
    INSERTs (PostgreSQL: copy_batch): Django's bulk_create for through models would cost more
    than everything else in the import."""
    with connection.cursor() as cursor:
        for name, column in LINKS:
            table = connection.ops.quote_name(getattr(Activity, name).through._meta.db_table)
            pairs = [
                (pk, ref)
                for pk, item in zip(ids, items, strict=True)
                for ref in getattr(item, name)
            ]
            if not pairs:
                continue
            _insert_rows(
                cursor, f"INSERT INTO {table} (activity_id, {column}) VALUES ", "(%s, %s)", pairs
            )


def existing_keys(keys):
    """{natural key (hex): (id, import batch id, import row)} of the alive activities among `keys`.
    On PostgreSQL the keys go as one array parameter: two thousand placeholders cost the
    driver more to lay out than the database needs to answer."""
    if connection.vendor != "postgresql":
        rows = (
            Activity.objects.filter(natural_key__in=keys)
            .order_by()
            .values_list("natural_key", "pk", "import_batch_id", "import_row")
        )
        return {key.hex: (pk, batch_id, row) for key, pk, batch_id, row in rows}
    table = connection.ops.quote_name(Activity._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT natural_key, id, import_batch_id, import_row FROM {table} "
            "WHERE natural_key = ANY(%s::uuid[]) AND deleted_at IS NULL",
            [list(keys)],
        )
        return {key.hex: (pk, batch_id, row) for key, pk, batch_id, row in cursor.fetchall()}


def write_rows(items, actor_id, batch_id):
    """Bulk-write checked rows (Row objects) and their links; returns the ids in row order.
    The caller adds the batch to the reporting cube once it is complete."""
    if connection.vendor == "postgresql":
        ids = new_ids(len(items))
        with connection.cursor() as cursor:
            copy_batch(cursor.cursor, _copy_names(), ids, items, actor_id, batch_id)
        return ids
    ids = insert_activities(items, actor_id, batch_id)
    insert_links(ids, items)
    return ids


SUMS_FLUSH = 100_000  # sums held before they go to the cube (about 25 MB at most)


def add_import_to_cube(sums):
    """Add a whole import to the reporting cube: the rows written, summed per unit, month,
    kind and dimension slot as they were written (cube.Sums), spread over the units'
    ancestors and upserted once per cube cell."""
    return sums.write()


def sum_rows(sums, rows):
    """Add written rows (Row objects) to `sums` (a cube.Sums)."""
    add = sums.add
    for i in rows:
        add(
            i.unit_id,
            i.date,
            i.kind_id,
            i.sessions,
            i.attendances,
            i.leaflets,
            {
                "topics": i.topics,
                "audiences": i.audiences,
                "channels": i.channels,
                "documents": i.documents,
            },
            i.dim_unit,
        )


@dataclass(slots=True)
class Row:
    row: int
    unit_id: int
    date: object
    end_date: object
    kind_id: int
    title: str
    topics: tuple
    audiences: tuple
    channels: tuple
    sessions: int
    attendances: int
    leaflets: object
    place: str
    notes: str
    document_ref: str
    key: str
    search: str
    documents: tuple = ()
    dim_unit: object = None  # cube.dim_anchor() of the unit: where its slot sums are kept


class ActivityImport(spreadsheets.ImportHandler):
    """Checks each converted row like the form does, then bulk-writes batches (activities and
    their topic/audience/channel rows) inside run_import's single transaction."""

    batch_size = 2000
    validate_in_child = True  # the units, reference lists and documents are read beforehand

    def __init__(self, actor, file_name, source="web", on_rows=None):
        self.actor = actor
        self.on_rows = on_rows
        self.file_name = file_name[:255]
        self.source = source
        self.today = periods.today()
        self.counts_sessions = dict(ActivityKind.objects.values_list("id", "counts_sessions"))
        self.spec = activity_spec()
        self.headers = {c.key: c.header for c in self.spec.columns}
        self.check_locks = bool(locks.registered())
        self.copier = BackgroundCopy()
        self.documents = DocumentResolver(actor)
        self.dim_units = {}

    def begin(self, result):
        if connection.vendor == "postgresql":
            # Foreign keys checked as the rows go in, while the reader's child process is still
            # parsing, rather than all at commit with nothing else left to do.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        self.documents.load()
        self.sums = cube.Sums()
        self.batch = ImportBatch.objects.create(
            created_by=self.actor, file_name=self.file_name, source=self.source
        )
        result.batch = self.batch

    def validate(self, row, values, errors):
        unit_id, unit_name, valid_from, valid_to, unit_path = values["unit"]
        date, end_date = values["date"], values["end_date"]
        problems = rules.date_errors(date, end_date, self.today)
        if "date" not in problems:
            message = rules.unit_open_error(unit_name, valid_from, valid_to, date)
            if message:
                problems["unit"] = message
        kind_id = values["kind"]
        problems.update(
            rules.count_errors(
                self.counts_sessions[kind_id],
                values["sessions"],
                values["attendances"],
                values["leaflets"],
            )
        )
        documents, message = self.documents.resolve(values["document_ref"], unit_id, unit_path)
        if message:
            problems["document_ref"] = message
        if problems:
            for field, message in problems.items():
                errors.add(row, self.headers[FIELD_COLUMNS[field]], message)
            return None
        title = values["title"]
        place, notes, document_ref = (
            values["place"] or "",
            values["notes"] or "",
            values["document_ref"] or "",
        )
        return Row(
            row,
            unit_id,
            date,
            end_date,
            kind_id,
            title,
            values["topics"],
            values["audiences"],
            values["channels"],
            values["sessions"],
            values["attendances"],
            values["leaflets"],
            place,
            notes,
            document_ref,
            natural_key_for(unit_id, date, kind_id, title),
            search_text_for(title, place, notes, document_ref),
            documents,
            self._dim_unit(unit_id, unit_path),
        )

    def _dim_unit(self, unit_id, path):
        found = self.dim_units.get(unit_id)
        if found is None:
            found = self.dim_units[unit_id] = cube.dim_anchor(path)
        return found

    def _locked(self, items, errors):
        pairs = {(i.unit_id, i.date) for i in items} | {
            (i.unit_id, i.end_date) for i in items if i.end_date
        }
        units = Unit.objects.in_bulk({u for u, _d in pairs})
        locked = locks.locked_pairs(units, pairs)
        if not locked:
            return items
        kept = []
        for item in items:
            for day, field in ((item.date, "date"), (item.end_date, "end_date")):
                report = locked.get((item.unit_id, day)) if day else None
                if report:
                    errors.add(
                        item.row,
                        self.headers[field],
                        locks.message(units[item.unit_id], day, report),
                    )
                    break
            else:
                kept.append(item)
        return kept

    def write(self, items, result):
        self.copier.wait()  # the previous batch is in: its rows count as "already there"
        if self.on_rows is not None:
            self.on_rows(result.rows)
        errors = result.errors
        if self.check_locks:
            items = self._locked(items, errors)
        existing = existing_keys([i.key for i in items])
        title = self.headers["title"]
        fresh = []
        first_row = {}
        for item in items:
            seen = existing.get(item.key)
            if seen is not None:
                pk, batch_id, row = seen
                if batch_id == self.batch.pk:
                    errors.add(
                        item.row,
                        title,
                        _(
                            "trùng với dòng %(r)d của tệp (cùng đơn vị, ngày, loại hoạt động và tên)."
                        )
                        % {"r": row},
                    )
                else:
                    result.skipped += 1
                    result.notices.add(
                        item.row,
                        "",
                        _(
                            "đã có hoạt động này (mã số %(id)d, cùng đơn vị, ngày, loại hoạt động và tên) — bỏ qua."
                        )
                        % {"id": pk},
                    )
                continue
            if item.key in first_row:
                errors.add(
                    item.row,
                    title,
                    _("trùng với dòng %(r)d của tệp (cùng đơn vị, ngày, loại hoạt động và tên).")
                    % {"r": first_row[item.key]},
                )
                continue
            first_row[item.key] = item.row
            fresh.append(item)
        if not fresh:
            return
        if connection.vendor == "postgresql":
            ids = new_ids(len(fresh))
            self.copier.start(ids, fresh, self.actor.pk, self.batch.pk)
        else:
            ids = write_rows(fresh, self.actor.pk, self.batch.pk)
        result.created += len(ids)
        if result.dry_run:
            return  # rolled back at the end: no cube to keep
        sum_rows(self.sums, fresh)
        if len(self.sums.base) > SUMS_FLUSH:  # memory stays flat whatever the file's size
            add_import_to_cube(self.sums)
            self.sums = cube.Sums()

    def finish(self, result):
        self.copier.wait()
        if result.errors or result.dry_run or not result.created:
            return  # everything is rolled back: no cube to keep
        add_import_to_cube(self.sums)
        ImportBatch.objects.filter(pk=self.batch.pk).update(
            rows_created=result.created, rows_skipped=result.skipped
        )
