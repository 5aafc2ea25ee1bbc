"""Which apps have demo data, and in what order they are loaded."""

import importlib
import importlib.util

from django.apps import apps


def app_loaders():
    """The `demo` modules of the installed project apps other than org (whose tree and accounts
    load first), in INSTALLED_APPS order: each has a `load(stdout)` that attaches its demo data
    to the tree."""
    for config in apps.get_app_configs():
        if not config.name.startswith("binhyen.") or config.name in ("binhyen.org", __package__):
            continue
        name = f"{config.name}.demo"
        if importlib.util.find_spec(name) is not None:
            yield config.label, importlib.import_module(name)
