"""Shared pytest fixtures; factories live in binhyen/factories.py."""

import os
import sys
import tempfile
import time

import pytest

MD5 = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def tree(db):
    from binhyen.factories import small_tree

    return small_tree()


@pytest.fixture
def api_as(db):
    """A test client calling the API as `user`, with a fresh Bearer token (the reporting and
    reports tests share it)."""
    from django.test import Client

    from binhyen.api.services import issue_token

    def make(user):
        _token, key = issue_token(user, name="test")
        return Client(headers={"Authorization": f"Bearer {key}"})

    return make


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database holds Vietnam's geography (org.Area) once per session, as a real
    database does after `binhyen load-areas`: tests look areas up by code, never create them."""
    from binhyen.org.geography import load_areas

    with django_db_blocker.unblock():
        _remember_seeded()
        load_areas()
        _keep_a_file_copy()


SEEDED_SQLITE = "BINHYEN_TEST_SEEDED_SQLITE"


def _keep_a_file_copy():
    """On SQLite, a file copy of the migrated, seeded in-memory test database, taken before
    any test runs: the tests that start other processes (a worker, a server) give them a copy
    of it (the in-memory database is invisible to them, and copying it later could wait on a
    lock another test left)."""
    import sqlite3

    from django.db import connection

    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        return
    path = os.path.join(tempfile.mkdtemp(prefix="binhyen-seeded-"), "seeded.sqlite3")
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    os.environ[SEEDED_SQLITE] = path


def _is_transactional(request):
    marker = request.node.get_closest_marker("django_db")
    if marker and (
        marker.kwargs.get("transaction")
        or marker.kwargs.get("reset_sequences")
        or (marker.args and marker.args[0])
    ):
        return True
    return bool(
        {"transactional_db", "live_server", "django_db_reset_sequences"} & set(request.fixturenames)
    )


# What the migrations seed (unit kinds, document types, activity kinds…), as rows to put back after
# a flush; areas come back through load_areas, content types and permissions through post_migrate.
_seeded = []


def _remember_seeded():
    from django.apps import apps
    from django.core import serializers

    rebuilt_elsewhere = {"contenttypes.contenttype", "auth.permission", "org.area"}
    _seeded.clear()
    for model in serializers.sort_dependencies(
        [(c, None) for c in apps.get_app_configs()], allow_cycles=True
    ):
        if (
            model._meta.label_lower in rebuilt_elsewhere
            or model._meta.proxy
            or not model._meta.managed
        ):
            continue
        rows = list(model._base_manager.order_by("pk").values())
        if rows:
            _seeded.append((model, rows))


def _put_back_seeded():
    from django.core.management.color import no_style
    from django.db import connection, transaction

    emptied = []
    with transaction.atomic():
        for model, rows in _seeded:
            if not model._base_manager.exists():
                model._base_manager.bulk_create([model(**row) for row in rows])
                emptied.append(model)
        if emptied:  # the same primary keys as after migrating; sequences go on from there
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), emptied):
                    cursor.execute(sql)


@pytest.fixture(autouse=True)
def _seeded_rows_after_flush(request):
    """A transactional test (live server, browser, threads) empties every table when it ends,
    the rows the migrations seeded and the areas included, and pytest-django runs those tests
    last, in whatever order (or worker) they fall: each one first puts back what is missing."""
    if not _is_transactional(request):
        return
    request.getfixturevalue("django_db_setup")
    from binhyen.org.geography import load_areas
    from binhyen.org.models import Area

    with request.getfixturevalue("django_db_blocker").unblock():
        _put_back_seeded()
        if not Area.objects.exists():
            load_areas()


@pytest.fixture(scope="session")
def _compiled_catalogs():
    from binhyen.core import catalogs

    catalogs.compile_and_load()


@pytest.fixture
def english(_compiled_catalogs):
    """For tests of the English interface: the catalogs compiled (they are build output) and
    loaded; afterwards the language a test client's request left active in this thread is reset."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing costs ~0.3 s per user on this hardware; tests create hundreds of users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# -- The shared demo -------------------------------------------------------------------------
#
# Loading the whole demo (`binhyen load-demo`: tree, documents, activities, groups, portal) takes
# 15 s on SQLite and a minute on PostgreSQL, so the tests that read it share one load. The load
# runs inside a transaction that stays open while those tests run, one after the other; each test
# sits in its own savepoint on top of it (the ordinary `db` fixture), so what a test writes is
# rolled back and the next one sees the demo as loaded. After the last of them the transaction is
# rolled back and the database is empty again for every other test.
#
# To make that hold: the tests that request `full_demo` are moved to the front of the run (one
# xdist group, so one worker runs them all, in a row), `full_demo` is set up before any other
# fixture of the test, and a test that asks for a transactional database cannot have it.

DEMO = "full_demo"


class _SharedDemo:
    def __init__(self):
        self.atomic = None
        self.stats = None
        self.blocker = None
        self.error = None  # why the load failed: the other tests fail at once with it

    def load(self, blocker, media_root):
        from django.core.cache import cache
        from django.db import connection, transaction
        from django.test import override_settings

        from binhyen.demo import loader
        from binhyen.org import demo as org_demo

        with blocker.unblock(), override_settings(PASSWORD_HASHERS=MD5, MEDIA_ROOT=media_root):
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                stats, seconds = {}, {}
                started = time.perf_counter()
                stats["org"] = org_demo.load()
                seconds["org"] = time.perf_counter() - started
                for label, module in loader.app_loaders():  # as load-demo does, in its order
                    started = time.perf_counter()
                    stats[label] = module.load()
                    seconds[label] = time.perf_counter() - started
                stats["seconds"] = seconds
                # PostgreSQL defers the foreign-key checks of all those rows; check them now, once,
                # or every test's teardown (which checks constraints inside its savepoint) would
                # check them all again.
                connection.check_constraints()
            except BaseException as exc:
                atomic.__exit__(*sys.exc_info())
                self.error = f"{type(exc).__name__}: {exc}"
                raise
        cache.clear()
        self.atomic, self.stats, self.blocker = atomic, stats, blocker

    def unload(self):
        from django.core.cache import cache
        from django.db import transaction

        atomic, self.atomic, self.stats = self.atomic, None, None
        with self.blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
        cache.clear()


_demo = _SharedDemo()


@pytest.fixture
def full_demo(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The whole demo, as `binhyen load-demo` leaves it, loaded once for all the tests that ask
    for it; each of them runs in a savepoint rolled back at its end (see above). Returns what each
    app's loader returned on that one load, by app label, and "seconds" each took."""
    from django.db import connection

    if _is_transactional(request):
        pytest.fail(
            "full_demo shares one transaction: its tests cannot ask for a transactional database"
        )
    if _demo.error:
        pytest.fail(f"the shared demo did not load: {_demo.error}")
    if _demo.atomic is None:
        if connection.in_atomic_block:
            pytest.fail("full_demo must be set up before the test's database transaction")
        _demo.load(django_db_blocker, tmp_path_factory.mktemp("demo-media"))
    request.getfixturevalue("db")
    assert connection.atomic_blocks and connection.atomic_blocks[0] is _demo.atomic, (
        "the test's transaction must sit inside the shared demo's"
    )
    return _demo.stats


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark the tests of the shared demo as database tests (pytest-django creates the test
    database for those only), set `full_demo` up before anything else of theirs (the test's own
    transaction must open inside the demo's), and send them all to one xdist worker."""
    xdist = config.pluginmanager.hasplugin("xdist")
    for item in items:
        names = getattr(item, "fixturenames", None)
        if not names or DEMO not in names:
            continue
        if names.index(DEMO) != 0:
            names.remove(DEMO)
            names.insert(0, DEMO)
        if item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db)
        if xdist:
            item.add_marker(pytest.mark.xdist_group(DEMO))


class _DemoTestsFirst:
    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config, items):
        """After pytest-django's ordering (plain, then transactional, then no database): the
        tests of the shared demo first, in a row, so it is loaded once and gone for the rest."""
        demo = [i for i in items if DEMO in getattr(i, "fixturenames", ())]
        if demo:
            items[:] = demo + [i for i in items if DEMO not in getattr(i, "fixturenames", ())]
        _tell_the_controller_the_groups(config, items)


def pytest_configure(config):
    config.pluginmanager.register(_DemoTestsFirst(), "binhyen-demo-tests-first")
    # Tasks run where they are queued (django-tasks' immediate backend); the tests of the
    # worker itself switch to the database queue with the `settings` fixture.
    from django.conf import settings

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


# -- xdist: `--dist loadgroup` that works on pytest 9 ------------------------------------------
#
# pytest-xdist 3.8 groups the tests marked xdist_group by renaming their node ids, which pytest 9
# no longer lets it do: every test would be scheduled on its own and the demo loaded by each
# worker. So the workers write which test is in which group to a file the controller names, and
# the controller's scheduler (xdist's own, by scope) reads the groups from it.

GROUPS_FILE = "binhyen_xdist_groups"


def _tell_the_controller_the_groups(config, items):
    path = getattr(config, "workerinput", {}).get(GROUPS_FILE)
    if not path:
        return
    lines = []
    for item in items:
        names = sorted(
            {
                str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                for m in item.iter_markers("xdist_group")
            }
        )
        if names:
            lines.append(f"{item.nodeid}\t{'_'.join(names)}\n")
    partial = f"{path}.{config.workerinput['workerid']}"
    with open(partial, "w", encoding="utf-8") as out:  # every worker collects the same tests
        out.writelines(lines)
    os.replace(partial, path)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    config = node.config
    if GROUPS_FILE not in config.stash.get(_groups_key, {}):
        handle, path = tempfile.mkstemp(prefix="binhyen-xdist-groups-")
        os.close(handle)
        config.stash[_groups_key] = {GROUPS_FILE: path}
    node.workerinput[GROUPS_FILE] = config.stash[_groups_key][GROUPS_FILE]


_groups_key = pytest.StashKey[dict]()


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    path = config.stash.get(_groups_key, {}).get(GROUPS_FILE)

    class GroupScheduling(LoadScopeScheduling):
        """A test marked xdist_group goes with the rest of its group; any other test alone.
        (Called once every worker has collected, so the file is written.)"""

        groups = None

        def _split_scope(self, nodeid):
            if self.groups is None:
                with open(path, encoding="utf-8") as lines:
                    self.groups = dict(
                        line.rstrip("\n").split("\t") for line in lines if line.strip()
                    )
            return self.groups.get(nodeid, nodeid)

    return GroupScheduling(config, log)


def pytest_unconfigure(config):
    path = config.stash.get(_groups_key, {}).get(GROUPS_FILE)
    if path and os.path.exists(path):
        os.unlink(path)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Roll the shared demo back after the last test that uses it (once the test's own
    transaction is gone)."""
    try:
        return (yield)
    finally:
        if _demo.atomic is not None and (
            nextitem is None or DEMO not in getattr(nextitem, "fixturenames", ())
        ):
            _demo.unload()
