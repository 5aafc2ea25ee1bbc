"""Vietnamese formatting filters for templates: {{ n|vn_number }} → 3.807, {{ d|vn_date }} → 31/12/2020."""

import datetime

from django import template

from binhyen.core.text import format_date, format_number

register = template.Library()


@register.filter
def vn_number(value):
    """3807 → "3.807"; empty for None or anything that is not a number."""
    if value is None or value == "":
        return ""
    try:
        return format_number(value)
    except (TypeError, ValueError):
        return value


@register.filter
def vn_date(value):
    """A date (or datetime, in the current time zone) as dd/mm/yyyy."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return format_date(value)
    return value


@register.filter
def vn_name(user):
    """A person as Vietnamese write it: family and middle names, then the given name
    (services.create_user keeps "Nguyễn Văn" in last_name and "An" in first_name)."""
    if user is None:
        return ""
    full = f"{user.last_name} {user.first_name}".strip()
    return full or user.get_username()


@register.filter
def total_minutes(value):
    """A timedelta as a whole number of minutes (for "thử lại sau 60 phút")."""
    if not isinstance(value, datetime.timedelta):
        return ""
    return int(value.total_seconds() // 60)


@register.filter
def page_links(page):
    """The page numbers a pager shows around `page` (a Page): the first and last pages, the
    pages next to the current one and ellipses between (Paginator.ELLIPSIS)."""
    return page.paginator.get_elided_page_range(page.number)
