"""Text people type, reduced to plain text: every tag gone, entities decoded. One rule for
every door that takes free text from a person (the portal's tip form, the officers' forms,
the API and the imports of the apps that call it), so an exported cell or an API answer never
carries markup someone typed."""

import html

import nh3

# Tags whose whole content goes, not only the tag (a <script>'s text must not become prose).
DROPPED_WITH_CONTENT = {
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "noscript",
    "template",
    "svg",
    "math",
    "select",
    "textarea",
    "title",
    "xmp",
    "noembed",
    "noframes",
}


def plain_text(value):
    """Text a visitor typed (tip fields, names): every tag gone, entities decoded, repeated
    until stable so an entity-encoded payload ("&lt;script&gt;") cannot come back as markup."""
    text = value or ""
    for _ in range(4):
        cleaned = html.unescape(
            nh3.clean(text, tags=set(), clean_content_tags=DROPPED_WITH_CONTENT)
        )
        if cleaned == text:
            break
        text = cleaned
    text = text.replace("<", "‹").replace(">", "›")  # what survives four passes is not markup
    return text.replace("\x00", "").strip()
