"""Layout helpers: show a menu entry only when its page exists, mark the current section."""

from django import template
from django.urls import Resolver404, resolve

register = template.Library()


@register.simple_tag
def path_resolves(path):
    """True when `path` is served by some view, so the menu never links to a 404 while the
    app behind it is still being built."""
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


@register.simple_tag(takes_context=True)
def is_current(context, prefix, exact=False):
    """Whether the page being shown belongs to the menu entry at `prefix`."""
    request = context.get("request")
    if request is None:
        return False
    return request.path == prefix if exact else request.path.startswith(prefix)
