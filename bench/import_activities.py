"""Benchmark of the activities import: generate an N-row template file, import it, print rows/s
and peak memory.

    .venv/bin/python bench/import_activities.py [--rows 50000] [--keep] [--no-documents]

Uses DATABASE_URL when set (PostgreSQL: create the database first), else a temporary SQLite
file. Builds a minimal tree (province → district → 200 grassroots unions) and an editor, and a
file of activities of those 200 unions over the last 12 months (random kinds, 1-3 topics,
1-2 audiences, 1-2 channels per row, every row naming the province's plan 329/KH-LĐLĐ in
"Văn bản thực hiện" unless --no-documents, from a seeded generator), then:
1. peak Python memory (tracemalloc, this process) of a dry-run import of a fifth of the file
   and of the whole file — the two should be about equal, because the reader streams the
   sheet (a long sheet is read by a forked child process: its peak RSS is printed at the end);
2. the timed import of the whole file (rows/s), then facts.verify(): the reporting cube,
   updated in the import's transaction, must equal the cube recomputed from the raw rows;
3. the timed re-import of the same file: every row is a duplicate and is skipped.
"""

import argparse
import datetime
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django():
    tmp = None
    if not os.environ.get("DATABASE_URL"):
        tmp = tempfile.NamedTemporaryFile(prefix="binhyen-bench-", suffix=".sqlite3", delete=False)
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binhyen.settings")
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="binhyen-bench-media-"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return tmp.name if tmp else None


def build_tree():
    from django.contrib.auth.models import User

    from binhyen.activities.models import (
        Activity,
        ActivityAudience,
        ActivityChannel,
        ActivityTopic,
        ImportBatch,
    )
    from binhyen.org import services
    from binhyen.org.models import Unit, UnitKind
    from binhyen.org.scoping import Role

    # A previous run on the same database: start clean (raw deletes: the ORM's collector
    # would load 50,000 activities and their history first).
    old = Activity.all_objects.filter(unit__code__startswith="BENCH")
    batches = list(old.values_list("import_batch_id", flat=True).distinct())
    ids = old.values("id")
    for model in (ActivityTopic, ActivityAudience, ActivityChannel, Activity.documents.through):
        model.objects.filter(activity_id__in=ids)._raw_delete(model.objects.db)
    history = Activity.history.model.objects.filter(unit__code__startswith="BENCH")
    history._raw_delete(history.db)
    Activity.all_objects.filter(pk__in=list(old.values_list("id", flat=True)))._raw_delete(old.db)
    from binhyen.activities.models import ActivityFact

    cells = ActivityFact.objects.filter(
        ancestor_id__in=Unit.objects.filter(code__startswith="BENCH").values("id")
    )
    cells._raw_delete(cells.db)
    ImportBatch.objects.filter(pk__in=[b for b in batches if b])._raw_delete(old.db)

    root_user, _ = User.objects.get_or_create(
        username="bench-root", defaults={"is_superuser": True}
    )
    kinds = {k.code: k for k in UnitKind.objects.all()}
    start = datetime.date(2015, 1, 1)

    def unit(code, name, kind, parent=None):
        found = Unit.objects.filter(code=code).first()
        if found:
            return found
        if parent is None:
            return services.create_root_unit(
                code=code, name=name, kind=kinds[kind], valid_from=start
            )
        return services.create_unit(
            root_user, parent=parent, code=code, name=name, kind=kinds[kind], valid_from=start
        )

    root = unit("BENCH", "Tổng Liên đoàn (bench)", "tong_lien_doan")
    province = unit("BENCH-P", "LĐLĐ tỉnh (bench)", "ldld_tinh", root)
    district = unit("BENCH-D", "LĐLĐ huyện (bench)", "ldld_huyen", province)
    codes = []
    for i in range(1, 201):
        code = f"BENCH-CS{i:03d}"
        unit(code, f"Công đoàn cơ sở Công ty số {i} (bench)", "cd_co_so", district)
        codes.append(code)
    # The plan every row of the file names in "Văn bản thực hiện": resolved and linked per row.
    from binhyen.documents.models import Document, DocumentType
    from binhyen.documents.services import register_document

    if not Document.objects.filter(issuer_unit=province, symbol="329/KH-LĐLĐ").exists():
        register_document(
            root_user,
            doc_type=DocumentType.objects.get(code="ke_hoach"),
            number="329",
            symbol="329/KH-LĐLĐ",
            issuer_unit=province,
            summary="Kế hoạch tuyên truyền (bench)",
            issued_on=datetime.date.today() - datetime.timedelta(days=400),
        )
    editor = User.objects.filter(username="bench-editor").first()
    if editor is None:
        editor = User.objects.create_user("bench-editor", password="bench-Mat-khau-9")
        services.assign_role(root_user, editor, province, Role.EDITOR)
    return editor, codes


def write_file(path, rows, codes, seed=2022, document_ref="329/KH-LĐLĐ"):
    from binhyen.activities.excel import activity_lookups, activity_spec
    from binhyen.activities.models import ActivityKind, Audience, Channel, Topic
    from binhyen.core import spreadsheets

    rng = random.Random(seed)
    kinds = [k for k in ActivityKind.objects.values_list("code", flat=True) if k != "to_roi"]
    topics = list(Topic.objects.values_list("code", flat=True))
    audiences = list(Audience.objects.values_list("code", flat=True))
    channels = list(Channel.objects.values_list("code", flat=True))
    today = datetime.date.today()

    def generate():
        for n in range(rows):
            yield {
                "unit": rng.choice(codes),
                "date": today - datetime.timedelta(days=rng.randint(1, 365)),
                "kind": rng.choice(kinds),
                "title": f"Tuyên truyền phòng, chống tội phạm cho công nhân (đợt {n + 1})",
                "topics": rng.sample(topics, rng.randint(1, 3)),
                "audiences": rng.sample(audiences, rng.randint(1, 2)),
                "channels": rng.sample(channels, rng.randint(1, 2)),
                "sessions": rng.randint(1, 5),
                "attendances": rng.randint(10, 400),
                "place": "Hội trường công ty",
                "document_ref": document_ref,
            }

    from django.contrib.auth.models import User

    editor = User.objects.get(username="bench-editor")
    spreadsheets.write_workbook(
        activity_spec(), activity_lookups(editor), rows=generate(), out=str(path)
    )


def server_cpu():
    """CPU seconds used so far by this connection's PostgreSQL backend, when it runs on this
    machine (None on SQLite or when /proc does not show it)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(editor, path, dry_run=False):
    from binhyen.activities.services import import_activities

    with open(path, "rb") as upload:
        return import_activities(
            editor, upload, file_name=path.name, dry_run=dry_run, source="bench"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument(
        "--no-documents",
        action="store_true",
        help="leave 'Văn bản thực hiện' empty (no document links to resolve and write)",
    )
    args = parser.parse_args()

    sqlite_file = setup_django()
    from django.db import connection

    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    editor, codes = build_tree()
    work = Path(tempfile.mkdtemp(prefix="binhyen-bench-"))
    small, full = work / "activities-small.xlsx", work / "activities.xlsx"
    t = time.perf_counter()
    ref = "" if args.no_documents else "329/KH-LĐLĐ"
    write_file(full, args.rows, codes, document_ref=ref)
    write_file(small, max(args.rows // 5, 1), codes, document_ref=ref)
    print(
        f"generated {args.rows:,} rows ({full.stat().st_size / 1048576:.1f} MB) "
        f"in {time.perf_counter() - t:.1f} s"
    )

    for label, path in (("1/5 of the file", small), ("whole file", full)):
        tracemalloc.start()
        result = run(editor, path, dry_run=True)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert result.ok, [str(e) for e in result.errors][:5]
        print(
            f"dry run, {label}: {result.rows:,} rows checked, peak traced memory {peak / 1048576:.1f} MB"
        )

    from binhyen.activities import excel
    from binhyen.activities.models import ActivityFact

    cube = {"seconds": 0.0, "cpu": 0.0}
    add_to_cube = excel.add_import_to_cube

    def timed_add_to_cube(*a):
        t, c = time.perf_counter(), time.process_time()
        add_to_cube(*a)
        cube["seconds"] += time.perf_counter() - t
        cube["cpu"] += time.process_time() - c

    excel.add_import_to_cube = timed_add_to_cube  # measured apart: it is the reporting cube's cost
    cells_before = ActivityFact.objects.count()
    server = server_cpu()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    t, cpu = time.perf_counter(), time.process_time()
    result = run(editor, full)
    elapsed, cpu = time.perf_counter() - t, time.process_time() - cpu
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    child_cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    server = server_cpu() - server if server is not None else None
    excel.add_import_to_cube = add_to_cube
    assert result.ok and result.created == args.rows, [str(e) for e in result.errors][:5]
    cells = ActivityFact.objects.count() - cells_before
    rest = elapsed - cube["seconds"]
    print(
        f"import: {result.created:,} rows in {elapsed:.2f} s = {result.created / elapsed:,.0f} rows/s "
        f"(this process's CPU: {cpu:.2f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )
    print(
        f"  of which reporting cube update: {cube['seconds']:.2f} s, this process's CPU {cube['cpu']:.2f} s "
        f"({cells:,} new cube cells); "
        f"read, check and write of the activities: {rest:.2f} s = {result.created / rest:,.0f} rows/s"
    )
    print(
        f"  CPU: this process {cpu:.2f} s, the sheet reader's child process {child_cpu:.2f} s"
        + (f", the PostgreSQL backend {server:.2f} s" if server is not None else "")
    )

    from binhyen.activities import cube as facts

    t = time.perf_counter()
    differences = facts.verify(limit=10)
    assert not differences, differences
    print(
        f"cube checked against the raw activities: no difference ({time.perf_counter() - t:.1f} s)"
    )

    t = time.perf_counter()
    again = run(editor, full)
    elapsed = time.perf_counter() - t
    assert again.ok and again.created == 0 and again.skipped == args.rows
    print(
        f"re-import of the same file: 0 created, {again.skipped:,} duplicates skipped in {elapsed:.2f} s"
    )

    print(
        f"peak RSS of the largest child process (the sheet reader): "
        f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB"
    )
    print(f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if not args.keep:
        for p in (small, full):
            p.unlink()
        work.rmdir()
    else:
        print(f"files kept in {work}")
    if sqlite_file:
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(sqlite_file + suffix).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
