"""HTML sanitizing for what editors and the public write: nh3 (the Rust ammonia cleaner) with
an allow-list, so no script, handler, style or foreign resource survives into a page."""

import html
import re

import nh3
from django.conf import settings

from binhyen.core.markup import DROPPED_WITH_CONTENT, plain_text  # noqa: F401 (portal's callers)

ARTICLE_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "img",
    "figure",
    "figcaption",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
}
ARTICLE_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
_SAFE_NUMBER = re.compile(r"^\d{1,4}$")


def _attribute_filter(tag, attribute, value):
    if tag == "img" and attribute == "src":
        # Images come from our own uploads only: no tracking pixels, no mixed content, and the
        # Content-Security-Policy (img-src 'self') agrees.
        return value if value.startswith(settings.MEDIA_URL) and ".." not in value else None
    if attribute in {"width", "height", "colspan", "rowspan", "start"}:
        return value if _SAFE_NUMBER.match(value) else None
    if attribute == "scope":
        return value if value in {"row", "col"} else None
    return value


def clean_html(value):
    """An article body as it may be stored and shown."""
    cleaned = nh3.clean(
        value or "",
        tags=ARTICLE_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ARTICLE_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    # An image whose source was refused is an empty, useless tag.
    return re.sub(r"<img(?![^>]*\ssrc=)[^>]*>", "", cleaned).strip()


def html_to_text(value):
    """The words of an HTML body, for the search column and summaries."""
    text = re.sub(r"<(br|/p|/h\d|/li|/blockquote)[^>]*>", " ", value or "")
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()
