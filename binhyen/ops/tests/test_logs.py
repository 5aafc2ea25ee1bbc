"""What an operator reads in the logs: one JSON line per request with its id, path, status,
duration, user and unit; the same id on every line of that request; and never a phone
number or an ID number someone typed."""

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from binhyen import factories as f
from binhyen.ops import logs

ROOT = Path(__file__).resolve().parents[3]
PHONE = "0912345678"
ID_NUMBER = "079203004567"  # a citizen ID (CCCD)


@pytest.fixture
def captured():
    """Every line logged anywhere, at any level, through the given formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root, requests = logging.getLogger(), logging.getLogger("binhyen.request")
    levels = root.level, requests.level
    root.addHandler(handler)

    def start(formatter=None, level=None):
        handler.setFormatter(formatter or logs.JsonFormatter())
        if level is not None:  # as LOG_LEVEL and LOG_REQUEST_LEVEL would
            root.setLevel(level)
            requests.setLevel(level)
        return stream

    yield start
    root.removeHandler(handler)
    root.setLevel(levels[0])
    requests.setLevel(levels[1])


def json_lines(stream):
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]


def request_lines(stream):
    return [e for e in json_lines(stream) if e["logger"] == "binhyen.request"]


@pytest.mark.django_db
def test_a_request_line_has_its_id_path_status_duration_user_and_unit(client, captured, tree):
    out = captured()
    admin = f.superuser()
    client.force_login(admin)
    response = client.get(
        f"/don-vi/{tree['q9'].code}/?phone={PHONE}", headers={"X-Request-ID": "lb-7f3a9c21"}
    )
    assert response.status_code == 200
    assert response["X-Request-ID"] == "lb-7f3a9c21"
    [line] = request_lines(out)
    assert line["request_id"] == "lb-7f3a9c21"
    assert line["method"] == "GET"
    assert line["path"] == "/don-vi/HCM-Q9/"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert line["user_id"] == admin.pk
    assert line["unit"] == "HCM-Q9"
    assert line["level"] == "INFO"
    assert line["time"].endswith("Z")
    assert PHONE not in out.getvalue()


@pytest.mark.django_db
def test_the_unit_is_read_from_the_query_only_when_it_looks_like_a_code(client, captured):
    out = captured()
    client.get("/khong-co/?unit=HCM-TD")
    client.get("/khong-co/?unit=Nguyễn Văn A")
    first, second = request_lines(out)
    assert first["unit"] == "HCM-TD" and first["status"] == 404
    assert second["unit"] is None
    assert "Nguyễn" not in out.getvalue()


@pytest.mark.django_db
def test_an_anonymous_request_gets_a_new_id_when_the_header_is_unsafe(client, captured):
    out = captured()
    response = client.get("/khong-co/", headers={"X-Request-ID": "x\nFAKE LINE " + "a" * 100})
    new_id = response["X-Request-ID"]
    assert len(new_id) == 32 and int(new_id, 16) >= 0
    [line] = request_lines(out)
    assert line["request_id"] == new_id and line["user_id"] is None
    assert "FAKE LINE" not in out.getvalue()


@pytest.mark.django_db
def test_the_request_line_adds_no_query(client, captured, django_assert_num_queries):
    """A page that never looks at the user logs no user id rather than loading it."""
    out = captured()
    client.force_login(f.superuser())
    with django_assert_num_queries(0):
        client.get("/healthz")
    assert out.getvalue() == ""  # a successful probe is DEBUG: not at the default INFO
    out = captured(level=logging.DEBUG)
    with django_assert_num_queries(0):
        client.get("/healthz")
    [line] = request_lines(out)
    assert line["level"] == "DEBUG" and line["path"] == "/healthz" and line["user_id"] is None


def test_every_line_of_a_request_carries_its_id_and_the_exception_as_text(captured):
    out = captured()

    def view(request):
        try:
            {}["missing"]
        except KeyError:
            logging.getLogger("binhyen.groups").exception("could not read the member list")
        return HttpResponse("ok")

    response = logs.request_context(view)(RequestFactory().get(f"/mo-hinh/?q={PHONE}"))
    failure, request = json_lines(out)
    assert failure["request_id"] == request["request_id"] == response["X-Request-ID"]
    assert failure["path"] == "/mo-hinh/" and failure["level"] == "ERROR"
    assert "KeyError: 'missing'" in failure["exc_info"]
    assert request["status"] == 200
    assert logs.current_request_id() is None  # nothing left behind for the next request
    assert PHONE not in out.getvalue()


def test_djangos_own_lines_after_the_middleware_keep_the_request_id(captured):
    """Django writes "Service Unavailable: …" once the middleware has returned; the line
    still names the request (read from the record's `request`)."""
    out = captured()
    request = RequestFactory().get(f"/tong-hop/?unit=HCM&phone={PHONE}")
    response = logs.request_context(lambda r: HttpResponse(status=503))(request)
    logging.getLogger("django.request").error(
        "Service Unavailable: %s", request.path, extra={"status_code": 503, "request": request}
    )
    request_line, django_line = json_lines(out)
    assert django_line["request_id"] == request_line["request_id"] == response["X-Request-ID"]
    assert django_line["unit"] == "HCM" and "status_code" not in django_line
    assert PHONE not in out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("formatter", [logs.JsonFormatter, logs.TextFormatter])
def test_no_query_string_or_body_reaches_the_log(client, captured, formatter):
    """A tip sent with a phone number and an ID number, and a page asked with a phone number in
    its address: at the most verbose level, no line of any logger holds either."""
    from binhyen.portal import services

    gt = f.group_tree()
    services.create_section(
        f.superuser(), unit=gt["hcm"], slug="ldld-hcm", title="Liên đoàn Lao động TP.HCM"
    )
    out = captured(formatter(), level=logging.DEBUG)
    assert client.get(f"/tin-bao/?phone={PHONE}&cccd={ID_NUMBER}").status_code == 200
    response = client.post(
        f"/tin-bao/?phone={PHONE}",
        {
            "what": f"Người bị hại số CCCD {ID_NUMBER}, điện thoại {PHONE}",
            "anonymous": "",
            "reporter_name": "Trần Thị Bích",
            "reporter_phone": PHONE,
            "happened_on": "01/03/2025",
        },
    )
    assert response.status_code == 200  # the form comes back (no captcha): the body was read
    text = out.getvalue()
    assert text.count("/tin-bao/") >= 2  # both requests were logged
    for secret in (PHONE, ID_NUMBER, "Trần Thị Bích", "phone=", "cccd"):
        assert secret not in text


SCRIPT = """
import logging
import django
django.setup()
from django_tasks_db.management.commands.db_worker import Command
Command().configure_logging(1)  # what `binhyen worker` does at its start
logging.getLogger("django_tasks_db").info("Task id=1 state=RUNNING")
logging.getLogger("django.tasks").info("Task id=1 state=SUCCESSFUL")
logging.getLogger("binhyen.ops.tasks").warning("task failed (attempt 1 of 3); retrying")
"""


def _run(**env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LOG_", "PRODUCTION"))}
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "binhyen.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_writes_the_workers_logs_as_json_on_stdout():
    done = _run(PRODUCTION="1", SECRET_KEY="k" * 50)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(e["logger"], e["level"]) for e in lines] == [
        ("django_tasks_db", "INFO"),
        ("django.tasks", "INFO"),
        ("binhyen.ops.tasks", "WARNING"),
    ]
    assert all("request_id" not in e for e in lines)  # outside a request: no request fields


def test_a_log_format_that_does_not_exist_is_refused_by_name():
    done = _run(LOG_FORMAT="xml")
    assert done.returncode != 0
    assert "LOG_FORMAT='xml'" in done.stderr and "json" in done.stderr
