"""``/sitemap.xml``: published comparisons and tools, categories, reviewers and the site's pages.

Each section is one query (plus the paginator's count), however many items it lists.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse

from comparisons.models import Category, Comparison, Tool
from reviews.models import Reviewer


class SiteUrlSitemap(Sitemap):
    """Locations on ``SITE_URL``.

    Without django.contrib.sites, Django's sitemap takes the host from the request; these two
    methods make its ``protocol://domain/path`` exactly ``SITE_URL`` + path (what ``absolute()``
    builds everywhere else).
    """

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        parts = urlsplit(settings.SITE_URL)
        return parts.netloc + parts.path


class ComparisonSitemap(SiteUrlSitemap):
    def items(self):
        return Comparison.objects.published().latest_first().only("slug", "updated_at")

    def lastmod(self, comparison: Comparison):
        return comparison.updated_at


class ToolSitemap(SiteUrlSitemap):
    def items(self):
        # A tool page shows the tool's scorecards too: a new verdict changes the page.
        return (
            Tool.objects.published()
            .annotate(last_verdict=Max("scorecards__updated_at"))
            .only("slug", "updated_at")
            .order_by("slug")
        )

    def lastmod(self, tool: Tool):
        return max(filter(None, [tool.updated_at, tool.last_verdict]))


class CategorySitemap(SiteUrlSitemap):
    def items(self):
        return Category.objects.annotate(
            last_change=Max("tools__updated_at", filter=Q(tools__is_published=True))
        ).order_by("slug")

    def lastmod(self, category: Category):
        return category.last_change


class ReviewerSitemap(SiteUrlSitemap):
    def items(self):
        return Reviewer.objects.annotate(last_verdict=Max("scorecards__updated_at")).order_by(
            "slug"
        )

    def lastmod(self, reviewer: Reviewer):
        return reviewer.last_verdict


class PageSitemap(SiteUrlSitemap):
    def items(self) -> list[str]:
        return ["comparisons:home", "reviews:list", "about", "privacy"]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "comparisons": ComparisonSitemap,
    "tools": ToolSitemap,
    "categories": CategorySitemap,
    "reviewers": ReviewerSitemap,
}
