"""Articles: slugs without diacritics, old addresses redirecting, draft → approved → scheduled,
what a reader sees on the page, search without accents, feeds, and the editors' scope."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from binhyen.portal import services
from binhyen.portal.models import Article, ArticleStatus, OldSlug

from . import helpers


def test_slug_has_no_diacritics():
    assert (
        services.slugify_vi("LĐLĐ TP Mỹ Tho thực hiện Kết luận 13-KL/TW")
        == "ldld-tp-my-tho-thuc-hien-ket-luan-13-kl-tw"
    )
    assert services.slugify_vi("Đường dây nóng: “Tổ tự quản”!") == "duong-day-nong-to-tu-quan"
    assert len(services.slugify_vi("Tổ tự quản " * 40)) <= services.SLUG_MAX


def test_same_title_gets_a_numbered_slug(w):
    a = helpers.article(w["hcm"], "Hội nghị tuyên truyền")
    b = helpers.article(w["hcm"], "Hội nghị tuyên truyền")
    assert (a.slug, b.slug) == ("hoi-nghi-tuyen-truyen", "hoi-nghi-tuyen-truyen-2")


def test_title_change_moves_the_address_and_the_old_one_redirects(w, client):
    a = helpers.article(w["hcm"], "Tin cũ về tổ tự quản")
    old_url = a.get_absolute_url()
    a = services.update_article(w["users"]["editor"], a, title="Tin mới về tổ tự quản")
    assert a.slug == "tin-moi-ve-to-tu-quan"
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == "/tin-tuc/tin-moi-ve-to-tu-quan"
    assert client.get("/tin-tuc/tin-cu-ve-to-tu-quan/ban-in").status_code == 301
    # a new article may not take the old address while it redirects
    b = helpers.article(w["hcm"], "Tin cũ về tổ tự quản")
    assert b.slug == "tin-cu-ve-to-tu-quan-2"
    assert OldSlug.objects.filter(slug="tin-cu-ve-to-tu-quan", article=a).exists()


def test_old_address_of_a_hidden_article_is_an_ordinary_404(w, client, client_as):
    """A draft retitled and scheduled a year ahead: its old address must not answer with a
    redirect to the new one (that would tell the public the new title before it is out)."""
    editor, approver = w["users"]["editor"], w["users"]["approver"]
    a = helpers.article(w["hcm"], "Tin cũ về tổ tự quản", published=False, actor=editor)
    a = services.update_article(editor, a, title="Kế hoạch bí mật năm sau")
    a = services.publish_article(
        approver, a, publish_at=timezone.now() + datetime.timedelta(days=400)
    )
    assert a.is_scheduled and a.slug == "ke-hoach-bi-mat-nam-sau"
    unknown = client.get("/tin-tuc/khong-co-bai-nay")
    for url in ("/tin-tuc/tin-cu-ve-to-tu-quan", "/tin-tuc/tin-cu-ve-to-tu-quan/ban-in"):
        response = client.get(url)
        assert response.status_code == 404 == unknown.status_code
        assert "Location" not in response
        page = response.content.decode()
        assert "ke-hoach-bi-mat" not in page and "Kế hoạch bí mật" not in page
        assert page.replace("tin-cu-ve-to-tu-quan", "khong-co-bai-nay") == unknown.content.decode()
    # an editor who may see the scheduled article is still taken to it
    moved = client_as(editor).get("/tin-tuc/tin-cu-ve-to-tu-quan")
    assert (moved.status_code, moved["Location"]) == (301, "/tin-tuc/ke-hoach-bi-mat-nam-sau")
    # once live, the old address redirects for everyone; withdrawn, it is a 404 again
    a = services.publish_article(
        approver, a, publish_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert (
        client.get("/tin-tuc/tin-cu-ve-to-tu-quan")["Location"]
        == "/tin-tuc/ke-hoach-bi-mat-nam-sau"
    )
    services.withdraw_article(editor, a)
    assert client.get("/tin-tuc/tin-cu-ve-to-tu-quan").status_code == 404


def test_draft_is_invisible_until_an_approver_publishes(w, client, client_as):
    editor, approver = w["users"]["editor"], w["users"]["approver"]
    a = services.create_article(
        editor,
        section=w["hcm"],
        category=helpers.category(w["hcm"]),
        title="Bài nháp",
        summary="Tóm tắt",
        body="<p>Thân bài</p>",
        author_name="Lan",
    )
    assert client.get(a.get_absolute_url()).status_code == 404
    services.submit_article(editor, a)
    with pytest.raises(ValidationError) as exc:
        services.publish_article(editor, a)
    assert "status" in exc.value.message_dict
    a = services.publish_article(approver, a)
    assert (a.status, a.approved_by) == (ArticleStatus.PUBLISHED, approver)
    assert client.get(a.get_absolute_url()).status_code == 200
    assert a.history.filter(history_user=approver).exists()


def test_editor_previews_own_draft_at_its_address(w, client_as):
    a = helpers.article(w["hcm"], "Bài đang viết", published=False)
    page = client_as(w["users"]["editor"]).get(a.get_absolute_url()).content.decode()
    assert "Bản xem trước" in page


def test_scheduled_article_appears_at_its_time(w, client):
    later = timezone.now() + datetime.timedelta(hours=2)
    a = helpers.article(w["hcm"], "Bài hẹn giờ", publish_at=later)
    assert a.is_scheduled
    assert client.get(a.get_absolute_url()).status_code == 404
    assert not Article.objects.published().filter(pk=a.pk).exists()
    assert (
        Article.objects.published(now=later + datetime.timedelta(minutes=1))
        .filter(pk=a.pk)
        .exists()
    )


def test_editor_of_another_federation_cannot_touch_the_article(w, client_as):
    a = helpers.article(w["hcm"], "Bài của Thành phố", published=False)
    with pytest.raises(ValidationError):
        services.update_article(w["users"]["mt_editor"], a, title="Sửa trộm")
    with pytest.raises(ValidationError):
        services.create_article(
            w["users"]["mt_editor"],
            section=w["hcm"],
            category=helpers.category(w["hcm"]),
            title="x",
            summary="y",
            body="<p>z</p>",
            author_name="a",
        )
    c = client_as(w["users"]["mt_editor"])
    assert c.get(f"/cong-thong-tin/quan-tri/bai-viet/{a.pk}/").status_code == 404
    assert c.get(a.get_absolute_url()).status_code == 404


def test_category_of_another_section_is_refused(w):
    with pytest.raises(ValidationError) as exc:
        services.create_article(
            w["users"]["root"],
            section=w["hcm"],
            category=helpers.category(w["mt"]),
            title="x",
            summary="y",
            body="<p>z</p>",
            author_name="a",
        )
    assert "category" in exc.value.message_dict


def test_article_page_shows_what_a_reader_expects(w, client):
    cover = helpers.image_file()
    when = timezone.make_aware(datetime.datetime(2022, 11, 15, 8, 0))
    a = helpers.article(
        w["mt"],
        "LĐLĐ TP Mỹ Tho thực hiện Kết luận 13-KL/TW",
        category_name="Phòng chống tội phạm",
        publish_at=when,
        author="Ban Tuyên giáo",
        cover=cover,
        cover_caption="Hội nghị quán triệt",
        cover_alt="Hội trường",
        summary="Một năm thực hiện Kết luận.",
    )
    related = helpers.article(
        w["mt"], "Tuyên truyền phòng, chống ma tuý", category_name="Phòng chống tội phạm"
    )
    assert a.get_absolute_url() == "/tin-tuc/ldld-tp-my-tho-thuc-hien-ket-luan-13-kl-tw"
    response = client.get(a.get_absolute_url())
    page = response.content.decode()
    assert "Thứ Ba, 15/11/2022" in page
    assert "Ban Tuyên giáo" in page
    assert "1 lượt xem" in page
    assert "Hội nghị quán triệt</figcaption>" in page
    assert 'alt="Hội trường"' in page
    assert related.title in page
    assert "Phòng chống tội phạm" in page
    assert (
        "http://testserver/tin-tuc/ldld-tp-my-tho-thuc-hien-ket-luan-13-kl-tw" in page
    )  # share link
    assert "Sao chép liên kết" in page
    assert "/tin-tuc/ldld-tp-my-tho-thuc-hien-ket-luan-13-kl-tw/ban-in" in page
    printed = client.get(a.get_absolute_url() + "/ban-in").content.decode()
    assert "Bản in" in printed and "Thứ Ba, 15/11/2022" in printed and "print.css" in printed


def test_cover_upload_is_resized(w):
    a = helpers.article(w["hcm"], "Ảnh lớn", cover=helpers.image_file(size=(4000, 3000)))
    from PIL import Image

    with Image.open(a.cover.path) as img:
        assert max(img.size) == 1600


def test_search_ignores_diacritics(w, client):
    helpers.article(w["hcm"], "Đẩy mạnh phòng, chống tội phạm trong công nhân")
    helpers.article(w["hcm"], "Giải bóng đá công nhân")
    page = client.get("/tin-tuc/", {"q": "phong chong toi pham"}).content.decode()
    assert "Đẩy mạnh phòng, chống tội phạm trong công nhân" in page
    assert "Giải bóng đá" not in page
    assert "1 tin bài" in page


def test_search_finds_words_of_the_body(w, client):
    helpers.article(w["hcm"], "Tin A", body="<p>Tổ tự quản khu nhà trọ Linh Xuân</p>")
    assert "Tin A" in client.get("/tin-tuc/", {"q": "LINH XUAN"}).content.decode()


def test_feeds_per_category(w, client):
    helpers.article(w["hcm"], "Tin về pháp luật lao động", category_name="Pháp luật")
    helpers.article(w["hcm"], "Tin về sự kiện", category_name="Tin tức - Sự kiện")
    rss = client.get("/cong-thong-tin/ldld-tp-ho-chi-minh/chuyen-muc/phap-luat/rss/")
    assert rss["Content-Type"].startswith("application/rss+xml")
    body = rss.content.decode()
    assert "Tin về pháp luật lao động" in body and "Tin về sự kiện" not in body
    atom = client.get("/cong-thong-tin/ldld-tp-ho-chi-minh/chuyen-muc/phap-luat/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert "<feed" in atom.content.decode()
    assert (
        client.get("/cong-thong-tin/ldld-tp-ho-chi-minh/chuyen-muc/khong-co/rss/").status_code
        == 404
    )


def test_home_lists_featured_and_latest(w, client):
    helpers.article(w["hcm"], "Tin nổi bật của tuần", featured=True)
    helpers.article(w["hcm"], "Tin thường")
    helpers.article(w["mt"], "Tin của Mỹ Tho")
    page = client.get("/cong-thong-tin/").content.decode()
    assert "Tin nổi bật của tuần" in page and "Tin thường" in page
    assert "Tin của Mỹ Tho" not in page
    mt = client.get("/cong-thong-tin/ldld-tp-my-tho/").content.decode()
    assert "Tin của Mỹ Tho" in mt
    assert "Đây là trang lưu trữ" in mt and "30/06/2025" in mt


def test_home_and_article_stay_within_ten_queries(w, client, django_assert_max_num_queries):
    for i in range(25):
        helpers.article(
            w["hcm"],
            f"Tin số {i}",
            featured=i % 5 == 0,
            cover=helpers.image_file(size=(64, 36)) if i < 3 else None,
        )
    a = Article.objects.get(slug="tin-so-7")
    client.get("/cong-thong-tin/")  # warms the cached figures fragment
    with django_assert_max_num_queries(10):
        assert client.get("/cong-thong-tin/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(a.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/tin-tuc/", {"q": "tin so"}).status_code == 200


def test_cold_home_stays_within_fifteen_queries(w, client, django_assert_max_num_queries):
    helpers.article(w["hcm"], "Tin")
    with django_assert_max_num_queries(15):
        assert client.get("/cong-thong-tin/").status_code == 200


def test_editor_writes_submits_and_approver_publishes_through_pages(w, client_as):
    c = client_as(w["users"]["editor"])
    response = c.post(
        "/cong-thong-tin/quan-tri/ldld-tp-ho-chi-minh/bai-viet-moi/",
        {
            "category": helpers.category(w["hcm"]).pk,
            "title": "Bài viết qua trang quản trị",
            "summary": "Tóm tắt",
            "body": "<p>Nội dung <script>alert(1)</script></p>",
            "author_name": "Lan",
        },
    )
    a = Article.objects.get(title="Bài viết qua trang quản trị")
    assert response.status_code == 302
    assert a.body == "<p>Nội dung </p>"
    c.post(f"/cong-thong-tin/quan-tri/bai-viet/{a.pk}/gui-duyet/")
    a.refresh_from_db()
    assert a.status == ArticleStatus.PENDING
    c.post(f"/cong-thong-tin/quan-tri/bai-viet/{a.pk}/dang/")  # an editor cannot publish
    a.refresh_from_db()
    assert a.status == ArticleStatus.PENDING
    c2 = client_as(w["users"]["approver"])
    c2.post(f"/cong-thong-tin/quan-tri/bai-viet/{a.pk}/dang/")
    a.refresh_from_db()
    assert a.status == ArticleStatus.PUBLISHED and a.approved_by == w["users"]["approver"]


def test_editor_dashboard_lists_only_own_federation_with_views(w, client_as):
    helpers.article(w["hcm"], "Bài Thành phố")
    helpers.article(w["mt"], "Bài Mỹ Tho")
    page = client_as(w["users"]["editor"]).get("/cong-thong-tin/quan-tri/").content.decode()
    assert "Bài Thành phố" in page and "Bài Mỹ Tho" not in page
    assert "Lượt xem" in page


def test_editor_uploads_an_image_for_the_body(w, client_as):
    c = client_as(w["users"]["editor"])
    response = c.post(
        "/cong-thong-tin/quan-tri/ldld-tp-ho-chi-minh/anh/",
        {"image": helpers.image_file(size=(2400, 1200))},
    )
    data = response.json()
    assert response.status_code == 200 and data["url"].startswith("/media/portal/uploads/")
    assert (data["width"], data["height"]) == (1600, 800)
    bad = c.post(
        "/cong-thong-tin/quan-tri/ldld-tp-ho-chi-minh/anh/",
        {"image": helpers.SimpleUploadedFile("x.jpg", b"not an image")},
    )
    assert bad.status_code == 400 and "không phải là ảnh" in bad.json()["error"]
    other = client_as(w["users"]["mt_editor"]).post(
        "/cong-thong-tin/quan-tri/ldld-tp-ho-chi-minh/anh/", {"image": helpers.image_file()}
    )
    assert other.status_code == 404
