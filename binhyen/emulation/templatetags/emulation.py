"""The menu's question to the emulation app: does this reader hold a unit role?"""

from django import template

from binhyen.org.scoping import VIEW_ROLES, scope_of

register = template.Library()


@register.simple_tag
def may_emulate(user):
    """A unit role anywhere (no query beyond the request's cached scope; police wards: no)."""
    return not scope_of(user, VIEW_ROLES).empty
