"""Who may call the API: Bearer tokens (good, bad, revoked, inactive) and the page session."""

import datetime

from django.test import Client
from django.utils import timezone

from binhyen import factories as f
from binhyen.api.models import ApiToken
from binhyen.api.services import issue_token, revoke_token
from binhyen.org.scoping import Role


def bearer(key):
    return {"Authorization": f"Bearer {key}"}


def assert_unauthenticated(response):
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["detail"].startswith("Chưa xác thực")


def test_a_valid_token_identifies_its_user(db, client):
    user = f.user(username="to-truong")
    _token, key = issue_token(user)
    response = client.get("/api/v1/me", headers=bearer(key))
    assert response.status_code == 200
    assert response.json()["username"] == "to-truong"


def test_no_token_and_wrong_token_are_401(db, client):
    assert_unauthenticated(client.get("/api/v1/me"))
    assert_unauthenticated(client.get("/api/v1/me", headers=bearer("by_khong-dung")))
    assert_unauthenticated(client.get("/api/v1/me", headers={"Authorization": "Basic eDp5"}))


def test_revoked_token_is_401(db, client):
    token, key = issue_token(f.user())
    revoke_token(token)
    assert_unauthenticated(client.get("/api/v1/me", headers=bearer(key)))


def test_token_of_an_inactive_user_is_401(db, client):
    user = f.user()
    _token, key = issue_token(user)
    user.is_active = False
    user.save()
    assert_unauthenticated(client.get("/api/v1/me", headers=bearer(key)))


def test_last_used_is_written_at_most_once_a_minute(db, client, django_assert_num_queries):
    token, key = issue_token(f.user())
    client.get("/api/v1/me", headers=bearer(key))
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    # Within the minute: the token lookup and the roles query, and no UPDATE.
    with django_assert_num_queries(2):
        client.get("/api/v1/me", headers=bearer(key))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - datetime.timedelta(minutes=2))
    client.get("/api/v1/me", headers=bearer(key))
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first - datetime.timedelta(seconds=1)
    assert ApiToken.objects.get(pk=token.pk).last_used_at <= timezone.now()


def test_logged_in_session_can_read(db, tree):
    user = f.user(username="trang-web")
    client = Client()
    client.force_login(user)
    assert client.get("/api/v1/me").json()["username"] == "trang-web"


def test_session_writes_need_the_csrf_token(db, tree):
    admin = f.user(role=Role.ADMIN, unit=tree["hcm"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    body = {"name": "Tên mới"}
    response = client.patch("/api/v1/units/HCM-Q9", body, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    client.get("/api/v1/docs")  # the docs page sets the CSRF cookie, as any page does
    csrf = client.cookies["csrftoken"].value
    response = client.patch(
        "/api/v1/units/HCM-Q9", body, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["name"] == "Tên mới"


def test_bearer_writes_need_no_csrf(db, tree):
    admin = f.user(role=Role.ADMIN, unit=tree["hcm"])
    _token, key = issue_token(admin)
    client = Client(enforce_csrf_checks=True)
    response = client.patch(
        "/api/v1/units/HCM-Q9",
        {"name": "Tên mới"},
        content_type="application/json",
        headers=bearer(key),
    )
    assert response.status_code == 200
