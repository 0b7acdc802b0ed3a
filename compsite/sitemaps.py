"""``/sitemap.xml``: an index of sections, each listing at most ``SECTION_LIMIT`` addresses a page.

The sections are the site's pages, published comparisons and tools, categories, reviewers and
the newsletter editions that went out; Django's sitemap framework paginates each
(``/sitemap-tools.xml?p=2``), and the index names every page of every section with the
section's latest ``lastmod``. A section's page is two queries (the paginator's count and the
page) however many addresses it lists, each date a subquery of the row it dates; the index is
two queries a section (its count and its latest date).
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem
from django.db.models import Max, OuterRef, Subquery
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe

from comparisons.models import Category, Comparison, Tool
from compsite import pages
from compsite.urls_absolute import absolute
from newsletter.models import Edition
from reviews.models import Reviewer, Scorecard

# Addresses in one page of a section. The protocol allows 50,000; a page of 50,000 tools took
# Django about 5 s to build (most of it the template), a worker's time for one request.
SECTION_LIMIT = 10_000


def slug_paths(url_name: str):
    """``reverse(url_name, kwargs={"slug": slug})`` for many slugs: reversed once, then filled.

    reverse() costs tens of microseconds a call, seconds for a page of addresses. A slug is
    letters, digits, hyphens and underscores, which a path never quotes.
    """
    marker = "slug-goes-here"
    head, tail = reverse(url_name, kwargs={"slug": marker}).split(marker)
    return lambda slug: f"{head}{slug}{tail}"


def _last_change(queryset):
    """The newest ``updated_at`` in ``queryset``, read from the top of its index (an aggregate
    over a join would read every row)."""
    return queryset.order_by("-updated_at").values_list("updated_at", flat=True).first()


def _newest(queryset, field: str = "updated_at"):
    """A subquery: the newest ``field`` in ``queryset`` (filtered on an ``OuterRef``)."""
    return Subquery(queryset.order_by(f"-{field}").values(field)[:1])


class SiteUrlSitemap(Sitemap):
    """Locations on ``SITE_URL``.

    Without django.contrib.sites, Django's sitemap takes the host from the request; these two
    methods make its ``protocol://domain/path`` exactly ``SITE_URL`` + path (what ``absolute()``
    builds everywhere else).
    """

    limit = SECTION_LIMIT

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        parts = urlsplit(settings.SITE_URL)
        return parts.netloc + parts.path

    def get_latest_lastmod(self):
        """The section's newest ``lastmod``, for the index: one aggregate query, never a loop
        over every item (Django's default)."""
        return None


def _latest(*dates):
    return max(filter(None, dates), default=None)


class ComparisonSitemap(SiteUrlSitemap):
    def items(self):
        # Curated only: a pair a reader voted on is no page of the editors' (comparisons/listing.py).
        return Comparison.objects.published().curated().latest_first().only("slug", "updated_at")

    def location(self, comparison: Comparison) -> str:
        return self.paths(comparison.slug)

    def lastmod(self, comparison: Comparison):
        return comparison.updated_at

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated_at"))["latest"]

    @cached_property
    def paths(self):
        return slug_paths("comparisons:detail")


class ToolSitemap(SiteUrlSitemap):
    def items(self):
        # A tool page shows the tool's scorecards too: a new verdict changes the page.
        return (
            Tool.objects.published()
            .annotate(last_verdict=_newest(Scorecard.objects.filter(tool=OuterRef("pk"))))
            .only("slug", "updated_at")
            .order_by("slug")
        )

    def location(self, tool: Tool) -> str:
        return self.paths(tool.slug)

    def lastmod(self, tool: Tool):
        return _latest(tool.updated_at, tool.last_verdict)

    def get_latest_lastmod(self):
        return _latest(
            _last_change(Tool.objects.published()),
            _last_change(Scorecard.objects.filter(tool__is_published=True)),
        )

    @cached_property
    def paths(self):
        return slug_paths("comparisons:tool")


class CategorySitemap(SiteUrlSitemap):
    def items(self):
        tools = Tool.objects.published().filter(category=OuterRef("pk"))
        return Category.objects.annotate(last_change=_newest(tools)).order_by("slug")

    def lastmod(self, category: Category):
        return category.last_change

    def get_latest_lastmod(self):
        return _last_change(Tool.objects.published())


class ReviewerSitemap(SiteUrlSitemap):
    def items(self):
        verdicts = Scorecard.objects.filter(reviewer=OuterRef("pk"))
        return Reviewer.objects.annotate(last_verdict=_newest(verdicts)).order_by("slug")

    def lastmod(self, reviewer: Reviewer):
        return reviewer.last_verdict

    def get_latest_lastmod(self):
        return _last_change(Scorecard.objects.all())


class EditionSitemap(SiteUrlSitemap):
    """The web version of each edition that went out."""

    def items(self):
        return Edition.objects.public().only("number", "updated_at").order_by("-number")

    def lastmod(self, edition: Edition):
        return edition.updated_at

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


def _newest_of(queryset) -> datetime.datetime | None:
    return queryset.aggregate(latest=Max("updated_at"))["latest"]


class PageSitemap(SiteUrlSitemap):
    """The home page, the index pages and the site's own pages, each dated by the newest change
        to what it shows: the home page by its comparisons and tools, an index (all comparisons, tools,
    categories, reviewers, panel vs crowd) by what it lists, the
        about and privacy pages by the date their text was last revised. Five queries."""

    def items(self) -> list[str]:
        return list(self.dates)

    def location(self, name: str) -> str:
        return reverse(name)

    def lastmod(self, name: str):
        return self.dates[name]

    def get_latest_lastmod(self):
        return _latest(*self.dates.values())

    @cached_property
    def dates(self) -> dict:
        comparisons = _newest_of(Comparison.objects.published().curated())
        tools = _newest_of(Tool.objects.published())
        verdicts = _newest_of(Scorecard.objects.filter(tool__is_published=True))
        editions = _newest_of(Edition.objects.public())
        return {
            "comparisons:home": _latest(comparisons, tools),
            "comparisons:list": comparisons,
            # Its comparisons' last edits; votes that move them leave no date on the rows.
            "comparisons:panel_vs_crowd": _newest_of(Comparison.objects.panel_vs_crowd()),
            "comparisons:tools": _latest(tools, verdicts),
            "comparisons:categories": tools,
            "reviews:list": verdicts,
            "newsletter:index": editions,
            "about": pages.ABOUT_REVISED,
            "privacy": pages.PRIVACY_REVISED,
        }


SITEMAPS = {
    "pages": PageSitemap,
    "comparisons": ComparisonSitemap,
    "tools": ToolSitemap,
    "categories": CategorySitemap,
    "reviewers": ReviewerSitemap,
    "editions": EditionSitemap,
}


@require_safe
def sitemap_index(request: HttpRequest) -> TemplateResponse:
    """Every page of every section that lists something, on ``SITE_URL``.

    Django's own index view takes the host from the request; this one uses ``absolute()`` and
    leaves out empty sections (a sitemap must list at least one address).
    """
    entries = []
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        paginator = sitemap.paginator
        if not paginator.count:
            continue
        location = absolute(reverse("sitemap-section", kwargs={"section": section}))
        lastmod = sitemap.get_latest_lastmod()
        entries.append(SitemapIndexItem(location, lastmod))
        entries.extend(
            SitemapIndexItem(f"{location}?p={page}", lastmod)
            for page in range(2, paginator.num_pages + 1)
        )
    response = TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"  # as Django's sections say
    return response
