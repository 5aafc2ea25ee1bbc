"""The production profile an operator installs from deploy/: gunicorn's configuration follows
the environment, `binhyen serve` starts it, the example environment file names exactly what
the code reads, production settings refuse to start unsafe, `check --deploy` says only the two
documented warnings, and gunicorn really serves the application."""

import json
import os
import re
import runpy
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.ROOT_DIR)
CONF = ROOT / "deploy" / "gunicorn.conf.py"
ENV_EXAMPLE = ROOT / "deploy" / "binhyen.env.example"
KEY = "k" * 20 + "-production-test-key-0123456789"  # 50 characters, no insecure prefix
# the two warnings README "Chạy thật" documents (and why they stay)
DOCUMENTED_WARNINGS = {"security.W008", "security.W021"}

# How code reads a variable: settings' env()/env_bool(), os.environ.get/[…], the gunicorn
# configuration's _int().
READS = re.compile(
    r"""(?:\benv(?:_bool)?|\b_int|os\.environ\.get|os\.getenv)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|os\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]"""
)


def _names_read(paths):
    names = set()
    for path in paths:
        for match in READS.finditer(path.read_text(encoding="utf-8")):
            names.add(match.group(1) or match.group(2))
    return names


def _code_files():
    files = [CONF]
    for path in (ROOT / "binhyen").rglob("*.py"):
        if "tests" not in path.parts and "migrations" not in path.parts:
            files.append(path)
    return files


def _example_names():
    """Every NAME= line of the example, set or commented out (# NAME=…)."""
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, re.M))


def _clean_env(**extra):
    """The environment of a fresh process: this one's, without any setting the example names
    (a developer's DEBUG or SECURE_COOKIES must not change what the test sees)."""
    # DJANGO_ALLOW_ASYNC_UNSAFE: set by the browser tests (Playwright) in this process
    names = _example_names() | {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in names}
    env.update(extra)
    return env


def _binhyen(args, env, timeout=120):
    code = "import sys; from binhyen.cli import main; main(['binhyen', *sys.argv[1:]])"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _load_conf(monkeypatch, **env):
    for name in _example_names() | {"PRODUCTION"}:
        # set first, so monkeypatch remembers the variable was absent and removes what the
        # file sets (os.environ.setdefault("PRODUCTION", "1")): it must not reach later tests
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


# ---------------------------------------------------------------- gunicorn's configuration


def test_gunicorn_conf_defaults_are_production(monkeypatch):
    conf = _load_conf(monkeypatch)
    cores = len(os.sched_getaffinity(0))
    assert os.environ["PRODUCTION"] == "1"  # a server started from this file is production
    assert conf["bind"] == ["127.0.0.1:8000"]
    assert conf["workers"] == 2 * cores + 1
    assert conf["threads"] == 1
    assert (conf["timeout"], conf["graceful_timeout"]) == (60, 30)
    assert conf["max_requests"] == 1000 and 0 < conf["max_requests_jitter"] < 1000
    assert conf["preload_app"] is False  # HUP must load the new code
    assert conf["accesslog"] == "-"
    assert "{x-request-id}o" in conf["access_log_format"]
    assert "%(M)s" in conf["access_log_format"]
    assert conf["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert conf.get("worker_tmp_dir") == ("/dev/shm" if os.path.isdir("/dev/shm") else None)


def test_gunicorn_conf_follows_the_environment(monkeypatch):
    conf = _load_conf(
        monkeypatch,
        BIND="10.0.0.11:8000,10.0.0.11:8001",
        WEB_WORKERS="1",
        WEB_THREADS="4",
        WEB_MAX_REQUESTS="500",
        FORWARDED_ALLOW_IPS="10.0.0.10",
        ACCESS_LOG="0",
        PRODUCTION="0",
    )
    assert conf["bind"] == ["10.0.0.11:8000", "10.0.0.11:8001"]
    assert conf["workers"] == 1  # WEB_WORKERS caps 2 × cores + 1
    assert conf["threads"] == 4
    assert conf["max_requests"] == 500
    assert conf["forwarded_allow_ips"] == "10.0.0.10"
    assert conf["accesslog"] is None
    assert os.environ["PRODUCTION"] == "0"  # an explicit choice is kept


def test_web_workers_is_a_cap_not_a_floor(monkeypatch):
    cores = len(os.sched_getaffinity(0))
    conf = _load_conf(monkeypatch, WEB_WORKERS="500")
    assert conf["workers"] == 2 * cores + 1


# ---------------------------------------------------------------- binhyen serve


def test_serve_help_names_gunicorn_and_the_reload():
    done = _binhyen(["serve", "--help"], _clean_env())
    assert done.returncode == 0, done.stderr
    assert "gunicorn" in done.stdout and "kill -HUP" in done.stdout
    assert "--bind" in done.stdout and "--workers" in done.stdout


def test_serve_passes_bind_and_workers_to_gunicorn(tmp_path):
    env = _clean_env(SECRET_KEY=KEY, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    done = _binhyen(["serve", "--dry-run", "--bind", "127.0.0.1:9123", "--workers", "3"], env)
    assert done.returncode == 0, done.stderr
    argv = done.stdout.split()
    assert argv[0].endswith("gunicorn") or argv[1:3] == ["-m", "gunicorn"]
    assert "binhyen.wsgi:application" in argv
    assert argv[argv.index("--config") + 1] == str(CONF)
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:9123"
    assert argv[argv.index("--workers") + 1] == "3"


def test_serve_says_why_it_will_not_start_without_a_secret_key(tmp_path):
    env = _clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    done = _binhyen(["serve", "--dry-run"], env)
    assert done.returncode != 0
    assert "SECRET_KEY" in done.stderr
    assert "Traceback" not in done.stderr


# ---------------------------------------------------------------- the example environment


def test_every_variable_of_the_example_is_read_by_the_code():
    unread = _example_names() - _names_read(_code_files())
    assert not unread, f"deploy/binhyen.env.example names variables nothing reads: {unread}"


def test_every_variable_the_code_reads_is_in_the_example():
    """settings.py's env()/env_bool() and every other read in binhyen/ and gunicorn.conf.py."""
    assert {"SECRET_KEY", "DATABASE_URL", "BIND"} <= _names_read(_code_files())
    missing = _names_read(_code_files()) - _example_names()
    assert not missing, f"add these to deploy/binhyen.env.example: {sorted(missing)}"


def test_the_example_starts_nothing_until_the_secret_key_is_set(tmp_path):
    """Copied unchanged, the example refuses to start: its SECRET_KEY is empty."""
    values = dict(
        re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", ENV_EXAMPLE.read_text(encoding="utf-8"), re.M)
    )
    assert values["PRODUCTION"] == "1" and values["SECRET_KEY"] == ""
    env = _clean_env(**values)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    done = _binhyen(["check"], env)
    assert done.returncode != 0 and "SECRET_KEY" in done.stderr


# ---------------------------------------------------------------- production settings


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({}, "SECRET_KEY"),
        ({"SECRET_KEY": "short-key"}, "SECRET_KEY"),
        ({"SECRET_KEY": KEY, "DEBUG": "1"}, "DEBUG"),
    ],
    ids=["no key", "short key", "debug"],
)
def test_production_refuses_to_start_unsafe(tmp_path, env, said):
    env = _clean_env(PRODUCTION="1", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", **env)
    done = _binhyen(["check"], env)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and said in done.stderr


def test_check_deploy_says_only_the_documented_warnings(tmp_path):
    env = _clean_env(
        PRODUCTION="1", SECRET_KEY=KEY, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}"
    )
    done = _binhyen(["check", "--deploy"], env)
    assert done.returncode == 0, done.stderr
    said = set(re.findall(r"\(([a-z_]+\.[EW]\d+)\)", done.stdout + done.stderr))
    assert said == DOCUMENTED_WARNINGS
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert all(code in readme for code in DOCUMENTED_WARNINGS)


# ---------------------------------------------------------------- gunicorn for real


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_gunicorn_serves_the_application_in_production(tmp_path):
    port = _free_port()
    env = _clean_env(
        SECRET_KEY=KEY,
        # the login page and /healthz read no table: an empty database serves them
        DATABASE_URL=f"sqlite:///{tmp_path / 'served.sqlite3'}",
        BIND=f"127.0.0.1:{port}",
        WEB_WORKERS="1",
        SECURE_COOKIES="0",  # plain HTTP on the loopback
        MEDIA_ROOT=str(tmp_path / "media"),
        TASK_BACKEND="immediate",
    )
    code = "import sys; from binhyen.cli import main; main(['binhyen', *sys.argv[1:]])"
    server = subprocess.Popen(
        [sys.executable, "-c", code, "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status, headers, body = _get(f"http://127.0.0.1:{port}/tai-khoan/login/")
                break
            except OSError:
                time.sleep(0.2)
        assert status == 200, server.poll()
        assert "csrfmiddlewaretoken" in body.decode()
        assert "Set-Cookie" in headers or "set-cookie" in {k.lower() for k in headers}
        status, headers, body = _get(f"http://127.0.0.1:{port}/healthz?q=ten-nguoi")
        assert status == 200
        request_id = headers["X-Request-ID"]
    finally:
        server.terminate()  # TERM: gunicorn's graceful stop
        out, err = server.communicate(timeout=30)
    assert server.returncode == 0, err[-2000:]
    # one JSON access line per request, with the request id and the duration, and without
    # the query string (a search for a person's name never reaches the log)
    access = [json.loads(line) for line in out.splitlines() if '"gunicorn.access"' in line]
    probe = next(line for line in access if line["request_id"] == request_id)
    assert probe["path"] == "/healthz" and probe["status"] == 200
    assert probe["duration_ms"] >= 0
    assert "ten-nguoi" not in out
    assert "Booting worker" in err
