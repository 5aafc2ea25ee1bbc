"""The menu's question to the incidents app: may this reader see cases and tips?"""

from django import template

from binhyen.org.scoping import VIEW_ROLES, scope_of

register = template.Library()


@register.simple_tag
def may_see_cases(user):
    """A unit role or a police assignment (no query beyond the request's cached scope)."""
    return not scope_of(user, VIEW_ROLES, include_police=True).empty
