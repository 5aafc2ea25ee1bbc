"""Load test of the production profile: officers and portal visitors (locust, headless) against
running web servers, with the figures per page type.

    DATABASE_URL=postgres://…/binhyen .venv/bin/python bench/load.py \\
        http://127.0.0.1:8001 http://127.0.0.1:8002 --minutes 10 --officers 50 --visitors 200

The servers are the production profile (`binhyen serve`, a `binhyen worker`, PostgreSQL,
Redis: README "Chạy thật"; deploy/prod-check shows how to start them) on the demo or on a
nation from `binhyen generate-national`. DATABASE_URL is the servers' database: before the load
a separate process prepares on it four officer accounts, `bench-quocgia`, `bench-tinh`,
`bench-xa`, `bench-coso` (password --password), administrators or editors of the national
root, its largest province, that province's largest ward-level union and that union's
grassroots union with the most activities — the same on the demo and on a generated nation —
and reads the ids the forms need, the portal's sections and articles and the reports in reach.

Officers (signed in, spread over the four accounts; a page every --officer-wait seconds):
their dashboard (this year and last), the activity list and the group list with filters
(words, kind, dates, sort, page 2), the report requests and a report, recording an activity
(the form's GET and its POST) and, now and then, the dashboard's Excel export, queued from the
page and followed until the worker has made it. Portal visitors (no session; a page every
--visitor-wait seconds): the portal's home, news, an article and a federation's section
(its figures).

The figures count from --warmup seconds after every user has started (the logins, the ramp and
the servers' cold caches are left out; a login that happens later is shown but not held to the
target: it hashes the password slowly on purpose).
It prints per page type: requests, failures, p50/p95/p99/max (ms), and for the exports the
time from queueing to done; then the errors overall. Exit 1 when there was any error, a page
type's p95 is over --p95-ms (150) or an export took longer than --export-s (30) to be done.
With --verify-facts (default on) it runs `binhyen verify-facts` on DATABASE_URL afterwards.
"""

import argparse
import itertools
import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin" / "binhyen"
ACCOUNTS = ("bench-quocgia", "bench-tinh", "bench-xa", "bench-coso")
LEVELS = {
    "bench-quocgia": "national",
    "bench-tinh": "province",
    "bench-xa": "ward",
    "bench-coso": "grassroots",
}
EXPORT = "export: queued → done"
# a login hashes the password on purpose slowly (PBKDF2, ~0.3 s of CPU): not a page to time
UNTIMED = {"login"}


# ---------------------------------------------------------------- preparation (Django, no locust)


def prepare(password):
    """Accounts at four levels and what the users need; returns a JSON-able dict. Runs in its
    own process: locust patches the standard library (gevent), Django must not share it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binhyen.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.db.models import Count, Q

    from binhyen.activities.models import Activity, ActivityKind, Audience, Topic
    from binhyen.core import periods
    from binhyen.org import services
    from binhyen.org.models import Assignment, Role, Unit
    from binhyen.portal.models import Article, PortalSection
    from binhyen.reports.models import Submission

    User = get_user_model()
    today = periods.today()
    open_units = Unit.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))

    def largest(units):
        """The unit with the most open children."""
        return (
            units.annotate(n=Count("children", filter=Q(children__valid_to__isnull=True)))
            .order_by("-n", "path")
            .first()
        )

    root = largest(open_units.filter(parent__isnull=True))
    province = largest(open_units.filter(parent=root))
    ward = largest(open_units.filter(parent=province, kind__is_grassroots=False))
    grassroots = (
        open_units.filter(parent=ward, kind__is_grassroots=True)
        .annotate(n=Count("activities"))
        .order_by("-n", "path")
        .first()
    ) or open_units.filter(parent=ward).first()
    units = {"national": root, "province": province, "ward": ward, "grassroots": grassroots}
    roles = {
        "bench-quocgia": (root, Role.ADMIN),
        "bench-tinh": (province, Role.ADMIN),
        "bench-xa": (ward, Role.EDITOR),
        "bench-coso": (grassroots, Role.EDITOR),
    }
    with transaction.atomic():
        actor = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if actor is None:
            actor = User(username="bench-admin", is_superuser=True, is_staff=True)
            actor.set_password(password)
            actor._history_user = None
            actor.save()
        for username, (unit, role) in roles.items():
            user = User.objects.filter(username=username).first()
            if user is None:
                user = services.create_user(
                    actor, username=username, full_name="Bench " + username[6:],
                    password=password, unit=unit, role=role,
                )  # fmt: skip
            else:
                user.set_password(password)
                user.is_active = True
                user._history_user = actor
                user.save()
                held = Assignment.objects.filter(user=user, active=True)
                if not held.filter(unit=unit, role=role).exists():
                    for assignment in held:
                        services.revoke_assignment(actor, assignment)
                    services.assign_role(actor, user, unit, role)
    try:
        from axes.utils import reset

        for username in roles:
            reset(username=username)
    except ImportError:
        pass

    def ids(model):
        return list(model.objects.filter(active=True).values_list("pk", flat=True)[:5])

    kinds = ActivityKind.objects.filter(active=True)
    return {
        "units": {level: unit.code for level, unit in units.items()},
        "years": [today.year, today.year - 1],
        "kind_codes": list(kinds.values_list("code", flat=True)[:6]),
        "record": {
            "kind": kinds.filter(code="tuyen_truyen").values_list("pk", flat=True).first()
            or kinds.values_list("pk", flat=True).first(),
            "topics": ids(Topic)[:1],
            "audiences": ids(Audience)[:1],
        },
        "words": ["tuyen truyen", "phong chong", "toi pham", "ma tuy", "an ninh"],
        "sections": list(
            PortalSection.objects.filter(is_active=True).values_list("slug", flat=True)[:20]
        ),
        "articles": list(Article.objects.published().values_list("slug", flat=True)[:100]),
        "submissions": {
            username: list(
                Submission.objects.filter(unit__path__startswith=unit.path)
                .order_by("-pk")
                .values_list("pk", flat=True)[:10]
            )
            for username, (unit, _role) in roles.items()
        },
        "activities": Activity.objects.count(),
        "nation_units": Unit.objects.filter(path__startswith=root.path).count(),
    }


# ---------------------------------------------------------------- the load (locust)

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
EXPORT_FORM = re.compile(r'<form[^>]*id="export-form"[^>]*>(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def form_errors(response):
    """The messages a refused form shows (Bootstrap's invalid-feedback and alert-danger)."""
    found = re.findall(
        r'class="[^"]*(?:invalid-feedback|alert-danger)[^"]*"[^>]*>(.*?)</div>',
        response.text or "",
        re.S,
    )
    return [" ".join(re.sub(r"<[^>]+>", " ", f).split())[:200] for f in found][:3]


def build_users(args, facts, hosts):
    from urllib.parse import urlencode

    from locust import FastHttpUser, between, events, task

    host_cycle = itertools.cycle(hosts)
    serial = itertools.count(int(time.time()))
    account_cycle = itertools.cycle(ACCOUNTS)

    def ok_page(response, what=""):
        if response.status_code != 200:
            response.failure(f"{what} answered {response.status_code}")
        elif "/tai-khoan/login/" in (response.url or "") and what != "login":
            response.failure("signed out (sent to the login page)")
        else:
            response.success()

    class Officer(FastHttpUser):
        fixed_count = args.officers
        wait_time = between(*args.officer_wait)

        def __init__(self, environment):
            self.host = next(host_cycle)
            super().__init__(environment)
            self.account = next(account_cycle)
            self.level = LEVELS[self.account]
            self.unit = facts["units"][self.level]
            self.next_export = time.monotonic() + random.uniform(0, args.export_every)

        def on_start(self):
            response = self.client.get("/tai-khoan/login/", name="login form")
            token = CSRF.search(response.text or "")
            with self.client.post(
                "/tai-khoan/login/",
                data={
                    "username": self.account,
                    "password": args.password,
                    "csrfmiddlewaretoken": token.group(1) if token else "",
                },
                name="login",
                allow_redirects=False,
                catch_response=True,
            ) as posted:
                if posted.status_code != 302:
                    posted.failure(f"login of {self.account} answered {posted.status_code}")

        @task(4)
        def dashboard(self):
            year = random.choice(facts["years"])
            with self.client.get(
                f"/tong-hop/?unit={self.unit}&period={year}",
                name=f"dashboard ({self.level})",
                catch_response=True,
            ) as response:
                ok_page(response)

        @task(3)
        def activity_list(self):
            query = {"unit": self.unit}
            choice = random.randrange(5)
            if choice == 0:
                query["q"] = random.choice(facts["words"])
            elif choice == 1 and facts["kind_codes"]:
                query["kind"] = random.choice(facts["kind_codes"])
            elif choice == 2:
                year = random.choice(facts["years"])
                query.update(start=f"01/01/{year}", end=f"30/06/{year}")
            elif choice == 3:
                query["sort"] = "-attendances"
            else:
                query["page"] = 2
            with self.client.get(
                "/hoat-dong/?" + urlencode(query), name="activity list", catch_response=True
            ) as response:
                ok_page(response)

        @task(2)
        def group_list(self):
            query = {"unit": self.unit}
            if random.random() < 0.5:
                query["q"] = random.choice(["to", "nha tro", "cong nhan"])
            with self.client.get(
                "/mo-hinh/?" + urlencode(query), name="group list", catch_response=True
            ) as response:
                ok_page(response)

        @task(1)
        def reports(self):
            with self.client.get(
                "/tong-hop/yeu-cau-bao-cao/", name="report requests", catch_response=True
            ) as response:
                ok_page(response)
            mine = facts["submissions"].get(self.account) or []
            if mine:
                with self.client.get(
                    f"/tong-hop/bao-cao/{random.choice(mine)}/",
                    name="report",
                    catch_response=True,
                ) as response:
                    ok_page(response)

        @task(1)
        def record_activity(self):
            if self.level not in ("ward", "grassroots"):
                return
            form = self.client.get(f"/hoat-dong/moi/?unit={self.unit}", name="activity form")
            token = CSRF.search(form.text or "")
            unit_id = re.search(r'<option value="(\d+)" selected', form.text or "")
            record = facts["record"]
            fields = [
                ("csrfmiddlewaretoken", token.group(1) if token else ""),
                ("unit", unit_id.group(1) if unit_id else ""),
                ("date", time.strftime("%d/%m/%Y")),
                ("kind", record["kind"]),
                # the title differs each time: the same unit, day, kind and title is a duplicate
                ("title", f"Tuyên truyền phòng, chống tội phạm — đo tải {next(serial)}"),
                *(("topics", t) for t in record["topics"]),
                *(("audiences", a) for a in record["audiences"]),
                ("sessions", 1),
                ("attendances", random.randint(20, 120)),
                ("place", "Hội trường"),
            ]
            with self.client.post(
                "/hoat-dong/moi/",
                data=urlencode(fields),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                name="activity save",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code not in (302, 303):
                    response.failure(f"not saved ({response.status_code}): {form_errors(response)}")

        @task(1)
        def export(self):
            if time.monotonic() < self.next_export:
                return self.dashboard()
            self.next_export = time.monotonic() + args.export_every
            page = self.client.get(f"/tong-hop/?unit={self.unit}", name=f"dashboard ({self.level})")
            form = EXPORT_FORM.search(page.text or "")
            if not form:
                return None
            fields = dict(HIDDEN.findall(form.group(1)))
            token = CSRF.search(form.group(1))
            fields["csrfmiddlewaretoken"] = token.group(1) if token else ""
            started = time.perf_counter()
            with self.client.post(
                "/tong-hop/xuat-excel/",
                data=fields,
                name="export (queue)",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                location = response.headers.get("Location", "")
                if response.status_code != 303 or "/viec-nen/" not in location:
                    response.failure(f"not queued ({response.status_code})")
                    return None
            state, error = "queued", None
            while time.perf_counter() - started < args.export_give_up:
                self.wait_a_little()
                status = self.client.get(
                    location, headers={"HX-Request": "true"}, name="job status"
                )
                if "text-bg-success" in (status.text or ""):
                    state = "done"
                    break
                if "text-bg-danger" in (status.text or ""):
                    state, error = "failed", Exception("the export failed")
                    break
            if state == "queued":
                error = Exception(f"not done in {args.export_give_up:g} s")
            events.request.fire(
                request_type="JOB",
                name=EXPORT,
                response_time=(time.perf_counter() - started) * 1000,
                response_length=0,
                exception=error,
                context={},
            )
            return None

        def wait_a_little(self):
            import gevent

            gevent.sleep(1)

    class Visitor(FastHttpUser):
        fixed_count = args.visitors
        wait_time = between(*args.visitor_wait)

        def __init__(self, environment):
            self.host = next(host_cycle)
            super().__init__(environment)

        def page(self, path, name):
            with self.client.get(path, name=name, catch_response=True) as response:
                ok_page(response)

        @task(3)
        def home(self):
            self.page("/cong-thong-tin/", "portal home")

        @task(2)
        def news(self):
            self.page("/tin-tuc/", "portal news")

        @task(3)
        def article(self):
            if facts["articles"]:
                self.page(f"/tin-tuc/{random.choice(facts['articles'])}", "portal article")

        @task(2)
        def figures(self):
            if facts["sections"]:
                self.page(f"/cong-thong-tin/{random.choice(facts['sections'])}/", "portal section")

    return [Officer, Visitor]


def run_load(args, facts):
    import gevent
    from locust import events
    from locust.env import Environment

    users = build_users(args, facts, args.hosts)
    env = Environment(user_classes=users, events=events)
    runner = env.create_local_runner()
    ramp = {}

    def spawned(user_count):
        ramp["seconds"] = time.monotonic() - ramp["started"]
        gevent.spawn_later(args.warmup, measure)

    def measure():
        env.stats.reset_all()  # logins, the ramp and cold caches are not the steady load
        ramp["measured_from"] = time.monotonic()
        gevent.spawn_later(args.minutes * 60, runner.quit)

    events.spawning_complete.add_listener(spawned)
    total = args.officers + args.visitors
    ramp["started"] = time.monotonic()
    runner.start(total, spawn_rate=args.spawn_rate)
    print(
        f"{args.officers} officers and {args.visitors} visitors on {', '.join(args.hosts)}; "
        f"spawning at {args.spawn_rate:g}/s, {args.warmup:g} s of warm-up, then "
        f"{args.minutes:g} min measured…",
        flush=True,
    )

    def progress():
        while True:
            gevent.sleep(60)
            s = env.stats.total
            print(
                f"  … {s.num_requests} requests, {s.num_failures} failures, "
                f"p95 {s.get_response_time_percentile(0.95):.0f} ms",
                flush=True,
            )

    ticker = gevent.spawn(progress)
    runner.greenlet.join()
    ticker.kill()
    measured = time.monotonic() - ramp.get("measured_from", ramp["started"])
    return env.stats, ramp.get("seconds"), measured


def report(args, facts, stats, ramp, measured):
    rows = sorted(stats.entries.values(), key=lambda e: (e.method == "JOB", e.name))
    width = max([len(e.name) for e in rows] + [20])
    print()
    print(
        f"Nation: {facts['nation_units']:,} units, {facts['activities']:,} activities; "
        f"units {facts['units']}"
    )
    print(
        f"Ramp {ramp or 0:.0f} s and warm-up {args.warmup:g} s (not counted); "
        f"measured {measured:.0f} s."
    )
    print(
        f"{'page type':<{width}} {'requests':>9} {'fail':>6} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>8}"
    )
    over = []
    for e in rows:
        p50, p95, p99 = (e.get_response_time_percentile(q) for q in (0.5, 0.95, 0.99))
        print(
            f"{e.name:<{width}} {e.num_requests:>9} {e.num_failures:>6} {p50:>7.0f} {p95:>7.0f} "
            f"{p99:>7.0f} {e.max_response_time:>8.0f}"
        )
        if e.method == "JOB":
            if e.num_requests and e.max_response_time > args.export_s * 1000:
                over.append(
                    f"{e.name}: max {e.max_response_time / 1000:.1f} s > {args.export_s:g} s"
                )
        elif e.num_requests and p95 > args.p95_ms and e.name not in UNTIMED:
            over.append(f"{e.name}: p95 {p95:.0f} ms > {args.p95_ms:g} ms")
    total = stats.total
    print(
        f"{'all':<{width}} {total.num_requests:>9} {total.num_failures:>6}   "
        f"({total.num_requests / max(measured, 1):.1f} requests/s)"
    )
    errors = sum(e.num_failures for e in rows)
    print(f"\nErrors: {errors}")
    for item in list(stats.errors.values())[:10]:
        print(f"  {item.occurrences} × {item.method} {item.name}: {str(item.error)[:300]}")
    for line in over:
        print(f"Over target: {line}")
    return errors == 0 and not over


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("hosts", nargs="*", help="base URLs of the web servers")
    parser.add_argument("--minutes", type=float, default=10, help="measured duration (10)")
    parser.add_argument("--officers", type=int, default=50)
    parser.add_argument("--visitors", type=int, default=200)
    parser.add_argument(
        "--officer-wait", type=float, nargs=2, default=(5, 15), metavar=("MIN", "MAX")
    )
    parser.add_argument(
        "--visitor-wait", type=float, nargs=2, default=(10, 30), metavar=("MIN", "MAX")
    )
    parser.add_argument(
        "--export-every", type=float, default=300, help="s between one officer's exports"
    )
    parser.add_argument("--export-give-up", type=float, default=120)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=30, help="s after the ramp, not counted")
    parser.add_argument("--password", default="binhyen-bench-2025")
    parser.add_argument("--p95-ms", type=float, default=150)
    parser.add_argument("--export-s", type=float, default=30)
    parser.add_argument("--no-verify-facts", action="store_true")
    parser.add_argument("--prepare-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.prepare_only:
        print(json.dumps(prepare(args.password)))
        return 0
    if not args.hosts:
        parser.error("give the base URL of at least one web server")
    if not os.environ.get("DATABASE_URL"):
        parser.error("set DATABASE_URL to the servers' database (the accounts are made there)")
    print("Preparing accounts and reading the tree…", flush=True)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, __file__, "--prepare-only", "--password", args.password],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.stderr.write(done.stderr)
        return 2
    facts = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"  ready in {time.monotonic() - started:.0f} s: {facts['units']}", flush=True)

    stats, ramp, measured = run_load(args, facts)
    good = report(args, facts, stats, ramp, measured)
    if not args.no_verify_facts:
        started = time.monotonic()
        check = subprocess.run([str(BIN), "verify-facts"], capture_output=True, text=True)
        lines = (check.stdout + check.stderr).strip().splitlines()
        print(f"\nverify-facts ({time.monotonic() - started:.0f} s): {lines[-1] if lines else ''}")
        good = good and check.returncode == 0
    print("\nload: PASS" if good else "\nload: FAIL")
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
