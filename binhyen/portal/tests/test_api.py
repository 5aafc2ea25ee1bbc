"""The portal's API: public news and figures, scoped tips."""

import datetime

from django.test import Client
from django.utils import timezone

from binhyen import factories as f
from binhyen.incidents import services as incidents

from . import helpers


def test_public_articles_and_search(w):
    helpers.article(w["hcm"], "Phòng, chống tội phạm ở khu trọ")
    helpers.article(w["hcm"], "Bài nháp", published=False)
    data = Client().get("/api/v1/portal/articles", {"q": "phong chong"}).json()
    assert data["count"] == 1
    item = data["items"][0]
    assert (
        item["url"] == "/tin-tuc/phong-chong-toi-pham-o-khu-tro"
        and item["section"] == "ldld-tp-ho-chi-minh"
    )


def test_public_figures(w):
    data = Client().get("/api/v1/portal/sections/ldld-tp-ho-chi-minh/figures").json()
    assert data["groups"] == 0 and data["end"] == timezone.localdate().isoformat()
    assert Client().get("/api/v1/portal/sections/khong-co/figures").status_code == 404


def test_tips_are_scoped(w):
    incidents.submit_tip(
        ward=f.area("26794"),
        what="Trộm xe ở Linh Xuân.",
        happened_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert Client().get("/api/v1/portal/tips").status_code == 401
    police = Client()
    police.force_login(w["users"]["police"])
    assert police.get("/api/v1/portal/tips").json()["count"] == 1
    other = Client()
    other.force_login(w["users"]["mt_editor"])
    assert other.get("/api/v1/portal/tips").json()["count"] == 0
