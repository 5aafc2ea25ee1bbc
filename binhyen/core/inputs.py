"""The edge: every text that enters through a web request is cleaned here once.

`clean_request_input` (middleware) passes the query string and every urlencoded or multipart
form field through `text.clean_text` before any view, form or ninja operation reads them:
query parameters as single lines, form fields keeping their line breaks (the middleware
cannot know which field is multi-line). `Form` — the base of every form in the project —
then folds the line breaks of single-line fields (every widget but a textarea), so a title is
one line whatever was pasted. JSON bodies are cleaned by the API's input schemas
(`api.common.In`), spreadsheet cells by `spreadsheets` converters: one function, four doors.

Passwords are never touched: a password is compared byte for byte.
"""

from django import forms
from django.http import QueryDict

from binhyen.core.text import clean_text

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _is_secret(key):
    return "password" in key.lower()


def _cleaned(querydict, multiline):
    copy = QueryDict(mutable=True, encoding=querydict.encoding)
    for key, values in querydict.lists():
        if _is_secret(key):
            copy.setlist(key, values)
        else:
            copy.setlist(clean_text(key), [clean_text(v, multiline) for v in values])
    copy._mutable = False
    return copy


def clean_request_input(get_response):
    def middleware(request):
        if request.GET:
            request.GET = _cleaned(request.GET, multiline=False)
        if request.method == "POST" and request.content_type in _FORM_TYPES:
            request.POST = _cleaned(request.POST, multiline=True)
        return get_response(request)

    return middleware


class Form(forms.Form):
    """A form whose text fields are cleaned whatever fed it (a request the middleware cleaned,
    a dict built in code): single-line fields (every widget but a textarea) lose their line
    breaks and tabs, which the middleware kept because it cannot tell a title from a note."""

    def full_clean(self):
        if self.is_bound:
            self.data = self._cleaned_data_source(self.data)
        super().full_clean()

    def _cleaned_data_source(self, data):
        text_fields = {
            self.add_prefix(name): isinstance(field.widget, forms.Textarea)
            for name, field in self.fields.items()
            if isinstance(field, forms.CharField)
            and not isinstance(field.widget, forms.PasswordInput)
        }
        present = [key for key in text_fields if key in data]
        if not present:
            return data
        copy = data.copy()
        for key in present:
            multiline = text_fields[key]
            if hasattr(copy, "setlist"):
                copy.setlist(key, [clean_text(v, multiline) for v in data.getlist(key)])
            else:
                copy[key] = clean_text(data[key], multiline)
        return copy
