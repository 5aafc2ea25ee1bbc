"""RSS 2.0 and Atom feeds of a section's news, whole or per category (Django syndication)."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .models import Article, Category, PortalSection

FEED_SIZE = 20


class SectionFeed(Feed):
    """Latest published articles of a section, or of one of its categories."""

    def get_object(self, request, section_slug, slug=None):
        section = get_object_or_404(
            PortalSection.objects.select_related("unit"), slug=section_slug, is_active=True
        )
        category = get_object_or_404(Category, section=section, slug=slug) if slug else None
        return section, category

    def title(self, obj):
        section, category = obj
        return f"{category.name} — {section.title}" if category else section.title

    def link(self, obj):
        section, category = obj
        return category.get_absolute_url() if category else section.get_absolute_url()

    def description(self, obj):
        section, category = obj
        return (
            category.description
            if category and category.description
            else _("Tin bài mới của %(s)s") % {"s": section.title}
        )

    def items(self, obj):
        section, category = obj
        qs = Article.objects.published().filter(section=section).select_related("category")
        if category:
            qs = qs.filter(category=category)
        return qs[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.author_name

    def item_categories(self, item):
        return [item.category.name]


class SectionAtomFeed(SectionFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)
