"""Each app's English catalog is complete: every entry translated with the msgid's
placeholders, and every string its templates mark for translation is in it (the org app and
the project templates share the project catalog, tested in org's test_i18n.py)."""

from pathlib import Path

import polib
import pytest

from binhyen.core import catalogs

ROOT = Path(__file__).resolve().parents[1] / "binhyen"
# app: fewer entries, {% translate %} tags or blocktranslate blocks than these means the
# catalog or the template scan lost something
APPS = {
    "activities": (280, 60, 5),
    "documents": (220, 90, 8),
    "groups": (300, 110, 10),
    "portal": (300, 115, 15),
    "reporting": (230, 80, 20),
    "reports": (190, 70, 5),
    "ops": (90, 8, 3),
    "enterprises": (150, 45, 5),
    "incidents": (380, 110, 15),
    "emulation": (300, 70, 1),
}


def _po(app):
    return ROOT / app / "locale" / "en" / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("app", APPS)
def test_every_string_of_the_app_is_translated(app):
    catalog = polib.pofile(str(_po(app)))
    assert len(catalog) > APPS[app][0]
    assert catalogs.untranslated(catalog) == []
    assert catalogs.broken_placeholders(catalog) == []


@pytest.mark.parametrize("app", APPS)
def test_every_translate_tag_of_the_apps_templates_is_in_its_catalog(app):
    tags, blocks = catalogs.template_strings(ROOT / app / "templates")
    assert len(tags) > APPS[app][1] and len(blocks) > APPS[app][2]
    assert sorted((tags | blocks) - catalogs.entries(_po(app)), key=str) == []
