"""Plausible bounds for what people type: one declaration per quantity, read by the model (its
validators and a database CheckConstraint), the form, the API schema and the import column.

An app declares its quantities next to its models (`ATTENDANCES = Bound(0, 10_000_000, …)`)
and every door reads that one object, so a figure the web form refuses is refused by the API,
the spreadsheet import and, last, by the database itself. The bounds are generous for real
work (one record may be a district's whole year, written as one aggregate) and far below what
would overflow a 32-bit column or a sum over the national cube.

Ids that come in as text (query parameters, form values) go through `parse_id`: anything that
is not a positive integer a bigint column can hold is "no such record", never a 500.
"""

import datetime
from dataclasses import dataclass

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import CheckConstraint, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from binhyen.core.periods import today
from binhyen.core.text import format_date, format_number

MAX_ID = 2**63 - 1

# The Vietnamese trade union dates from 1929; no record of this movement is older.
EARLIEST_DATE = datetime.date(1929, 7, 28)


@dataclass(frozen=True)
class Bound:
    low: int
    high: int

    @property
    def validators(self):
        return [MinValueValidator(self.low), MaxValueValidator(self.high)]

    def constraint(self, field, model_name):
        """`CheckConstraint` for `field` (NULL passes: optional figures stay optional)."""
        return CheckConstraint(
            condition=Q(**{f"{field}__gte": self.low, f"{field}__lte": self.high})
            | Q(**{f"{field}__isnull": True}),
            name=f"{model_name}_{field}_bounds",
            violation_error_message=self.message(),
        )

    def message(self):
        return format_lazy(
            _("Phải là số từ {low} đến {high}."),
            low=format_number(self.low, trim=True),
            high=format_number(self.high, trim=True),
        )

    def form_kwargs(self):
        """min_value/max_value for a forms.IntegerField (and the widget's min/max)."""
        return {"min_value": self.low, "max_value": self.high}

    def schema_kwargs(self):
        """ge/le for a ninja/pydantic Field: the OpenAPI schema states the bound."""
        return {"ge": self.low, "le": self.high}

    def column_kwargs(self):
        """min_value/max_value for a spreadsheets.Column."""
        return {"min_value": self.low, "max_value": self.high}


def bound_errors(obj, bounded):
    """{field: Vietnamese message} for the fields of `obj` outside their bound; `bounded` maps a
    field to (Bound, label). Services call it before saving, so a figure out of bounds is
    refused with its name before the database's CheckConstraint would have to refuse it."""
    errors = {}
    for name, (bound, label) in bounded.items():
        value = getattr(obj, name)
        if value is not None and not bound.low <= value <= bound.high:
            errors[name] = _("%(label)s phải từ %(low)s đến %(high)s.") % {
                "label": label,
                "low": format_number(bound.low, trim=True),
                "high": format_number(bound.high, trim=True),
            }
    return errors


def parse_id(value):
    """`value` (text from a URL or a form) as a record id, or None if it cannot be one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value or "").strip()
        if not text.isascii() or not text.isdigit() or len(text) > 19:
            return None
        number = int(text)
    return number if 1 <= number <= MAX_ID else None


def check_past_date(value, label, *, allow_future=False, earliest=EARLIEST_DATE):
    """A Vietnamese message if `value` (a date that has happened) is implausible, else None."""
    if value is None:
        return None
    if value < earliest:
        return _("%(label)s không thể trước %(d)s.") % {"label": label, "d": format_date(earliest)}
    if not allow_future and value > today():
        return _("%(label)s không thể sau hôm nay (%(d)s).") % {
            "label": label,
            "d": format_date(today()),
        }
    return None
