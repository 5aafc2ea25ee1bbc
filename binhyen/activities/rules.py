"""The checks a careful clerk makes on an activity, shared by the form, the API and the import.

Each returns {field: Vietnamese message}; the import maps fields to its column headers.
"""

from django.utils.translation import gettext as _

from binhyen.core import periods
from binhyen.core.bounds import EARLIEST_DATE
from binhyen.core.text import format_date, format_number

from .models import ATTENDANCES, LEAFLETS, SESSIONS


def date_errors(date, end_date, today=None):
    today = today or periods.today()
    errors = {}
    if date is not None and date > today:
        errors["date"] = _(
            "Ngày %(d)s ở tương lai; chỉ ghi hoạt động đã tổ chức (đến hôm nay %(t)s)."
        ) % {"d": format_date(date), "t": format_date(today)}
    elif date is not None and date < EARLIEST_DATE:
        errors["date"] = _(
            "Ngày %(d)s quá xa: hoạt động của phong trào không thể trước ngày %(e)s."
        ) % {"d": format_date(date), "e": format_date(EARLIEST_DATE)}
    if end_date is not None:
        if date is not None and end_date < date:
            errors["end_date"] = _(
                "Ngày kết thúc (%(e)s) không được trước ngày bắt đầu (%(d)s)."
            ) % {"e": format_date(end_date), "d": format_date(date)}
        elif end_date > today:
            errors["end_date"] = _(
                "Ngày kết thúc %(d)s ở tương lai; hãy ghi khi hoạt động đã xong."
            ) % {"d": format_date(end_date)}
        elif end_date < EARLIEST_DATE:
            errors["end_date"] = _("Ngày kết thúc %(d)s quá xa: không thể trước ngày %(e)s.") % {
                "d": format_date(end_date),
                "e": format_date(EARLIEST_DATE),
            }
    return errors


def unit_open_error(name, valid_from, valid_to, day):
    """Message when the unit was not open on `day` (activities belong to units open that day)."""
    if day is None:
        return None
    if day < valid_from:
        return _("%(u)s chỉ được thành lập từ ngày %(f)s, sau ngày hoạt động %(d)s.") % {
            "u": name,
            "f": format_date(valid_from),
            "d": format_date(day),
        }
    if valid_to is not None and day > valid_to:
        return _(
            "%(u)s đã kết thúc hoạt động ngày %(t)s, trước ngày hoạt động %(d)s; hãy ghi cho "
            "đơn vị kế thừa."
        ) % {"u": name, "t": format_date(valid_to), "d": format_date(day)}
    return None


def _not_a_count(value):
    """True for what is not a whole number: a JSON `true` reaching a service must not count as 1."""
    return isinstance(value, bool) or not isinstance(value, int)


_COUNTS = (("sessions", SESSIONS), ("attendances", ATTENDANCES), ("leaflets", LEAFLETS))


def bound_errors(sessions, attendances, leaflets):
    """The counts as whole numbers within their bounds (models.SESSIONS…), whatever the kind.
    Called for every row of an import: the messages are made only for a value that fails."""
    errors = {}
    for (field, bound), value in zip(_COUNTS, (sessions, attendances, leaflets), strict=True):
        if value is None or (type(value) is int and bound.low <= value <= bound.high):
            continue
        if _not_a_count(value) or value < bound.low:
            errors[field] = _negative_message(field)
        else:
            errors[field] = _(
                "%(f)s tối đa %(max)s; %(v)s là quá lớn (nếu là tổng của nhiều hoạt động, "
                "hãy ghi thành nhiều hoạt động)."
            ) % {"f": _label(field), "max": format_number(bound.high), "v": format_number(value)}
    return errors


def _negative_message(field):
    if field == "sessions":
        return _("Số cuộc/buổi phải là số nguyên không âm.")
    if field == "attendances":
        return _("Số lượt người phải là số nguyên không âm.")
    return _("Số tờ rơi phải là số nguyên không âm.")


def _label(field):
    if field == "sessions":
        return _("Số cuộc/buổi")
    if field == "attendances":
        return _("Số lượt người tham dự")
    return _("Số tờ rơi")


def count_errors(counts_sessions, sessions, attendances, leaflets):
    """bound_errors, then the kind's rules: at least one session for a kind that counts them,
    leaflets for a leaflet drive."""
    errors = bound_errors(sessions, attendances, leaflets)
    if counts_sessions and "sessions" not in errors and sessions is not None and sessions < 1:
        errors["sessions"] = _("Hoạt động đã tổ chức phải có ít nhất 1 cuộc/buổi.")
    if not counts_sessions and "leaflets" not in errors and not leaflets:
        errors["leaflets"] = _("Hoạt động phát tờ rơi phải có số tờ rơi đã phát (lớn hơn 0).")
    return errors
