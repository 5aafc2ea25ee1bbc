"""Load test of the public portal: N concurrent visitors against a demo server on loopback.

    .venv/bin/python bench/portal_load.py                     # fresh demo DB, 50 visitors, 30 s
    .venv/bin/python bench/portal_load.py --database-url sqlite:////tmp/portal.sqlite3 --seconds 20

It builds a demo database (migrate, load-areas, load-demo) unless given one, starts
`binhyen runserver` on 127.0.0.1 itself (DEBUG off), lets each visitor thread alternate
between the home page and a random article with a think time (a person reads; 0 = hammer),
then prints p50/p95/max and errors per page. Traffic goes to 127.0.0.1 only, the run is
bounded (at most 60 s of load) and the server is stopped at the end.
"""

import argparse
import http.client
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin" / "binhyen"
HOST = "127.0.0.1"
MAX_SECONDS = 60
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def run(env, *args):
    subprocess.run([str(BIN), *args], env=env, check=True, stdout=subprocess.DEVNULL)


def prepare(env, fresh):
    if fresh:
        print("Preparing a demo database (migrate, load-areas, load-demo)…", flush=True)
        started = time.perf_counter()
        run(env, "migrate", "-v0")
        run(env, "load-areas")
        run(env, "load-demo")
        print(f"  ready in {time.perf_counter() - started:.0f} s", flush=True)


def wait_up(port, proc, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the server stopped during start-up")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/cong-thong-tin/", headers={"User-Agent": BROWSER})
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not answer in time")


def article_paths(port):
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    conn.request("GET", "/tin-tuc/", headers={"User-Agent": BROWSER})
    html = conn.getresponse().read().decode()
    paths = sorted(set(re.findall(r'href="(/tin-tuc/[a-z0-9-]+)"', html)))
    if not paths:
        raise SystemExit("the demo has no published article")
    return paths


class Visitor(threading.Thread):
    def __init__(self, n, port, articles, until, think, results, lock):
        super().__init__(daemon=True)
        self.n, self.port, self.articles, self.until, self.think = n, port, articles, until, think
        self.results, self.lock = results, lock
        self.rng = random.Random(n)

    def run(self):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        # each visitor its own browser string, so the counters see distinct people
        headers = {"User-Agent": f"{BROWSER} visitor/{self.n}", "Accept-Language": "vi"}
        i = 0
        while time.time() < self.until:
            page, path = (
                ("home", "/cong-thong-tin/")
                if i % 2 == 0
                else ("article", self.rng.choice(self.articles))
            )
            i += 1
            started = time.perf_counter()
            ok = False
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
            elapsed = (time.perf_counter() - started) * 1000
            with self.lock:
                self.results[page]["ms" if ok else "errors"].append(elapsed)
            if self.think:
                time.sleep(self.rng.uniform(0.5 * self.think, 1.5 * self.think))
        conn.close()


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--visitors", type=int, default=50)
    parser.add_argument(
        "--seconds", type=int, default=30, help=f"load duration (at most {MAX_SECONDS})"
    )
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean pause between a visitor's pages, s (0: none)"
    )
    parser.add_argument("--database-url", help="an existing demo database (skips preparing one)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of traffic not measured")
    args = parser.parse_args()
    seconds = max(1, min(args.seconds, MAX_SECONDS))

    tmp = tempfile.TemporaryDirectory(prefix="binhyen-load-")
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": args.database_url or f"sqlite:///{tmp.name}/demo.sqlite3",
            "MEDIA_ROOT": env.get(
                "MEDIA_ROOT", f"{tmp.name}/media" if not args.database_url else str(ROOT / "media")
            ),
            "DEBUG": "0",
            "SECURE_COOKIES": "0",
            "ALLOWED_HOSTS": HOST,
            "LOG_LEVEL": "ERROR",
        }
    )
    prepare(env, fresh=not args.database_url)
    port = free_port()
    server = subprocess.Popen(
        [str(BIN), "runserver", f"{HOST}:{port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_up(port, server)
        articles = article_paths(port)
        results = {p: {"ms": [], "errors": []} for p in ("home", "article")}
        lock = threading.Lock()
        start = time.time()
        until = start + args.warmup + seconds
        visitors = [
            Visitor(n, port, articles, until, args.think, results, lock)
            for n in range(args.visitors)
        ]
        for v in visitors:
            v.start()
        time.sleep(args.warmup)
        with lock:  # the warm-up fills the caches; it is not measured
            for r in results.values():
                r["ms"].clear()
                r["errors"].clear()
        for v in visitors:
            v.join(timeout=MAX_SECONDS + 30)
        print(
            f"{args.visitors} visitors, {seconds} s measured (+{args.warmup:.0f} s warm-up), think time "
            f"{args.think:.1f} s, server: binhyen runserver (threaded), {env['DATABASE_URL'].split(':')[0]}"
        )
        print(
            f"{'page':<8} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'errors':>7}"
        )
        for page, r in results.items():
            ms = r["ms"]
            print(
                f"{page:<8} {len(ms):>8} {len(ms) / seconds:>7.1f} {percentile(ms, 50):>8.1f} "
                f"{percentile(ms, 95):>8.1f} {max(ms) if ms else float('nan'):>8.1f} {len(r['errors']):>7}"
            )
        if any(r["errors"] for r in results.values()):
            return 1
        return 0
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
        tmp.cleanup()


if __name__ == "__main__":
    sys.exit(main())
