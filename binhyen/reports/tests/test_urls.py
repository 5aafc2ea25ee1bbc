"""The periodic reports' pages kept their paths when they left the reporting app: links in
mail, bookmarks and the notices already sent still open them."""

import pytest
from django.urls import resolve, reverse

PATHS = [
    ("reports:request-list", [], "/tong-hop/yeu-cau-bao-cao/"),
    ("reports:request-create", [], "/tong-hop/yeu-cau-bao-cao/them/"),
    ("reports:request-detail", [7], "/tong-hop/yeu-cau-bao-cao/7/"),
    ("reports:submission-document", [7, "docx"], "/tong-hop/bao-cao/7/tai-ve.docx"),
    ("reports:submission-document", [7, "pdf"], "/tong-hop/bao-cao/7/tai-ve.pdf"),
    ("reports:submission-detail", [7], "/tong-hop/bao-cao/7/"),
    ("reports:submission-action", [7, "approve"], "/tong-hop/bao-cao/7/approve/"),
    ("reports:notifications", [], "/tong-hop/thong-bao/"),
    ("reports:notifications-read", [], "/tong-hop/thong-bao/da-doc/"),
    ("reports:notification-open", [7], "/tong-hop/thong-bao/7/mo/"),
    # the reporting app's pages beside them, which a report links to
    ("reporting:dashboard", [], "/tong-hop/"),
    ("reporting:figure", [], "/tong-hop/nguon-so-lieu/"),
]


@pytest.mark.parametrize(("name", "args", "path"), PATHS)
def test_every_page_keeps_its_path(name, args, path):
    assert reverse(name, args=args) == path
    assert resolve(path).view_name == name


def test_the_api_keeps_its_paths():
    assert reverse("api:list_requests") == "/api/v1/report-requests"
    assert reverse("api:get_submission", kwargs={"pk": 7}) == "/api/v1/submissions/7"
    assert reverse("api:approve", kwargs={"pk": 7}) == "/api/v1/submissions/7/approve"
