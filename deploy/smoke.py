"""Smoke crawl of a running Bình Yên: the probes, the public portal, a person's key pages on
every web server given, and one export through the task queue.

    .venv/bin/python deploy/smoke.py http://127.0.0.1:8001 http://127.0.0.1:8002 \\
        --user demo-admin --password binhyen2025

It signs in on the first server and reads the other servers with the same session (sessions
live in the database: any web server answers any person), expects 200 from every page, then
presses the dashboard's "Xuất Excel" (a POST that queues a job), follows the job's page until
the worker has made the file (--job-timeout s) and downloads it. Prints one line per check and
exits 1 if any failed. Standard library only: it runs on a server without the project's venv.
"""

import argparse
import http.cookiejar
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

# (what, path, signed in?)
PAGES = [
    ("liveness", "/healthz", False),
    ("readiness", "/readyz", False),
    ("portal home", "/cong-thong-tin/", False),
    ("portal news", "/tin-tuc/", False),
    ("static file", "/static/vendor/bootstrap/css/bootstrap.min.css", False),
    ("home", "/", True),
    ("dashboard", "/tong-hop/", True),
    ("activity list", "/hoat-dong/", True),
    ("activity list, filtered", "/hoat-dong/?q=tuyen+truyen", True),
    ("groups", "/mo-hinh/", True),
    ("units", "/don-vi/", True),
    ("report requests", "/tong-hop/yeu-cau-bao-cao/", True),
    ("background jobs", "/viec-nen/", True),
]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
EXPORT_FORM = re.compile(r'<form[^>]*id="export-form"[^>]*>(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


class Client:
    def __init__(self, timeout):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.timeout = timeout

    def request(self, url, data=None, headers=None):
        """(status, final url, body bytes); HTTP errors are answers, not exceptions."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(url, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=self.timeout) as response:
                return response.status, response.geturl(), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, url, exc.read()


class Report:
    def __init__(self):
        self.failures = 0

    def line(self, ok, what, detail=""):
        self.failures += 0 if ok else 1
        print(f"  {'ok  ' if ok else 'FAIL'} {what}{f' — {detail}' if detail else ''}", flush=True)
        return ok


def sign_in(client, base, user, password, report):
    status, _url, body = client.request(f"{base}/tai-khoan/login/")
    token = CSRF.search(body.decode("utf-8", "replace"))
    if status != 200 or not token:
        return report.line(False, f"sign in as {user}", f"login page answered {status}")
    status, url, _body = client.request(
        f"{base}/tai-khoan/login/",
        {"username": user, "password": password, "csrfmiddlewaretoken": token.group(1)},
        {"Referer": f"{base}/tai-khoan/login/"},
    )
    ok = status == 200 and "/tai-khoan/login/" not in url
    return report.line(ok, f"sign in as {user} on {base}", "" if ok else f"{status} {url}")


def crawl(client, visitor, base, report):
    """Every page: the public ones as a visitor without a session, the others signed in."""
    for what, path, signed in PAGES:
        started = time.perf_counter()
        status, url, body = (client if signed else visitor).request(base + path)
        ms = (time.perf_counter() - started) * 1000
        ok = status == 200 and "/tai-khoan/login/" not in url
        report.line(ok, f"{base}{path} ({what})", f"{status}, {ms:.0f} ms, {len(body)} bytes")


def figure_source(client, base, report):
    """The figure source of the dashboard's question (its unit, period and basis, read from
    the page's export form) for the number of sessions."""
    _status, _url, body = client.request(f"{base}/tong-hop/")
    form = EXPORT_FORM.search(body.decode("utf-8", "replace"))
    if not form:
        return report.line(False, f"{base}/tong-hop/ has its export form")
    query = dict(HIDDEN.findall(form.group(1)), indicator="activity.sessions")
    query.pop("csrfmiddlewaretoken", None)
    path = "/tong-hop/nguon-so-lieu/?" + urllib.parse.urlencode(query)
    status, _url, body = client.request(base + path)
    return report.line(
        status == 200, f"{base}{path} (figure source)", f"{status}, {len(body)} bytes"
    )


def export(client, base, timeout, report):
    """The dashboard's export: queue it, wait for the worker, download the file."""
    status, _url, body = client.request(f"{base}/tong-hop/")
    page = body.decode("utf-8", "replace")
    form = EXPORT_FORM.search(page)
    if status != 200 or not form:
        return report.line(False, "export: the dashboard's export form", f"{status}")
    fields = dict(HIDDEN.findall(form.group(1)))
    fields["csrfmiddlewaretoken"] = CSRF.search(form.group(1)).group(1)
    started = time.monotonic()
    status, job_url, _body = client.request(
        f"{base}/tong-hop/xuat-excel/", fields, {"Referer": f"{base}/tong-hop/"}
    )
    if status != 200 or not re.search(r"/viec-nen/\d+/$", job_url):
        return report.line(False, "export: queued from the dashboard", f"{status} {job_url}")
    report.line(True, "export: queued from the dashboard", urllib.parse.urlparse(job_url).path)
    state = "queued"
    while time.monotonic() - started < timeout:
        status, _url, body = client.request(job_url, headers={"HX-Request": "true"})
        text = body.decode("utf-8", "replace")
        if "text-bg-success" in text:
            state = "done"
            break
        if "text-bg-danger" in text:
            state = "failed"
            break
        time.sleep(0.5)
    waited = time.monotonic() - started
    if not report.line(
        state == "done", "export: made by the worker", f"{state} after {waited:.1f} s"
    ):
        return False
    status, _url, body = client.request(job_url + "tep/")
    return report.line(
        status == 200 and body[:2] == b"PK",
        "export: the .xlsx file downloads",
        f"{status}, {len(body)} bytes",
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bases", nargs="+", help="base URLs of the web servers")
    parser.add_argument("--user", default="demo-admin")
    parser.add_argument("--password", default="binhyen2025")
    parser.add_argument("--job-timeout", type=float, default=120, help="seconds for the export")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per request")
    args = parser.parse_args()
    bases = [b.rstrip("/") for b in args.bases]
    report = Report()
    client, visitor = Client(args.timeout), Client(args.timeout)
    if sign_in(client, bases[0], args.user, args.password, report):
        for base in bases:
            crawl(client, visitor, base, report)
            figure_source(client, base, report)
        export(client, bases[-1], args.job_timeout, report)
    print(f"smoke: {report.failures} failed" if report.failures else "smoke: all passed")
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
