"""The API under an outside fuzzer: schemathesis generates requests from our own OpenAPI
description and checks that none of them gets a server error, that every answer is one the
description states (status code documented, JSON where JSON is said, body matching its schema).

Issue #23: run for two minutes against /api/v1/openapi.json, schemathesis found 500s (document ids
beyond 64 bits, lone surrogates in text fields) and answers outside the documented responses. This
module runs the same fuzzer on every `make test`, bounded and deterministic:

- the schema is the one /api/v1/openapi.json serves (a test checks they are equal) and requests go
  to the project's WSGI application in this process: no server, no network, and CSRF, sessions and
  every middleware as in production (Django's test client would skip the CSRF check);
- one small world built with binhyen/factories.py (units, groups and members, activities,
  documents, a report request and its submissions, a portal section), once for the module, in a
  transaction rolled back at its end; every generated request runs in a savepoint rolled back
  after it, so examples never see each other's writes;
- each operation is one test, `test_operation[POST /api/v1/activities]`: schemathesis' positive
  and negative data in equal parts, as a grassroots editor or as a provincial admin, with the path
  id drawn from the world's objects half of the time (so detail and write operations get past
  their 404) and fields that name a unit, ward, date, period, topic, kind… drawn from the
  world's values three times in four (so writes reach the services);
- every JSON body is also sent as each JSON value that is not an object;
- a fixed seed per operation, no example database, no shrinking: the same requests on every
  machine and every run. A failure names the operation, the failed check and a curl command that
  reproduces the request.

The generation happens when the test runs, not at collection (schemathesis' own pytest plugin
builds its cases while collecting, in every xdist worker, and gives its items one node id).
FUZZ_EXAMPLES=200 (environment) makes a longer local hunt; the module prints its time and the
number of requests it sent, and with FUZZ_REPORT=1 what each operation answered to positive and
negative data and why it refused schema-valid data (run with -s to see it).
"""

import datetime
import json
import os
import re
import time
import zlib

import hypothesis
import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from django.test import override_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from binhyen.api.urls import api

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "16"))  # per operation
SEED = 23  # issue #23
# Not negative_data_rejection: text is cleaned before its length is checked (binhyen.core.text), so a
# body over maxLength made of control characters is accepted once they are dropped, by design.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
MD5 = ["django.contrib.auth.hashers.MD5PasswordHasher"]
USERS = ("editor", "admin")
REPORT = bool(os.environ.get("FUZZ_REPORT"))  # print what each operation answered

# As served (through JSON: status codes become strings).
SCHEMA_DOCUMENT = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))
OPERATIONS = [
    f"{method.upper()} {path}"
    for path, methods in SCHEMA_DOCUMENT["paths"].items()
    for method in methods
]

# Operations whose failures are known and routed to the app that owns them (issue #23): each
# fails its test until fixed, and then the test fails as XPASS so the entry is removed.
KNOWN = {}

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("api_fuzz")]


# Fields that name something, and the dictionary of the world's values drawn for them three times
# in four (schemathesis' fuzz dictionaries), so writes get past "unknown unit" to the services; the
# rest of the time they get whatever the schema allows.
NAMED = {
    "units": [
        "unit",
        "parent",
        "into",
        "successor",
        "issuer_unit",
        "workplace_unit",
        "body.units[*]",
    ],
    "wards": ["ward"],
    "provinces": ["province"],
    "dates": [
        "date",
        "end_date",
        "founded",
        "closed",
        "joined",
        "left",
        "installed",
        "issued_on",
        "valid_from",
        "valid_to",
        "deadline",
        "coverage_start",
        "active_on",
        "as_of",
        "start",
        "end",
    ],
    "periods": ["period"],
    "topics": ["topic", "body.topics[*]"],
    "audiences": ["audience", "body.audiences[*]"],
    "channels": ["channel", "body.channels[*]"],
    "documents": ["document", "body.documents[*]", "body.implements[*]"],
    "groups": ["group"],
    "issuers": ["issuer"],
    "indicators": ["indicator", "indicators"],
}
# "kind" means another list in each app.
KINDS = {
    "^/api/v1/activities": "activity_kinds",
    "^/api/v1/(groups|boarding-houses|cameras)": "group_kinds",
    "^/api/v1/units": "unit_kinds",
}


def _schema(values):
    from django.core.wsgi import get_wsgi_application

    def bind(name):
        return {"dictionary": name, "probability": 0.75}

    config = schemathesis.Config.from_dict(
        {
            "generation": {"allow-x00": True},
            "analysis": {"constants": {"enabled": False}},
            "dictionaries": {name: {"values": entries} for name, entries in values.items()},
            # a bare name binds a query (or path) parameter, "body.name" a field of the JSON body
            "parameters": {
                f"{where}{key}": bind(name)
                for name, keys in NAMED.items()
                for key in keys
                for where in ("", "body.")
                if not key.startswith("body.") or not where
            },
            "operations": [
                {
                    "include-path-regex": regex,
                    "parameters": {"kind": bind(name), "body.kind": bind(name)},
                }
                for regex, name in KINDS.items()
            ],
        }
    )
    loaded = schemathesis.openapi.from_dict(SCHEMA_DOCUMENT, config=config)
    loaded.app = get_wsgi_application()
    loaded.location = "/api/v1/openapi.json"
    return loaded


# --- the world ------------------------------------------------------------------------------


def _build_world():
    """The users, what path parameters can name (by the resource the path starts with) and the
    dictionaries of NAMED fields. HCMC (province 79) with a ward union and its grassroots union,
    the closed Tiền Giang federation; a provincial admin of HCMC and an editor of the grassroots
    union; their activities, plans and reports, groups with members, a report request and its
    submissions, HCMC's portal section, an enterprise with a work stoppage and a tip."""
    from binhyen import factories as f
    from binhyen.incidents import services as incident_services
    from binhyen.org.scoping import Role
    from binhyen.portal import services as portal_services
    from binhyen.reports import services

    gt = f.group_tree()
    hcm, cs, ward_union = gt["hcm"], gt["cs"], gt["ward_union"]
    users = {
        "admin": f.user("fuzz-tinh", Role.ADMIN, hcm),
        "editor": f.user("fuzz-coso", Role.EDITOR, cs),
    }

    activities = [
        f.activity(cs, date=datetime.date(2024, 3, 1 + i), attendances=10 * (i + 1))
        for i in range(3)
    ]
    activities.append(f.activity(hcm, date=datetime.date(2024, 5, 2)))
    plan = f.document(hcm, "ke_hoach", issued_on=datetime.date(2024, 1, 10))
    documents = [
        plan,
        f.document(cs, "ke_hoach", issued_on=datetime.date(2024, 2, 1), implements=[plan]),
        f.document(ward_union, "bao_cao", issued_on=datetime.date(2024, 6, 30)),
    ]
    groups = [f.group(cs, founded=datetime.date(2021, 5, 1)), f.group(ward_union)]
    for g in groups:
        f.member(g)
        f.member(g)
    request = services.issue_request(
        f.superuser(), unit=hcm, period="2024", deadline=datetime.date(2025, 1, 15)
    )
    section = portal_services.create_section(
        f.superuser(),
        unit=hcm,
        slug="ldld-tp-ho-chi-minh",
        title="Liên đoàn Lao động Thành phố Hồ Chí Minh",
    )
    firm = f.enterprise(cs, workforce=1500, union=cs)
    incident = f.incident(cs, "ngung_viec", enterprise=firm)
    tip = incident_services.submit_tip(
        ward=firm.ward,
        what="Có người lạ tụ tập ở khu trọ ban đêm.",
        happened_on=incident.started_at.date(),
    )
    values = _dictionaries(gt, documents, groups)
    known = {
        "enterprises": [firm.pk],
        "incidents": [incident.pk],
        "tips": [tip.pk],
        "units": [u.code for u in gt.values()],
        "activities": [a.pk for a in activities],
        "documents": [d.pk for d in documents],
        "plans": [d.pk for d in documents],
        "groups": [g.pk for g in groups],
        "report-requests": [request.pk],
        "submissions": list(request.submissions.values_list("pk", flat=True)),
        "sections": [section.slug],
    }
    return users, known, values


def _dictionaries(gt, documents, groups):
    """The values NAMED fields draw from: the world's own objects and the reference lists."""
    from binhyen.activities.models import ActivityKind, Audience, Channel, Topic
    from binhyen.documents.models import Issuer
    from binhyen.figures import registry
    from binhyen.groups import services as group_services
    from binhyen.groups.models import GroupKind
    from binhyen.org.models import UnitKind

    def codes(model):
        return list(model.objects.order_by("code").values_list("code", flat=True)[:12])

    return {
        # the grassroots union both users may write for, weighted; then the rest of the tree
        "units": [gt["cs"].code] * 3 + [u.code for u in gt.values() if u != gt["cs"]],
        "wards": list(
            group_services.wards_for_unit(gt["hcm"])
            .order_by("code")
            .values_list("code", flat=True)[:5]
        ),
        "provinces": ["79", "82"],
        "dates": ["2024-03-15", "2023-12-31", "2025-01-10", "2021-07-01"],
        "periods": ["2024", "2024Q1", "2024H1", "2024-03", "2023-01-01..2024-12-31"],
        "topics": codes(Topic),
        "audiences": codes(Audience),
        "channels": codes(Channel),
        "documents": [d.pk for d in documents],
        "groups": [g.pk for g in groups],
        "issuers": codes(Issuer),
        "indicators": [i.code for i in registry.all_indicators()][:12],
        "activity_kinds": codes(ActivityKind),
        "group_kinds": codes(GroupKind),
        "unit_kinds": codes(UnitKind),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world, built once in a transaction that the module's tests sit in (each in its own
    savepoint, as the `db` fixture gives) and rolled back after the last of them."""
    from binhyen.api.services import issue_token

    started = time.perf_counter()
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=MD5):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            users, known, values = _build_world()
            tokens = {who: issue_token(user, name="fuzz")[1] for who, user in users.items()}
            connection.check_constraints()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    cache.clear()
    # The real handler closes the database connection around each request when it sits in a
    # transaction (on PostgreSQL); Django's test client unhooks that too.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    stats = {
        "requests": 0,
        "operations": 0,
        "built": time.perf_counter() - started,
        "statuses": {},
        "reasons": {},
    }
    yield {"schema": _schema(values), "tokens": tokens, "known": known, "stats": stats}
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
    cache.clear()
    lines = [
        f"api fuzz: {stats['requests']} requests to {stats['operations']} operations "
        f"({EXAMPLES} examples each) in {time.perf_counter() - started:.1f} s, "
        f"of which {stats['built']:.1f} s building the world"
    ]
    if REPORT:  # the answers by operation and kind of data, and why valid data was refused
        for (label, mode), tally in sorted(stats["statuses"].items()):
            counts = ", ".join(f"{status}: {n}" for status, n in sorted(tally.items()))
            lines.append(f"  {label} [{mode}] {counts}")
            if mode == "positive" and label in stats["reasons"]:
                top = sorted(stats["reasons"][label].items(), key=lambda kv: -kv[1])[:5]
                lines.extend(f"      ×{n} {reason}" for reason, n in top)
    print("\n" + "\n".join(lines))


def _operation_document(label):
    method, path = label.split(" ", 1)
    return SCHEMA_DOCUMENT["paths"][path][method.lower()]


def _resource(path):
    """/api/v1/groups/{pk}/members → "groups"; /api/v1/portal/sections/{slug}/… → "sections"."""
    parts = path.removeprefix("/api/v1/").split("/")
    return parts[1] if parts[0] == "portal" else parts[0]


def _cases(operation, known):
    """Positive and negative cases in equal parts; where the path names an object, half of them
    name one of the world's."""
    names = re.findall(r"{(\w+)}", operation.path)
    values = known.get(_resource(operation.path), [])
    by_mode = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        free = operation.as_strategy(generation_mode=mode)
        if len(names) == 1 and values:
            named = st.one_of(
                *[
                    operation.as_strategy(generation_mode=mode, path_parameters={names[0]: v})
                    for v in values
                ]
            )
            by_mode.append(st.one_of(free, named))
        else:
            by_mode.append(free)
    return st.one_of(*by_mode)


def _tally_reason(reasons, response):
    """Why schema-valid data was refused: the field named, or the message when none is."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    errors = body.get("errors") or [{"field": None, "message": body.get("detail", "?")}]
    for error in errors:
        if isinstance(error, dict) and "message" in error:
            key = f"{error.get('field') or '-'}: {error['message']}"[:90]
        else:
            key = str(error)[:90]
        reasons[key] = reasons.get(key, 0) + 1


def _send(case, who, world):
    """One request as `who`, in a savepoint rolled back after it, validated by CHECKS."""
    world["stats"]["requests"] += 1
    headers = {"Authorization": f"Bearer {world['tokens'][who]}"}
    with transaction.atomic():
        try:
            response = case.call(headers=headers)
            mode = case.meta.generation.mode.value if case.meta else "?"
            tally = world["stats"]["statuses"].setdefault((case.operation.label, mode), {})
            tally[response.status_code] = tally.get(response.status_code, 0) + 1
            if REPORT and mode == "positive" and response.status_code in (400, 422):
                _tally_reason(
                    world["stats"]["reasons"].setdefault(case.operation.label, {}), response
                )
            case.validate_response(response, checks=CHECKS, headers=headers)
            return response
        finally:
            transaction.set_rollback(True)
            cache.clear()


# --- the tests ------------------------------------------------------------------------------


def test_served_schema_is_the_one_fuzzed(db, client):
    assert client.get("/api/v1/openapi.json").json() == SCHEMA_DOCUMENT


def _params():
    for label in OPERATIONS:
        marks = [pytest.mark.xfail(reason=KNOWN[label], strict=True)] if label in KNOWN else []
        yield pytest.param(label, marks=marks, id=label)


@pytest.mark.parametrize("label", list(_params()))
def test_operation(label, world):
    operation = world["schema"].find_operation_by_label(label)
    world["stats"]["operations"] += 1

    @hypothesis.seed(zlib.crc32(f"{SEED} {label}".encode()))
    @hypothesis.settings(
        max_examples=EXAMPLES,
        database=None,
        deadline=None,
        derandomize=False,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
        print_blob=False,
    )
    @hypothesis.given(case=_cases(operation, world["known"]), who=st.sampled_from(USERS))
    def fuzz(case, who):
        _send(case, who, world)

    fuzz()


JSON_BODIES = [
    label
    for label in OPERATIONS
    if "application/json" in _operation_document(label).get("requestBody", {}).get("content", {})
]


@pytest.mark.parametrize("label", JSON_BODIES)
def test_a_body_that_is_not_an_object_is_refused(label, world):
    """Schemathesis' CLI (its coverage phase) sent `[null, null]` to PATCH operations and got 200:
    the body read as an empty change. Every JSON body, sent as each JSON value that is not an
    object, as the admin to one of the world's objects: refused before the view runs."""
    operation = world["schema"].find_operation_by_label(label)
    names = re.findall(r"{(\w+)}", operation.path)
    known = world["known"].get(_resource(operation.path), [])
    path_parameters = {names[0]: known[0]} if names and known else None
    for body in ([None, None], [], None, 5, "Quận 9", True):
        case = operation.Case(
            path_parameters=path_parameters, body=body, media_type="application/json"
        )
        response = _send(case, "admin", world)
        assert response.status_code == 422, (label, body, response.status_code)


# --- the harness itself can fail ---------------------------------------------------------------


def test_a_server_error_fails_with_a_request_that_reproduces_it(world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("hỏng")

    monkeypatch.setattr("binhyen.org.api.paginate", broken)
    case = world["schema"].find_operation_by_label("GET /api/v1/units").Case(query={"q": "Thủ Đức"})
    with pytest.raises(FailureGroup) as caught:
        _send(case, "admin", world)
    report = str(caught.value)
    assert "Server error" in report
    assert "curl -X GET" in report and "/api/v1/units?q=Th%E1%BB%A7+%C4%90%E1%BB%A9c" in report
    assert "Bearer" not in report  # the token is filtered out of the printed request


def test_an_undocumented_answer_fails(world, monkeypatch):
    from ninja.errors import HttpError

    def teapot(*args, **kwargs):
        raise HttpError(418, "Tôi là ấm trà.")

    monkeypatch.setattr("binhyen.org.api.paginate", teapot)
    case = world["schema"].find_operation_by_label("GET /api/v1/areas").Case()
    with pytest.raises(FailureGroup, match="Undocumented status code"):
        _send(case, "editor", world)
