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


@register.filter
def bootstrap(field):
    """Render a form field's widget with Bootstrap's classes, marked invalid when it has
    errors and described by its errors and help text, whatever form it comes from (ours,
    Django's auth forms, other apps')."""
    from django import forms

    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.RadioSelect):
        css = ""
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    classes = set(widget.attrs.get("class", "").split())
    if css:
        classes.add(css)
    if field.errors:
        classes.add("is-invalid")
    attrs = {"class": " ".join(sorted(classes))}
    described = []
    if field.errors:
        described.append(f"{field.auto_id}_errors")
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    if described and field.auto_id:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)
