"""Signing in and out, changing and resetting a password, and the lockout after 5 failures."""

import pytest
from django.core import mail

from binhyen import factories as f
from binhyen.org.scoping import Role

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-Thu-9"


def test_login_page_is_in_vietnamese(client):
    body = client.get("/tai-khoan/login/").content.decode()
    assert '<html lang="vi">' in body
    assert "Đăng nhập" in body and "Tên đăng nhập" in body and "Quên mật khẩu?" in body


def test_login_with_the_right_password_opens_the_home_page(client, tree):
    f.user(username="can-bo", role=Role.VIEWER, unit=tree["q9"])
    response = client.post("/tai-khoan/login/", {"username": "can-bo", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "Liên đoàn Lao động Quận 9" in client.get("/").content.decode()


def test_wrong_password_says_so_in_vietnamese(client):
    f.user(username="can-bo")
    response = client.post("/tai-khoan/login/", {"username": "can-bo", "password": "sai"})
    assert response.status_code == 200
    assert "mật khẩu chính xác" in response.content.decode()  # Django's own Vietnamese


def test_lockout_after_five_failed_logins(client):
    f.user(username="can-bo")
    statuses = [
        client.post("/tai-khoan/login/", {"username": "can-bo", "password": f"sai-{n}"}).status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]
    locked = client.post("/tai-khoan/login/", {"username": "can-bo", "password": PASSWORD})
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "Tài khoản tạm khoá" in body and "quá 5 lần" in body and "60 phút" in body
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post(client):
    client.force_login(f.user())
    assert client.get("/tai-khoan/logout/").status_code == 405
    response = client.post("/tai-khoan/logout/")
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/login/"
    assert client.get("/").status_code == 302


def test_user_menu_offers_password_change_and_logout(client, tree):
    client.force_login(f.user(role=Role.VIEWER, unit=tree["q9"]))
    body = client.get("/").content.decode()
    assert 'href="/tai-khoan/password_change/"' in body and "Đổi mật khẩu" in body
    assert 'action="/tai-khoan/logout/" method="post"' in body and "Đăng xuất" in body


def test_password_change(client):
    user = f.user(username="can-bo")
    client.force_login(user)
    form = client.get("/tai-khoan/password_change/").content.decode()
    assert "Mật khẩu cũ" in form  # Django's Vietnamese label
    response = client.post(
        "/tai-khoan/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "Hai-khau-Moi-2024",
            "new_password2": "Hai-khau-Moi-2024",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Hai-khau-Moi-2024")
    assert "Đã đổi mật khẩu" in client.get(response["Location"]).content.decode()


def test_password_change_with_wrong_old_password_saves_nothing(client):
    user = f.user(username="can-bo")
    client.force_login(user)
    response = client.post(
        "/tai-khoan/password_change/",
        {
            "old_password": "sai",
            "new_password1": "Hai-khau-Moi-2024",
            "new_password2": "Hai-khau-Moi-2024",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["old_password"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_reset_sends_a_vietnamese_email(client):
    f.user(username="can-bo", email="can-bo@congdoan.vn")
    response = client.post("/tai-khoan/password_reset/", {"email": "can-bo@congdoan.vn"})
    assert response.status_code == 302
    assert "Hãy kiểm tra hộp thư" in client.get(response["Location"]).content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Đặt lại mật khẩu Bình Yên"
    assert "Hãy mở đường dẫn sau để đặt mật khẩu mới" in message.body
    assert "/tai-khoan/reset/" in message.body
