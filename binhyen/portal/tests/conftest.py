"""Fixtures of the portal tests: a clean cache per test (counters, figures and the section
list live there) and a small world with two sections, editors and a police liaison."""

import pytest
from django.core.cache import cache

from . import helpers


@pytest.fixture(autouse=True)
def _clean_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def w(db):
    return helpers.world()


BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture
def client():
    """A client that looks like a person's browser (an empty User-Agent counts as a bot)."""
    from django.test import Client

    return Client(HTTP_USER_AGENT=BROWSER)


@pytest.fixture
def client_as():
    """A fresh logged-in browser per user (two users never share a session)."""
    from django.test import Client

    def login(user):
        c = Client(HTTP_USER_AGENT=BROWSER)
        c.force_login(user)
        return c

    return login
