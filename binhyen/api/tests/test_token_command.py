"""`binhyen token USERNAME` issues a token shown once and stored only as a hash."""

import hashlib

import pytest
from django.core.management import CommandError, call_command

from binhyen import factories as f
from binhyen.api.models import ApiToken


def test_prints_a_new_token_once_and_stores_only_its_hash(db, capsys):
    user = f.user(username="can-bo")
    call_command("token", "can-bo", "--name", "máy báo cáo")
    out, err = capsys.readouterr()
    key = out.strip()
    assert key.startswith("by_") and len(key) > 40
    assert "không được hiển thị lại" in err
    token = ApiToken.objects.get(user=user)
    assert token.name == "máy báo cáo"
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key[:10] == token.prefix
    assert not ApiToken.objects.filter(key_hash=key).exists()
    assert key not in str(list(ApiToken.objects.values()))


def test_two_calls_give_two_different_tokens(db, capsys):
    f.user(username="can-bo")
    call_command("token", "can-bo")
    call_command("token", "can-bo")
    first, second = capsys.readouterr().out.split()
    assert first != second
    assert ApiToken.objects.count() == 2


def test_unknown_user_gets_a_vietnamese_error(db):
    with pytest.raises(CommandError, match="Không có người dùng “khong-ai”"):
        call_command("token", "khong-ai")
    assert not ApiToken.objects.exists()


def test_inactive_user_gets_no_token(db):
    f.user(username="da-nghi", is_active=False)
    with pytest.raises(CommandError, match="đã bị khóa"):
        call_command("token", "da-nghi")
    assert not ApiToken.objects.exists()


def test_revoke_by_prefix(db, capsys):
    f.user(username="can-bo")
    call_command("token", "can-bo")
    key = capsys.readouterr().out.strip()
    call_command("token", "can-bo", "--revoke", key[:10])
    assert "Đã thu hồi" in capsys.readouterr().out
    assert ApiToken.objects.get().revoked
