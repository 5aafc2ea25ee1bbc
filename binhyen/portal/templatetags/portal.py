"""Template filters of the portal: "Thứ Ba, 15/11/2022" dates and times of day."""

import datetime

from django import template
from django.utils import timezone

from binhyen.portal.schedule import long_date as _long_date

register = template.Library()


@register.filter
def long_date(value):
    """A date or datetime as "Thứ Ba, 15/11/2022"."""
    return _long_date(value) if value else ""


@register.filter
def clock(value):
    """The local time of a datetime as 08:30."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%H:%M")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    return ""
