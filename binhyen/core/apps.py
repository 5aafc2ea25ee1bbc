from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Installed for its template tags (vn, ui) and project-wide commands; it has no models."""

    name = "binhyen.core"
    label = "core"
