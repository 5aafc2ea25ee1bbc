"""Shared pytest fixtures; factories live in binhyen/factories.py."""

import pytest


@pytest.fixture
def tree(db):
    from binhyen.factories import small_tree

    return small_tree()
