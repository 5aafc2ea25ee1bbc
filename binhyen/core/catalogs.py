"""What each app's English catalog test reads: the catalog compiled and loaded, its entries
still untranslated or with placeholders that differ from the msgid, and the strings the
app's templates mark for translation, as makemessages writes them."""

import re
from pathlib import Path

import polib
from django.core.management import call_command

TAG = re.compile(r"""{%\s*translate\s+(["'])(.+?)\1(?:\s+context\s+(["'])(.+?)\3)?""")
BLOCK = re.compile(r"{%\s*blocktranslate[^%]*%}(.+?){%\s*(?:plural|endblocktranslate)\s*%}", re.S)


def compile_and_load():
    """Compile every catalog (`make install` does the same) and make Django read the .mo files
    again (the autoreloader's handler forgets every loaded translation, whichever .mo it is told of)."""
    from django.conf import settings
    from django.utils.translation.reloader import translation_file_changed

    call_command("compile-translations", verbosity=0)
    translation_file_changed(
        None, Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.mo"
    )


def _names(text):
    return sorted(re.findall(r"%\((\w+)\)", text))


def untranslated(catalog):
    """msgids of entries obsolete, untranslated or fuzzy."""
    return [e.msgid for e in catalog if e.obsolete or not e.translated() or "fuzzy" in e.flags]


def broken_placeholders(catalog):
    """msgids whose translation (each plural form) names other %(…)s placeholders."""
    return [
        e.msgid
        for e in catalog
        if "python-format" in e.flags
        and any(
            _names(t) != _names(e.msgid)
            for t in ([e.msgstr] if not e.msgid_plural else e.msgstr_plural.values())
        )
    ]


def template_strings(template_dir):
    """({(context, msgid)} of {% translate %} tags, {(None, msgid)} of blocktranslate blocks)
    in the templates under `template_dir`, with % doubled as makemessages writes them."""
    texts = [path.read_text() for path in template_dir.rglob("*.html")]
    tags = {
        (m.group(4), m.group(2).replace("%", "%%")) for text in texts for m in TAG.finditer(text)
    }
    blocks = {
        (None, re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", m.group(1).replace("%", "%%")))
        for text in texts
        for m in BLOCK.finditer(text)
    }
    return tags, blocks


def entries(po):
    return {(e.msgctxt, e.msgid) for e in polib.pofile(str(po))}
