import pytest


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Jobs' files go to a temporary MEDIA_ROOT, never the checkout's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
