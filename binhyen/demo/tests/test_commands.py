"""`binhyen demo` and `binhyen load-demo`: the tree and its accounts, then every app's demo data."""

import io
import sys
import types
from importlib.machinery import ModuleSpec

import pytest
from django.core.management import call_command, get_commands

from binhyen.cli import main as binhyen
from binhyen.demo import loader
from binhyen.org import demo
from binhyen.org.models import Unit

pytestmark = pytest.mark.django_db


def test_load_demo_command_prints_accounts_and_runs_app_loaders(monkeypatch):
    calls = []
    for app in ("groups", "activities"):
        name = f"binhyen.{app}.demo"
        module = types.ModuleType(name)
        module.__spec__ = ModuleSpec(name, None)
        module.load = lambda stdout, app=app: calls.append(app)
        monkeypatch.setitem(sys.modules, name, module)
    out = io.StringIO()
    call_command("load-demo", "--password", "mat-khau-demo-7", stdout=out)
    text = out.getvalue()
    for username in ("demo-admin", "demo-tinh", "demo-huyen", "demo-coso", "demo-congan"):
        assert username in text
    assert "mat-khau-demo-7" in text
    assert "Công đoàn cơ sở" in text
    assert calls == ["activities", "groups"]  # INSTALLED_APPS order


def test_a_weak_password_is_refused_with_a_vietnamese_message():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as exc:
        call_command("load-demo", "--password", "123", stdout=io.StringIO())
    assert "Không nạp được dữ liệu mẫu" in str(exc.value)
    assert not Unit.objects.exists()


def test_hyphenated_commands_are_found(capsys):
    assert get_commands()["load-demo"] == "binhyen.demo"
    assert get_commands()["demo"] == "binhyen.demo"
    with pytest.raises(SystemExit) as exc:
        binhyen(["binhyen", "load-demo", "--help"])
    assert exc.value.code == 0
    assert "--password" in capsys.readouterr().out


def test_demo_command_without_serving(monkeypatch):
    monkeypatch.setattr(loader, "app_loaders", lambda: iter(()))  # other apps' data: their tests
    out = io.StringIO()
    call_command("demo", "--no-serve", "--port", "8012", stdout=out)
    assert "http://127.0.0.1:8012/" in out.getvalue()
    assert "demo-congan" in out.getvalue()
    assert Unit.objects.filter(code=demo.COSO).exists()
