"""The checks a careful clerk makes on an activity, shared by the form, the API and the import.

Each returns {field: Vietnamese message}; the import maps fields to its column headers.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from binhyen.text import format_date


def date_errors(date, end_date, today=None):
    today = today or timezone.localdate()
    errors = {}
    if date is not None and date > today:
        errors["date"] = _("Ngày %(d)s ở tương lai; chỉ ghi hoạt động đã tổ chức (đến hôm nay %(t)s).") % {
            "d": format_date(date), "t": format_date(today)}
    if end_date is not None:
        if date is not None and end_date < date:
            errors["end_date"] = _("Ngày kết thúc (%(e)s) không được trước ngày bắt đầu (%(d)s).") % {
                "e": format_date(end_date), "d": format_date(date)}
        elif end_date > today:
            errors["end_date"] = _("Ngày kết thúc %(d)s ở tương lai; hãy ghi khi hoạt động đã xong.") % {
                "d": format_date(end_date)}
    return errors


def unit_open_error(name, valid_from, valid_to, day):
    """Message when the unit was not open on `day` (activities belong to units open that day)."""
    if day is None:
        return None
    if day < valid_from:
        return _("%(u)s chỉ được thành lập từ ngày %(f)s, sau ngày hoạt động %(d)s.") % {
            "u": name, "f": format_date(valid_from), "d": format_date(day)}
    if valid_to is not None and day > valid_to:
        return _("%(u)s đã kết thúc hoạt động ngày %(t)s, trước ngày hoạt động %(d)s; hãy ghi cho "
                 "đơn vị kế thừa.") % {"u": name, "t": format_date(valid_to), "d": format_date(day)}
    return None


def count_errors(counts_sessions, sessions, attendances, leaflets):
    errors = {}
    if sessions is not None and sessions < 0:
        errors["sessions"] = _("Số cuộc/buổi phải là số nguyên không âm.")
    elif counts_sessions and sessions is not None and sessions < 1:
        errors["sessions"] = _("Hoạt động đã tổ chức phải có ít nhất 1 cuộc/buổi.")
    if attendances is not None and attendances < 0:
        errors["attendances"] = _("Số lượt người phải là số nguyên không âm.")
    if leaflets is not None and leaflets < 0:
        errors["leaflets"] = _("Số tờ rơi phải là số nguyên không âm.")
    elif not counts_sessions and not leaflets:
        errors["leaflets"] = _("Hoạt động phát tờ rơi phải có số tờ rơi đã phát (lớn hơn 0).")
    return errors
