"""Fixtures of the reporting tests: an API client calling as a user with a Bearer token."""

import pytest
from django.test import Client


@pytest.fixture
def api_as(db):
    from binhyen.api.services import issue_token

    def make(user):
        _token, key = issue_token(user, name="test")
        return Client(headers={"Authorization": f"Bearer {key}"})

    return make
