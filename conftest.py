"""Shared pytest fixtures; factories live in binhyen/factories.py."""

import pytest


@pytest.fixture
def tree(db):
    from binhyen.factories import small_tree

    return small_tree()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database holds Vietnam's geography (org.Area) once per session, as a real
    database does after `binhyen load-areas`: tests look areas up by code, never create them."""
    from binhyen.org.geography import load_areas

    with django_db_blocker.unblock():
        load_areas()


def _is_transactional(request):
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
                   or (marker.args and marker.args[0])):
        return True
    return bool(
        {"transactional_db", "live_server", "django_db_reset_sequences"} & set(request.fixturenames)
    )


@pytest.fixture(autouse=True)
def _areas_after_flush(request):
    """A transactional test (live server, browser) empties every table when it ends, areas
    included; pytest-django runs those tests last, so each one reloads the areas if needed."""
    if not _is_transactional(request):
        return
    request.getfixturevalue("django_db_setup")
    from binhyen.org.geography import load_areas
    from binhyen.org.models import Area

    with request.getfixturevalue("django_db_blocker").unblock():
        if not Area.objects.exists():
            load_areas()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing costs ~0.3 s per user on this hardware; tests create hundreds of users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
