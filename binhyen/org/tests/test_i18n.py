"""Vietnamese first, English on request: the catalog, its compilation and the language switch."""

import datetime
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils.translation import override

from binhyen import factories as f
from binhyen.org.scoping import Role

PO = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
OURS = (
    "binhyen/templates/",
    "binhyen/org/",
    "binhyen/core/views.py",
    "binhyen/org/scoping.py",
    "binhyen/core/periods.py",
    "binhyen/core/errors.py",
    "binhyen/core/bounds.py",
)


pytestmark = pytest.mark.usefixtures("english")


def test_compile_translations_writes_a_readable_mo():
    mo = polib.mofile(str(PO.with_suffix(".mo")))
    assert {e.msgid: e.msgstr for e in mo}["Đơn vị trực thuộc"] == "Subordinate units"
    # each .mo is written aside and renamed into place (other processes may be reading it)
    assert list(PO.parent.glob(".*.tmp")) == []


def test_every_string_of_the_interface_has_an_english_translation():
    catalog = polib.pofile(str(PO))
    ours = [
        e for e in catalog if not e.obsolete and any(p.startswith(OURS) for p, _ in e.occurrences)
    ]
    assert len(ours) > 250
    missing = [e.msgid for e in ours if not e.msgstr or "fuzzy" in e.flags]
    assert missing == []
    broken = [
        e.msgid
        for e in ours
        if "python-format" in e.flags and sorted(_names(e.msgid)) != sorted(_names(e.msgstr))
    ]
    assert broken == []


def test_every_translate_tag_of_our_templates_is_in_the_catalog():
    import re

    msgids = {e.msgid for e in polib.pofile(str(PO))}
    root = Path(settings.BASE_DIR)
    templates = [
        *(root / "templates").rglob("*.html"),
        *(root / "org" / "templates").rglob("*.html"),
    ]
    tag = re.compile(r"""{%\s*translate\s+(["'])(.+?)\1""")
    found = {m.group(2) for path in templates for m in tag.finditer(path.read_text())}
    assert len(found) > 100
    assert sorted(found - msgids) == []


def test_every_period_label_and_message_is_in_the_catalog():
    # the labels are looked up from constants (gettext_noop) as well as _(): both must be there
    import re

    source = (Path(settings.BASE_DIR) / "core" / "periods.py").read_text()
    marked = set(re.findall(r"""(?:\b_|gettext_noop)\(\s*"((?:[^"\\]|\\.)+)"\s*\)""", source))
    assert len(marked) >= 24
    periods = {
        e.msgid for e in polib.pofile(str(PO)) if ("binhyen/core/periods.py", "") in e.occurrences
    }
    assert sorted(marked - periods) == []


def _names(text):
    import re

    return re.findall(r"%\((\w+)\)", text)


@pytest.mark.django_db
def test_switching_to_english_shows_english_labels(client, tree):
    client.force_login(f.user(role=Role.ADMIN, unit=tree["hcm"]))
    before = client.get("/don-vi/HCM-Q9/").content.decode()
    assert '<html lang="vi">' in before and "Đơn vị trực thuộc" in before
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/don-vi/HCM-Q9/"})
    assert response.status_code == 302 and response["Location"] == "/don-vi/HCM-Q9/"
    body = client.get("/don-vi/HCM-Q9/").content.decode()
    assert '<html lang="en">' in body
    for english in (
        "Subordinate units",
        "Unit details",
        "Change history",
        "Log out",
        "Grassroots unions",
    ):
        assert english in body
    assert "Đơn vị trực thuộc" not in body
    assert "Liên đoàn Lao động Quận 9" in body  # data stays as entered
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert "Đơn vị trực thuộc" in client.get("/don-vi/HCM-Q9/").content.decode()


@pytest.mark.django_db
def test_english_form_errors_and_model_labels(client, tree):
    client.force_login(f.user(role=Role.ADMIN, unit=tree["hcm"]))
    client.post("/i18n/setlang/", {"language": "en"})
    response = client.post("/don-vi/HCM-Q9-CS1/ket-thuc/", {"date": "31/12/2010"})
    body = response.content.decode()
    assert "The end date cannot be before the unit was founded." in body
    assert "Successor unit" in body


@pytest.mark.django_db
def test_ward_ids_in_the_select_have_no_thousands_separator_in_english(client, tree):
    # English groups digits ("2,728"); a ward id posted back that way matches no ward.
    client.force_login(f.user(role=Role.ADMIN, unit=tree["hcm"]))
    client.post("/i18n/setlang/", {"language": "en"})
    province = f.area("79", "province")
    ward = f.services.wards_of_province(province).get(name="Phường Thủ Dầu Một")
    assert ward.pk > 999
    body = client.get("/don-vi/phuong-xa/", {"province": province.pk}).content.decode()
    assert "— choose a ward/commune —" in body
    assert f'<option value="{ward.pk}">Phường Thủ Dầu Một</option>' in body
    assert f"{ward.pk:,}" not in body
    client.post("/i18n/setlang/", {"language": "vi"})


def test_page_numbers_of_the_pager_have_no_thousands_separator_in_english(rf):
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string

    page = Paginator(range(13_000), 10).page(1200)
    with override("en"):
        html = render_to_string(
            "_pagination.html", {"page_obj": page}, request=rf.get("/", {"q": "x"})
        )
    assert "Page 1200 of 1300 · 13.000 items" in html
    assert '<span class="visually-hidden">Page </span>1300</a>' in html
    assert "1,2" not in html and "1,3" not in html
    assert 'href="?q=x&amp;page=1201"' in html
    # the links around the current page, not those of page 1
    assert (
        'aria-current="page"><span class="page-link"><span class="visually-hidden">Page </span>1200</span>'
        in html
    )
    for near in (1197, 1198, 1199, 1201, 1202, 1203):
        assert f'<span class="visually-hidden">Page </span>{near}</a>' in html
    assert '<span class="visually-hidden">Page </span>4</a>' not in html


def test_vietnamese_number_and_date_filters():
    template = Template(
        "{% load vn %}{{ n|vn_number }} {{ big|vn_number }} {{ d|vn_date }} {{ none|vn_number }}|"
    )
    context = Context({"n": 3807, "big": 840528, "d": datetime.date(2020, 12, 31), "none": None})
    with override("en"):
        assert template.render(context) == "3.807 840.528 31/12/2020 |"


def test_an_english_browser_still_gets_vietnamese_until_the_person_switches(client, db):
    page = client.get("/tai-khoan/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Đăng nhập" in page.content.decode()


def test_the_own_stylesheet_is_served(client, db):
    assert client.get("/static/binhyen/app.css").status_code == 200
