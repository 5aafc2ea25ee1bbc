"""The API's documentation page, served entirely from this server (no CDN), under the site's
Content-Security-Policy: no inline script, Swagger UI started by ninja's own static
swagger-ui-init.js, which reads its settings from a JSON data block (json_script) and the CSRF
token from the body's data attributes.

ninja only serves its bundled Swagger UI when "ninja" is an installed app, and otherwise
points the page at a CDN. We render our own page and serve the Swagger UI files straight
from the installed django-ninja package, so the docs work offline and nothing is vendored.
"""

import mimetypes
from pathlib import Path

import ninja
from django.http import FileResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from ninja.openapi.docs import DocsBase

from binhyen.core.api import read_only, unknown_path

NINJA_STATIC = Path(ninja.__file__).resolve().parent / "static" / "ninja"
# template name → file in django-ninja's static/ninja/
ASSETS = {
    "css": "swagger-ui.css",
    "bundle": "swagger-ui-bundle.js",
    "init": "swagger-ui-init.js",
    "favicon": "favicon.svg",
}


class LocalSwagger(DocsBase):
    settings = {
        "layout": "BaseLayout",
        "deepLinking": True,
        # Swagger UI would otherwise send the spec's address to validator.swagger.io.
        "validatorUrl": None,
    }

    def render_page(self, request, api, **kwargs):
        settings = dict(self.settings, url=self.get_openapi_url(api, kwargs))
        namespace = api.urls_namespace
        assets = {
            key: reverse(f"{namespace}:docs-asset", args=[name]) for key, name in ASSETS.items()
        }
        context = {"api": api, "swagger_settings": settings, "assets": assets}
        return render(request, "api/docs.html", context)


@read_only
@cache_control(public=True, max_age=86400)
def asset(request, name):
    """One of Swagger UI's files from the installed django-ninja package."""
    if name not in ASSETS.values():
        return unknown_path(request)
    content_type, _encoding = mimetypes.guess_type(name)
    return FileResponse((NINJA_STATIC / name).open("rb"), content_type=content_type)
