"""Atom feeds of published comparisons: all of them, and those of one category.

Django's feeds put the request's host in front of relative links; every link returned here is
already absolute from ``SITE_URL``, which the feed generator keeps as it is.
"""

from __future__ import annotations

import datetime
import re
import uuid

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from comparisons.models import Category, Comparison
from comparisons.models.comparisons import ComparisonQuerySet
from comparisons.sharing import SITE_NAME
from compsite.urls_absolute import absolute

FEED_LENGTH = 20
# What XML 1.0 cannot carry: the C0 control characters but tab, line feed and carriage return.
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_text(value):
    if isinstance(value, str):
        return _NOT_IN_XML.sub("", value)
    if isinstance(value, list | tuple):  # categories
        return [_xml_text(item) for item in value]
    return value


class _Atom1Feed(Atom1Feed):
    """Atom without the characters XML cannot carry. Django refuses to write them, which cost
    the whole feed (a 500) for a form feed pasted into an intro or a name stored before names
    were validated: they are left out instead."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.feed = {key: _xml_text(value) for key, value in self.feed.items()}

    def add_item(self, *args, **kwargs) -> None:
        super().add_item(*args, **kwargs)
        self.items[-1] = {key: _xml_text(value) for key, value in self.items[-1].items()}


class ComparisonFeed(Feed):
    feed_type = _Atom1Feed
    title = f"{SITE_NAME}: the latest comparisons"
    subtitle = (
        "Side-by-side comparisons of AI tools: the panel's ship-or-skip verdicts, pricing reads "
        "and the community vote."
    )
    author_name = SITE_NAME
    description_template = "comparisons/feed_entry.html"

    def get_context_data(self, **kwargs) -> dict:
        # Django names the entry "obj" (and the site, from the request, "site"): say what it is.
        return {"comparison": kwargs["item"]}

    def link(self) -> str:
        return absolute(reverse("comparisons:home"))

    def feed_url(self) -> str:
        return absolute(reverse("comparisons:feed"))

    def feed_guid(self) -> str:
        return self.feed_url()

    def items(self) -> QuerySet[Comparison]:
        return self.latest(Comparison.objects.published().curated())

    @staticmethod
    def latest(comparisons: ComparisonQuerySet) -> QuerySet[Comparison]:
        """The newest entries (curated only: comparisons/listing.py says why) with what their summaries show, in a fixed number of queries."""
        return comparisons.latest_first().with_cards()[:FEED_LENGTH]

    def item_title(self, comparison: Comparison) -> str:
        return comparison.title

    def item_link(self, comparison: Comparison) -> str:
        return absolute(comparison.get_absolute_url())

    def item_guid(self, comparison: Comparison) -> str:
        # Not the link: a comparison's address changes when a tool is renamed, and a feed reader
        # would then show it as a new entry. Not a tag: URI either, whose authority must be a
        # domain name (SITE_URL may be an IP address, or have a port). A name-based UUID of the
        # site and the comparison's key is a valid id whatever SITE_URL is, and stays put.
        return uuid.uuid5(
            uuid.NAMESPACE_URL, f"{settings.SITE_URL}/#comparison-{comparison.pk}"
        ).urn

    def item_pubdate(self, comparison: Comparison) -> datetime.datetime | None:
        return comparison.published_at

    def item_updateddate(self, comparison: Comparison) -> datetime.datetime:
        return comparison.updated_at

    def item_categories(self, comparison: Comparison) -> list[str]:
        return sorted({tool.category.name for tool in comparison.ordered_tools})


class CategoryComparisonFeed(ComparisonFeed):
    """Comparisons with at least one tool in the category; an unknown category is a 404."""

    def get_object(self, request, slug: str) -> Category:
        return Category.objects.get(slug=slug)

    def title(self, category: Category) -> str:  # type: ignore[override]  # Feed passes the object
        return f"{SITE_NAME}: {category.name} comparisons"

    def subtitle(self, category: Category) -> str:  # type: ignore[override]  # Feed passes the object
        return category.description or f"Side-by-side comparisons of {category.name.lower()}."

    def link(self, category: Category) -> str:  # type: ignore[override]  # Feed passes the object
        return absolute(category.get_absolute_url())

    def feed_url(self, category: Category) -> str:  # type: ignore[override]  # Feed passes the object
        return absolute(reverse("comparisons:category_feed", kwargs={"slug": category.slug}))

    def feed_guid(self, category: Category) -> str:  # type: ignore[override]  # Feed passes the object
        return self.feed_url(category)

    def items(self, category: Category) -> QuerySet[Comparison]:  # type: ignore[override]  # as above
        return self.latest(
            Comparison.objects.published().curated().filter(tools__category=category).distinct()
        )
